// The plan of a pool: what every one of its instances shares, since none is
// declared. Its instances launch as observers, dial what their kind chooses
// (checked against the reachability model like every host's peers), and
// derive their bridge address at boot inside the block the allocation
// record keeps for the pool. What the boot document does with it is in
// boot/pool.ts.
import type { Cidr } from '../common/cidr';
import type { ProblemList } from '../check/problems';
import { SHARED_ENV_PATH, hostEnvPath } from '../defaults';
import type { ClusterKind, NetworkSpec } from '../declare/network';
import { kindDriver } from '../kinds';
import type { PoolSize } from '../kinds/kind';
import type { Target } from '../wiring/addresses';
import { launchArgs } from '../wiring/launch';
import { PeerDial, PeerTopology, peerDial } from './peers';
import { reachable } from './reach';

/** What every instance of one pool shares. */
export interface PoolPlan extends PoolSize {
  /** The pool's (cluster's) name; also its instances' host name prefix. */
  readonly name: string;
  /** Construct path of the pool. */
  readonly path: string;
  /** Position of the pool's cluster in declaration order. */
  readonly clusterIndex: number;
  /** The pool's kind (`scale-set`). */
  readonly kind: ClusterKind;
  /** What every instance's host name starts with (six unique characters follow). */
  readonly hostNamePrefix: string;
  /** What every instance's `weave launch` dials. */
  readonly peers: readonly string[];
  /** The same peers with what they are and where they lead. */
  readonly dials: readonly PeerDial[];
  /** Always `observer`: a pool never takes part in the bootstrap consensus. */
  readonly ipallocInit: 'observer';
  /** The subnet the instances' private addresses come from. */
  readonly subnet: string;
  /** The pool's bridge block: an instance at offset `o` of the subnet gets the block's address `o`. */
  readonly bridgeBlock: string;
  /** Prefix of the bridge range, which every bridge address carries. */
  readonly bridgePrefix: number;
  /** Path of the shared env file (holds the password). */
  readonly sharedEnvPath: string;
  /** Path of the pool's env file, the same on every instance. */
  readonly hostEnvPath: string;
  /** Ordered contents of the pool's env file; the bridge address is added at boot. */
  readonly hostEnv: readonly (readonly [string, string])[];
  /** The `weave launch` arguments every instance runs. */
  readonly launchArgs: readonly string[];
}

/** What {@link planPools} is given besides the spec. */
export interface PoolInputs {
  readonly topology: PeerTopology;
  /** How other clusters reach the root, as {@link planPeers} chose it. */
  readonly entry?: Target;
  /** Global index of each cluster's first host. */
  readonly firstIndex: readonly number[];
  /** Each pool's bridge block, by name. */
  readonly blocks: ReadonlyMap<string, Cidr>;
  readonly bridge: Cidr;
  readonly commonLaunchArgs: readonly string[];
}

/** Every pool's plan, in declaration order; unreachable peers go to `problems`. */
export function planPools(spec: NetworkSpec, problems: ProblemList, inputs: PoolInputs): PoolPlan[] {
  const { topology, entry, firstIndex, blocks, bridge } = inputs;
  const out: PoolPlan[] = [];
  spec.clusters.forEach((c, index) => {
    const driver = kindDriver(c.kind);
    const pool = driver?.pool;
    if (!pool) return;
    const size = pool.size(c);
    const subnet = pool.subnet(c);
    const block = blocks.get(c.name);
    const { network, targets } = pool.dials({
      spec,
      cluster: c,
      index,
      entry,
      anchorOf: (at) => {
        const o = spec.clusters[at];
        const k = topology.anchors[at];
        return o && o.hosts.length > 0 ? { host: o.hosts[k], index: firstIndex[at] + k } : undefined;
      },
      problems,
    });
    for (const t of targets) {
      const verdict = reachable({ kind: c.kind, cluster: network }, t.peer);
      if (!verdict.ok) {
        problems.add('peer-unreachable', c.path, 'peers', t.peer.text, `cannot be reached from the pool's instances: ${verdict.why}`,
          'give the root cluster a public DNS name, or put the pool in a VNet whose hosts it dials');
      }
    }
    // No target means the root cannot be reached, which its own checks have
    // reported (or the network is all pools: pool-only-network).
    if (!size || subnet === undefined || !block) return;
    const peers = targets.map((t) => t.peer.text);
    const name = c.name;
    out.push({
      ...size,
      name,
      path: c.path,
      clusterIndex: index,
      kind: c.kind,
      hostNamePrefix: pool.hostNamePrefix(c),
      peers,
      dials: targets.map(peerDial),
      ipallocInit: 'observer',
      subnet,
      bridgeBlock: block.text,
      bridgePrefix: bridge.prefix,
      sharedEnvPath: SHARED_ENV_PATH,
      hostEnvPath: hostEnvPath(name),
      hostEnv: [
        ['WEAVE_PEERS', peers.join(' ')],
        ['WEAVE_IPALLOC_INIT', 'observer'],
        ['WEAVE_POOL_SUBNET', subnet],
        ['WEAVE_POOL_BLOCK', block.text],
        ['WEAVE_BRIDGE_PREFIX', String(bridge.prefix)],
        ...pool.env(c),
      ],
      launchArgs: launchArgs(inputs.commonLaunchArgs, 'observer', peers),
    });
  });
  return out;
}
