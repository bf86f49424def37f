// The kind seam on the construct side: what a kind makes of a cluster and
// its hosts in Terraform. WeaveCluster and WeaveHost do what every kind
// shares (ids, marks, outputs, the network's binding) and hand the rest to
// their kind's parts; the pure core's driver (lib/core/kinds/) has already
// decided what the parts are given at bind time.
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { Construct } from 'constructs';
import type { SecretContent } from '../../core/boot/document';
import type { AzureBootFormat } from '../../core/declare/azure';
import type { ClusterSpec } from '../../core/declare/network';
import type { ClusterGrant, GrantTarget } from '../identity';
import type { PasswordVault } from '../key-vault';
import type { ClusterBinding, HostBinding, HostKeyVault, NsgRuleSlots } from '../marks';
import type { WeaveClusterProps, WeaveHostProps } from '../props';
import type { TerraformData } from '../terraform/data';
import type { AzureClusterResources, AzureHostResources } from './azure/resources';
import type { ScaleSetResources } from './scale-set/resources';

/** What a kind's parts see of their cluster (a WeaveCluster). */
export interface ClusterScope extends Construct {
  /** The network the cluster belongs to. */
  readonly network: Construct;
  /** The cluster's name (its construct id). */
  readonly clusterName: string;
  /** Tags for every resource of the cluster: the user's merged with the library's. */
  readonly tags: Record<string, string>;
  /** The provider, as given. @default - none */
  readonly provider?: AzurermProvider;
  /** SSH public key for the cluster's VMs: its own, else the network's. @default - none */
  readonly sshPublicKey?: string;
  /** Range allowed to SSH in. @default - none */
  readonly sshSourceCidr?: string;
  /** DNS label of the cluster (an Azure cluster's; with direct peering its VMs' labels start with it). @default - none */
  readonly dnsLabel?: string;
  /** Boot format of the cluster's VMs: its own, else the network's. */
  readonly bootFormat: AzureBootFormat;
}

/** What a kind's parts see of one host (a WeaveHost). */
export interface HostScope extends Construct {
  /** The host's name. */
  readonly hostName: string;
}

/** What a kind makes of one cluster, and what the network and the cluster's hosts need from it. */
export interface ClusterPart {
  /**
   * The DNS label of the cluster's public address.
   * @default - none
   */
  readonly dnsLabel?: string;
  /**
   * The name later clusters dial to reach this one.
   * @default - none
   */
  readonly dnsName?: string;
  /**
   * The Azure resources, for an Azure cluster.
   * @default - none
   */
  readonly azure?: AzureClusterResources;
  /**
   * The scale set and its network, for a pool.
   * @default - none
   */
  readonly scaleSet?: ScaleSetResources;
  /** The planner's facts the kind decides for the cluster. */
  spec(): Pick<ClusterSpec, 'dnsLabel' | 'vnetCidr' | 'bootFormat' | 'sshPublicKey'>;
  /** Key Vault mode: the grant target, when the cluster's hosts fetch the password themselves. */
  grantTarget(): GrantTarget | undefined;
  /** Key Vault mode: what the cluster's hosts need instead of the password. */
  keyVault(vault: PasswordVault, grant: ClusterGrant | undefined, shared: SecretContent, password: string): HostKeyVault;
  /** The address the cluster's traffic leaves from, which other clusters' firewalls admit. */
  publicAddressRef(): string | undefined;
  /**
   * Every address the cluster's traffic leaves from, when there may be more
   * than one (a NAT gateway's IPs, or each VM's own with direct peering);
   * read at bind time, after every host is declared.
   * @default - publicAddressRef's one address
   */
  egressAddressRefs?(): readonly string[];
  /** The NSG rules the library creates, for the check against users' rules. */
  nsgRuleSlots(): NsgRuleSlots | undefined;
  /** Receives what the network decided for the cluster. */
  bind(binding: ClusterBinding): void;
  /** Makes one host's part. */
  host(host: HostScope, props: WeaveHostProps): HostPart;
}

/** What a kind makes of one host. */
export interface HostPart {
  /**
   * The address other clusters' firewalls admit for the host.
   * @default - none
   */
  readonly publicAddress?: string;
  /**
   * The Azure resources, for an Azure VM.
   * @default - none
   */
  readonly azure?: AzureHostResources;
  /**
   * The resource that pushes the boot document, for a dedicated server.
   * @default - none
   */
  readonly provisioner?: TerraformData;
  /** Receives the host's plan and boot document and fills in the resources' values. */
  bind(binding: HostBinding): void;
  /**
   * Makes the step that runs a retired peer's reclaim script on this host,
   * when the kind's hosts reclaim (its driver's `retirement.reclaimRank`).
   */
  reclaim?(scope: Construct, id: string, logicalId: string, peer: string, script: string): void;
}

/** A kind's construct side: makes its part of a cluster. */
export type ClusterKindConstructs = (cluster: ClusterScope, props: WeaveClusterProps) => ClusterPart;
