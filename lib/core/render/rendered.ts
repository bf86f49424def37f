// A rendered boot document and its slots: the placeholders (boot/slots.ts)
// a renderer leaves for secret and Terraform-supplied file content.
import type { BootFile, SecretContent } from '../boot/document';
import { SLOT, fillSlots } from '../boot/slots';
import type { ExpressionContent } from '../declare/content';
import type { OsProfile } from '../os/profile';
import type { BootFormat } from '../declare/network';

/**
 * A rendered boot document plus the places where secret file contents go.
 * Each placeholder in `text` stands for base64(before + password + after);
 * the construct layer fills them in with a Terraform expression, so the
 * password is never a literal in synthesized JSON.
 */
export interface RenderedBoot {
  /** The format `text` is in. */
  readonly format: BootFormat;
  /** The document, with a placeholder wherever secret content belongs. */
  readonly text: string;
  /** The placeholders in `text` and what each stands for; empty when nothing is secret. */
  readonly slots: readonly SecretSlot[];
  /**
   * Placeholders for file content Terraform supplies (users' files whose
   * content is a Terraform expression); each is replaced by its `ref`.
   * @default - none
   */
  readonly expressions?: readonly ExpressionSlot[];
}

/** One placeholder in a {@link RenderedBoot}'s text for content Terraform fills in. */
export interface ExpressionSlot {
  /** The literal token in the text, e.g. `__WEAVE_FILE_0__`. */
  readonly placeholder: string;
  /** The content it stands for; `content.ref` yields its base64. */
  readonly content: ExpressionContent;
}

/**
 * One placeholder in a {@link RenderedBoot}'s text. Whoever knows the
 * password (Terraform at apply time, or {@link fillSecrets} locally) replaces
 * it with base64(before + password + after).
 */
export interface SecretSlot {
  /** The literal token in the text, e.g. `__WEAVE_SECRET_0__`. */
  readonly placeholder: string;
  /** The secret file content the placeholder stands for. */
  readonly content: SecretContent;
}

/** Hands out a document's secret and file slots, numbered in the order the renderer meets them. */
export class SlotTable {
  readonly slots: SecretSlot[] = [];
  readonly expressions: ExpressionSlot[] = [];

  /** base64 of a file's content, or a placeholder for it when it is secret or Terraform supplies it. */
  base64(file: BootFile): string {
    const c = file.content;
    if (typeof c === 'string') return Buffer.from(c, 'utf8').toString('base64');
    if ('base64' in c) return c.base64;
    if ('ref' in c) {
      const placeholder = SLOT.file(this.expressions.length);
      this.expressions.push({ placeholder, content: c });
      return placeholder;
    }
    const placeholder = SLOT.secret(this.slots.length);
    this.slots.push({ placeholder, content: c });
    return placeholder;
  }

  /** The expression slots, when there are any (kept off documents without them). */
  expressionSlots(): { expressions?: readonly ExpressionSlot[] } {
    return this.expressions.length ? { expressions: this.expressions } : {};
  }
}

/**
 * Bytes of the document that are known at synth: the text without the
 * expression placeholders (Terraform fills those at apply time) and with
 * every secret slot holding a password of `passwordLength` characters.
 */
export function knownSize(rendered: RenderedBoot, passwordLength: number): number {
  let bytes = filledSize(rendered, passwordLength);
  for (const e of rendered.expressions ?? []) bytes -= e.placeholder.length * (rendered.text.split(e.placeholder).length - 1);
  return bytes;
}

/**
 * Size in bytes of the document once every slot holds a password of
 * `passwordLength` ASCII characters, without building it.
 *
 * @param rendered - the rendered document
 * @param passwordLength - the password length to assume
 * @returns the byte length of the filled-in document
 */
export function filledSize(rendered: RenderedBoot, passwordLength: number): number {
  let bytes = Buffer.byteLength(rendered.text, 'utf8');
  for (const s of rendered.slots) {
    const raw = Buffer.byteLength(s.content.before + s.content.after, 'utf8') + passwordLength;
    bytes += 4 * Math.ceil(raw / 3) - s.placeholder.length * rendered.text.split(s.placeholder).slice(1).length;
  }
  return bytes;
}

/** Substitutes a known password; for tests, validators and local previews only. */
export function fillSecrets(rendered: RenderedBoot, password: string): string {
  return fillSlots(rendered.text, rendered.slots.map((s) => [s.placeholder, Buffer.from(s.content.before + password + s.content.after, 'utf8').toString('base64')]));
}

export const octal = (mode: number): string => `0${mode.toString(8)}`;

/** Throws unless the OS applies documents of the format itself (a caller's mistake, not a user's). */
export function readsFormat(os: OsProfile, format: BootFormat): void {
  if (!os.reads.includes(format)) throw new Error(`${os.name} does not read ${format}; it reads ${os.reads.join(', ') || 'no boot format'}`);
}
