// Where a value flows in synthesized Terraform JSON: every `${...}` template
// expression (nested interpolations and quoted strings included) is found
// with its JSON path, and the references in it are read. Used to show that
// the ephemeral password reaches only places Terraform allows for ephemeral
// values and that keep nothing: write-only arguments, provisioners and
// connection blocks.

/** One `${...}` expression and where it sits. */
export interface Expression {
  /** JSON path, e.g. `resource.terraform_data.x.provisioner[2].file.content`. */
  readonly path: string;
  /** The expression text between `${` and its matching `}`. */
  readonly text: string;
}

/**
 * The top-level `${...}` interpolations of one JSON string, with HCL's rules:
 * `$${` is a literal, braces inside quoted strings do not count, and quoted
 * strings may hold interpolations of their own.
 */
export function interpolations(s: string): string[] {
  const out: string[] = [];
  const stack: ('expr' | 'brace' | 'str')[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const top = stack[stack.length - 1];
    const c = s[i];
    if (top === undefined || top === 'str') {
      if (top === 'str' && c === '\\') { i++; continue; }
      if (top === 'str' && c === '"') { stack.pop(); continue; }
      if (c === '$' && s[i + 1] === '$' && s[i + 2] === '{') { i += 2; continue; }
      if (c === '$' && s[i + 1] === '{') {
        if (stack.length === 0) start = i + 2;
        stack.push('expr');
        i++;
      }
      continue;
    }
    if (c === '"') stack.push('str');
    else if (c === '{') stack.push('brace');
    else if (c === '}') {
      stack.pop();
      if (stack.length === 0 && top === 'expr') out.push(s.slice(start, i));
    }
  }
  if (stack.length) throw new Error(`unbalanced template: ${s.slice(0, 80)}`);
  return out;
}

/** Every expression in a JSON value, with its path. */
export function expressions(value: unknown, path = ''): Expression[] {
  if (typeof value === 'string') return interpolations(value).map((text) => ({ path, text }));
  if (Array.isArray(value)) return value.flatMap((v, i) => expressions(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => (k === '//' ? [] : expressions(v, path ? `${path}.${k}` : k)));
  }
  return [];
}

const refersTo = (text: string, address: string): boolean =>
  new RegExp(`(^|[^A-Za-z0-9_.])${address.replace(/\./g, '\\.')}($|[^A-Za-z0-9_-])`).test(text);

/**
 * Every expression that reads `var.<variable>`, directly or through locals
 * (transitively), except the local definitions themselves: what matters is
 * where the value ends up.
 */
export function usesOf(tf: Record<string, unknown>, variable: string): Expression[] {
  const all = expressions(tf);
  const tainted = new Set([`var.${variable}`]);
  const locals = (tf.locals ?? {}) as Record<string, unknown>;
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, value] of Object.entries(locals)) {
      const address = `local.${name}`;
      if (tainted.has(address)) continue;
      if (expressions(value).some((e) => [...tainted].some((t) => refersTo(e.text, t)))) {
        tainted.add(address);
        grew = true;
      }
    }
  }
  return all.filter((e) => !e.path.startsWith('locals.') && [...tainted].some((t) => refersTo(e.text, t)));
}

/** Write-only arguments, from the provider schema (`terraform providers schema -json`: `"write_only": true`). */
export const WRITE_ONLY = new Set(['azurerm_key_vault_secret.value_wo']);

/**
 * Whether Terraform lets an ephemeral value sit at `path` and keeps nothing
 * there: a write-only argument, a provisioner or a connection block (and the
 * variable's own validation).
 */
export function ephemeralAllowedAt(path: string, variable: string): boolean {
  if (new RegExp(`^variable\\.${variable}\\.validation\\[\\d+\\]\\.condition$`).test(path)) return true;
  const m = /^resource\.([a-z0-9_]+)\.[^.]+\.(.+)$/.exec(path);
  if (!m) return false;
  const [, type, rest] = m;
  if (/^provisioner\[\d+\]\./.test(rest) || /^connection(\.|$)/.test(rest)) return true;
  return WRITE_ONLY.has(`${type}.${rest}`);
}
