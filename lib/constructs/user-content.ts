// Users' own files and units, as construct props: the cdktf side of
// lib/core/user-content.ts. A file whose content holds a cdktf token becomes
// content Terraform fills in at apply time: the token goes into one
// `local` (base64 of the value) and the boot document refers to that local,
// the way it refers to the password's local.
import { createHash } from 'node:crypto';
import { DefaultTokenResolver, StringConcat, TerraformLocal, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { sensitiveReason } from '../core/check/content';
import type { ExpressionContent, UserContent, UserFile } from '../core/declare/content';
import type { NetworkSpec } from '../core/declare/network';
import { tfName } from './names';

/**
 * A file the library writes on every host it reaches (network, cluster or
 * host level), beside Weave's own files.
 */
export interface WeaveFile {
  /** Absolute path on the host, e.g. `/etc/kubernetes/kubelet.yaml`. */
  readonly path: string;
  /**
   * Permission bits. Write an octal literal: `0o600`, not `600`.
   * @default 0o644
   */
  readonly mode?: number;
  /**
   * Owner as `user` or `user:group` (names or numeric ids) that exist on the
   * host when the file is written: `root` and `core` on Flatcar. With only a
   * user, the group is `root`.
   * @default 'root'
   */
  readonly owner?: string;
  /**
   * Text content. A string holding a Terraform expression (a cdktf token,
   * e.g. a variable's `stringValue` or `Fn.templatefile(...)`) is filled in
   * by Terraform at apply time; it must not be secret (sensitive variables
   * and secret attributes are rejected). A hand-written `${...}` without a
   * token is plain text (shell syntax stays as written).
   * @default '' (an empty file), unless contentBase64 is given
   */
  readonly content?: string;
  /**
   * Content as base64 (binary files, exact bytes). A cdktf token here must
   * yield base64 (e.g. `Fn.filebase64(...)`).
   * @default - none; `content` is used
   */
  readonly contentBase64?: string;
}

/** A drop-in for a {@link WeaveUnit}. */
export interface WeaveDropIn {
  /** File name in the unit's `.d` directory, ending in `.conf`, e.g. `20-registry-mirror.conf`. */
  readonly name: string;
  /** Unit-file text of the drop-in, e.g. `[Service]\nEnvironment=...\n`. */
  readonly contents: string;
}

/**
 * A systemd unit installed (or, with only drop-ins, amended) on every host
 * it reaches. Order it after the mesh with `After=weave-network.target`,
 * plus `Requires=weave-network.target` (stopped and restarted with Weave)
 * or `Wants=weave-network.target` (started after it, left alone when Weave
 * restarts).
 */
export interface WeaveUnit {
  /** Unit name with its type suffix, e.g. `kubelet.service`. Weave's own units are off limits. */
  readonly name: string;
  /**
   * Full unit text.
   * @default - none: the unit already exists on the host (e.g. `docker.service`) and only gets drop-ins
   */
  readonly contents?: string;
  /**
   * Drop-ins; for `docker.service` they go beside the library's own
   * (`10-weave-min-api.conf`), which you cannot replace.
   * @default - none
   */
  readonly dropIns?: WeaveDropIn[];
  /**
   * `systemctl enable` the unit, so its `[Install]` section (e.g.
   * `WantedBy=kubernetes.node.target`) pulls it in at every boot.
   * @default - true when `contents` has an `[Install]` section
   */
  readonly enable?: boolean;
  /**
   * Also start it whenever the boot config is applied (cloud-config: every
   * boot; dedicated servers: every provisioning run). Ignition has no such
   * step, so on Ignition hosts a started unit must also be enabled.
   * @default false
   */
  readonly start?: boolean;
}

/** Tokens of expression contents, keyed by the core object that stands for them. */
const expressionSources = new WeakMap<ExpressionContent, { readonly token: string; readonly base64: boolean; readonly local: string }>();

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** A value as Terraform will see it (`${var.x}`, `${azurerm_x.y.name}`), for comparisons and checks. */
export function resolveText(scope: IConstruct, value: unknown): string {
  const resolved = Tokenization.resolve(value, { scope, preparing: false, resolver: RESOLVER });
  return typeof resolved === 'string' ? resolved : JSON.stringify(resolved);
}

/** How a cdktf string token looks inside a string. */
const STRING_TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

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

/** Names of the stack's sensitive variables (looked up only for files whose content is an expression). */
function sensitiveVariables(stack: TerraformStack): Set<string> {
  return new Set(stack.node.findAll().filter((c): c is TerraformVariable => c instanceof TerraformVariable && c.sensitive === true).map((v) => v.friendlyUniqueId));
}

/**
 * A level's files and units as the core sees them.
 *
 * @param scope - the network, cluster or host declaring them (its path names the level)
 * @param networkId - the network's construct id, which prefixes the locals' names
 */
export function userContentSpec(scope: IConstruct, networkId: string, files: readonly WeaveFile[] | undefined, units: readonly WeaveUnit[] | undefined): UserContent | undefined {
  if (!files?.length && !units?.length) return undefined;
  const stack = TerraformStack.of(scope);
  const toFile = (f: WeaveFile): UserFile => {
    const { content, contentBase64, ...rest } = f;
    const token = Token.isUnresolved(contentBase64) ? contentBase64! : Token.isUnresolved(content) ? content! : undefined;
    if (token === undefined) return { ...rest, ...(content !== undefined ? { content } : {}), ...(contentBase64 !== undefined ? { contentBase64 } : {}) };
    const resolved = resolveText(scope, token);
    // Stable across growth: named after where it is declared and the file's path.
    const local = `${tfName(networkId)}_file_${createHash('sha256').update(`${scope.node.path}\0${f.path}`).digest('hex').slice(0, 10)}_b64`;
    const expression: ExpressionContent = {
      ref: `local.${local}`,
      // Never echo what sensitive() wraps.
      display: resolved.replace(/sensitive\((?:[^()]|\([^()]*\))*\)/g, 'sensitive(…)'),
      ...(() => {
        const why = sensitiveReason(resolved, sensitiveVariables(stack));
        return why ? { sensitive: why } : {};
      })(),
    };
    expressionSources.set(expression, { token, base64: token === contentBase64, local });
    // Both given: keep both visible to the checks, which report the conflict.
    return { ...rest, expression, ...(content !== undefined && token !== content ? { content } : {}), ...(contentBase64 !== undefined && token !== contentBase64 ? { contentBase64 } : {}) };
  };
  return {
    ...(files?.length ? { files: files.map(toFile) } : {}),
    ...(units?.length ? { units: units.map((u) => ({ ...u, ...(u.dropIns ? { dropIns: [...u.dropIns] } : {}) })) } : {}),
  };
}

/**
 * Creates one local per expression content of the network (base64 of its
 * value), which the boot documents' slots refer to.
 *
 * @param network - the network construct, scope of the locals
 * @param spec - the spec the network was built from
 */
export function createContentLocals(network: IConstruct, spec: NetworkSpec): void {
  const levels = [spec.content, ...spec.clusters.flatMap((c) => [c.content, ...c.hosts.map((h) => h.content)])];
  const made = new Set<string>();
  for (const level of levels) {
    for (const f of level?.files ?? []) {
      const source = f.expression && expressionSources.get(f.expression);
      if (!source || made.has(source.local)) continue;
      made.add(source.local);
      const value = source.base64 ? source.token : `\${base64encode(${concatExpression(network, source.token)})}`;
      new TerraformLocal(network, `file-${source.local}`, value).overrideLogicalId(source.local);
    }
  }
}
