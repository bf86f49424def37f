// Values as Terraform will see them, and Terraform expression text built
// from them: cdktf tokens resolved to `${...}`, literal text escaped as HCL
// strings. Expressions are written as plain text rather than with `Fn.*`:
// every cdktf token records a stack trace when it is made, which at a
// thousand hosts was most of the synth.
import { DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** A value as Terraform will see it (`${var.x}`, `${azurerm_x.y.name}`), for comparisons, checks and messages. */
export function resolveText(scope: IConstruct, value: unknown): string {
  const resolved = Tokenization.resolve(value, { scope, preparing: false, resolver: RESOLVER });
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}

/**
 * The Terraform expression (no `${}`) for a value that may hold tokens: a
 * lone reference stays a reference, anything else becomes an HCL string
 * template, whose `${...}` parts Terraform interpolates.
 */
export function expressionOf(scope: IConstruct, value: string | number): string {
  if (typeof value === 'number') return String(value);
  const resolved = resolveText(scope, value);
  const lone = /^\$\{([^]*)\}$/.exec(resolved);
  if (lone && !lone[1].includes('${')) return lone[1];
  return JSON.stringify(resolved);
}

/** How a cdktf string token looks inside a string. */
const STRING_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/**
 * Text for a string argument Terraform takes literally (a run command's
 * script, a provisioner's file content): its template sequences `${` and
 * `%{` doubled, so a shell's `${VAR:-default}` stays as written.
 */
export function templateText(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * An HCL string literal holding `text` exactly: HCL's escapes only (no
 * `\b`/`\f`), and `${` / `%{` doubled so Terraform reads them as text, not
 * as template sequences (shell and systemd syntax stays as written).
 */
export function hclString(text: string): string {
  const escaped = [...text].map((ch) => {
    switch (ch) {
      case '\\': return '\\\\';
      case '"': return '\\"';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: {
        const code = ch.codePointAt(0)!;
        return code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }).join('');
  // Function replacers: in a replacement string `$$` would mean one `$`.
  return `"${escaped.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{')}"`;
}

/**
 * A Terraform expression (without `${}`) for a string that mixes literal
 * text and cdktf tokens: each token resolved to its expression, each piece
 * of text an escaped literal, joined. cdktf's own functions refuse text with
 * double quotes, which unit-like file content is full of.
 */
export function concatExpression(scope: IConstruct, value: string): string {
  const parts: string[] = [];
  let last = 0;
  for (const m of value.matchAll(STRING_TOKEN)) {
    if (m.index! > last) parts.push(hclString(value.slice(last, m.index)));
    const resolved = resolveText(scope, m[0]);
    // A plain reference (`${var.x}`) is used as is; anything else that holds
    // an interpolation is a one-token template, quoted; the rest is text.
    const simple = /^\$\{([^${}"]*)\}$/.exec(resolved);
    parts.push(simple ? simple[1] : resolved.includes('${') ? `"${resolved}"` : hclString(resolved));
    last = m.index! + m[0].length;
  }
  if (last < value.length) parts.push(hclString(value.slice(last)));
  if (parts.length === 1) return parts[0];
  return `join("", [${parts.join(', ')}])`;
}
