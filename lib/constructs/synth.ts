// The one way a `main.ts` should synthesize: configuration problems print
// once, cleanly, wherever they are found (declaring the stacks, reading the
// state backend, planning at synth).
import { App } from 'cdktf';
import { WeaveConfigError } from '../core/check/problems';
import { isTruthy } from '../core/common/text';

/**
 * `app.synth()` for a `main.ts`: when the declared networks are invalid it
 * prints every problem once (code, construct path, value, fix) to stderr and
 * exits with status 1, instead of an uncaught exception with a stack trace
 * through the library. Other errors are rethrown unchanged. Set
 * `WEAVE_DEBUG=1` to get the full error and its stack.
 *
 * @param app - the cdktf app to synthesize, or a function that declares and
 *   returns it, so that problems found while declaring the stacks (a
 *   construct in the wrong scope, a bad state backend) print the same way
 */
export function synthesizeApp(app: App | (() => App)): void {
  try {
    (typeof app === 'function' ? app() : app).synth();
  } catch (e) {
    if (!(e instanceof WeaveConfigError) || isTruthy(process.env.WEAVE_DEBUG)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
