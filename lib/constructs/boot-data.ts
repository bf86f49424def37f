import { Lazy } from 'cdktf';
import { RenderedBoot } from '../core/render/rendered';

/**
 * The Terraform expression (without the surrounding `${}`) for a rendered boot
 * document, with its password slots filled in by Terraform at apply time. The
 * static text rides along as one base64 literal (readable by tests and by
 * `base64 -d`); each slot is replaced by a local that holds the
 * base64 of the secret file, so the password itself appears in
 * `cdk.tf.json` only as a variable reference.
 *
 * It is written as plain expression text rather than built from `Fn.*`
 * tokens: every cdktf token records a stack trace when created, and at a
 * thousand hosts that was most of the synth time.
 *
 * @param secretLocal - maps a slot's content to the `local.<name>` holding its base64
 */
export function bootExpression(rendered: RenderedBoot, secretLocal: (slot: RenderedBoot['slots'][number]) => string): string {
  let expr = `base64decode("${Buffer.from(rendered.text, 'utf8').toString('base64')}")`;
  for (const slot of rendered.slots) expr = `replace(${expr}, "${slot.placeholder}", ${secretLocal(slot)})`;
  return expr;
}

/**
 * A `Lazy` string whose producer runs once. cdktf resolves every element at
 * least twice (prepare and synth); the values here are fixed once the
 * network is planned, and hosts cannot be added after that.
 */
export function lazyOnce(produce: () => string): string {
  let value: string | undefined;
  return Lazy.stringValue({ produce: () => (value ??= produce()) });
}
