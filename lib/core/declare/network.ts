// What the planner is given: a declared network, its clusters and hosts, as
// plain data. `WeaveNetwork` makes one from its constructs at synth; callers
// without cdktf can write one by hand. Strings that happen to be Terraform
// tokens pass through untouched. The kinds of cluster are registered here by
// name and options (ClusterKind, WeaveClusterOptions, WeaveHostOptions); their
// drivers in kinds/ decide what each kind means.
import type { AzureClusterOptions, AzureHostOptions } from './azure';
import type { UserContent } from './content';
import type { DedicatedClusterOptions, DedicatedHostOptions } from './dedicated';
import type { RegistrySpec, WeaveImageDigests } from './images';
import type { ScaleSetClusterOptions } from './scale-set';
import type { WeaveRouterOptions } from './weave';

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
  /**
   * Where the `weave`, `weaveexec` and `weavedb` images are pulled from: a
   * Docker Hub account (`rajchaudhuri`), or a registry host and path
   * (`acme.azurecr.io/weave`, `mirror.example.com:5000/rajch`). It is the
   * `weave` script's `DOCKERHUB_USER`, a plain prefix of the image names.
   */
  readonly imageOwner: string;
  /**
   * Tag of the `weavedb` image. The `weave` script itself always asks for
   * `weavedb:latest`; the hosts pull this tag instead and tag it `latest`
   * locally, so the script finds it and never pulls.
   * @default - the release version
   */
  readonly weavedbVersion?: string;
  /**
   * Digests that pin the three images exactly; the hosts pull by digest.
   * @default - pinned by tag only
   */
  readonly digests?: WeaveImageDigests;
}

/**
 * Where a cluster's hosts run: `azure` for Flatcar VMs the library creates,
 * `dedicated` for existing servers it configures over SSH, `scale-set` for
 * a pool of Flatcar instances in an Azure scale set that come and go
 * without being declared (a pool has no `WeaveHost`s).
 */
export type ClusterKind = 'azure' | 'dedicated' | 'scale-set';

/**
 * Every kind's cluster options. A cluster uses those of its own kind; the
 * checks report the others' where they are given, since they have no effect.
 */
export interface WeaveClusterOptions extends AzureClusterOptions, DedicatedClusterOptions, ScaleSetClusterOptions {}

/** Every kind's host options; a host uses those of its cluster's kind. */
export interface WeaveHostOptions extends AzureHostOptions, DedicatedHostOptions {}

/**
 * How a host's boot config is delivered: `cloud-config` (coreos-cloudinit,
 * Azure custom data), `ignition` (Ignition spec 3.3.0, first boot only) or
 * `script` (a bash script run over SSH on dedicated servers).
 */
export type BootFormat = 'cloud-config' | 'ignition' | 'script';

/**
 * Where a host's own env file comes from.
 * - `file`: written by the boot config itself (dedicated servers, Ignition VMs, standalone renders).
 * - `azure-imds`: fetched at every start from the VM's user data, so values that
 *   change when the network grows update in place instead of replacing the VM.
 */
export type HostEnvSource = 'file' | 'azure-imds';

/**
 * One declared host as the pure planner sees it: only the facts that decide
 * its wiring and the checks on it, free of cdktf. `WeaveHost` builds it.
 */
export interface HostSpec extends Pick<DedicatedHostOptions, 'publicAddress' | 'dialAddress'>, Pick<AzureHostOptions, 'vmSize'> {
  /** Construct path, used in error messages. */
  readonly path: string;
  /** Host name: Linux computer name, env-file name, and what its peers dial. */
  readonly name: string;
  /**
   * Fixed bridge address on the host bridge network, `a.b.c.d` or
   * `a.b.c.d/<bridge prefix>`. With an allocation record it must agree with
   * the recorded address.
   * @default - the recorded address, else the lowest free address of the
   *   bridge range, in declaration order
   */
  readonly bridgeAddress?: string;
  /**
   * A dedicated host's `ssh.host` (see {@link DedicatedSshOptions.host}).
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
   * The host's options as the user gave them, of every kind, for the checks
   * that judge them (e.g. a VM size given to a dedicated server).
   * @default - none given
   */
  readonly options?: WeaveHostOptions;
  /**
   * A dedicated host's SSH login user (`ssh.user`); checked to be a valid
   * Linux user name.
   * @default - not checked (the construct's default, `core`, is valid)
   */
  readonly sshUser?: string;
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
export interface ClusterSpec extends Pick<AzureClusterOptions, 'location' | 'locationUnchecked'> {
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
   * Whether an Azure provider was passed to the cluster. The planner never
   * sees the provider itself, only this flag, so it can report a missing one
   * together with every other problem.
   * @default - treated as false, which is a problem for an Azure cluster
   */
  readonly hasProvider?: boolean;
  /**
   * How many of this cluster's first hosts were present when the mesh first
   * started. They get `--ipalloc-init consensus=N`; hosts declared after them
   * join as observers and take bridge addresses after every bootstrap host's.
   * Pin it on every cluster before you add hosts, and no existing host's
   * settings change. Once any cluster of the network pins it, a cluster
   * without a pin counts as added later: all its hosts are observers. With
   * an allocation record it must agree with the roles the record keeps.
   * @default - when no cluster pins: every host of the cluster (unless the
   *   network's bootstrapSize says otherwise); when another cluster pins: 0
   */
  readonly bootstrapHosts?: number;
  /**
   * How the cluster's Azure VMs receive their boot config; dedicated servers always get a script.
   * @default 'cloud-config'
   */
  readonly bootFormat?: string;
  /**
   * The cluster's options as the user gave them, of every kind, for the
   * checks that judge them (e.g. a location given to a dedicated cluster).
   * @default - none given
   */
  readonly options?: WeaveClusterOptions;
  /**
   * Files and units for every host of the cluster, merged after the network's.
   * @default - none
   */
  readonly content?: UserContent;
  /**
   * The SSH public key a pool's instances get: the pool's own, else the
   * network's; checked the way azurerm checks it when it is a literal.
   * (Azure VMs carry theirs on their {@link HostSpec}.)
   * @default - none
   */
  readonly sshPublicKey?: string;
  /**
   * The cluster's hosts, in declaration order. Without a record the first is
   * the one the others dial; with one, the recorded anchor keeps that role.
   */
  readonly hosts: readonly HostSpec[];
}

/**
 * A whole declared network, the input of {@link deriveNetwork}: settings with
 * their defaults already filled in, and the clusters in declaration order.
 * `WeaveNetwork` builds one from its clusters and hosts at synth; callers without cdktf can write it by hand.
 */
export interface NetworkSpec extends WeaveRouterOptions {
  /** Construct path of the network, used in error messages. */
  readonly path: string;
  /** Weave IPAM range that containers get addresses from, e.g. `10.2.0.0/16`. Host bits must be zero. */
  readonly ipallocRange: string;
  /** Range the hosts' own bridge addresses (`weave expose`) come from, e.g. `10.1.0.0/16`. */
  readonly bridgeRange: string;
  /** weaveDNS domain, or `false` to launch with `--no-dns`. */
  readonly dnsDomain: string | false;
  /** The Weave Net build every host installs. */
  readonly release: WeaveRelease;
  /**
   * Hosts present when the mesh first starts; each gets `--ipalloc-init
   * consensus=N`, later hosts get `observer`. Pin this to the count you first
   * deployed before you grow the network; with an allocation record it must
   * equal the recorded consensus count.
   * @default - the recorded consensus; without a record every declared host,
   *   or the sum of the clusters' `bootstrapHosts` when any is pinned
   */
  readonly bootstrapSize?: number;
  /** Units that pull in `weave-network.target`. */
  readonly wantedBy: readonly string[];
  /** Run weave's Docker API proxy (on `/var/run/weave/weave.sock`); `false` adds `--proxy=false`. */
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
  /**
   * How hosts log in to the image registry.
   * @default - every host pulls anonymously
   */
  readonly registry?: RegistrySpec;
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
   * Region of the vault the library creates, as given.
   * @default - none (an existing vault)
   */
  readonly createLocation?: string;
  /**
   * Accept a `createLocation` missing from the library's region list.
   * @default false
   */
  readonly createLocationUnchecked?: boolean;
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
