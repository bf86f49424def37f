// How an Azure cluster meets the rest of the mesh and the internet: through
// its load balancer or at each VM's own public IP (peering), and which
// address its traffic leaves from (egress: the load balancer's outbound
// rule, a NAT gateway, or each VM's own IP). The driver, the checks, the
// diagram and the constructs all ask these functions, so they agree.
// docs/peering.md explains the choices and the Azure facts behind them.
import { isToken } from '../../common/tokens';
import type { AzurePeering } from '../../declare/azure';
import type { ClusterSpec, HostSpec } from '../../declare/network';
import { CLOUDAPP_ZONE, LB_OUTBOUND_PORTS, NAT_PORTS_PER_IP, OUTBOUND_PORTS_PER_HOST } from './facts';
import { regionName } from './regions';

/** The cluster's peering mode, as given or the default. */
export function peeringOf(c: Pick<ClusterSpec, 'options'>): AzurePeering {
  return c.options?.peering ?? 'load-balancer';
}

/** Whether the cluster's VMs are dialed at their own public IPs. */
export function isDirect(c: Pick<ClusterSpec, 'options'>): boolean {
  return peeringOf(c) === 'direct';
}

/** Where a cluster's outbound connections leave from. */
export type Egress =
  | { readonly kind: 'load-balancer' }
  | { readonly kind: 'nat-gateway'; readonly publicIps: number }
  | { readonly kind: 'instance' };

/** The cluster's egress: each VM's own IP with direct peering, else a NAT gateway when given, else the load balancer. */
export function egressOf(c: Pick<ClusterSpec, 'options'>): Egress {
  if (isDirect(c)) return { kind: 'instance' };
  const nat = c.options?.natGateway;
  if (nat !== undefined) return { kind: 'nat-gateway', publicIps: nat.publicIpCount ?? 1 };
  return { kind: 'load-balancer' };
}

/**
 * VMs the egress serves at the library's budget of 1,024 SNAT ports per VM:
 * 62 on the load balancer's one outbound IP (64,000 ports), 63 per NAT
 * gateway IP (64,512 ports); no cap when each VM leaves from its own IP.
 */
export function egressHostLimit(e: Egress): number | undefined {
  switch (e.kind) {
    case 'load-balancer':
      return Math.floor(LB_OUTBOUND_PORTS / OUTBOUND_PORTS_PER_HOST);
    case 'nat-gateway':
      return Math.floor((NAT_PORTS_PER_IP * e.publicIps) / OUTBOUND_PORTS_PER_HOST);
    case 'instance':
      return undefined;
  }
}

/**
 * The DNS label of a direct-peering VM's public IP: its own, else
 * `<cluster label>-<host name>` with the name's dots as hyphens; undefined
 * when the cluster's label is not known at synth.
 */
export function hostDnsLabel(c: Pick<ClusterSpec, 'dnsLabel'>, h: Pick<HostSpec, 'name' | 'options'>): string | undefined {
  const own = h.options?.dnsLabel;
  if (own !== undefined) return own;
  if (c.dnsLabel === undefined || isToken(c.dnsLabel)) return undefined;
  return `${c.dnsLabel}-${h.name.replace(/\./g, '-')}`;
}

/**
 * The public DNS name of a direct-peering VM, `<label>.<region>.cloudapp.azure.com`;
 * undefined when the label or the region is not a literal.
 */
export function hostPublicName(c: Pick<ClusterSpec, 'dnsLabel' | 'location'>, h: Pick<HostSpec, 'name' | 'options'>): string | undefined {
  const label = hostDnsLabel(c, h);
  if (label === undefined || isToken(label) || c.location === undefined || isToken(c.location)) return undefined;
  return `${label}.${regionName(c.location)}.${CLOUDAPP_ZONE}`;
}
