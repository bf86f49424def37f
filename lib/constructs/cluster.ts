import { Lazy, TerraformOutput } from 'cdktf';
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
import { ClusterKind, ClusterSpec } from '../core/model';
import { ProblemList } from '../core/problems';
import { isToken } from '../core/tokens';
import { OUTBOUND_PORTS_PER_HOST, regionName } from '../core/validate';
import { isAddressOrBlock } from '../core/cidr';
import type { WeaveHost } from './host';
import { CLUSTER_MARK, HOST_MARK } from './marks';
import { WeaveNetwork } from './network';
import { outputId } from './names';

/** Weave's ports between hosts: TCP 6783 (control), UDP 6783 (sleeve), UDP 6784 (fast datapath). */
export const WEAVE_PORTS = [
  {
    /** TCP, spelled as azurerm load balancer rules expect it. */
    protocol: 'Tcp',
    /** Control connections between peers; the same port on the load balancer and the hosts. */
    port: 6783,
  },
  {
    /** UDP, spelled as azurerm load balancer rules expect it. */
    protocol: 'Udp',
    /** Sleeve, the encapsulation weave falls back to when fast datapath is unavailable. */
    port: 6783,
  },
  {
    /** UDP, spelled as azurerm load balancer rules expect it. */
    protocol: 'Udp',
    /** Fast datapath (VXLAN in the kernel). */
    port: 6784,
  },
] as const;

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
   * settings change.
   * @default - every host of the cluster (unless the network's bootstrapSize says otherwise)
   */
  readonly bootstrapHosts?: number;
  /**
   * Tags for every Azure resource of the cluster.
   * @default - { 'weave-network': <network path>, 'weave-cluster': <id> }
   */
  readonly tags?: Record<string, string>;
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

const FRONTEND = 'weave';
/** First LB frontend port for per-host SSH NAT rules. */
export const SSH_NAT_BASE_PORT = 50001;

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
  /** Set for Azure clusters. */
  readonly azure?: AzureClusterResources;
  /** Name later clusters dial: the public IP's FQDN for Azure, `dnsName` for dedicated. */
  readonly dnsName?: string;
  private readonly props: WeaveClusterProps;
  private peerSourcesCache?: string[];
  /**
   * @internal Attribute references hosts and other clusters read, taken once:
   * each read of a resource attribute makes a new cdktf token.
   */
  refs?: {
    readonly resourceGroupName: string;
    readonly location: string;
    readonly subnetId: string;
    readonly backendPoolId: string;
    readonly loadBalancerId: string;
    readonly fqdn: string;
    readonly publicAddress: string;
  };

  constructor(scope: WeaveNetwork, id: string, props: WeaveClusterProps = {}) {
    if (!WeaveNetwork.isWeaveNetwork(scope)) {
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
    this.tags = props.tags ?? { 'weave-network': scope.node.path, 'weave-cluster': id };

    if (this.kind === 'azure') {
      this.dnsLabel = props.dnsLabel ?? id;
      // Known at synth, so peers' user data is known at plan time and no
      // cross-subscription reference is needed.
      this.dnsName = props.location && !isToken(props.location) && !isToken(this.dnsLabel)
        ? `${this.dnsLabel}.${regionName(props.location)}.cloudapp.azure.com`
        : undefined;
      if (props.provider && props.location) this.azure = this.buildAzure(props.provider, props.location);
    } else {
      this.dnsName = props.dnsName;
    }
  }

  /**
   * Whether `x` is a `WeaveCluster`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveCluster(x: unknown): x is WeaveCluster {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[CLUSTER_MARK] === true;
  }

  /** The hosts, in declaration order. */
  get hosts(): WeaveHost[] {
    return this.node.children.filter((c) => (c as unknown as Record<symbol, unknown>)[HOST_MARK] === true) as unknown as WeaveHost[];
  }

  /** @internal */
  spec(): ClusterSpec {
    return {
      path: this.node.path,
      name: this.clusterName,
      kind: this.kind,
      dnsName: this.dnsName,
      dnsLabel: this.kind === 'azure' ? this.dnsLabel : undefined,
      vnetCidr: this.kind === 'azure' ? this.props.vnetCidr ?? '172.16.1.0/24' : undefined,
      location: this.location,
      hasProvider: this.provider !== undefined,
      bootstrapHosts: this.props.bootstrapHosts,
      hosts: this.hosts.map((h) => h.spec()),
    };
  }

  /** @internal construct-level checks the planner cannot see. */
  collectProblems(problems: ProblemList): void {
    const path = this.node.path;
    if (this.kind !== 'azure' && this.kind !== 'dedicated') {
      problems.add('cluster-kind-unknown', path, 'kind', this.kind, 'is not a cluster kind', 'use "azure" or "dedicated"');
      return;
    }
    if (this.kind === 'dedicated') {
      for (const key of ['provider', 'location', 'dnsLabel', 'vnetCidr', 'sshSourceCidr', 'resourceGroupName'] as const) {
        if (this.props[key] !== undefined) {
          problems.add('dedicated-azure-option', path, key, key === 'provider' ? '(provider)' : this.props[key],
            'only applies to Azure clusters', `remove ${key}, or set kind: "azure"`);
        }
      }
    } else if (this.props.dnsName !== undefined) {
      problems.add('azure-dns-name', path, 'dnsName', this.props.dnsName,
        'is derived from dnsLabel and location for Azure clusters', 'remove dnsName and set dnsLabel instead');
    }
    const cidr = this.sshSourceCidr;
    if (cidr !== undefined && !isToken(cidr) && !isAddressOrBlock(cidr)) {
      problems.add('ssh-source-invalid', path, 'sshSourceCidr', cidr,
        'is not an IPv4 address or CIDR block', 'give the range you administer from, e.g. "198.51.100.0/24"');
    } else if (cidr === '0.0.0.0/0' || cidr === '*' ) {
      problems.add('ssh-source-open', path, 'sshSourceCidr', cidr,
        'opens SSH to the whole internet', 'give the range you administer from, e.g. "198.51.100.0/24"');
    }
    for (const h of this.hosts) h.collectProblems(problems);
  }

  private buildAzure(provider: AzurermProvider, location: string): AzureClusterResources {
    const name = this.clusterName;
    const tags = this.tags;
    const base = { provider, location, tags };
    const resourceGroup = new ResourceGroup(this, 'resource-group', {
      ...base,
      name: this.props.resourceGroupName ?? `${name}-rg`,
    });
    const rg = { resourceGroupName: resourceGroup.name };
    const vnetCidr = this.props.vnetCidr ?? '172.16.1.0/24';
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

    // Other clusters' egress addresses and the dedicated servers: only known
    // once every cluster is declared, so resolved lazily at synth.
    const peerSources = Lazy.listValue({ produce: () => this.peerSources() });
    const ruleCount = Lazy.numberValue({ produce: () => (this.peerSources().length > 0 ? 1 : 0) });
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
    const weaveRules = [
      rule('weave-tcp', 100, 'Tcp', '6783', peerSources, 'Weave control plane from other clusters'),
      rule('weave-udp', 110, 'Udp', '6783-6784', peerSources, 'Weave sleeve and fast datapath from other clusters'),
      rule('weave-esp', 120, 'Esp', '*', peerSources, 'Encrypted fast datapath (ESP) from other clusters'),
    ];
    // A one-cluster network has no outside peers; an empty source list is
    // not a valid rule, so the rules are dropped at synth.
    for (const r of weaveRules) r.addOverride('count', ruleCount);
    if (this.sshSourceCidr !== undefined) {
      rule('ssh', 200, 'Tcp', '22', [this.sshSourceCidr], 'SSH from the administrators\' range');
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
      port: 6783,
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
      // Explicit, because the planner caps hosts per cluster from it.
      allocatedOutboundPorts: OUTBOUND_PORTS_PER_HOST,
    });
    new TerraformOutput(this, 'dns-name', {
      value: publicIp.fqdn,
      description: `DNS name of Weave cluster ${this.node.path}`,
    }).overrideLogicalId(outputId(this.network, name, 'dns_name'));
    new TerraformOutput(this, 'public-address', {
      value: publicIp.ipAddress,
      description: `Public (ingress and egress) address of Weave cluster ${this.node.path}`,
    }).overrideLogicalId(outputId(this.network, name, 'public_address'));
    this.refs = {
      resourceGroupName: resourceGroup.name,
      location: resourceGroup.location,
      subnetId: subnet.id,
      backendPoolId,
      loadBalancerId,
      fqdn: publicIp.fqdn,
      publicAddress: publicIp.ipAddress,
    };
    return { resourceGroup, virtualNetwork, subnet, securityGroup, publicIp, loadBalancer, backendPool };
  }

  /** Addresses of every peer outside this cluster, for the NSG; computed once, at synth. */
  private peerSources(): string[] {
    if (this.peerSourcesCache) return this.peerSourcesCache;
    const out: string[] = [];
    for (const c of this.network.clusters) {
      if (c === this) continue;
      if (c.refs) out.push(c.refs.publicAddress);
      if (c.kind === 'dedicated') for (const h of c.hosts) if (h.publicAddress) out.push(h.publicAddress);
    }
    return (this.peerSourcesCache = out);
  }

  /** @internal the SSH NAT port of the n-th host. */
  sshPort(indexInCluster: number): number {
    return SSH_NAT_BASE_PORT + indexInCluster;
  }

  /** @internal */
  lbFrontendName(): string {
    return FRONTEND;
  }
}
