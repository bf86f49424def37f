// Some suites run external programs (the boot-config validators, terraform).
// A contributor without them still gets a green `npm test`: each such suite
// is skipped with one line on stderr saying what was skipped and how to
// install the tool. Under CI=true (.ci/run) nothing may be skipped: a missing
// tool fails its suite, so CI can never pass by leaving a check out.
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Whether every tool is mandatory: CI is set to anything but '', '0' or
 * 'false' (the reading most CI-aware tools, jest included, use).
 */
export function toolsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env.CI ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

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

/** A `describe` for a suite that needs a tool. */
export type ToolSuite = (title: string, body: () => void) => void;

/**
 * `describe` when the tool is there. When it is not: `describe.skip` plus one
 * line naming the suite, the tool and how to install it; or, when
 * {@link toolsRequired}, a suite whose single test fails with the same advice
 * (its body is not run: its hooks would only fail with less clear errors).
 *
 * @param name the tool as the user knows it, e.g. `ignition-validate`
 * @param isAvailable whether it can be run here (usually `findTool(...) !== undefined`)
 * @param howToInstall one sentence, e.g. `sudo apt-get install ignition (Debian/Ubuntu)`
 */
export function toolSuite(name: string, isAvailable: boolean | (() => boolean), howToInstall: string, env: NodeJS.ProcessEnv = process.env): ToolSuite {
  const available = typeof isAvailable === 'function' ? isAvailable() : isAvailable;
  if (available) return (title, body) => describe(title, body);
  if (toolsRequired(env)) {
    return (title) =>
      describe(title, () => {
        test(`needs ${name}`, () => {
          throw new Error(`${name} is not installed, and CI=true makes every suite mandatory. Install it: ${howToInstall}.`);
        });
      });
  }
  return (title, body) => {
    // stderr, not console.log: jest would wrap a console line in a stack trace.
    process.stderr.write(`SKIPPED "${title}": ${name} is not installed. Install it: ${howToInstall}. (CI=true makes this a failure.)\n`);
    describe.skip(title, body);
  };
}
