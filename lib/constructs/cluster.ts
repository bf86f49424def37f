import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { Lb } from '@cdktf/provider-azurerm/lib/lb';
import { LbBackendAddressPool } from '@cdktf/provider-azurerm/lib/lb-backend-address-pool';
import { LbOutboundRule } from '@cdktf/provider-azurerm/lib/lb-outbound-rule';
import { LbProbe } from '@cdktf/provider-azurerm/lib/lb-probe';
import { LbRule } from '@cdktf/provider-azurerm/lib/lb-rule';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import {
  CLOUDAPP_ZONE,
  DEFAULT_VNET_CIDR,
  NSG_PRIORITIES,
  OUTBOUND_PORTS_PER_HOST,
  SSH_NAT_BASE_PORT,
  WEAVE_CONTROL_PORT,
  WEAVE_FASTDP_PORT,
  WEAVE_PORTS,
} from '../core/defaults';
import { ClusterKind, ClusterSpec, HostSpec } from '../core/model';
import { isToken } from '../core/tokens';
import { regionName } from '../core/validate';
import { CLUSTER_MARK, ClusterBinding, NETWORK_MARK, hasMark } from './marks';
import { outputId } from './names';
import type { AzureBootFormat, WeaveNetwork } from './network';

/** Settings of a {@link WeaveCluster}. Azure clusters need `provider` and `location`. */
export interface WeaveClusterProps {
  /**
   * Where the cluster's hosts run: Azure VMs, or dedicated servers reached
   * over SSH.
   * @default 'azure'
   */
  readonly kind?: ClusterKind;
  /**
   * The aliased azurerm provider of the subscription this cluster lives in.
   * Required for Azure clusters.
   * @default - none
   */
  readonly provider?: AzurermProvider;
  /**
   * Azure region, e.g. `westeurope`. Required for Azure clusters.
   * @default - none
   */
  readonly location?: string;
  /**
   * DNS label of the cluster's public IP; the cluster's DNS name becomes
   * `<label>.<region>.cloudapp.azure.com`. Labels are unique per region
   * across all of Azure, so pick one you own.
   * @default - the construct id
   */
  readonly dnsLabel?: string;
  /**
   * DNS name later clusters dial to reach a dedicated cluster. Only used when
   * the dedicated cluster is the first one.
   * @default - none
   */
  readonly dnsName?: string;
  /**
   * Address space of the cluster's VNet and subnet.
   * @default '172.16.1.0/24'
   */
  readonly vnetCidr?: string;
  /**
   * Name of the resource group created for the cluster.
   * @default '<id>-rg'
   */
  readonly resourceGroupName?: string;
  /**
   * Source range allowed to SSH in (through per-host NAT ports on the load
   * balancer, 50001 and up). SSH stays closed to the internet unless this is set.
   * @default - no SSH from outside the VNet
   */
  readonly sshSourceCidr?: string;
  /**
   * SSH public key for `core` on this cluster's VMs.
   * @default - the network's sshPublicKey
   */
  readonly sshPublicKey?: string;
  /**
   * How many of this cluster's first hosts were present when the mesh first
   * started. They get `--ipalloc-init consensus=N`; hosts declared after them
   * join as observers and take bridge addresses after every bootstrap host's.
   * Pin it on every cluster before you add hosts, and no existing host's
   * settings change. Once any cluster of the network pins it, a cluster
   * without a pin counts as added later: all its hosts are observers.
   * @default - when no cluster pins: every host of the cluster (unless the
   *   network's bootstrapSize says otherwise); when another cluster pins: 0
   */
  readonly bootstrapHosts?: number;
  /**
   * Tags for every Azure resource of the cluster.
   * @default - { 'weave-network': <network path>, 'weave-cluster': <id> }
   */
  readonly tags?: Record<string, string>;
  /**
   * How this cluster's VMs receive their boot config.
   * @default - the network's bootFormat
   */
  readonly bootFormat?: AzureBootFormat;
}

/** Azure resources of one cluster, for hosts and users to build on. */
export interface AzureClusterResources {
  /** The resource group every resource of the cluster lives in. */
  readonly resourceGroup: ResourceGroup;
  /** The cluster's VNet, spanning `vnetCidr`. */
  readonly virtualNetwork: VirtualNetwork;
  /** The one subnet the hosts' NICs join; it has no default outbound access. */
  readonly subnet: Subnet;
  /** NSG of the subnet: admits Weave traffic from the other clusters, and SSH when `sshSourceCidr` is set. */
  readonly securityGroup: NetworkSecurityGroup;
  /** Static public IP: the cluster's DNS name, and the address its hosts' traffic leaves from. */
  readonly publicIp: PublicIp;
  /** Load balancer that forwards Weave's ports to the hosts and gives them outbound access. */
  readonly loadBalancer: Lb;
  /** Backend pool of the load balancer holding every host's NIC. */
  readonly backendPool: LbBackendAddressPool;
}

/** Name of the load balancer frontend every rule uses. */
const FRONTEND = 'weave';

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
  /** Tags applied to every Azure resource of the cluster, and of its hosts. */
  readonly tags: Record<string, string>;
  /** Boot format of the cluster's VMs: its own, else the network's. */
  readonly bootFormat: AzureBootFormat;
  /** Set for Azure clusters. */
  readonly azure?: AzureClusterResources;
  /** Name later clusters dial to reach this one: the public IP's FQDN for Azure, `dnsName` for dedicated. */
  readonly dnsName?: string;
  private readonly props: WeaveClusterProps;
  private weaveRules: NetworkSecurityRule[] = [];
  /**
   * @internal Attribute references hosts read, taken once: each read of a
   * resource attribute makes a new cdktf token.
   */
  readonly refs?: {
    readonly resourceGroupName: string;
    readonly location: string;
    readonly subnetId: string;
    readonly backendPoolId: string;
    readonly loadBalancerId: string;
    readonly fqdn: string;
    readonly publicAddress: string;
  };

  constructor(scope: WeaveNetwork, id: string, props: WeaveClusterProps = {}) {
    if (!hasMark(scope, NETWORK_MARK)) {
      throw new Error(`WeaveCluster ${id}: its scope must be a WeaveNetwork, got ${(scope as Construct)?.node?.path ?? String(scope)}. Fix: new WeaveCluster(network, '${id}', {...}).`);
    }
    scope._assertOpen(`WeaveCluster ${id}`);
    super(scope, id);
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
    this.tags = props.tags ?? { 'weave-network': scope.node.path, 'weave-cluster': id };

    if (this.kind === 'azure') {
      this.dnsLabel = props.dnsLabel ?? id;
      // Known at synth, so peers' user data is known at plan time and no
      // cross-subscription reference is needed.
      this.dnsName = props.location && !isToken(props.location) && !isToken(this.dnsLabel)
        ? `${this.dnsLabel}.${regionName(props.location)}.${CLOUDAPP_ZONE}`
        : undefined;
      if (props.provider && props.location) {
        const built = this.buildAzure(props.provider, props.location);
        this.azure = built.resources;
        this.refs = built.refs;
      }
    } else {
      this.dnsName = props.dnsName;
    }
  }

  /**
   * Whether `x` is a `WeaveCluster`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveCluster(x: unknown): x is WeaveCluster {
    return hasMark(x, CLUSTER_MARK);
  }

  /** The clusters of a network, in declaration order. */
  static of(network: WeaveNetwork): WeaveCluster[] {
    return network.node.children.filter((c): c is WeaveCluster => hasMark(c, CLUSTER_MARK));
  }

  /** @internal The cluster as the pure core sees it. */
  _spec(hosts: HostSpec[]): ClusterSpec {
    const { provider, ...given } = this.props;
    return {
      path: this.node.path,
      name: this.clusterName,
      kind: this.kind,
      dnsName: this.dnsName,
      dnsLabel: this.kind === 'azure' ? this.dnsLabel : undefined,
      vnetCidr: this.kind === 'azure' ? this.props.vnetCidr ?? DEFAULT_VNET_CIDR : undefined,
      location: this.location,
      hasProvider: provider !== undefined,
      bootstrapHosts: this.props.bootstrapHosts,
      bootFormat: this.kind === 'azure' ? this.bootFormat : undefined,
      given: { ...given, ...(provider !== undefined ? { provider: '(provider)' } : {}) },
      hosts,
    };
  }

  /** @internal Egress address other clusters' NSGs admit. */
  _publicAddressRef(): string | undefined {
    return this.refs?.publicAddress;
  }

  /** @internal Receives what the network decided for this cluster. */
  _bind(binding: ClusterBinding): void {
    // A one-cluster network has no outside peers; an empty source list is
    // not a valid rule, so the rules are dropped.
    const count = binding.peerSources.length > 0 ? 1 : 0;
    for (const r of this.weaveRules) {
      r.sourceAddressPrefixes = [...binding.peerSources];
      r.addOverride('count', count);
    }
  }

  /** @internal The SSH NAT port of the n-th host. */
  _sshPort(indexInCluster: number): number {
    return SSH_NAT_BASE_PORT + indexInCluster;
  }

  /** @internal */
  _lbFrontendName(): string {
    return FRONTEND;
  }

  private buildAzure(provider: AzurermProvider, location: string): { resources: AzureClusterResources; refs: NonNullable<WeaveCluster['refs']> } {
    const name = this.clusterName;
    const tags = this.tags;
    const base = { provider, location, tags };
    const resourceGroup = new ResourceGroup(this, 'resource-group', {
      ...base,
      name: this.props.resourceGroupName ?? `${name}-rg`,
    });
    const rg = { resourceGroupName: resourceGroup.name };
    const vnetCidr = this.props.vnetCidr ?? DEFAULT_VNET_CIDR;
    const virtualNetwork = new VirtualNetwork(this, 'vnet', { ...base, ...rg, name: `${name}-vnet`, addressSpace: [vnetCidr] });
    const subnet = new Subnet(this, 'subnet', {
      provider,
      ...rg,
      name: 'hosts',
      virtualNetworkName: virtualNetwork.name,
      addressPrefixes: [vnetCidr],
      // Outbound goes through the load balancer's outbound rule, on purpose.
      defaultOutboundAccessEnabled: false,
    });
    const securityGroup = new NetworkSecurityGroup(this, 'nsg', { ...base, ...rg, name: `${name}-nsg` });
    const securityGroupName = securityGroup.name;
    new SubnetNetworkSecurityGroupAssociation(this, 'subnet-nsg', {
      provider,
      subnetId: subnet.id,
      networkSecurityGroupId: securityGroup.id,
    });

    const rule = (id: string, priority: number, protocol: string, port: string, sources: string[], description: string) =>
      new NetworkSecurityRule(this, id, {
        provider,
        ...rg,
        networkSecurityGroupName: securityGroupName,
        name: id,
        description,
        priority,
        direction: 'Inbound',
        access: 'Allow',
        protocol,
        sourcePortRange: '*',
        destinationPortRange: port,
        sourceAddressPrefixes: sources,
        destinationAddressPrefix: '*',
      });
    // Sources (other clusters' egress addresses, dedicated servers) are only
    // known once every cluster is declared; the network binds them.
    this.weaveRules = [
      rule('weave-tcp', NSG_PRIORITIES.weaveTcp, 'Tcp', `${WEAVE_CONTROL_PORT}`, [], 'Weave control plane from other clusters'),
      rule('weave-udp', NSG_PRIORITIES.weaveUdp, 'Udp', `${WEAVE_CONTROL_PORT}-${WEAVE_FASTDP_PORT}`, [], 'Weave sleeve and fast datapath from other clusters'),
      rule('weave-esp', NSG_PRIORITIES.weaveEsp, 'Esp', '*', [], 'Encrypted fast datapath (ESP) from other clusters'),
    ];
    if (this.sshSourceCidr !== undefined) {
      rule('ssh', NSG_PRIORITIES.ssh, 'Tcp', '22', [this.sshSourceCidr], 'SSH from the administrators\' range');
    }

    const publicIp = new PublicIp(this, 'public-ip', {
      ...base,
      ...rg,
      name: `${name}-pip`,
      sku: 'Standard',
      allocationMethod: 'Static',
      domainNameLabel: this.dnsLabel,
    });
    const loadBalancer = new Lb(this, 'lb', {
      ...base,
      ...rg,
      name: `${name}-lb`,
      sku: 'Standard',
      frontendIpConfiguration: [{ name: FRONTEND, publicIpAddressId: publicIp.id }],
    });
    const loadBalancerId = loadBalancer.id;
    const backendPool = new LbBackendAddressPool(this, 'lb-pool', { provider, name: 'hosts', loadbalancerId: loadBalancerId });
    const backendPoolId = backendPool.id;
    const probe = new LbProbe(this, 'lb-probe', {
      provider,
      name: 'weave-tcp',
      loadbalancerId: loadBalancerId,
      protocol: 'Tcp',
      port: WEAVE_CONTROL_PORT,
    });
    const probeId = probe.id;
    for (const p of WEAVE_PORTS) {
      const proto = p.protocol.toLowerCase();
      new LbRule(this, `lb-rule-${proto}-${p.port}`, {
        provider,
        name: `weave-${proto}-${p.port}`,
        loadbalancerId: loadBalancerId,
        frontendIpConfigurationName: FRONTEND,
        protocol: p.protocol,
        frontendPort: p.port,
        backendPort: p.port,
        backendAddressPoolIds: [backendPoolId],
        probeId,
        // Weave's TCP and UDP flows from one peer must reach the same host.
        loadDistribution: 'SourceIP',
        // The outbound rule below does SNAT for this pool.
        disableOutboundSnat: true,
      });
    }
    // Explicit egress: new VNets have no default outbound access, and the
    // hosts must fetch weave and pull images. Egress leaves from the same
    // public IP, which is what other clusters' NSGs allow in.
    new LbOutboundRule(this, 'lb-outbound', {
      provider,
      name: 'egress',
      loadbalancerId: loadBalancerId,
      protocol: 'All',
      backendAddressPoolId: backendPoolId,
      frontendIpConfiguration: [{ name: FRONTEND }],
      // Explicit, because the checks cap hosts per cluster from it.
      allocatedOutboundPorts: OUTBOUND_PORTS_PER_HOST,
    });
    const fqdn = publicIp.fqdn;
    const publicAddress = publicIp.ipAddress;
    new TerraformOutput(this, 'dns-name', {
      value: fqdn,
      description: `DNS name of Weave cluster ${this.node.path}`,
    }).overrideLogicalId(outputId(this.network, name, 'dns_name'));
    new TerraformOutput(this, 'public-address', {
      value: publicAddress,
      description: `Public (ingress and egress) address of Weave cluster ${this.node.path}`,
    }).overrideLogicalId(outputId(this.network, name, 'public_address'));
    return {
      resources: { resourceGroup, virtualNetwork, subnet, securityGroup, publicIp, loadBalancer, backendPool },
      refs: {
        resourceGroupName: resourceGroup.name,
        location: resourceGroup.location,
        subnetId: subnet.id,
        backendPoolId,
        loadBalancerId,
        fqdn,
        publicAddress,
      },
    };
  }
}
