import { App } from 'cdktf';
import { WeaveConfigError } from '../core/check/problems';

/**
 * `app.synth()` for a `main.ts`: when the declared networks are invalid it
 * prints every problem once (code, construct path, value, fix) to stderr and
 * exits with status 1, instead of an uncaught exception with a stack trace
 * through the library. Other errors are rethrown unchanged. Set
 * `WEAVE_DEBUG=1` to get the full error and its stack.
 *
 * @param app - the cdktf app to synthesize
 */
export function synthesizeApp(app: App): void {
  try {
    app.synth();
  } catch (e) {
    if (!(e instanceof WeaveConfigError) || /^(1|true|yes)$/i.test(process.env.WEAVE_DEBUG ?? '')) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
