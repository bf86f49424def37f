// The Azure kind's checks on peering and egress (peering.ts): the host
// limit that follows the cluster's egress, a subnet large enough for its
// VMs, the direct-peering VMs' DNS labels, the NAT gateway's options and the
// combinations Azure's behaviour rules out, and trustVnet's range.
import { isCidr, parseCidr } from '../../common/cidr';
import { isToken } from '../../common/tokens';
import { DNS_LABEL_RE, suggestDnsLabel } from '../../check/names';
import type { ProblemList } from '../../check/problems';
import type { ClusterSpec, HostSpec } from '../../declare/network';
import type { CheckContext } from '../kind';
import { LB_OUTBOUND_PORTS, NAT_IDLE_TIMEOUT_RANGE, NAT_MAX_PUBLIC_IPS, NAT_PORTS_PER_IP, OUTBOUND_PORTS_PER_HOST, SUBNET_RESERVED_ADDRESSES } from './facts';
import { egressHostLimit, egressOf, hostDnsLabel, isDirect } from './peering';
import { regionName } from './regions';

const PEERINGS: readonly unknown[] = ['load-balancer', 'direct'];
/** VMs one NAT gateway IP serves at the library's per-VM budget. */
const HOSTS_PER_NAT_IP = Math.floor(NAT_PORTS_PER_IP / OUTBOUND_PORTS_PER_HOST);

/** The cluster's hosts fit its egress, and its subnet when the library knows the range. */
export function checkClusterSize(c: ClusterSpec, problems: ProblemList): void {
  const n = c.hosts.length;
  const egress = egressOf(c);
  const limit = egressHostLimit(egress);
  if (limit !== undefined && n > limit) {
    const ips = Math.ceil(n / HOSTS_PER_NAT_IP);
    const nat = ips <= NAT_MAX_PUBLIC_IPS
      ? `natGateway: { publicIpCount: ${ips} } (${HOSTS_PER_NAT_IP} VMs per IP, up to ${NAT_MAX_PUBLIC_IPS} IPs)`
      : `a NAT gateway, which takes at most ${NAT_MAX_PUBLIC_IPS} IPs (${HOSTS_PER_NAT_IP * NAT_MAX_PUBLIC_IPS} VMs), with the hosts split over clusters`;
    problems.add('cluster-too-large', c.path, 'hosts', `${n} hosts`,
      egress.kind === 'load-balancer'
        ? `exceeds ${limit}: the cluster's egress is its load balancer's outbound rule, whose one IP has ${LB_OUTBOUND_PORTS.toLocaleString('en-US')} SNAT ports, and each VM is given ${OUTBOUND_PORTS_PER_HOST.toLocaleString('en-US')}`
        : `exceeds ${limit}: the cluster's NAT gateway has ${egress.kind === 'nat-gateway' ? egress.publicIps : 0} public IP(s) of ${NAT_PORTS_PER_IP.toLocaleString('en-US')} SNAT ports each, and the library budgets ${OUTBOUND_PORTS_PER_HOST.toLocaleString('en-US')} per VM`,
      `give the cluster ${nat}, or set peering: "direct" (each VM leaves from its own public IP), or split the hosts over several clusters of at most ${limit}`);
  }
  const given = c.options?.vnetCidr ?? (c.options?.existingSubnet === undefined ? c.vnetCidr : undefined);
  if (typeof given === 'string' && !isToken(given)) {
    const block = parseCidr(given);
    if (isCidr(block)) {
      const usable = 2 ** (32 - block.prefix) - SUBNET_RESERVED_ADDRESSES;
      if (n > usable) {
        problems.add('cluster-subnet-too-small', c.path, 'vnetCidr', given,
          `has room for ${Math.max(0, usable)} VMs (Azure keeps ${SUBNET_RESERVED_ADDRESSES} addresses of every subnet), but the cluster has ${n}`,
          `use a shorter prefix, e.g. /${Math.max(8, 32 - Math.ceil(Math.log2(n + SUBNET_RESERVED_ADDRESSES)))}, or split the hosts over several clusters`);
      }
    }
  }
}

/**
 * With direct peering, each VM's own label is checked and claimed in its
 * region, and the cluster's label is only their prefix; otherwise a host
 * label has no effect and is reported.
 */
export function checkHostLabel(h: HostSpec, c: ClusterSpec, { problems, dnsLabels }: CheckContext): void {
  if (!isDirect(c)) {
    if (h.options?.dnsLabel !== undefined) {
      problems.add('host-dns-label-unused', h.path, 'dnsLabel', h.options.dnsLabel,
        'only applies to a VM of a cluster with peering: "direct" (with the load balancer, only the cluster has a public name)',
        'remove dnsLabel, or set peering: "direct" on the cluster (then set the cluster\'s dnsLabel for its own name)');
    }
    return;
  }
  const label = hostDnsLabel(c, h);
  if (label === undefined || isToken(label)) return;
  const own = h.options?.dnsLabel !== undefined;
  if (!DNS_LABEL_RE.test(label)) {
    problems.add('dns-label-invalid', h.path, 'dnsLabel', label,
      `${own ? '' : `(derived from the cluster's dnsLabel and the host name) `}${label.length > 63 ? `is ${label.length} characters; Azure public IP DNS labels have at most 63` : 'does not match ^[a-z][a-z0-9-]{1,61}[a-z0-9]$ (Azure public IP DNS labels)'}`,
      `give the host a dnsLabel of lowercase letters, digits and hyphens, starting with a letter, e.g. "${suggestDnsLabel(label.slice(0, 63))}"`);
    return;
  }
  const region = c.location && !isToken(c.location) ? regionName(c.location) : '(unknown region)';
  const key = `${label}.${region}`;
  const owner = dnsLabels.get(key);
  if (owner) {
    problems.add('dns-label-duplicate', h.path, 'dnsLabel', label,
      `is already used by ${owner} in ${region}; both would claim ${label}.${region}.cloudapp.azure.com`,
      'give each VM and cluster in a region its own dnsLabel');
  } else {
    dnsLabels.set(key, h.path);
  }
}

/** Peering and egress options: known values, a NAT gateway Azure accepts, and none of the combinations Azure rules out. */
export function checkPeeringOptions(c: ClusterSpec, { problems, spec }: CheckContext): void {
  const g = c.options ?? {};
  if (g.peering !== undefined && !PEERINGS.includes(g.peering)) {
    problems.add('peering-unknown', c.path, 'peering', g.peering, 'is not a peering mode', 'use "load-balancer" (the default) or "direct"');
  }
  const nat = g.natGateway;
  if (nat !== undefined) {
    const ips = nat.publicIpCount;
    if (ips !== undefined && (typeof ips !== 'number' || !Number.isInteger(ips) || ips < 1 || ips > NAT_MAX_PUBLIC_IPS)) {
      problems.add('nat-gateway-invalid', c.path, 'natGateway.publicIpCount', ips,
        `is not a whole number from 1 to ${NAT_MAX_PUBLIC_IPS} (a NAT gateway takes at most ${NAT_MAX_PUBLIC_IPS} public IPs)`,
        `give 1 to ${NAT_MAX_PUBLIC_IPS}, at least one per ${HOSTS_PER_NAT_IP} VMs`);
    }
    const idle = nat.idleTimeoutMinutes;
    if (idle !== undefined && (typeof idle !== 'number' || !Number.isInteger(idle) || idle < NAT_IDLE_TIMEOUT_RANGE.min || idle > NAT_IDLE_TIMEOUT_RANGE.max)) {
      problems.add('nat-gateway-invalid', c.path, 'natGateway.idleTimeoutMinutes', idle,
        `is not a whole number of minutes from ${NAT_IDLE_TIMEOUT_RANGE.min} to ${NAT_IDLE_TIMEOUT_RANGE.max} (Azure's range)`,
        `give ${NAT_IDLE_TIMEOUT_RANGE.min} to ${NAT_IDLE_TIMEOUT_RANGE.max}, or leave it out for Azure's default of ${NAT_IDLE_TIMEOUT_RANGE.min}`);
    }
    if (isDirect(c)) {
      problems.add('nat-gateway-direct', c.path, 'natGateway', nat,
        'cannot be combined with peering: "direct": a NAT gateway takes precedence over the VMs\' own public IPs for every outbound connection and carries only TCP and UDP, so peers would see the gateway\'s address instead of each VM\'s and the encrypted fast datapath (ESP) could not leave',
        'remove natGateway: with direct peering each VM already leaves from its own public IP (all its SNAT ports, no 62-VM limit); or keep the NAT gateway and use peering: "load-balancer"');
    }
    if (g.existingSubnet !== undefined) {
      problems.add('nat-gateway-existing-subnet', c.path, 'natGateway', nat,
        'would be attached to an existing subnet, where it would take over the outbound traffic of everything else in it (a subnet has at most one NAT gateway)',
        'let the library create the cluster\'s VNet and subnet (leave existingSubnet out), or attach a NAT gateway to your subnet yourself and split the cluster into clusters of at most 62 VMs');
    }
    const split = (nat.publicIpCount ?? 1) > 1
      ? spec.clusters.find((o) => o !== c && o.kind === c.kind && !isDirect(o))
      : undefined;
    if (split) {
      problems.add('nat-gateway-split-flows', c.path, 'natGateway.publicIpCount', nat.publicIpCount,
        `gives the cluster several outbound IPs, and Azure picks one at random for each new connection, so a host's TCP 6783 and UDP 6783-6784 flows may leave from different addresses; ${split.path} has a load balancer, which sends each source address to its own VM, so one Weave connection's flows would reach different VMs and its data path would fail`,
        `use one public IP (${HOSTS_PER_NAT_IP} VMs), or set peering: "direct" on ${split.path} (and every other load-balanced Azure cluster)`);
    }
  }
  if (g.trustVnet === true && g.existingSubnet !== undefined && g.vnetCidr === undefined) {
    problems.add('trust-vnet-no-range', c.path, 'trustVnet', true,
      'needs the range to trust, and the cluster uses an existing subnet whose range the library does not know',
      'set vnetCidr to the existing subnet\'s (or VNet\'s) address range');
  }
}
