// WeaveCluster: one group of hosts of one kind. What every kind shares
// (ids, marks, the network's view of it) is here; what its kind makes of it
// (Azure's VNet, NSG and load balancer; nothing for dedicated servers) is
// its kind's part (kinds/).
import { Construct } from 'constructs';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { SecretContent } from '../core/boot/document';
import { raise } from '../core/check/problems';
import type { AzureBootFormat } from '../core/declare/azure';
import type { ClusterKind, ClusterSpec, HostSpec } from '../core/declare/network';
import type { ClusterGrant, GrantTarget } from './identity';
import type { PasswordVault } from './key-vault';
import { clusterKind } from './kinds';
import type { ClusterPart } from './kinds/kind';
import type { AzureClusterResources } from './kinds/azure/resources';
import type { ScaleSetResources } from './kinds/scale-set/resources';
import { CLUSTER_MARK, ClusterBinding, HostKeyVault, NETWORK_MARK, NsgRuleSlots, isMarked } from './marks';
import type { WeaveNetwork } from './network';
import { checkPropTypes } from './prop-types';
import type { WeaveClusterProps } from './props';
import { scopeError } from './scope';
import { userContentSpec } from './user-content';

/**
 * One group of hosts that share a subscription and VNet (Azure) or a data
 * centre (dedicated). Its first host dials the first cluster; its other
 * hosts dial its first host.
 */
export class WeaveCluster extends Construct {
  /** The network the cluster belongs to (its scope). */
  readonly network: WeaveNetwork;
  /** Whether the cluster's hosts are Azure VMs or dedicated servers. */
  readonly kind: ClusterKind;
  /** The cluster's name: its construct id, also the prefix of its Azure resource names. */
  readonly clusterName: string;
  /** Azure region, as given; unset for dedicated clusters. */
  readonly location?: string;
  /** DNS label of the public IP; set for Azure clusters (the construct id unless given). */
  readonly dnsLabel?: string;
  /** SSH public key for `core` on the cluster's VMs: the cluster's own, else the network's. */
  readonly sshPublicKey?: string;
  /** Range allowed to SSH in through the load balancer; unset means no SSH from outside. */
  readonly sshSourceCidr?: string;
  /** The azurerm provider the cluster's resources are created with, as given. */
  readonly provider?: AzurermProvider;
  /** Tags applied to every Azure resource of the cluster, and of its hosts: the user's merged with the library's. */
  readonly tags: Record<string, string>;
  /** Boot format of the cluster's VMs: its own, else the network's. */
  readonly bootFormat: AzureBootFormat;
  /** Set for Azure clusters. */
  readonly azure?: AzureClusterResources;
  /** Set for pools (`kind: 'scale-set'`): the scale set and its network. */
  readonly scaleSet?: ScaleSetResources;
  /** Name later clusters dial to reach this one: the public IP's FQDN for Azure, `dnsName` for dedicated. */
  readonly dnsName?: string;
  /** @internal What the cluster's kind made of it. */
  readonly _part: ClusterPart;
  private readonly props: WeaveClusterProps;

  constructor(scope: WeaveNetwork, id: string, props: WeaveClusterProps = {}) {
    if (!isMarked(scope, NETWORK_MARK)) raise(scopeError('WeaveCluster', id, scope, 'WeaveNetwork', 'network'));
    scope._assertOpen(`WeaveCluster ${id}`, `${scope.node.path}/${id}`);
    super(scope, id);
    // From JavaScript or JSON anything may come: a wrong type is a problem, not a TypeError later.
    props = props ?? {};
    checkPropTypes('cluster', this.node.path, props);
    Object.defineProperty(this, CLUSTER_MARK, { value: true });
    this.network = scope;
    this.props = props;
    this.kind = props.kind ?? 'azure';
    this.clusterName = id;
    this.provider = props.provider;
    this.location = props.location;
    this.sshPublicKey = props.sshPublicKey ?? scope.sshPublicKey;
    this.sshSourceCidr = props.sshSourceCidr;
    this.bootFormat = props.bootFormat ?? scope.bootFormat;
    // The library's tags last: they identify its resources and cannot be replaced.
    this.tags = { ...props.tags, 'weave-network': scope.node.path, 'weave-cluster': id };
    this._part = clusterKind(this.kind)(this, props);
    this.dnsLabel = this._part.dnsLabel;
    this.dnsName = this._part.dnsName;
    this.azure = this._part.azure;
    this.scaleSet = this._part.scaleSet;
  }

  /**
   * Whether `x` is a `WeaveCluster`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveCluster(x: unknown): x is WeaveCluster {
    return isMarked(x, CLUSTER_MARK);
  }

  /** The clusters of a network, in declaration order. */
  static of(network: WeaveNetwork): WeaveCluster[] {
    return network.node.children.filter((c): c is WeaveCluster => isMarked(c, CLUSTER_MARK));
  }

  /** @internal The cluster as the pure core sees it. */
  _spec(hosts: HostSpec[]): ClusterSpec {
    return {
      path: this.node.path,
      name: this.clusterName,
      kind: this.kind,
      dnsName: this.dnsName,
      ...this._part.spec(),
      location: this.location,
      locationUnchecked: this.props.locationUnchecked,
      hasProvider: this.provider !== undefined,
      bootstrapHosts: this.props.bootstrapHosts,
      options: this.props,
      content: userContentSpec(this, this.network.node.id, this.props.files, this.props.units),
      hosts,
    };
  }

  /** @internal What a Key Vault grant needs of this cluster, when its hosts fetch the password. */
  _grantTarget(): GrantTarget | undefined {
    return this._part.grantTarget();
  }

  /** @internal Key Vault mode: what the cluster's hosts need instead of the password. */
  _keyVault(vault: PasswordVault, grant: ClusterGrant | undefined, shared: SecretContent, password: string): HostKeyVault {
    return this._part.keyVault(vault, grant, shared, password);
  }

  /** @internal Egress address other clusters' NSGs admit. */
  _publicAddressRef(): string | undefined {
    return this._part.publicAddressRef();
  }

  /** @internal Every egress address other clusters' NSGs admit. */
  _egressAddressRefs(): readonly string[] {
    if (this._part.egressAddressRefs) return this._part.egressAddressRefs();
    const one = this._part.publicAddressRef();
    return one === undefined ? [] : [one];
  }

  /** @internal Receives what the network decided for this cluster. */
  _bind(binding: ClusterBinding): void {
    this._part.bind(binding);
  }

  /** @internal The NSG the library's rules go into and the priorities they take, for the clash check. */
  _nsgRuleSlots(): NsgRuleSlots | undefined {
    return this._part.nsgRuleSlots();
  }
}
