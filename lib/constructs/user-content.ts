// Users' own files and units, as construct props: the cdktf side of
// lib/core/boot/user-content.ts. A file whose content holds a cdktf token becomes
// content Terraform fills in at apply time: the token goes into one
// `local` (base64 of the value) and the boot document refers to that local,
// the way it refers to the password's local.
import { createHash } from 'node:crypto';
import { TerraformLocal, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { sensitiveReason } from '../core/check/content';
import type { ExpressionContent, UserContent, UserFile, WeaveFile, WeaveUnit } from '../core/declare/content';
import type { NetworkSpec } from '../core/declare/network';
import { concatExpression, resolveText } from './terraform/expressions';
import { tfName } from './terraform/names';

/** Tokens of expression contents, keyed by the core object that stands for them. */
const expressionSources = new WeakMap<ExpressionContent, { readonly token: string; readonly base64: boolean; readonly local: string }>();

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
