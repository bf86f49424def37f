// The kind seam. A kind says what a cluster's hosts are (Azure Flatcar VMs,
// dedicated servers, and next a scale-set pool) and everything that follows
// from it in the pure core: the OS its hosts run, which options it owns, its
// checks, how its hosts are dialed and what it admits, and how its boot
// documents are delivered. The construct side (lib/constructs/kinds/) makes
// the resources. A kind is one folder of each plus its line in the registries
// (index.ts here, lib/constructs/kinds/index.ts); the rest of the core asks
// the driver and never compares kind names.
import type { ProblemList } from '../check/problems';
import type { OsProfile } from '../os/profile';
import type { BootFormat, ClusterKind, ClusterSpec, HostEnvSource, HostSpec, NetworkSpec } from '../declare/network';
import type { PortRange } from '../allocation/ports';
import type { Target } from '../wiring/addresses';

/**
 * Whether an option given to another kind's cluster or host is reported:
 * `true` (its value shown as given), a function that shows its value (e.g.
 * a construct by its path), or `false`.
 */
export type OptionReport = boolean | ((value: unknown) => unknown);

/**
 * Every option of one of a kind's option interfaces, in the order misplaced
 * ones are reported. The type keeps the list complete: an option added to
 * the interface but not here does not compile.
 */
export type OptionKeys<T> = { readonly [K in keyof Required<T>]: OptionReport };

/** An option given where it has no effect, by key, its value as a message shows it. */
export interface GivenOption {
  readonly key: string;
  readonly value: unknown;
}

/** A kind's options at one level (its clusters' or its hosts'). */
export interface OptionTable {
  /** Every option key, with how it is reported when misplaced. */
  readonly keys: Readonly<Record<string, OptionReport>>;
  /**
   * Reports options of this table given to a cluster or host of another
   * kind, where they have no effect; each kind words it for its own options.
   */
  readonly misplaced: (given: readonly GivenOption[], path: string, problems: ProblemList) => void;
}

/** A typed {@link OptionTable}: the compiler checks `keys` against the interface. */
export function optionTable<T>(keys: OptionKeys<T>, misplaced: OptionTable['misplaced']): OptionTable {
  return { keys, misplaced };
}

/** What a kind's checks see besides the cluster or host they judge. */
export interface CheckContext {
  readonly spec: NetworkSpec;
  readonly problems: ProblemList;
  /** DNS labels claimed so far, `<label>.<region>` to the claiming cluster's path (labels are unique per region). */
  readonly dnsLabels: Map<string, string>;
  /** Whether some cluster of the network admits peers by source address (its hosts' addresses must then be addresses). */
  readonly firewalled: boolean;
  /**
   * Reports the options given to a cluster or host that only other kinds
   * have; a kind's checks call it where its report belongs among theirs.
   */
  reportForeignOptions(level: 'cluster' | 'host', kind: ClusterKind, path: string, options: object | undefined): void;
}

/**
 * A kind's checks, by phase. The planner runs `cluster` and `host` on every
 * plan; the constructs also run the option and resource phases (checks on
 * what becomes resources and boot content), options first for every cluster.
 */
export interface KindChecks {
  cluster?(c: ClusterSpec, ctx: CheckContext): void;
  host?(h: HostSpec, c: ClusterSpec, ctx: CheckContext): void;
  clusterOptions?(c: ClusterSpec, ctx: CheckContext): void;
  hostOptions?(h: HostSpec, c: ClusterSpec, ctx: CheckContext): void;
  clusterResources?(c: ClusterSpec, ctx: CheckContext): void;
  hostResources?(h: HostSpec, c: ClusterSpec, ctx: CheckContext): void;
}

/** One cluster as its wiring rules see it while peers are chosen. */
export interface WiringContext {
  readonly cluster: ClusterSpec;
  /** Position of the cluster. */
  readonly index: number;
  /** The host the cluster's other hosts dial. */
  readonly anchor: HostSpec;
  /** Global index of the anchor. */
  readonly anchorIndex: number;
  /** Whether the cluster is the one every other cluster dials. */
  readonly isRoot: boolean;
  /**
   * How hosts outside the root cluster reach it.
   * @default - none (the network has one cluster, or the root cannot be reached)
   */
  readonly entry?: Target;
  readonly problems: ProblemList;
}

/** What another cluster's firewall must admit from a cluster: the egress address of a cluster (by index), or an address. */
export type PeerSource = { readonly egressOf: number } | { readonly address: string };

/** How a kind's hosts are dialed, what they resolve, and what they admit. */
export interface KindWiring {
  /** Whether its hosts resolve the names of VMs in their own cluster's network (Azure-provided DNS in a VNet). */
  readonly resolvesClusterVmNames: boolean;
  /** What a dial of the cluster's DNS name reaches: any of its hosts (a load balancer picks), or its anchor. */
  readonly nameLeadsTo: 'any-host' | 'anchor';
  /** Whether its clusters admit peers only from known source addresses (an Azure NSG). */
  readonly firewall: boolean;
  /**
   * The largest packet the path from its hosts to other sites carries, when
   * the kind knows it (an Azure VM's NIC and Azure's network: 1500 bytes).
   * @default - not known
   */
  readonly pathMtu?: number;
  /** Checks on the cluster's declared addresses, before any peer is chosen. */
  checkAddresses?(c: ClusterSpec, problems: ProblemList): void;
  /** Whom the cluster's hosts other than its anchor dial (asked once per cluster; reports why when nobody). */
  memberTarget(w: WiringContext): Target | undefined;
  /** How other clusters reach the root cluster when it has no usable DNS name (reports why when they cannot). */
  unnamedEntry(w: WiringContext): Target | undefined;
  /** What other clusters' firewalls must admit from this cluster. */
  peerSources(c: ClusterSpec, index: number): readonly PeerSource[];
  /**
   * `weave launch` flags of the cluster's own hosts, after the network's
   * (an Azure cluster's `--trusted-subnets` for its VNet).
   * @default - none
   */
  clusterLaunchArgs?(c: ClusterSpec): readonly string[];
  /**
   * Whether the cluster's hosts are each dialed at their own public
   * address, with no load balancer in the path (Azure's direct peering).
   * @default - false
   */
  directPeering?(c: ClusterSpec): boolean;
  /**
   * The public DNS name a host of a direct-peering cluster is dialed at
   * from anywhere, when it is known at synth.
   * @default - none
   */
  hostPublicName?(c: ClusterSpec, h: HostSpec): string | undefined;
  /**
   * The frontend ports of the cluster's SSH NAT rules, when it has them
   * (an Azure cluster behind its load balancer with sshSourceCidr); the
   * allocation record keeps each host's port from this range.
   * @default - none
   */
  sshNatPorts?(c: ClusterSpec): PortRange | undefined;
}

/** How a kind's boot documents are delivered. */
export interface KindBoot {
  /** The boot format of a cluster's hosts. */
  format(c: ClusterSpec, spec: NetworkSpec): BootFormat;
  /** Where a host's own env file comes from, in a format. */
  hostEnvSource(format: BootFormat): HostEnvSource;
  /**
   * Key Vault mode: the hosts fetch the password themselves, or a provisioner
   * puts it there; the same for a registry login (their identity, or a
   * credential the provisioner uploads).
   */
  readonly keyVault: 'fetch' | 'provisioner';
  /**
   * Whether its hosts launch with `--nickname <host name>`: their own host
   * name may differ from their name in the network (a dedicated server's),
   * and a retired peer is found by that nickname.
   * @default false: the host name is the name (an Azure VM's computer name)
   */
  readonly explicitNickname?: boolean;
  /**
   * Weave's status and metrics listener on the host's own network address:
   * its port and the script that writes `WEAVE_STATUS_ADDR` at boot.
   * @default - none: weave's default, localhost only
   */
  statusListener?(c: ClusterSpec): { readonly port: number; readonly script: string } | undefined;
  /**
   * The largest boot document its hosts accept (decoded bytes), and how an
   * oversized one is reported.
   * @default - no limit
   */
  readonly sizeLimit?: {
    readonly bytes: number;
    report(path: string, bytes: number, weaveBytes: number, hasExpressions: boolean, problems: ProblemList): void;
  };
}

/** What a kind's hosts do when the allocation record retires a host. */
export interface KindRetirement {
  /**
   * Whether its hosts can reclaim a retired peer's address space (`weave
   * rmpeer` run on them by Terraform), and how much they are preferred:
   * the lowest rank of the network's surviving hosts is chosen.
   * @default - its hosts never reclaim
   */
  readonly reclaimRank?: number;
  /** Whether a departing host of the kind runs a teardown step itself (`weave reset`). */
  readonly teardown: boolean;
}

/** A pool's instance counts, as its checks accepted them. */
export interface PoolSize {
  /** Fewest instances. */
  readonly min: number;
  /** Most instances: what the bridge block, the egress limit and the mesh size count. */
  readonly max: number;
  /** Instances on the first deploy. */
  readonly initial: number;
}

/** One pool as its wiring sees it while its instances' peers are chosen. */
export interface PoolWiringContext {
  readonly spec: NetworkSpec;
  readonly cluster: ClusterSpec;
  /** Position of the pool's cluster. */
  readonly index: number;
  /**
   * How hosts outside the root cluster reach it.
   * @default - none (the root cannot be reached; already reported)
   */
  readonly entry?: Target;
  /** The anchor (the host its cluster's others dial) of a cluster with declared hosts, and its global index. */
  anchorOf(cluster: number): { readonly host: HostSpec; readonly index: number } | undefined;
  readonly problems: ProblemList;
}

/**
 * What a kind without declared hosts says about its pool of instances. Its
 * clusters have no hosts of their own: they never bootstrap the IPAM
 * consensus, never become the root cluster, and every instance boots the
 * same document, deriving what differs per instance (its bridge address) at
 * boot from something unique to it.
 */
export interface KindPool {
  /** The pool's instance counts; undefined when missing or invalid (its checks report why). */
  size(c: ClusterSpec): PoolSize | undefined;
  /**
   * The block the instances' private addresses come from, as a literal
   * CIDR; it sizes the pool's bridge block. Undefined when not known
   * (its checks report why).
   */
  subnet(c: ClusterSpec): string | undefined;
  /** What every instance's host name starts with; the rest is unique per instance. */
  hostNamePrefix(c: ClusterSpec): string;
  /** Settings the instances' boot scripts read (e.g. how long leaving the mesh may take), for the pool's env file. */
  env(c: ClusterSpec): readonly (readonly [string, string])[];
  /** Which cluster's network the instances sit in (index; their own by default) and whom they dial. */
  dials(w: PoolWiringContext): { readonly network: number; readonly targets: readonly Target[] };
}

/** Everything the pure core needs to know about one kind of cluster. */
export interface KindDriver {
  readonly kind: ClusterKind;
  /** The OS its hosts run. */
  readonly os: OsProfile;
  /** The options it owns, at the cluster and the host level. */
  readonly options: { readonly cluster: OptionTable; readonly host: OptionTable };
  readonly checks: KindChecks;
  readonly wiring: KindWiring;
  readonly boot: KindBoot;
  readonly retirement: KindRetirement;
  /**
   * Set for a kind whose hosts are not declared but come and go in a pool.
   * @default - none: the cluster's hosts are declared one by one
   */
  readonly pool?: KindPool;
}
