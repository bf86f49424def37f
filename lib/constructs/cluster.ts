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
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { WEAVE_CONTROL_PORT, WEAVE_FASTDP_PORT } from '../core/defaults';
import { CLOUDAPP_ZONE, DEFAULT_VNET_CIDR, OUTBOUND_PORTS_PER_HOST, SSH_NAT_BASE_PORT, WEAVE_PORTS, nsgPriorities } from '../core/kinds/azure/facts';
import { regionName } from '../core/kinds/azure/regions';
import type { ClusterKind, ClusterSpec, HostSpec } from '../core/declare/network';
import { isToken } from '../core/common/tokens';
import { ExistingResourceGroup, ExistingSecurityGroup, ExistingSubnet, placeCluster } from './azure-placement';
import type { GrantTarget } from './key-vault';
import { CLUSTER_MARK, ClusterBinding, NETWORK_MARK, NsgRuleSlots, hasMark } from './marks';
import { outputId } from './names';
import type { AzureBootFormat, WeaveNetwork } from './network';
import { WeaveFile, WeaveUnit, userContentSpec } from './user-content';

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
   * Public DNS name (or public IPv4 address) of a dedicated cluster,
   * resolving to its first server. Later clusters dial it when this cluster
   * is first; the cluster's own later servers dial it when the first server
   * has no dial address.
   * @default - none; the first server's dial address is used
   */
  readonly dnsName?: string;
  /**
   * Accept a `location` missing from the library's list of Azure
   * public-cloud regions, for a region Azure opened after the list was made.
   * @default false
   */
  readonly locationUnchecked?: boolean;
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
   * Tags for every Azure resource of the cluster (its hosts may add their
   * own). They are merged with the library's `weave-network` and
   * `weave-cluster` tags, which you cannot replace.
   * @default - only the library's tags
   */
  readonly tags?: Record<string, string>;
  /**
   * How this cluster's VMs receive their boot config.
   * @default - the network's bootFormat
   */
  readonly bootFormat?: AzureBootFormat;

  // --- users' own boot content ---
  /**
   * Files for every host of this cluster, after the network's; an entry with
   * the same path replaces the network's.
   * @default - none
   */
  readonly files?: WeaveFile[];
  /**
   * systemd units (or drop-ins) for every host of this cluster, after the
   * network's; an entry with the same name replaces the network's whole.
   * @default - none
   */
  readonly units?: WeaveUnit[];

  // --- existing Azure networks ---
  /**
   * An existing resource group to put the cluster's resources in (its name,
   * or a `ResourceGroup` / `DataAzurermResourceGroup` construct), instead of
   * creating `<id>-rg`.
   * @default - a new resource group `<id>-rg` (or `resourceGroupName`)
   */
  readonly existingResourceGroup?: string | ExistingResourceGroup;
  /**
   * An existing subnet for the hosts' NICs (its resource id, or a `Subnet` /
   * `DataAzurermSubnet` construct), instead of a new VNet and subnet. It must
   * be in the cluster's region and subscription. Set `vnetCidr` to its range
   * to keep the overlap check with Weave's ranges.
   * @default - a new VNet `<id>-vnet` with one subnet spanning vnetCidr
   */
  readonly existingSubnet?: string | ExistingSubnet;
  /**
   * An existing NSG to add the library's rules to (a `NetworkSecurityGroup`
   * or `DataAzurermNetworkSecurityGroup` construct, without inline rules).
   * The library associates it only with a subnet it creates itself.
   * @default - a new NSG `<id>-nsg`, associated with the new subnet, or
   *   with every host's NIC when existingSubnet is given
   */
  readonly existingSecurityGroup?: ExistingSecurityGroup;
  /**
   * Priorities of the inbound NSG rules the library creates; your own rules
   * on the same NSG must use others (a clash is reported at synth).
   * @default - { weaveTcp: 100, weaveUdp: 110, weaveEsp: 120, ssh: 200 }
   */
  readonly nsgPriorities?: WeaveNsgPriorities;

  // --- VM defaults for the cluster's hosts (each host may override) ---
  /**
   * Admin (SSH login) user of the cluster's VMs.
   * @default 'core'
   */
  readonly adminUsername?: string;
  /**
   * Availability zone of the cluster's VMs (`'1'`, `'2'` or `'3'`).
   * @default - no zone (regional placement)
   */
  readonly availabilityZone?: string;
  /**
   * Accelerated networking on the VMs' NICs (the VM size must support it).
   * @default false
   */
  readonly acceleratedNetworking?: boolean;
  /**
   * OS disk storage type of the cluster's VMs.
   * @default 'StandardSSD_LRS'
   */
  readonly osDiskType?: string;
}

/** Priorities of the NSG rules the library creates on a cluster's NSG. */
export interface WeaveNsgPriorities {
  /**
   * Weave control plane, TCP 6783, from the other clusters.
   * @default 100
   */
  readonly weaveTcp?: number;
  /**
   * Weave sleeve and fast datapath, UDP 6783-6784, from the other clusters.
   * @default 110
   */
  readonly weaveUdp?: number;
  /**
   * Encrypted fast datapath (ESP) from the other clusters.
   * @default 120
   */
  readonly weaveEsp?: number;
  /**
   * SSH from `sshSourceCidr` (only when it is set).
   * @default 200
   */
  readonly ssh?: number;
}

/** Azure resources of one cluster, for hosts and users to build on. */
export interface AzureClusterResources {
  /**
   * The resource group every resource of the cluster lives in.
   * @default - unset when existingResourceGroup was given
   */
  readonly resourceGroup?: ResourceGroup;
  /**
   * The cluster's VNet, spanning `vnetCidr`.
   * @default - unset when existingSubnet was given
   */
  readonly virtualNetwork?: VirtualNetwork;
  /**
   * The one subnet the hosts' NICs join; it has no default outbound access.
   * @default - unset when existingSubnet was given
   */
  readonly subnet?: Subnet;
  /**
   * NSG the library created: admits Weave traffic from the other clusters,
   * and SSH when `sshSourceCidr` is set.
   * @default - unset when existingSecurityGroup was given
   */
  readonly securityGroup?: NetworkSecurityGroup;
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
  /** Tags applied to every Azure resource of the cluster, and of its hosts: the user's merged with the library's. */
  readonly tags: Record<string, string>;
  /** Boot format of the cluster's VMs: its own, else the network's. */
  readonly bootFormat: AzureBootFormat;
  /** Set for Azure clusters. */
  readonly azure?: AzureClusterResources;
  /** Name later clusters dial to reach this one: the public IP's FQDN for Azure, `dnsName` for dedicated. */
  readonly dnsName?: string;
  private readonly props: WeaveClusterProps;
  private weaveRules: NetworkSecurityRule[] = [];
  private nsgSlots?: NsgRuleSlots;
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
    /**
     * Set when each host's NIC must carry the cluster's NSG (existing subnet, library NSG).
     * @default - unset
     */
    readonly nicSecurityGroupId?: string;
    /** The cluster's VM defaults, which each host may override. */
    readonly vm: Pick<WeaveClusterProps, 'adminUsername' | 'availabilityZone' | 'acceleratedNetworking' | 'osDiskType'>;
  };

  constructor(scope: WeaveNetwork, id: string, props: WeaveClusterProps = {}) {
    if (!hasMark(scope, NETWORK_MARK)) {
      throw new Error(`WeaveCluster ${id}: its scope must be a WeaveNetwork, got ${(scope as Construct)?.node?.path ?? String(scope)}. Fix: new WeaveCluster(network, '${id}', {...}).`);
    }
    scope._assertOpen(`WeaveCluster ${id}`, `${scope.node.path}/${id}`);
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
    // The library's tags last: they identify its resources and cannot be replaced.
    this.tags = { ...props.tags, 'weave-network': scope.node.path, 'weave-cluster': id };

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
    const provider = this.props.provider;
    return {
      path: this.node.path,
      name: this.clusterName,
      kind: this.kind,
      dnsName: this.dnsName,
      dnsLabel: this.kind === 'azure' ? this.dnsLabel : undefined,
      vnetCidr: this.kind === 'azure' ? this.props.vnetCidr ?? DEFAULT_VNET_CIDR : undefined,
      location: this.location,
      locationUnchecked: this.props.locationUnchecked,
      hasProvider: provider !== undefined,
      bootstrapHosts: this.props.bootstrapHosts,
      bootFormat: this.kind === 'azure' ? this.bootFormat : undefined,
      options: this.props,
      content: userContentSpec(this, this.network.node.id, this.props.files, this.props.units),
      hosts,
    };
  }

  /** @internal What a Key Vault grant needs of this cluster (Azure clusters only). */
  _grantTarget(): GrantTarget | undefined {
    return this.kind === 'azure' ? this : undefined;
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

  /** @internal The NSG the library's rules go into and the priorities they take, for the clash check. */
  _nsgRuleSlots(): NsgRuleSlots | undefined {
    return this.nsgSlots;
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
    const placed = placeCluster(this, name, this.props, base);
    const { resourceGroup, virtualNetwork, subnet, securityGroup } = placed;
    const rg = { resourceGroupName: placed.resourceGroupName };
    const priorities = nsgPriorities(this.props.nsgPriorities);
    const ruleSlots: { name: string; priority: number; direction: 'Inbound' }[] = [];

    const rule = (id: string, priority: number, protocol: string, port: string, sources: string[], description: string) => {
      ruleSlots.push({ name: id, priority, direction: 'Inbound' });
      return new NetworkSecurityRule(this, id, {
        provider,
        resourceGroupName: placed.ruleTarget.resourceGroupName,
        networkSecurityGroupName: placed.ruleTarget.name,
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
    };
    // Sources (other clusters' egress addresses, dedicated servers) are only
    // known once every cluster is declared; the network binds them.
    this.weaveRules = [
      rule('weave-tcp', priorities.weaveTcp, 'Tcp', `${WEAVE_CONTROL_PORT}`, [], 'Weave control plane from other clusters'),
      rule('weave-udp', priorities.weaveUdp, 'Udp', `${WEAVE_CONTROL_PORT}-${WEAVE_FASTDP_PORT}`, [], 'Weave sleeve and fast datapath from other clusters'),
      rule('weave-esp', priorities.weaveEsp, 'Esp', '*', [], 'Encrypted fast datapath (ESP) from other clusters'),
    ];
    if (this.sshSourceCidr !== undefined) {
      rule('ssh', priorities.ssh, 'Tcp', '22', [this.sshSourceCidr], 'SSH from the administrators\' range');
    }
    this.nsgSlots = { nsg: placed.ruleTarget, existing: this.props.existingSecurityGroup, rules: ruleSlots };

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
        resourceGroupName: placed.resourceGroupName,
        // The resources' region is the cluster's, whether or not the group was created here.
        location: resourceGroup ? resourceGroup.location : location,
        subnetId: placed.subnetId,
        ...(placed.nicSecurityGroupId ? { nicSecurityGroupId: placed.nicSecurityGroupId } : {}),
        vm: {
          adminUsername: this.props.adminUsername,
          availabilityZone: this.props.availabilityZone,
          acceleratedNetworking: this.props.acceleratedNetworking,
          osDiskType: this.props.osDiskType,
        },
        backendPoolId,
        loadBalancerId,
        fqdn,
        publicAddress,
      },
    };
  }
}
