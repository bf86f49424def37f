// How a pool's instances reach the mesh, and how its size is read. They
// are Azure VMs: they resolve the VM names of their own VNet and public DNS
// names. With an existing subnet in an Azure cluster's VNet
// (`sharesVnetWith`) they dial that cluster's anchor by VM name; they
// always also dial the way every other cluster reaches the root (its
// public DNS name), which works from any VNet. Nobody dials a pool: its
// instances come and go. Its firewall (an NSG, as an Azure cluster's)
// admits the other clusters' egress addresses, and theirs admit its own.
import { isCidr, parseCidr } from '../../common/cidr';
import { isToken } from '../../common/tokens';
import type { ClusterSpec } from '../../declare/network';
import type { Target } from '../../wiring/addresses';
import type { KindPool, KindWiring, PoolSize } from '../kind';
import { INSTANCE_SUFFIX_LENGTH, LEAVE_TIMEOUT_SECONDS } from './facts';

/** The pool's subnet as parsed, when it is given as a literal block. */
export function poolSubnet(c: ClusterSpec): ReturnType<typeof parseCidr> | undefined {
  return c.vnetCidr === undefined || isToken(c.vnetCidr) ? undefined : parseCidr(c.vnetCidr);
}

/** Host names a pool's instances take: the pool's name, then six base-36 characters. */
export function poolHostNamePattern(pool: string): RegExp {
  return new RegExp(`^${pool.replace(/[^a-z0-9-]/g, '\\$&')}[0-9a-z]{${INSTANCE_SUFFIX_LENGTH}}$`);
}

/** A pool is dialed by nobody; other clusters' NSGs admit its egress address. */
export const SCALE_SET_WIRING: KindWiring = {
  resolvesClusterVmNames: true,
  nameLeadsTo: 'anchor',
  firewall: true,
  // Never asked: a pool has no hosts besides an anchor to wire.
  memberTarget: () => undefined,
  // Never asked: a pool is never the root cluster.
  unnamedEntry: () => undefined,
  peerSources: (_c, index) => [{ egressOf: index }],
};

/** The pool's counts, as its checks accepted them. */
function size(c: ClusterSpec): PoolSize | undefined {
  const p = c.options?.pool;
  if (!p || !Number.isInteger(p.min) || !Number.isInteger(p.max) || p.min < 0 || p.max < Math.max(1, p.min)) return undefined;
  const initial = p.initial !== undefined && Number.isInteger(p.initial) && p.initial >= p.min && p.initial <= p.max ? p.initial : Math.max(p.min, 1);
  return { min: p.min, max: p.max, initial };
}

/** The pool's side of the seam: its size, its subnet, its instances' names and dials. */
export const SCALE_SET_POOL: KindPool = {
  size,
  subnet: (c) => {
    const s = poolSubnet(c);
    return s && isCidr(s) ? s.text : undefined;
  },
  hostNamePrefix: (c) => c.name,
  env: (c) => [['WEAVE_LEAVE_TIMEOUT', String(c.options?.pool?.leaveTimeoutSeconds ?? LEAVE_TIMEOUT_SECONDS.default)]],
  dials: ({ spec, cluster, index, entry, anchorOf }) => {
    const targets: Target[] = [];
    let network = index;
    const shared = cluster.options?.pool?.sharesVnetWith;
    const at = shared === undefined ? -1 : spec.clusters.findIndex((o) => o.name === shared);
    const anchor = at < 0 ? undefined : anchorOf(at);
    if (anchor) {
      // Inside that cluster's VNet: its anchor by VM name, as its own hosts dial it.
      network = at;
      targets.push({ peer: { form: 'vm-name', text: anchor.host.name, cluster: at }, cluster: at, host: anchor.index });
    }
    if (entry && !(anchor && entry.cluster === at && entry.host === anchor.index)) targets.push(entry);
    return { network, targets };
  },
};
