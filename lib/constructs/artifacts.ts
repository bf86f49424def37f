import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ISynthesisSession, TerraformStack } from 'cdktf';
// Not exported from the cdktf root in 0.21; the one hook that writes files
// beside a stack's cdk.tf.json during synthesis.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { IConstruct } from 'constructs';

/**
 * Writes a file beside the stack's `cdk.tf.json` on every synth. `content`
 * runs only then, after the network has been built.
 */
export function writeBesideStack(scope: IConstruct, fileName: string, content: () => string): void {
  addCustomSynthesis(scope, {
    onSynthesize: (session: ISynthesisSession) => {
      const stack = TerraformStack.of(scope);
      const dir = join(session.outdir, session.manifest.forStack(stack).workingDirectory);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, fileName), content());
    },
  });
}
