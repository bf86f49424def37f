import { BootFile, SecretContent } from '../boot';

/**
 * A rendered boot document plus the places where secret file contents go.
 * Each placeholder in `text` stands for base64(before + password + after);
 * the construct layer fills them in with a Terraform expression, so the
 * password is never a literal in synthesized JSON.
 */
export interface RenderedBoot {
  readonly format: BootFormat;
  readonly text: string;
  readonly slots: readonly SecretSlot[];
}

export interface SecretSlot {
  readonly placeholder: string;
  readonly content: SecretContent;
}

export type BootFormat = 'cloud-config' | 'ignition' | 'script';

export const BOOT_FORMATS: readonly BootFormat[] = ['cloud-config', 'ignition', 'script'];

/** Hands out placeholders; letters and underscores only, so every format keeps them verbatim. */
export class SlotTable {
  readonly slots: SecretSlot[] = [];

  /** base64 of a file's content, or a placeholder for it when it is secret. */
  base64(file: BootFile): string {
    if (typeof file.content === 'string') return Buffer.from(file.content, 'utf8').toString('base64');
    const placeholder = `__WEAVE_SECRET_${this.slots.length}__`;
    this.slots.push({ placeholder, content: file.content });
    return placeholder;
  }
}

/** Substitutes a known password; for tests, validators and local previews only. */
export function fillSecrets(rendered: RenderedBoot, password: string): string {
  let text = rendered.text;
  for (const s of rendered.slots) {
    const value = Buffer.from(s.content.before + password + s.content.after, 'utf8').toString('base64');
    text = text.split(s.placeholder).join(value);
  }
  return text;
}

export const octal = (mode: number): string => `0${mode.toString(8)}`;
