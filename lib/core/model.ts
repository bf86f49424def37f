// Plain data shapes shared by the planner, the boot-config builder and the
// renderers. Nothing here knows about cdktf: strings that happen to be
// Terraform tokens pass through untouched.

/** Which Weave Net build to install, and how to trust it. */
export interface WeaveRelease {
  /** Release version; also the image tag (`WEAVE_VERSION`). Never `latest`. */
  readonly version: string;
  /** Where the `weave` script is downloaded from. */
  readonly scriptUrl: string;
  /**
   * Expected sha256 of the script; when set, the install fails closed on a mismatch.
   * @default - not checked; the script is installed as downloaded
   */
  readonly sha256?: string;
  /** Docker Hub account that publishes the `weave` and `weaveexec` images (`DOCKERHUB_USER`). */
  readonly imageOwner: string;
}

/**
 * Where a cluster's hosts run: `azure` for Flatcar VMs the library creates,
 * `dedicated` for existing servers it configures over SSH.
 */
export type ClusterKind = 'azure' | 'dedicated';

/**
 * One declared host as the pure planner sees it: only the facts that decide
 * its wiring and the checks on it, free of cdktf. `WeaveHost` builds it.
 */
export interface HostSpec {
  /** Construct path, used in error messages. */
  readonly path: string;
  /** Host name: Linux computer name, env-file name, and what its peers dial. */
  readonly name: string;
  /**
   * Fixed bridge address `a.b.c.d/n`; otherwise the next free one is taken.
   * With an allocation record it must agree with the recorded address.
   * @default - the recorded address, or the lowest free address of the bridge range
   */
  readonly bridgeAddress?: string;
  /**
   * A dedicated host's SSH address (`ssh.host`): an IPv4 or IPv6 address or a
   * host name, resolved on the machine that runs Terraform. Required for hosts
   * in dedicated clusters; a literal public IPv4 address here is also what the
   * cluster's other servers dial when neither `dialAddress` nor
   * `publicAddress` says otherwise.
   * @default - none; a host in a dedicated cluster is then reported as a problem
   */
  readonly sshHost?: string;
  /**
   * Whether an SSH public key reaches the host (its own, its cluster's or the network's).
   * @default false
   */
  readonly hasSshPublicKey?: boolean;
  /**
   * The SSH public key that reaches an Azure host, when it is a literal
   * (checked the way azurerm checks it); tokens are left to Terraform.
   * @default - not checked
   */
  readonly sshPublicKey?: string;
  /**
   * The host's options exactly as the user gave them, for the checks that
   * judge them (e.g. a VM size on a dedicated server).
   * @default - none given
   */
  readonly given?: Readonly<Record<string, unknown>>;
  /**
   * A dedicated host's SSH login user (`ssh.user`); checked to be a valid
   * Linux user name.
   * @default - not checked (the construct's default, `core`, is valid)
   */
  readonly sshUser?: string;
  /**
   * A dedicated host's public address as given (`publicAddress`), which Azure
   * NSGs admit. When it is one public IPv4 address (or a `/32`), the cluster's
   * other servers dial it unless `dialAddress` is set.
   * @default - none; `ssh.host` is used when it is a public IPv4 address
   */
  readonly publicAddress?: string;
  /**
   * The address other hosts dial to reach this dedicated host: an IPv4
   * address, or a DNS name that public resolvers answer. Set it when the SSH
   * address is not one peers can use (an SSH alias, a VPN address, a name
   * only your workstation resolves). A private address (10/8, 172.16/12,
   * 192.168/16, 100.64/10) is accepted but only reaches hosts of the same
   * cluster. Only hosts in dedicated clusters are dialed this way; Azure
   * hosts are dialed by VM name or through their cluster's DNS name.
   * @default - `publicAddress`, else `ssh.host`, when it is a public IPv4 address
   */
  readonly dialAddress?: string;
  /**
   * An Azure host's VM size (`vmSize`); checked to be shaped like an Azure size name.
   * @default - not checked (the construct's default, `Standard_D2s_v5`, is valid)
   */
  readonly vmSize?: string;
  /**
   * The host's own files and units, merged after its cluster's and the network's.
   * @default - none
   */
  readonly content?: UserContent;
}

/**
 * One declared cluster as the pure planner sees it. Without an allocation
 * record its position in {@link NetworkSpec.clusters} matters: the first
 * cluster is the one every later cluster dials. With a record, the recorded
 * root cluster keeps that role wherever it is declared.
 */
export interface ClusterSpec {
  /** Construct path, used in error messages. */
  readonly path: string;
  /** Cluster name (the construct id); labels the cluster in plans and diagrams. */
  readonly name: string;
  /** Whether the hosts are Azure VMs or dedicated servers; decides which checks apply. */
  readonly kind: ClusterKind;
  /**
   * Public name (or public IPv4 address) that reaches this cluster. The root
   * cluster's (the first declared, or the one the allocation record names) is
   * what every other cluster's anchor host dials. For Azure clusters the
   * construct derives `<label>.<region>.cloudapp.azure.com`; for a dedicated
   * cluster it must resolve to the cluster's anchor (first) server, and its
   * other servers dial it when that server has no dial address.
   * @default - none; the root cluster of several then needs its anchor
   *   server's dial address instead (see {@link HostSpec.dialAddress})
   */
  readonly dnsName?: string;
  /**
   * Azure DNS label of the cluster's public IP.
   * @default - none; the label checks (format, uniqueness) are skipped
   */
  readonly dnsLabel?: string;
  /**
   * Azure VNet address space; must not overlap Weave's ranges.
   * @default - none; the overlap check is skipped
   */
  readonly vnetCidr?: string;
  /**
   * Azure region (programmatic name such as `westeurope`, or display name such
   * as `West Europe`); checked against the library's list of public-cloud regions.
   * @default - none; a problem for an Azure cluster
   */
  readonly location?: string;
  /**
   * Accept a `location` that is not in the library's list of Azure regions,
   * for a region Azure opened after the list was made.
   * @default false
   */
  readonly locationUnchecked?: boolean;
  /**
   * Whether an Azure provider was passed to the cluster. The planner never
   * sees the provider itself, only this flag, so it can report a missing one
   * together with every other problem.
   * @default - treated as false, which is a problem for an Azure cluster
   */
  readonly hasProvider?: boolean;
  /**
   * How many of this cluster's first hosts were there when the mesh
   * bootstrapped; the rest joined later and are observers. Only needed
   * without an allocation record; with one it must agree with the roles
   * the record keeps.
   * @default - every host of the cluster when any cluster pins this;
   *   when none does, the network's `bootstrapSize` decides
   */
  readonly bootstrapHosts?: number;
  /**
   * How the cluster's Azure VMs receive their boot config; dedicated servers always get a script.
   * @default 'cloud-config'
   */
  readonly bootFormat?: string;
  /**
   * The cluster's options exactly as the user gave them, for the checks that
   * judge them (e.g. a location on a dedicated cluster).
   * @default - none given
   */
  readonly given?: Readonly<Record<string, unknown>>;
  /**
   * Files and units for every host of the cluster, merged after the network's.
   * @default - none
   */
  readonly content?: UserContent;
  /**
   * The cluster's hosts, in declaration order. Without a record the first is
   * the one the others dial; with one, the recorded anchor keeps that role.
   */
  readonly hosts: readonly HostSpec[];
}

/**
 * A whole declared network, the input of {@link planNetwork}: settings with
 * their defaults already filled in, and the clusters in declaration order.
 * `WeaveNetwork` builds one from its clusters and hosts at synth; callers without cdktf can write it by hand.
 */
export interface NetworkSpec {
  /** Construct path of the network, used in error messages. */
  readonly path: string;
  /** Weave IPAM range for containers, e.g. `10.2.0.0/16`. */
  readonly ipallocRange: string;
  /** Range the hosts' own bridge addresses come from, e.g. `10.1.0.0/16`. */
  readonly bridgeRange: string;
  /** weaveDNS domain, or `false` to launch with `--no-dns`. */
  readonly dnsDomain: string | false;
  /** The Weave Net build every host installs. */
  readonly release: WeaveRelease;
  /**
   * Hosts present at bootstrap; defaults to every declared host. With an
   * allocation record it must equal the recorded consensus count.
   * @default - the recorded consensus; without a record every declared host,
   *   or the sum of the clusters' `bootstrapHosts` when any is pinned
   */
  readonly bootstrapSize?: number;
  /** Units that pull in `weave-network.target`. */
  readonly wantedBy: readonly string[];
  /** Run weave's Docker API proxy; `false` adds `--proxy=false`. */
  readonly proxy: boolean;
  /** Run weave's Docker network plugin; `false` adds `--plugin=false`. */
  readonly plugin: boolean;
  /**
   * The network's default boot format, as given, checked once at the network's path.
   * @default 'cloud-config'
   */
  readonly bootFormat?: string;
  /**
   * Files and units for every host of the network; clusters and hosts may
   * add to them and replace entries by path or unit name.
   * @default - none
   */
  readonly content?: UserContent;
  /**
   * The clusters in declaration order. Without an allocation record, order
   * decides peers, IPAM roles and bridge addresses; with one, only new hosts'
   * addresses follow it.
   */
  readonly clusters: readonly ClusterSpec[];
  /**
   * Key Vault mode: no boot document carries the password; Azure VMs fetch it
   * with their managed identity, dedicated servers get it from the provisioner.
   * @default - none: the password is filled into every host's boot document
   */
  readonly keyVault?: KeyVaultSpec;
}

/**
 * The Key Vault password mode as the pure core sees it: the facts the boot
 * documents and the checks need. Values may be Terraform expressions; only
 * literals are checked.
 */
export interface KeyVaultSpec {
  /** Name of the secret that holds the password. */
  readonly secretName: string;
  /** The rotation number written to the secret's `value_wo_version` (a number, or an expression). */
  readonly rotation: number | string;
  /**
   * Resource id of an existing vault.
   * @default - none; then `createName` must be set
   */
  readonly vaultId?: string;
  /**
   * Name of the vault the library creates.
   * @default - none; then `vaultId` must be set
   */
  readonly createName?: string;
  /**
   * Soft-delete retention of a created vault, in days.
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
  /** Whether an azurerm provider for the vault's subscription was passed. */
  readonly hasProvider: boolean;
  /**
   * Whether the password was given as a plain string (which would be written into cdk.tf.json).
   * @default false
   */
  readonly passwordIsLiteral?: boolean;
  /**
   * The configured `terraform` binary and the version it reported, when it could be run.
   * @default - not known (no binary found); not checked
   */
  readonly terraform?: {
    /** The binary asked (`TERRAFORM_BINARY_NAME`, else `terraform`). */
    readonly binary: string;
    /** The version it reported, e.g. `1.11.4`. */
    readonly version: string;
  };
}

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
  /** Path of the env file every host shares (holds the password). */
  readonly sharedEnvPath: string;
  /** Path of this host's own env file. */
  readonly hostEnvPath: string;
  /** Ordered contents of this host's env file. */
  readonly hostEnv: readonly (readonly [string, string])[];
  /** The full `weave launch` argument list this host ends up running. */
  readonly launchArgs: readonly string[];
}

/**
 * One peer a host dials, as the planner chose it: the address written into
 * `WEAVE_PEERS`, how the host reaches it, and where it leads.
 */
export interface PeerDial {
  /** The text in `WEAVE_PEERS`. */
  readonly address: string;
  /**
   * How the dialing host gets there: a literal IPv4 address, a public DNS
   * name, or an Azure VM name resolved by the VNet's Azure-provided DNS.
   */
  readonly via: 'ipv4' | 'public-dns' | 'vm-name';
  /** Position of the cluster the address leads into. */
  readonly cluster: number;
  /**
   * Global position of the host the address leads to; unset when it leads
   * to a cluster's load balancer, which picks one of the cluster's hosts.
   * @default - a load balancer
   */
  readonly host?: number;
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
  readonly retired: readonly RetiredHostPlan[];
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
 * The result of {@link planNetwork}: one plan per host plus what all hosts
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
  readonly retired: readonly RetiredHostPlan[];
  /** The allocation record after this plan, and what changed. */
  readonly allocation: PlanAllocation;
}

/** Path of the env file every host shares; it holds the network password, so it is mode 0600. */
export const SHARED_ENV_PATH = '/etc/weave.env';
/**
 * Path of one host's own env file (peers, IPAM mode, bridge address). On
 * Azure cloud-config hosts it is fetched from the VM's user data at every
 * start, so it can change without replacing the VM; elsewhere the boot config
 * writes it.
 */
export const hostEnvPath = (host: string): string => `/etc/weave.${host}.env`;


// --- diagram.ts ---

/** A host that was removed from the code but whose address stays reserved. */
export interface RetiredHost {
  /** Host name. */
  readonly name: string;
  /** Name of the cluster it belonged to; a cluster no longer declared is drawn with its retired hosts only. */
  readonly cluster: string;
  /** The reserved bridge address, with prefix. */
  readonly bridgeAddress: string;
}

// --- allocation.ts ---

/** A bootstrap host takes part in the IPAM consensus; an observer joined later. */
export type HostRole = 'bootstrap' | 'observer';

/** What the record keeps for one host, active or retired. */
export interface HostAllocation {
  /** Bridge address with the bridge range's prefix, e.g. `10.1.0.3/16`. */
  readonly bridgeAddress: string;
  /** `bootstrap` hosts launch with `--ipalloc-init consensus=N`, `observer` ones with `observer`. */
  readonly role: HostRole;
  /** Name of the cluster the host was last declared in (for diagrams and reviews). */
  readonly cluster: string;
}

/**
 * Everything that must never move for one network once its hosts exist.
 * Keyed by host and cluster names, so order in the code does not matter.
 */
export interface AllocationRecord {
  /** The bridge range the addresses were taken from; changing it in the code is refused. */
  readonly bridgeRange: string;
  /** The `N` of `consensus=N`: how many hosts bootstrapped the mesh. Never changes once recorded. */
  readonly consensus: number;
  /** The cluster every other cluster's anchor dials by DNS name. */
  readonly root: string;
  /** Per cluster, the host its other hosts dial (its anchor). */
  readonly anchors: Readonly<Record<string, string>>;
  /** Hosts declared in the code. */
  readonly hosts: Readonly<Record<string, HostAllocation>>;
  /**
   * Hosts removed from the code. Their addresses are not handed out again
   * until the entry is deleted from the file (released); a retired host
   * declared again gets its old values back.
   */
  readonly retired: Readonly<Record<string, HostAllocation>>;
}

/**
 * A host that is in the record as retired: removed from the code, its
 * address still held. What the topology picture draws, plus its role.
 */
export interface RetiredHostPlan extends RetiredHost {
  /** Whether it was a bootstrap host. */
  readonly bootstrap: boolean;
}

/** One recorded value that a plan would add, change or drop. */
export interface AllocationChange {
  /** Whether the value belongs to the network, one cluster or one host. */
  readonly scope: 'network' | 'cluster' | 'host';
  /** Host or cluster name; empty for the network. */
  readonly name: string;
  /**
   * `bridgeRange`, `consensus`, `root` (network); `anchor` (cluster);
   * `status` (`active` / `retired`), `bridgeAddress`, `role`, `cluster` (host).
   */
  readonly field: string;
  /**
   * Value in the old record.
   * @default - none: the value is new
   */
  readonly before?: string;
  /**
   * Value in the new record.
   * @default - none: the value is dropped
   */
  readonly after?: string;
}

// --- user-content.ts ---

/**
 * File content that Terraform supplies at apply time (a non-secret
 * expression such as a variable, a resource attribute or `templatefile()`).
 * Renderers leave a placeholder for it; whoever turns the document into a
 * Terraform expression replaces the placeholder with {@link ref}.
 */
export interface ExpressionContent {
  /**
   * Terraform expression (without `${}`) whose value is the base64 of the
   * file's bytes, e.g. `local.mesh_file_0a1b2c3d4e_b64`.
   */
  readonly ref: string;
  /** The expression as the user wrote it, for messages (e.g. `${var.ca_pem}`). */
  readonly display: string;
  /**
   * Why the expression looks secret, when it does; the checks then reject
   * the file.
   * @default - not known to be secret
   */
  readonly sensitive?: string;
}

/** File content given as bytes: the base64 of any (also binary) content. */
export interface FileBytes {
  /** The bytes, base64-encoded. */
  readonly base64: string;
}

/** A file a user puts on every host of a level, as the pure core sees it. */
export interface UserFile {
  /** Absolute path on the host. */
  readonly path: string;
  /**
   * Permission bits, e.g. `0o644` (write the `0o`: a plain `644` is decimal).
   * @default 0o644
   */
  readonly mode?: number;
  /**
   * Owner as `user` or `user:group`, names or numeric ids. Both must exist
   * on the host when the file is written (`root` and `core` on Flatcar);
   * with only a user the group stays `root`.
   * @default 'root'
   */
  readonly owner?: string;
  /**
   * Literal text content.
   * @default '' (an empty file), unless contentBase64 or expression is given
   */
  readonly content?: string;
  /**
   * Literal bytes, base64-encoded (for binary files or exact bytes).
   * @default - none
   */
  readonly contentBase64?: string;
  /**
   * Content Terraform fills in at apply time.
   * @default - none
   */
  readonly expression?: ExpressionContent;
}

/** A systemd drop-in of a user unit. */
export interface UserDropIn {
  /** File name in the unit's `.d` directory; must end in `.conf`. */
  readonly name: string;
  /** Unit-file text of the drop-in. */
  readonly contents: string;
}

/** A systemd unit a user installs, enables or amends, as the pure core sees it. */
export interface UserUnit {
  /** Unit name with its type suffix, e.g. `kubelet.service`. */
  readonly name: string;
  /**
   * Full unit text.
   * @default - none; the unit exists on the host and only gets drop-ins
   */
  readonly contents?: string;
  /**
   * Drop-ins for the unit (also for units the host already has, such as `docker.service`).
   * @default - none
   */
  readonly dropIns?: readonly UserDropIn[];
  /**
   * `systemctl enable` it, so its `[Install]` section (e.g.
   * `WantedBy=kubernetes.node.target`) pulls it in at every boot.
   * @default - true when `contents` has an `[Install]` section
   */
  readonly enable?: boolean;
  /**
   * Also start it whenever the boot config is applied: cloud-config
   * `command: start` (every boot), the dedicated servers' script (every run).
   * Ignition has no such step; an Ignition host starts the units enabled
   * into a boot target, so `start` there needs `enable`.
   * @default false
   */
  readonly start?: boolean;
}

/** Files and units a user adds at one level (network, cluster or host). */
export interface UserContent {
  /**
   * Files to write.
   * @default - none
   */
  readonly files?: readonly UserFile[];
  /**
   * Units to install or amend.
   * @default - none
   */
  readonly units?: readonly UserUnit[];
}
