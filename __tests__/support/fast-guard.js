'use strict';
// The fast tier's promise, made structural: no suite in it can start an
// external program (support/setup-fast.js installs this for every fast test
// file). harness.test.ts shows the guard stopping one.
const { accessSync, constants } = require('node:fs');
const { delimiter, isAbsolute, join } = require('node:path');

const GUARDED = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'];
const MARK = Symbol.for('weave.fast-guard');

function exists(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `command` names a program that would start (a shell command line always would). */
function startsProgram(name, command, env) {
  if (name === 'exec' || name === 'execSync' || name === 'fork') return true;
  if (typeof command !== 'string') return true;
  if (isAbsolute(command) || command.includes('/')) return exists(command);
  return (env.PATH || '').split(delimiter).some((d) => d && exists(join(d, command)));
}

/** Makes every child_process entry point throw when it would start a program. */
function guardSpawns(cp, env) {
  if (cp[MARK]) return;
  Object.defineProperty(cp, MARK, { value: true });
  for (const name of GUARDED) {
    const real = cp[name];
    cp[name] = function guarded(command, ...rest) {
      if (startsProgram(name, command, env)) {
        throw new Error(`the fast tier runs no external program, but this test starts ${JSON.stringify(command)} (child_process.${name}); ` +
          'move the test to a suite of the integration tier (jest/tiers.js)');
      }
      return real.call(this, command, ...rest);
    };
  }
}

module.exports = { guardSpawns, startsProgram };
