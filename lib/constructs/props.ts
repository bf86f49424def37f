// The construct props: what a user writes for a network, a cluster and a
// host. The options every kind owns are declared once in lib/core/declare/
// (AzureClusterOptions, DedicatedHostOptions, ...) and reused here; what only
// the constructs take (providers, the password, the record file) is here.
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { AllocationRecord } from '../core/allocation/record';
import type { AzureBootFormat } from '../core/declare/azure';
import type { WeaveFile, WeaveUnit } from '../core/declare/content';
import type { WeaveRouterOptions } from '../core/declare/weave';
import type { ClusterKind, ClusterSpec, HostSpec, WeaveClusterOptions, WeaveHostOptions, WeaveRelease } from '../core/declare/network';
import type { IConstruct } from 'constructs';
import type { WeaveKeyVaultOptions } from './key-vault';
import type { WeaveRegistryOptions } from './registry';

/** Which Weave Net build the hosts install; every field has a default. */
export interface WeaveReleaseOptions {
  /**
   * {@inheritDoc WeaveRelease.version}
   * @default '2.9.0'
   */
  readonly version?: WeaveRelease['version'];
  /**
   * {@inheritDoc WeaveRelease.scriptUrl}
   * @default 'https://github.com/rajch/weave/releases/download/v<version>/weave'
   */
  readonly scriptUrl?: WeaveRelease['scriptUrl'];
  /**
   * {@inheritDoc WeaveRelease.sha256}
   * @default - not checked
   */
  readonly sha256?: WeaveRelease['sha256'];
  /**
   * {@inheritDoc WeaveRelease.imageOwner}
   * @default 'rajchaudhuri'
   */
  readonly imageOwner?: WeaveRelease['imageOwner'];
  /**
   * {@inheritDoc WeaveRelease.weavedbVersion}
   * @default - the release version
   */
  readonly weavedbVersion?: WeaveRelease['weavedbVersion'];
  /**
   * {@inheritDoc WeaveRelease.digests}
   * @default - pinned by tag only
   */
  readonly digests?: WeaveRelease['digests'];
}

/** Settings of a {@link WeaveNetwork}; every one has a working default. */
export interface WeaveNetworkProps extends WeaveRouterOptions {
  /**
   * {@inheritDoc NetworkSpec.ipallocRange}
   * @default '10.2.0.0/16'
   */
  readonly ipallocRange?: string;
  /**
   * {@inheritDoc NetworkSpec.bridgeRange}
   * @default '10.1.0.0/16'
   */
  readonly bridgeRange?: string;
  /**
   * The network password, as a token (a sensitive `TerraformVariable`'s
   * `.stringValue`, or a data source attribute). A plain string works but is
   * written into `cdk.tf.json` and draws a warning. Whatever you pass must
   * meet what the generated variable checks: 12-256 printable ASCII
   * characters, no spaces, quotes or backslashes (it is written unquoted into
   * a systemd EnvironmentFile).
   * @default - a sensitive variable named `<id>_password` (set `TF_VAR_<id>_password`)
   */
  readonly password?: string;
  /**
   * weaveDNS domain.
   * @default 'weave.local.'
   */
  readonly dnsDomain?: string;
  /**
   * Run weaveDNS. `false` launches with `--no-dns`.
   * @default true
   */
  readonly dns?: boolean;
  /**
   * {@inheritDoc NetworkSpec.proxy}
   * @default true
   */
  readonly proxy?: boolean;
  /**
   * {@inheritDoc NetworkSpec.plugin}
   * @default true
   */
  readonly plugin?: boolean;
  /**
   * Which Weave Net build the hosts install. Pin it so that hosts booted at
   * different times run the same release.
   * @default - rajch/weave 2.9.0 from GitHub, images from `rajchaudhuri`
   */
  readonly release?: WeaveReleaseOptions;
  /**
   * {@inheritDoc NetworkSpec.bootstrapSize}
   * @default - the recorded consensus; without a record every declared host
   */
  readonly bootstrapSize?: number;
  /**
   * {@inheritDoc NetworkSpec.wantedBy}
   * @default ['multi-user.target']
   */
  readonly wantedBy?: string[];
  /**
   * How Azure VMs receive their boot config, unless their cluster says
   * otherwise: coreos-cloudinit `#cloud-config` (re-applied every boot; host
   * settings live in user data and update in place) or Ignition spec 3.3
   * (first boot only; the VM ignores later changes to its custom data).
   * @default 'cloud-config'
   */
  readonly bootFormat?: AzureBootFormat;
  /**
   * SSH public key for the `core` user on every Azure VM, unless a cluster or
   * host gives its own.
   * @default - none; then each Azure cluster or host must give one
   */
  readonly sshPublicKey?: string;
  /**
   * The network's allocation record, given in memory: who was a bootstrap
   * host, the consensus count, each host's bridge address and dial anchors.
   * When set, no file is read or written (what tests use).
   * @default - read from (and, on `cdktf synth`, written to) the allocation file
   */
  readonly allocationRecord?: AllocationRecord;
  /**
   * Path of the committed allocation record file, shared by every network of
   * the app (each under its construct path).
   * @default - `WEAVE_ALLOCATION_FILE`, else `weave-allocation.json` in the
   *   working directory (beside `cdktf.json` under `cdktf synth`)
   */
  readonly allocationFile?: string;
  /**
   * Your own files for every host of the network (Azure VMs and dedicated
   * servers), written beside Weave's in the same boot document. Clusters and
   * hosts may add files; an entry with the same path at a more specific
   * level replaces this one.
   * @default - none
   */
  readonly files?: readonly WeaveFile[];
  /**
   * Your own systemd units (or drop-ins for existing units such as
   * `docker.service`) for every host. Order them after the mesh with
   * `After=weave-network.target`. Clusters and hosts may add units; an entry
   * with the same name at a more specific level replaces this one whole.
   * @default - none
   */
  readonly units?: readonly WeaveUnit[];
  /**
   * Keep the password in Azure Key Vault: the recommended production
   * setting. The password variable becomes ephemeral and reaches only the
   * secret (write-only) and the dedicated servers' provisioners; Azure VMs
   * fetch it at boot with a managed identity. Nothing secret lands in
   * Terraform state, plan or VM metadata. Needs Terraform 1.11 or OpenTofu
   * 1.11. See docs/key-vault.md. A `password` you pass yourself must then be
   * an ephemeral variable too (`addOverride('ephemeral', true)`), or a saved
   * plan would keep it.
   * @default - the password is filled into every host's boot data (simple, but it sits in state)
   */
  readonly keyVault?: WeaveKeyVaultOptions;
  /**
   * How the hosts log in to the registry `release.imageOwner` names: Azure
   * VMs with their cluster's managed identity (Azure Container Registry,
   * `AcrPull`), dedicated servers with a user name and an ephemeral password
   * the provisioner uploads. See docs/day-two.md.
   * @default - every host pulls anonymously
   */
  readonly registry?: WeaveRegistryOptions;
  /**
   * A `WeaveNetwork` in another stack that this one is an alternative of: the same
   * Azure resources, deployed one or the other, never both (e.g. the same
   * topology with another password mode). The app-wide check that no two
   * networks claim the same Azure names (resource groups, VNets, public IPs,
   * DNS labels, VMs, vaults) then lets the two share them; within one stack
   * it still applies.
   * @default - none: every name must be the network's own across the app
   */
  readonly alternativeTo?: IConstruct;
}

/** Settings of a {@link WeaveCluster}. Azure clusters need `provider` and `location`. */
export interface WeaveClusterProps extends WeaveClusterOptions, Pick<ClusterSpec, 'bootstrapHosts'> {
  /**
   * Where the cluster's hosts run: Azure VMs, or dedicated servers reached
   * over SSH.
   * @default 'azure'
   */
  readonly kind?: ClusterKind;
  /** {@inheritDoc AzureClusterOptions.provider} */
  readonly provider?: AzurermProvider;
  /**
   * Files for every host of this cluster, after the network's; an entry with
   * the same path replaces the network's.
   * @default - none
   */
  readonly files?: readonly WeaveFile[];
  /**
   * systemd units (or drop-ins) for every host of this cluster, after the
   * network's; an entry with the same name replaces the network's whole.
   * @default - none
   */
  readonly units?: readonly WeaveUnit[];
}

/**
 * Settings of a {@link WeaveHost}: the options of its cluster's kind (VM
 * options for Azure hosts, `ssh` and the addresses for dedicated ones).
 */
export interface WeaveHostProps extends WeaveHostOptions, Pick<HostSpec, 'bridgeAddress'> {
  /**
   * Host name: the VM and Linux computer name, the env file's name, and what
   * other hosts of the cluster dial.
   * @default - the construct id
   */
  readonly hostName?: string;
  /**
   * Files for this host only, after its cluster's and the network's; an
   * entry with the same path replaces theirs.
   * @default - none
   */
  readonly files?: readonly WeaveFile[];
  /**
   * systemd units (or drop-ins) for this host only, after its cluster's and
   * the network's; an entry with the same name replaces theirs whole.
   * @default - none
   */
  readonly units?: readonly WeaveUnit[];
}
