// Users' own NSG rules on the NSG a cluster's rules go into: Azure refuses
// two rules with the same priority and direction in one NSG, at apply time,
// after part of the stack is already built. Where the library can see the
// user's rule (a NetworkSecurityRule in the same stack naming the same NSG,
// or inline rules on an existing NSG construct), it reports the clash at synth.
import { TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { Problem, ProblemList } from '../../../core/check/problems';
import type { NsgRuleSlots } from '../../marks';
import { resolveText } from '../../terraform/expressions';

const RULE_TYPE = 'azurerm_network_security_rule';

/** A user's NSG rule, with its inputs as given (tokens or literals). */
interface Rule {
  readonly construct: IConstruct;
  /** @default - not given */
  readonly nsgName?: unknown;
  /** @default - not given */
  readonly resourceGroupName?: unknown;
  /** @default - not given */
  readonly priority?: unknown;
  /** @default - not given */
  readonly direction?: unknown;
}

/** Input getters of the generated binding (`*Input` returns what the user passed). */
type RuleInputs = TerraformResource & {
  networkSecurityGroupNameInput?: string;
  resourceGroupNameInput?: string;
  priorityInput?: number;
  directionInput?: string;
};

/**
 * Problems for every user rule whose priority and direction equal a
 * library rule's on the same NSG, and for an existing NSG that declares
 * inline rules (azurerm cannot combine them with separate rule resources).
 *
 * @param scope - any construct of the stack to scan
 * @param clusters - each Azure cluster's path and its NSG rule slots
 */
export function nsgProblems(scope: IConstruct, clusters: readonly { readonly path: string; readonly slots: NsgRuleSlots }[]): Problem[] {
  if (clusters.length === 0) return [];
  const stack = TerraformStack.of(scope);
  const ours = new Set<string>(clusters.flatMap((c) => c.slots.rules.map((r) => `${c.path}/${r.name}`)));
  const rules: Rule[] = [];
  for (const c of stack.node.findAll()) {
    const r = c as RuleInputs;
    if (r.terraformResourceType !== RULE_TYPE || ours.has(c.node.path)) continue;
    rules.push({ construct: c, nsgName: r.networkSecurityGroupNameInput, resourceGroupName: r.resourceGroupNameInput, priority: r.priorityInput, direction: r.directionInput });
  }
  const problems = new ProblemList();
  for (const { path, slots } of clusters) {
    const name = resolveText(stack, slots.nsg.name);
    const group = resolveText(stack, slots.nsg.resourceGroupName);
    // A reference names one resource; a literal name only within its group.
    const sameNsg = (r: Rule) => {
      if (r.nsgName === undefined || resolveText(stack, r.nsgName) !== name) return false;
      return name.includes('${') || r.resourceGroupName === undefined || resolveText(stack, r.resourceGroupName) === group;
    };
    const inline = inlineRules(slots.existing);
    if (inline.length) {
      problems.add('nsg-inline-rules', path, 'existingSecurityGroup', (slots.existing as IConstruct).node?.path ?? name,
        `declares ${inline.length} inline security_rule block(s); azurerm cannot combine inline rules with the library's separate rule resources (each apply would undo the other)`,
        'move those rules into NetworkSecurityRule resources, or let the library create its own NSG (leave existingSecurityGroup out)');
    }
    const candidates = [...rules.filter(sameNsg), ...inline.map((r) => ({ construct: slots.existing as IConstruct, ...r }))];
    for (const user of candidates) {
      const direction = String(user.direction ?? '').toLowerCase();
      for (const own of slots.rules) {
        if (user.priority === own.priority && direction === own.direction.toLowerCase()) {
          problems.add('nsg-priority-clash', path, 'nsgPriorities', own.priority,
            `is used by the library's ${own.name} rule and by your ${own.direction} rule ${user.construct.node?.path ?? '(inline)'} on the same NSG; Azure allows one rule per priority and direction`,
            `give your rule another priority, or move the library's with nsgPriorities: { ${slotKey(own.name)}: <free priority> }`);
        }
      }
    }
  }
  return problems.items;
}

/** The library's rule ids mapped to their nsgPriorities keys. */
function slotKey(rule: string): string {
  return ({ 'weave-tcp': 'weaveTcp', 'weave-udp': 'weaveUdp', 'weave-esp': 'weaveEsp', ssh: 'ssh' } as Record<string, string>)[rule] ?? rule;
}

/** Inline `security_rule` blocks of an existing NSG construct, as far as they are literal. */
function inlineRules(nsg: object | undefined): { priority?: unknown; direction?: unknown }[] {
  const input = (nsg as { securityRuleInput?: unknown } | undefined)?.securityRuleInput;
  return Array.isArray(input) ? input.map((r: { priority?: unknown; direction?: unknown }) => ({ priority: r.priority, direction: r.direction })) : [];
}
