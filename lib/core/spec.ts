// What the planner is given: a declared network, its clusters and hosts, as
// plain data. `WeaveNetwork` makes one from its constructs at synth; callers
// without cdktf can write one by hand. Strings that happen to be Terraform
// tokens pass through untouched.
import type { UserContent } from './user-content';

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
