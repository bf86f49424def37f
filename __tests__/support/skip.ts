// The one skip policy for suites that drive an external program (a
// validator, terraform, CDK Terrain, a second Node.js). `describeWhen` is the
// only place that decides whether such a suite runs, is skipped, or fails:
//
// - the requirement is met: the suite runs;
// - it is not, on a contributor's machine: the suite is skipped, and ONE line
//   on stderr names the suite, what is missing and how to install it;
// - it is not, under CI (CI set to anything but '', '0' or 'false'): the
//   suite fails with the same advice, because .ci/run installs everything the
//   suites use and a CI run must never pass by leaving a check out. The one
//   exception is a requirement marked `ciMayLack` (Terraform providers, which
//   no machine here can download): it prints the same SKIPPED line in CI too.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** What a suite needs, and whether this machine has it. */
export interface Requirement {
  /** What is needed, as the user knows it, e.g. `ignition-validate`. */
  readonly what: string;
  /** Why it is unusable here; `undefined` when it is usable. */
  readonly missing?: string;
  /** How to get it, in one sentence. */
  readonly install: string;
  /**
   * True when CI may lack it, so CI skips instead of failing. Only for what
   * .ci/run cannot install (providers from a registry CI cannot reach).
   */
  readonly ciMayLack?: boolean;
}

/** What happens to a suite: runs, is skipped, or fails. */
export type Verdict = 'run' | 'skip' | 'fail';

/** True under CI: `CI` set to anything but '', '0' or 'false' (the reading jest and most CI-aware tools use). */
export function onCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/** The policy itself, as data, so it can be tested without running jest. */
export function verdict(req: Requirement, env: NodeJS.ProcessEnv = process.env): Verdict {
  if (req.missing === undefined) return 'run';
  return onCI(env) && !req.ciMayLack ? 'fail' : 'skip';
}

/** The one line printed for a skipped suite. */
export function skipLine(title: string, req: Requirement, env: NodeJS.ProcessEnv = process.env): string {
  const ci = req.ciMayLack
    ? onCI(env) ? ' (skipped in CI too: CI cannot install it)' : ' (CI skips it too where it cannot be installed)'
    : ' (with CI=true this fails instead of skipping)';
  return `SKIPPED "${title}": needs ${req.what}, but ${req.missing}. To run it: ${req.install}${ci}`;
}

/** The error a suite fails with under CI. */
export function failMessage(req: Requirement): string {
  return `${req.what} is required under CI=true (.ci/run installs it), but ${req.missing}. Fix: ${req.install}`;
}

/**
 * `describe(title, body)` when every requirement is met. Otherwise, by
 * {@link verdict}: one failing test (the body is not run: its hooks would only
 * fail with less clear errors), or `describe.skip` plus one {@link skipLine}
 * on stderr (not through `console`, which jest decorates with a stack trace).
 */
export function describeWhen(title: string, requirements: Requirement | readonly Requirement[], body: () => void): void {
  const reqs = Array.isArray(requirements) ? requirements : [requirements as Requirement];
  const unmet = reqs.filter((r) => r.missing !== undefined);
  const failing = unmet.filter((r) => verdict(r) === 'fail');
  if (failing.length > 0) {
    describe(title, () => {
      for (const r of failing) {
        test(`needs ${r.what}`, () => {
          throw new Error(failMessage(r));
        });
      }
    });
    return;
  }
  if (unmet.length > 0) {
    process.stderr.write(`${skipLine(title, unmet[0])}\n`);
    describe.skip(title, body);
    return;
  }
  describe(title, body);
}

// --- finding programs --------------------------------------------------------

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Absolute path of `name` as a shell would find it on PATH (or `name` itself
 * when it is an absolute path to an executable); undefined when there is none.
 * PATH only, on purpose: stripping a directory from PATH must hide its tools,
 * which is how the skip path is tested.
 */
export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** A program on PATH, as a requirement. */
export function program(name: string, install: string, env: NodeJS.ProcessEnv = process.env): Requirement {
  return { what: name, install, missing: findTool(name, env) ? undefined : `no executable \`${name}\` on PATH` };
}

/** How to get the programs the suites drive (printed when one is missing; .ci/run installs them all). */
export const INSTALL: Record<string, string> = {
  'ignition-validate':
    '`sudo apt-get install ignition` (Debian/Ubuntu), `sudo dnf install ignition-validate` (Fedora), ' +
    'or a release binary from https://github.com/coreos/ignition/releases',
  'systemd-analyze': '`sudo apt-get install systemd` (Debian/Ubuntu; systemd is Linux-only)',
  'rsvg-convert': '`sudo apt-get install librsvg2-bin` (Debian/Ubuntu), `brew install librsvg` (macOS)',
  terraform: 'install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BINARY_NAME to its path',
  bash: '`sudo apt-get install bash`',
  curl: '`sudo apt-get install curl`',
  jq: '`sudo apt-get install jq`',
  unzip: '`sudo apt-get install unzip`',
  timeout: '`sudo apt-get install coreutils`',
};

/** A program the suites drive, with its install hint. */
export function tool(name: keyof typeof INSTALL | string, env: NodeJS.ProcessEnv = process.env): Requirement {
  return program(name, INSTALL[name] ?? `install ${name}`, env);
}

/**
 * Runs `command args` (default `--version`) and reports whether it started
 * and exited 0; `output` is its stdout, `problem` why it is unusable.
 */
export function probeCommand(command: string, args: readonly string[] = ['--version'], env?: NodeJS.ProcessEnv): { output: string; problem?: string } {
  const res = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000, ...(env ? { env } : {}) });
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
