import { RenderedBoot } from '../core/render/rendered';

/**
 * The Terraform expression (without the surrounding `${}`) for a rendered boot
 * document, with its password slots filled in by Terraform at apply time. The
 * static text rides along as one base64 literal (readable by tests and by
 * `base64 -d`); each slot is replaced by the local that holds the base64 of
 * the shared env file, so the password itself appears in `cdk.tf.json` only
 * as a variable reference.
 *
 * It is written as plain expression text rather than built from `Fn.*`
 * tokens: every cdktf token records a stack trace when created, and at a
 * thousand hosts that was most of the synth time.
 *
 * @param rendered - the boot document
 * @param sharedEnvRef - `local.<name>` holding base64 of the shared env file,
 *   which every secret slot stands for
 * @param values - other placeholders (not secret) and the expressions that
 *   fill them, e.g. the Key Vault URI; those absent from the text are skipped
 */
export function bootExpression(rendered: RenderedBoot, sharedEnvRef: string, values: Readonly<Record<string, string>> = {}): string {
  let expr = `base64decode("${Buffer.from(rendered.text, 'utf8').toString('base64')}")`;
  for (const slot of rendered.slots) expr = `replace(${expr}, "${slot.placeholder}", ${sharedEnvRef})`;
  // Users' files whose content Terraform supplies: each slot takes its local (base64 of the value).
  for (const slot of rendered.expressions ?? []) expr = `replace(${expr}, "${slot.placeholder}", ${slot.content.ref})`;
  for (const [placeholder, value] of Object.entries(values)) {
    if (rendered.text.includes(placeholder)) expr = `replace(${expr}, "${placeholder}", ${value})`;
  }
  return expr;
}
