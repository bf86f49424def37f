// Tests that drive an external tool (terraform, ignition-validate,
// systemd-analyze, ...) follow one policy when the tool is missing: on a
// developer's machine the suite is skipped with one line saying what is
// skipped and how to get the tool; on CI, where the tool is supposed to be
// installed, a missing tool fails the run, so a broken CI setup can never pass
// by skipping the very tests it exists to run.
import { spawnSync } from 'node:child_process';

/** Whether an external tool is usable, and how to get it if not. */
export interface ToolCheck {
  /** What is needed, e.g. `terraform with the azurerm provider`. */
  readonly tool: string;
  /** Why it is unusable here; `undefined` when it is usable. */
  readonly missing?: string;
  /** What a person runs or sets to get it, in one sentence. */
  readonly install: string;
}

/**
 * True on CI. The `CI` variable is set by GitHub Actions, GitLab, Jenkins,
 * Buildkite and others (to `true` or `1`) and by `.ci/run`.
 */
export function onCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== 'false' && v !== '0';
}

/** The one line printed when a suite is skipped. */
export function skipLine(title: string, check: ToolCheck): string {
  return `SKIPPED "${title}": needs ${check.tool}, but ${check.missing}. To run it: ${check.install} (with CI=true a missing tool fails instead of skipping)`;
}

/**
 * `describe(title, body)` when the tool is usable. Otherwise: on CI, one
 * failing test that says what is missing; elsewhere, the suite is registered
 * as skipped and one line goes to stderr (not through `console`, which Jest
 * decorates with a stack trace).
 */
export function describeIfTool(title: string, check: ToolCheck, body: () => void): void {
  if (check.missing === undefined) {
    describe(title, body);
    return;
  }
  if (onCI()) {
    describe(title, () => {
      it(`has ${check.tool}`, () => {
        throw new Error(`${check.tool} is required on CI, but ${check.missing}. Fix: ${check.install}`);
      });
    });
    return;
  }
  process.stderr.write(`${skipLine(title, check)}\n`);
  describe.skip(title, body);
}

/**
 * Runs `command args` (default `--version`) and reports whether it started
 * and exited 0; `output` is its stdout, `problem` why it is unusable.
 */
export function probeCommand(command: string, args: readonly string[] = ['--version']): { output: string; problem?: string } {
  const res = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (res.error) {
    const code = (res.error as NodeJS.ErrnoException).code;
    return { output: '', problem: code === 'ENOENT' ? `\`${command}\` was not found${command.includes('/') ? '' : ' on PATH'}` : `\`${command}\` could not run (${res.error.message})` };
  }
  if (res.status !== 0) {
    const why = (res.stderr || res.stdout).trim().split('\n')[0] ?? '';
    return { output: res.stdout, problem: `\`${command} ${args.join(' ')}\` exited ${res.status ?? res.signal}${why ? `: ${why}` : ''}` };
  }
  return { output: res.stdout };
}
