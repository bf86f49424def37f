// Azure names the library creates must not collide anywhere in an app: a
// second resource group of one name in a subscription, a second VNet, NSG,
// public IP, load balancer, NIC, VM or identity of one name in a resource
// group, a second DNS label in a region, a second vault name anywhere. Azure
// refuses each at `terraform apply`, after part of a stack is built. Within
// one network the planner judges host names and DNS labels; this check
// covers the rest, and every pair across networks and stacks.
//
// Which subscription a resource is in is judged from its provider at synth:
// the `subscriptionId` as Terraform will see it (a literal id, or the text of
// an expression such as `${var.subscription_id_1}`; stacks that read a
// variable of one name are taken to be given the same value), or the
// environment's (`ARM_SUBSCRIPTION_ID`) for a provider without one. Two
// different expressions are taken to be different subscriptions: what they
// evaluate to is only known at apply time.
import { TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import type { ProblemList } from '../../../core/check/problems';
import { isToken } from '../../../core/common/tokens';
import { regionName } from '../../../core/kinds/azure/regions';
import { CLUSTER_MARK, HOST_MARK, NETWORK_MARK, isMarked } from '../../marks';
import { resolveText } from '../../terraform/expressions';

const CLUSTER_FIX = 'rename one of the clusters (its construct id names its resources), or put it in another resource group (resourceGroupName, existingResourceGroup)';
const HOST_FIX = 'give one of the hosts another hostName, or put its cluster in another resource group';

/** How each resource type the library creates is named: in which namespace, and what a user changes to rename it. */
const NAMED: Readonly<Record<string, { what: string; scope: 'subscription' | 'group' | 'global'; fix: string }>> = {
  azurerm_resource_group: { what: 'resource group', scope: 'subscription', fix: 'give one of them its own resourceGroupName; to share one group on purpose, create it once and pass it to both as existingResourceGroup' },
  azurerm_virtual_network: { what: 'virtual network', scope: 'group', fix: CLUSTER_FIX },
  azurerm_network_security_group: { what: 'network security group', scope: 'group', fix: CLUSTER_FIX },
  azurerm_public_ip: { what: 'public IP', scope: 'group', fix: CLUSTER_FIX },
  azurerm_lb: { what: 'load balancer', scope: 'group', fix: CLUSTER_FIX },
  azurerm_nat_gateway: { what: 'NAT gateway', scope: 'group', fix: CLUSTER_FIX },
  azurerm_user_assigned_identity: { what: 'managed identity', scope: 'group', fix: CLUSTER_FIX },
  azurerm_network_interface: { what: 'network interface', scope: 'group', fix: HOST_FIX },
  azurerm_linux_virtual_machine: { what: 'virtual machine', scope: 'group', fix: HOST_FIX },
  azurerm_key_vault: { what: 'key vault', scope: 'global', fix: 'give each vault its own name: vault names are unique across all of Azure' },
};

/** One name the library claims in a namespace. */
interface Claim {
  readonly resource: IConstruct;
  /** The user's construct that owns the name (host, cluster or network). */
  readonly owner: string;
  readonly network: IConstruct;
  readonly stack: string;
  readonly field: string;
  readonly what: string;
  /** Namespace key, and how a message names it. */
  readonly scope: string;
  readonly where: string;
  readonly name: string;
  readonly fix: string;
  /** A created resource group the resource is in (its path), for telling a group's collision from its consequences. */
  readonly group?: string;
  readonly label?: boolean;
}

/** How a check learns whether two networks are alternatives: deployed one or the other, never both. */
export type Alternatives = (a: IConstruct, b: IConstruct) => boolean;

type Named = TerraformResource & {
  nameInput?: string;
  resourceGroupNameInput?: string;
  domainNameLabelInput?: string;
  locationInput?: string;
};

/**
 * Problems for every name the library's Azure resources would claim twice,
 * in every network of the app.
 *
 * @param networks - every WeaveNetwork of the app
 * @param alternatives - networks whose stacks are alternatives may share names
 */
export function checkAzureNames(networks: readonly IConstruct[], alternatives: Alternatives, problems: ProblemList): void {
  const claims: Claim[] = [];
  for (const network of networks) claims.push(...networkClaims(network));
  const seen = new Map<string, Claim>();
  // What one construct claims of another's, said once: a cluster's VNet,
  // NSG, public IP and load balancer collide together.
  const collisions = new Map<string, { c: Claim; first: Claim; across: string; items: Claim[] }>();
  for (const c of claims) {
    const key = `${c.scope}\u0000${c.what}\u0000${c.name.toLowerCase()}`;
    const first = seen.get(key);
    if (!first) {
      seen.set(key, c);
      continue;
    }
    const sameNetwork = first.network === c.network;
    // The planner already judges labels and host names within a network.
    if (sameNetwork && (c.label || c.what === 'virtual machine' || c.what === 'network interface')) continue;
    // Resources of two colliding groups: the groups' collision is the cause, reported once.
    if (c.group && first.group && c.group !== first.group) continue;
    if (!sameNetwork && first.stack !== c.stack && alternatives(first.network, c.network)) continue;
    const across = first.stack !== c.stack
      ? ` (another stack; if the two stacks are alternatives, deployed one or the other, set alternativeTo on one network: ${c.network.node.path} or ${first.network.node.path})`
      : '';
    const pair = [c.owner, first.owner, c.scope, c.field, c.label ? 'label' : ''].join('\u0000');
    const known = collisions.get(pair);
    if (known) known.items.push(c);
    else collisions.set(pair, { c, first, across, items: [c] });
  }
  for (const { c, first, across, items } of collisions.values()) {
    const one = items.length === 1;
    problems.add(c.label ? 'dns-label-duplicate' : 'azure-name-duplicate', c.owner, c.field, one ? c.name : items.map((i) => i.name).join(', '),
      one
        ? `is also the ${c.what} name of ${first.owner} ${c.where}; Azure allows one there`
        : `are also the names of ${first.owner}'s ${items.map((i) => i.what).join(', ')} ${c.where}; Azure allows one of each there`,
      `${c.fix}${across}`);
  }
}

/** The names one network's Azure resources claim, in declaration order. */
function networkClaims(network: IConstruct): Claim[] {
  const stack = TerraformStack.of(network);
  const stackPath = stack.node.path;
  const text = (v: unknown) => resolveText(stack, v);
  const resources = network.node.findAll().filter((c): c is Named => TerraformResource.isTerraformResource(c) && Object.prototype.hasOwnProperty.call(NAMED, c.terraformResourceType));
  // A group created here is referred to by its resources as a reference;
  // they are in the group of that name.
  const groups = new Map<string, Named>();
  for (const r of resources) if (r.terraformResourceType === 'azurerm_resource_group') groups.set(`\${${r.terraformResourceType}.${r.friendlyUniqueId}.name}`, r);
  const out: Claim[] = [];
  for (const r of resources) {
    const named = NAMED[r.terraformResourceType];
    const owner = ownerOf(r, network);
    const sub = subscriptionOf(r, stack);
    const base = { resource: r, owner: owner.path, network, stack: stackPath };
    if (named.scope === 'subscription' || named.scope === 'global') {
      const name = r.nameInput;
      if (name === undefined) continue;
      out.push({ ...base, field: r.terraformResourceType === 'azurerm_key_vault' ? 'keyVault.create.name' : 'resourceGroupName', what: named.what,
        scope: named.scope === 'global' ? 'global' : `sub:${sub.key}`, where: named.scope === 'global' ? 'anywhere in Azure' : `in ${sub.text}`,
        name: text(name), fix: named.fix });
      continue;
    }
    const groupRef = r.resourceGroupNameInput === undefined ? undefined : text(r.resourceGroupNameInput);
    const created = groupRef === undefined ? undefined : groups.get(groupRef);
    const group = created ? text(created.nameInput) : groupRef;
    if (r.nameInput !== undefined && group !== undefined) {
      out.push({ ...base, field: owner.host ? 'hostName' : 'name', what: named.what, scope: `group:${sub.key}\u0000${group.toLowerCase()}`,
        // A host's own public IP (direct peering) is named after the host, like its NIC and VM.
        where: `in resource group ${group} of ${sub.text}`, name: text(r.nameInput), fix: owner.host ? HOST_FIX : named.fix, group: created?.node.path });
    }
    const label = r.domainNameLabelInput;
    if (label !== undefined && r.locationInput !== undefined && !isToken(label)) {
      const location = text(r.locationInput);
      const region = isToken(location) ? location : regionName(location);
      out.push({ ...base, field: 'dnsLabel', what: 'public IP DNS label', scope: `region:${region}`, where: `in ${region} (${label}.${region}.cloudapp.azure.com)`,
        name: label, label: true,
        fix: owner.host
          ? 'give one of the VMs its own dnsLabel, or its cluster another dnsLabel (a VM\'s label is <cluster dnsLabel>-<host name>): labels are unique per region across all of Azure'
          : 'give each cluster in a region its own dnsLabel: labels are unique per region across all of Azure' });
    }
  }
  return out;
}

/** The nearest host, cluster or network above a resource: what the user named. */
function ownerOf(r: IConstruct, network: IConstruct): { path: string; host: boolean } {
  for (let c: IConstruct | undefined = r.node.scope; c; c = c.node.scope) {
    if (isMarked(c, HOST_MARK)) return { path: c.node.path, host: true };
    if (isMarked(c, CLUSTER_MARK) || isMarked(c, NETWORK_MARK)) return { path: c.node.path, host: false };
  }
  return { path: network.node.path, host: false };
}

/** The subscription a resource is created in, as its provider names it. */
function subscriptionOf(r: TerraformResource, stack: TerraformStack): { key: string; text: string } {
  const provider = (r.provider ?? stack.node.findAll().find((c): c is TerraformProvider =>
    TerraformProvider.isTerraformProvider(c) && c.terraformResourceType === 'azurerm' && c.alias === undefined)) as (TerraformProvider & { subscriptionId?: string }) | undefined;
  const id = provider?.subscriptionId;
  const alias = provider ? `provider ${provider.alias ?? '(default)'} of ${stack.node.path}` : `the default provider of ${stack.node.path}`;
  if (id === undefined) return { key: '(environment)', text: `the environment's subscription (ARM_SUBSCRIPTION_ID; ${alias})` };
  const shown = resolveText(stack, id);
  return { key: shown.toLowerCase(), text: `subscription ${shown} (${alias})` };
}
