import { Fn } from 'cdktf';
import { RenderedBoot } from '../core/render/rendered';

/**
 * A Terraform string expression for a rendered boot document, with the
 * password slots filled in by Terraform at apply time. The static text rides
 * along as one base64 literal (readable by tests and by `base64 -d`), and
 * every slot becomes `base64encode(<before>${password}<after>)`, so the
 * password itself appears in `cdk.tf.json` only as a variable reference.
 */
export function bootDocument(rendered: RenderedBoot, password: string): string {
  if (rendered.slots.length === 0) return rendered.text;
  let expr: string = Fn.base64decode(Buffer.from(rendered.text, 'utf8').toString('base64'));
  for (const slot of rendered.slots) {
    expr = Fn.replace(expr, slot.placeholder, Fn.base64encode(Fn.join('', [slot.content.before, password, slot.content.after])));
  }
  return expr;
}

/** Like {@link bootDocument}, base64-encoded for `custom_data`. */
export function bootDocumentBase64(rendered: RenderedBoot, password: string): string {
  if (rendered.slots.length === 0) return Buffer.from(rendered.text, 'utf8').toString('base64');
  return Fn.base64encode(bootDocument(rendered, password));
}
