// The planner: ordered clusters and hosts in, one plan per host out. It
// checks the whole declaration first (checks.ts) so that a bad network
// never yields a partial plan; who holds which address is decided in
// allocation/, whom each host dials in peers.ts.
import { allocateNetwork } from '../allocation/allocate';
import type { AllocationChange } from '../allocation/changes';
import type { AllocationRecord, RetiredHost } from '../allocation/record';
import type { PoolRequest } from '../allocation/pools';
import { isCidr, parseCidr } from '../common/cidr';
import { ProblemList } from '../check/problems';
import { SHARED_ENV_PATH, hostEnvPath } from '../defaults';
import type { ClusterKind, NetworkSpec } from '../declare/network';
import { kindDriver } from '../kinds';
import { commonLaunchArgs as commonLaunchArgsFor, launchArgs } from '../wiring/launch';
import { checkDeclaration } from './checks';
import { PeerDial, planPeers } from './peers';
import { PoolPlan, planPools } from './pool';
import { Retirement, planRetirements, teardownsOf } from './retire';

/**
 * Everything decided for one host: whom it dials, its IPAM role, its bridge
 * address and the env-file contents its boot config is rendered from.
 */
export interface HostPlan {
  /** Host name, as declared. */
  readonly name: string;
  /** Construct path of the host, for error messages. */
  readonly path: string;
  /** Name of the cluster the host belongs to. */
  readonly cluster: string;
  /** Position of the host's cluster in declaration order, from 0. */
  readonly clusterIndex: number;
  /** Kind of the host's cluster; decides the boot format and how the env file is delivered. */
  readonly kind: ClusterKind;
  /** Position in global declaration order, from 0. */
  readonly index: number;
  /** Position within its own cluster, from 0. */
  readonly indexInCluster: number;
  /**
   * What this host's `weave launch` dials: nobody for the root cluster's
   * anchor, the root cluster's DNS name for another cluster's anchor, and its
   * own cluster's anchor for everyone else. The anchors are the first host
   * and the first cluster unless the allocation record names others.
   */
  readonly peers: readonly string[];
  /** The same peers with what they are and where they lead, one per entry of {@link peers}. */
  readonly dials: readonly PeerDial[];
  /** Value of `--ipalloc-init`: `consensus=N` or `observer`. */
  readonly ipallocInit: string;
  /**
   * Whether the host was present when the mesh bootstrapped: bootstrap hosts
   * take part in the IPAM consensus, the others join as observers.
   */
  readonly bootstrap: boolean;
  /** Bridge address with the bridge range's prefix, e.g. `10.1.0.3/16`. */
  readonly bridgeAddress: string;
  /**
   * The host's SSH frontend port on its cluster's load balancer, kept by the
   * allocation record whatever is added, removed or reordered.
   * @default - none: its cluster has no SSH NAT rules
   */
  readonly sshPort?: number;
  /** Path of the env file every host shares (holds the password). */
  readonly sharedEnvPath: string;
  /** Path of this host's own env file. */
  readonly hostEnvPath: string;
  /** Ordered contents of this host's env file. */
  readonly hostEnv: readonly (readonly [string, string])[];
  /** The full `weave launch` argument list this host ends up running. */
  readonly launchArgs: readonly string[];
}

/** The planned hosts of one cluster, grouped for per-cluster views such as diagrams. */
export interface ClusterPlan {
  /** Cluster name, as declared. */
  readonly name: string;
  /** Construct path of the cluster. */
  readonly path: string;
  /** Whether the cluster's hosts are Azure VMs or dedicated servers. */
  readonly kind: ClusterKind;
  /** The cluster's host plans, in declaration order (the same objects as in {@link NetworkPlan.hosts}). */
  readonly hosts: readonly HostPlan[];
  /** Retired hosts last declared in this cluster: still in the record, address held. */
  readonly retired: readonly RetiredHost[];
  /**
   * The most peers the cluster may put into the mesh at once: its declared
   * hosts, or a pool's `max`. What a mesh-size guardrail counts.
   */
  readonly maxHosts: number;
  /**
   * What every instance of a pool shares (the cluster has no hosts).
   * @default - none: the cluster's hosts are declared
   */
  readonly pool?: PoolPlan;
  /** The cluster's own `weave launch` flags, after the network's (e.g. `--trusted-subnets`). */
  readonly launchArgs: readonly string[];
}

/** The allocation part of a plan: the record to keep and how it differs from the one given. */
export interface PlanAllocation {
  /** The record after this plan; write it back (unless frozen) so the next plan reproduces this one. */
  readonly record: AllocationRecord;
  /** What changed compared with the record given; every value when none was given. */
  readonly changes: readonly AllocationChange[];
  /** True when no record was given, so the order-based rules made this one. */
  readonly seeded: boolean;
}

/**
 * The plan of a network (`deriveNetwork(spec).plan`): one plan per host plus what all hosts
 * share. Everything needed to render boot configs, with no cdktf involved.
 */
export interface NetworkPlan {
  /** The declaration the plan was made from. */
  readonly spec: NetworkSpec;
  /** Number of bootstrap hosts, the `N` of every bootstrap host's `--ipalloc-init consensus=N`. */
  readonly consensus: number;
  /** Per-cluster grouping of the host plans, in declaration order. */
  readonly clusters: readonly ClusterPlan[];
  /** Every host plan, in global declaration order (indexed by {@link HostPlan.index}). */
  readonly hosts: readonly HostPlan[];
  /** Flags every host passes to `weave launch` before its own ones. */
  readonly commonLaunchArgs: readonly string[];
  /** Non-secret lines of the shared env file; the password is added at render time. */
  readonly sharedEnv: readonly (readonly [string, string])[];
  /** Name of the cluster every other cluster dials by DNS name. */
  readonly rootCluster: string;
  /** Every retired host of the record (also those whose cluster is gone), by name. */
  readonly retired: readonly RetiredHost[];
  /**
   * The most peers the mesh may have at once: every declared host plus
   * every pool at its `max` (the sum of the clusters' `maxHosts`).
   */
  readonly maxPeers: number;
  /** Every pool's plan, in declaration order (also on its cluster's plan). */
  readonly pools: readonly PoolPlan[];
  /** The allocation record after this plan, and what changed. */
  readonly allocation: PlanAllocation;
  /** Each retired host and the surviving host that reclaims its address space (`weave rmpeer`). */
  readonly retirements: readonly Retirement[];
  /** Retired hosts whose teardown step (a departing dedicated server's `weave reset`) may still be in Terraform state. */
  readonly teardowns: readonly string[];
}

/** Options of {@link deriveNetwork} (and of the planner it runs). */
export interface PlanOptions {
  /**
   * The network's allocation record from the committed file (or, in tests,
   * from memory). Hosts in it keep every recorded value; new hosts become
   * observers at the lowest free addresses.
   * @default - none: the order-based rules make the first record
   */
  readonly record?: AllocationRecord;
  /**
   * How error messages name the record, e.g. its file name.
   * @default DEFAULT_ALLOCATION_FILE
   */
  readonly recordSource?: string;
  /**
   * Also run the checks on what becomes resources and boot content (VM and
   * placement options, users' files and units, Key Vault settings), as
   * the constructs do.
   * @default false
   */
  readonly checkResources?: boolean;
}

/**
 * Turns a declared network into one plan per host, plus the allocation
 * record to keep. Throws a {@link WeaveConfigError} listing every problem
 * when the declaration is invalid or contradicts the record.
 */
export function planNetwork(spec: NetworkSpec, options: PlanOptions = {}): NetworkPlan {
  const problems = new ProblemList();
  // Every check on the declaration itself; those that need the plan
  // (allocation pins, reachability) run where the plan is made.
  const { ipalloc, bridge } = checkDeclaration(spec, problems, { recorded: options.record !== undefined, resources: options.checkResources });

  // Pools get a bridge block the size of their subnet; one whose size or
  // subnet is invalid has been reported and gets none.
  const pools: PoolRequest[] = spec.clusters.flatMap((c) => {
    const pool = kindDriver(c.kind)?.pool;
    const subnet = pool?.subnet(c);
    const parsed = subnet === undefined ? undefined : parseCidr(subnet);
    return pool?.size(c) && parsed && isCidr(parsed) ? [{ name: c.name, path: c.path, subnetPrefix: parsed.prefix }] : [];
  });
  const allocation = bridge ? allocateNetwork(spec, bridge, options.record, problems, {
    source: options.recordSource,
    pools,
    sshPorts: (i) => kindDriver(spec.clusters[i].kind)?.wiring.sshNatPorts?.(spec.clusters[i]),
  }) : undefined;

  // Whom each host dials: the root cluster (the first declared, or the one
  // the record names) and each cluster's anchor host stay where the record
  // puts them, so growth elsewhere rewires nobody.
  const topology = allocation ? { root: allocation.rootCluster, anchors: allocation.anchors } : undefined;
  const peers = topology ? planPeers(spec, problems, topology) : undefined;
  const dials = peers?.hosts ?? [];
  const firstIndex: number[] = [];
  spec.clusters.reduce((n, c) => (firstIndex.push(n), n + c.hosts.length), 0);
  const commonLaunchArgs = ipalloc ? commonLaunchArgsFor(spec, ipalloc.text) : [];
  const poolPlans = topology && bridge
    ? planPools(spec, problems, { topology, entry: peers?.entry, firstIndex, blocks: allocation!.pools, bridge, commonLaunchArgs })
    : [];

  problems.throwIfAny();
  const { assignments, consensus } = allocation!;

  const hosts: HostPlan[] = [];
  const clusters: ClusterPlan[] = spec.clusters.map((c, clusterIndex) => {
    const own = [...(kindDriver(c.kind)?.wiring.clusterLaunchArgs?.(c) ?? [])];
    const planned = c.hosts.map((h, indexInCluster) => {
      const index = hosts.length;
      const hostDials = dials[index];
      const peers = hostDials.map((d) => d.address);
      const { bootstrap, ipallocInit, bridgeAddress, sshPort } = assignments[index];
      const plan: HostPlan = {
        name: h.name,
        path: h.path,
        cluster: c.name,
        clusterIndex,
        kind: c.kind,
        index,
        indexInCluster,
        peers,
        dials: hostDials,
        ipallocInit,
        bootstrap,
        bridgeAddress,
        // Only where the cluster has SSH NAT rules now; the record keeps the others' ports.
        ...(sshPort !== undefined && kindDriver(c.kind)?.wiring.sshNatPorts?.(c) ? { sshPort } : {}),
        sharedEnvPath: SHARED_ENV_PATH,
        hostEnvPath: hostEnvPath(h.name),
        hostEnv: [
          ['WEAVE_PEERS', peers.join(' ')],
          ['WEAVE_IPALLOC_INIT', ipallocInit],
          ['WEAVE_BRIDGE_ADDRESS', bridgeAddress],
        ],
        launchArgs: launchArgs(commonLaunchArgs, ipallocInit, peers, own, kindDriver(c.kind)?.boot.explicitNickname ? h.name : undefined),
      };
      hosts.push(plan);
      return plan;
    });
    const retired = allocation!.retired.filter((r) => r.cluster === c.name);
    const pool = poolPlans.find((p) => p.clusterIndex === clusterIndex);
    return { name: c.name, path: c.path, kind: c.kind, hosts: planned, retired, launchArgs: own, maxHosts: pool ? pool.max : planned.length, ...(pool ? { pool } : {}) };
  });

  return {
    spec,
    consensus,
    clusters,
    hosts,
    commonLaunchArgs,
    sharedEnv: [
      ['WEAVE_VERSION', spec.release.version],
      ['DOCKERHUB_USER', spec.release.imageOwner],
      // checkpoint-api.weave.works is gone with Weaveworks; don't wait on it.
      ['CHECKPOINT_DISABLE', '1'],
      // The weave script reads WEAVE_MTU and passes --mtu (Weave's fastdp docs).
      ...(spec.mtu !== undefined ? [['WEAVE_MTU', String(spec.mtu)] as const] : []),
    ],
    rootCluster: spec.clusters[allocation!.rootCluster].name,
    retired: allocation!.retired,
    maxPeers: clusters.reduce((n, c) => n + c.maxHosts, 0),
    pools: poolPlans,
    allocation: { record: allocation!.record, changes: allocation!.changes, seeded: options.record === undefined },
    retirements: planRetirements(options.record, allocation!.retired, hosts),
    teardowns: teardownsOf(spec, allocation!.retired),
  };
}
