// A rendered boot document as a Terraform expression: its text as one
// base64 literal (readable by tests and by `base64 -d`), and each of its
// slots (core/boot/slots.ts) replaced by the expression that fills it, so the
// password itself appears in `cdk.tf.json` only as a variable reference.
import type { RenderedBoot } from '../../core/render/rendered';

/**
 * The Terraform expression (without the surrounding `${}`) for a rendered boot
 * document, with its slots filled in by Terraform at apply time.
 *
 * It is written as plain expression text rather than built from `Fn.*`
 * tokens: every cdktf token records a stack trace when created, and at a
 * thousand hosts that was most of the synth time.
 *
 * @param rendered - the boot document
 * @param sharedEnvRef - `local.<name>` holding base64 of the shared env file,
 *   which every secret slot stands for
 * @param values - the other slots (not secret) and the expressions that
 *   fill them, e.g. the Key Vault URI; those absent from the text are skipped
 */
export function bootExpression(rendered: RenderedBoot, sharedEnvRef: string, values: Readonly<Record<string, string>> = {}): string {
  const fills: (readonly [placeholder: string, expression: string])[] = [
    ...rendered.slots.map((s) => [s.placeholder, sharedEnvRef] as const),
    // Users' files whose content Terraform supplies: each slot takes its local (base64 of the value).
    ...(rendered.expressions ?? []).map((s) => [s.placeholder, s.content.ref] as const),
    ...Object.entries(values).filter(([placeholder]) => rendered.text.includes(placeholder)),
  ];
  return fills.reduce((expr, [placeholder, value]) => `replace(${expr}, "${placeholder}", ${value})`,
    `base64decode("${Buffer.from(rendered.text, 'utf8').toString('base64')}")`);
}
