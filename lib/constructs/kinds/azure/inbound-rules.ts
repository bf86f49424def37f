// The library's inbound paths into one cluster (or pool), built the same
// way for both: its NSG rules, in the NSG its placement chose (its own or an
// existing one), each slot remembered for the app-wide clash check
// (nsg-check.ts); and its load balancer's rules for Weave's ports.
import type { Construct } from 'constructs';
import { LbRule } from '@cdktf/provider-azurerm/lib/lb-rule';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WEAVE_PORTS } from '../../../core/kinds/azure/facts';
import type { Placement } from './placement';

/** One inbound rule slot: its name and priority in the NSG. */
export interface InboundSlot {
  readonly name: string;
  readonly priority: number;
  readonly direction: 'Inbound';
}

/**
 * A maker of inbound rules in `target`, and the slots they took.
 *
 * @returns `rule(id, priority, protocol, port, sources, description, access)`:
 *   `sources` is a list of prefixes (possibly empty until bound) or `*`
 */
export function inboundRules(scope: Construct, provider: AzurermProvider, target: Placement['ruleTarget']) {
  const slots: InboundSlot[] = [];
  const rule = (id: string, priority: number, protocol: string, port: string, sources: string[] | '*', description: string, access: 'Allow' | 'Deny' = 'Allow') => {
    slots.push({ name: id, priority, direction: 'Inbound' });
    return new NetworkSecurityRule(scope, id, {
      provider,
      resourceGroupName: target.resourceGroupName,
      networkSecurityGroupName: target.name,
      name: id,
      description,
      priority,
      direction: 'Inbound',
      access,
      protocol,
      sourcePortRange: '*',
      destinationPortRange: port,
      ...(sources === '*' ? { sourceAddressPrefix: '*' } : { sourceAddressPrefixes: sources }),
      destinationAddressPrefix: '*',
    });
  };
  return { rule, slots };
}

/**
 * The load balancer's rules for Weave's ports (TCP 6783, UDP 6783-6784),
 * each to the backend pool, gated on the probe. A peer's TCP and UDP flows
 * must reach the same VM or instance (SourceIP), and SNAT is left to the
 * outbound rule or NAT gateway.
 */
export function weaveLbRules(
  scope: Construct,
  provider: AzurermProvider,
  lb: { readonly loadbalancerId: string; readonly frontend: string; readonly backendPoolId: string; readonly probeId: string },
): LbRule[] {
  return WEAVE_PORTS.map((p) => {
    const proto = p.protocol.toLowerCase();
    return new LbRule(scope, `lb-rule-${proto}-${p.port}`, {
      provider,
      name: `weave-${proto}-${p.port}`,
      loadbalancerId: lb.loadbalancerId,
      frontendIpConfigurationName: lb.frontend,
      protocol: p.protocol,
      frontendPort: p.port,
      backendPort: p.port,
      backendAddressPoolIds: [lb.backendPoolId],
      probeId: lb.probeId,
      loadDistribution: 'SourceIP',
      disableOutboundSnat: true,
    });
  });
}
