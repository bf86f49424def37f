// Brand symbols instead of instanceof: two copies of this package in one
// node_modules tree must still recognise each other's constructs. The
// interfaces are what the network needs from its members, so network,
// cluster and host never import each other's modules in a circle.
import { IConstruct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import type { SecretContent } from '../core/boot/document';
import type { ClusterSpec, HostSpec } from '../core/declare/network';
import type { DerivedHost, DerivedPool } from '../core/derive/derive';
import type { OsProfile } from '../core/os/profile';
import type { ClusterGrant, GrantTarget } from './identity';
import type { PasswordVault } from './key-vault';

export const NETWORK_MARK = Symbol.for('cdktf-weave-azure.WeaveNetwork');
export const CLUSTER_MARK = Symbol.for('cdktf-weave-azure.WeaveCluster');
export const HOST_MARK = Symbol.for('cdktf-weave-azure.WeaveHost');

/** Whether `x` carries `mark`. */
export function isMarked(x: unknown, mark: symbol): boolean {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[mark] === true;
}

/** What a cluster receives once the network is built. */
export interface ClusterBinding {
  /** Addresses its NSG admits on Weave's ports: other clusters' egress IPs and dedicated servers. */
  readonly peerSources: readonly string[];
  /**
   * A pool's document and plan, and how its slots are filled.
   * @default - none: the cluster's hosts are declared
   */
  readonly pool?: {
    readonly derived: DerivedPool;
    /** `local.<name>` holding base64 of the shared env file. */
    readonly sharedEnvRef: string;
    /**
     * Key Vault mode: what the instances need instead of the password.
     * @default - none: the default mode
     */
    readonly keyVault?: HostKeyVault;
    /**
     * The pool's managed identity, when its instances fetch with one (Key
     * Vault mode, an Azure Container Registry).
     * @default - none
     */
    readonly identity?: { readonly identityId: string; readonly clientId: string };
  };
}

/** What a host receives once the network is built. */
export interface HostBinding {
  /** Its plan and rendered boot document. */
  readonly host: DerivedHost;
  /** `local.<name>` holding base64 of the shared env file (the password's only way in). */
  readonly sharedEnvRef: string;
  /** Addresses of the resources that replace a first-boot-only VM: the network's, and in Key Vault mode its cluster's. */
  readonly bootGenerations?: readonly string[];
  /**
   * Key Vault mode: what the host needs instead of the password.
   * @default - none: the default mode, the password is in the boot document
   */
  readonly keyVault?: HostKeyVault;
  /**
   * The cluster's managed identity, when its hosts fetch with one (Key Vault
   * mode, an Azure Container Registry).
   * @default - none
   */
  readonly identity?: { readonly identityId: string; readonly clientId: string };
  /**
   * Dedicated servers: the Docker client config they pull with (expression,
   * no `${}`, ephemeral) and the rotation number that re-uploads it.
   * @default - none: no registry login
   */
  readonly registryLogin?: { readonly dockerConfig: string; readonly rotation: number };
}

/** What a host needs in Key Vault mode. */
export interface HostKeyVault {
  /**
   * Azure VMs: resource id of the cluster's user-assigned identity.
   * @default - none (dedicated servers)
   */
  readonly identityId?: string;
  /**
   * Azure VMs: placeholder in the boot document → Terraform expression (no `${}`) that fills it.
   * @default - none
   */
  readonly bootValues?: Readonly<Record<string, string>>;
  /**
   * Dedicated servers: expression (no `${}`) of the env file's text with the
   * password, ephemeral, for a provisioner upload only.
   * @default - none (Azure VMs)
   */
  readonly passwordFile?: string;
  /**
   * Dedicated servers: the rotation number, part of the provisioner's triggers.
   * @default - none
   */
  readonly rotation?: number;
}

/** The NSG rules a cluster creates, for the check against users' rules on the same NSG. */
export interface NsgRuleSlots {
  /** Name and group of the NSG the rules go into (tokens or literals, as given). */
  readonly nsg: { readonly name: string; readonly resourceGroupName: string };
  /**
   * The existing NSG construct (or object) the rules go into.
   * @default - none: the library created the NSG
   */
  readonly existing?: object;
  /** The library's rules on it. */
  readonly rules: readonly { readonly name: string; readonly priority: number; readonly direction: 'Inbound' | 'Outbound' }[];
}

/** The network's view of a cluster. */
export interface NetworkCluster extends IConstruct {
  /** The cluster's azurerm provider; its alias labels the cluster's subscription in the topology picture. */
  readonly provider?: TerraformProvider;
  /** What a Key Vault grant needs of a cluster whose hosts fetch the password; `undefined` for the others. */
  _grantTarget(): GrantTarget | undefined;
  /** Key Vault mode: what the cluster's hosts need instead of the password. */
  _keyVault(vault: PasswordVault, grant: ClusterGrant | undefined, shared: SecretContent, password: string): HostKeyVault;
  _spec(hosts: HostSpec[]): ClusterSpec;
  _publicAddressRef(): string | undefined;
  /** Every address the cluster's traffic leaves from (a NAT gateway's IPs, each VM's own with direct peering). */
  _egressAddressRefs(): readonly string[];
  _bind(binding: ClusterBinding): void;
  /** The NSG rules the library created for the cluster, if its kind makes any. */
  _nsgRuleSlots(): NsgRuleSlots | undefined;
}

/** The network's view of a host. */
export interface NetworkHost extends IConstruct {
  _spec(): HostSpec;
  /** The Terraform address of the host's machine (VM or provisioner), for messages. */
  _resourceAddress(): string | undefined;
  _bind(binding: HostBinding): void;
  /** The OS the host runs. */
  _os(): OsProfile;
  /** Makes the step that runs `script` (a retired peer's reclaim) on this host, once. */
  _reclaim(scope: IConstruct, id: string, logicalId: string, peer: string, script: string): void;
}

/** A cluster with its hosts, in declaration order. */
export interface ClusterMember {
  readonly cluster: NetworkCluster;
  readonly hosts: readonly NetworkHost[];
}

/** The clusters of a network and their hosts, in declaration order. */
export function clusterMembers(network: IConstruct): ClusterMember[] {
  return network.node.children
    .filter((c) => isMarked(c, CLUSTER_MARK))
    .map((c) => ({
      cluster: c as NetworkCluster,
      hosts: c.node.children.filter((h) => isMarked(h, HOST_MARK)) as NetworkHost[],
    }));
}
