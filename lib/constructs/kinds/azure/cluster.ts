// An Azure cluster's resources: where its VMs live (placement.ts), the NSG
// rules that admit Weave from the other clusters, and how other sites and
// the internet reach it. Behind a load balancer (the default): one Standard
// public IP (the cluster's DNS name) and the load balancer that forwards
// Weave's ports to the VMs, whose outbound rule (or a NAT gateway,
// egress.ts) gives them their way out. With direct peering: nothing here;
// each VM gets its own public IP (host.ts). Its hosts' VMs are made by
// host.ts from the references taken here.
import { Lazy, TerraformOutput } from 'cdktf';
import { Lb } from '@cdktf/provider-azurerm/lib/lb';
import { LbBackendAddressPool } from '@cdktf/provider-azurerm/lib/lb-backend-address-pool';
import { LbOutboundRule } from '@cdktf/provider-azurerm/lib/lb-outbound-rule';
import { LbProbe } from '@cdktf/provider-azurerm/lib/lb-probe';
import type { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { IDENTITY_CLIENT_ID_SLOT, KEY_VAULT_URL_SLOT } from '../../../core/boot/slots';
import { isToken } from '../../../core/common/tokens';
import { WEAVE_CONTROL_PORT, WEAVE_FASTDP_PORT } from '../../../core/defaults';
import { CLOUDAPP_ZONE, DEFAULT_METRICS_PORT, DEFAULT_VNET_CIDR, OUTBOUND_PORTS_PER_HOST, nsgPriorities } from '../../../core/kinds/azure/facts';
import { isDirect } from '../../../core/kinds/azure/peering';
import { regionName } from '../../../core/kinds/azure/regions';
import type { NsgRuleSlots } from '../../marks';
import type { WeaveClusterProps } from '../../props';
import { outputId } from '../../terraform/names';
import type { ClusterKindConstructs, ClusterPart, ClusterScope } from '../kind';
import { createNatGateway } from './egress';
import { inboundRules, weaveLbRules } from './inbound-rules';
import { createHost } from './host';
import { placeCluster } from './placement';
import type { AzureClusterResources, ClusterRefs } from './resources';

/** Name of the load balancer frontend every rule uses. */
const FRONTEND = 'weave';

/** What createCluster made. */
interface Created {
  readonly resources: AzureClusterResources;
  /** The library's Weave rules, whose sources the network binds. */
  readonly weaveRules: readonly NetworkSecurityRule[];
  readonly nsgSlots: NsgRuleSlots;
  readonly refs: ClusterRefs;
  /** Every address the cluster's traffic leaves from, once every host is declared. */
  readonly egress: () => readonly string[];
}

/** The Azure kind's part of a cluster. */
export const azureCluster: ClusterKindConstructs = (cluster, props): ClusterPart => {
  const dnsLabel = props.dnsLabel ?? cluster.clusterName;
  // Known at synth, so peers' user data is known at plan time and no
  // cross-subscription reference is needed. With direct peering the cluster
  // has no name of its own: other sites dial its VMs'.
  const dnsName = !isDirect({ options: props }) && props.location && !isToken(props.location) && !isToken(dnsLabel)
    ? `${dnsLabel}.${regionName(props.location)}.${CLOUDAPP_ZONE}`
    : undefined;
  const provider = props.provider;
  const created = provider && props.location ? createCluster(cluster, props, provider, props.location, dnsLabel) : undefined;
  // The VMs' private addresses, for the scrape targets output.
  const privateAddresses: string[] = [];
  if (created && props.metrics) {
    const port = props.metrics.port ?? DEFAULT_METRICS_PORT;
    new TerraformOutput(cluster, 'metrics-targets', {
      value: Lazy.listValue({ produce: () => privateAddresses.map((a) => `${a}:${port}`) }),
      description: `Prometheus scrape targets (host:port, VNet addresses) of Weave cluster ${cluster.node.path}`,
    }).overrideLogicalId(outputId(cluster.network, cluster.clusterName, 'metrics_targets'));
  }
  return {
    dnsLabel,
    dnsName,
    azure: created?.resources,
    spec: () => ({ dnsLabel, vnetCidr: props.vnetCidr ?? DEFAULT_VNET_CIDR, bootFormat: cluster.bootFormat }),
    grantTarget: () => (created && provider
      ? { scope: cluster, clusterName: cluster.clusterName, provider, tags: cluster.tags, location: created.refs.location, resourceGroupName: created.refs.resourceGroupName }
      : undefined),
    // The VMs read the password with the cluster's identity: the boot
    // document's slots name the vault and the identity.
    keyVault: (vault, grant) => ({
      identityId: grant?.identityId,
      bootValues: {
        [KEY_VAULT_URL_SLOT]: vault.vaultUriExpression,
        ...(grant ? { [IDENTITY_CLIENT_ID_SLOT]: grant.clientId } : {}),
      },
    }),
    publicAddressRef: () => created?.refs.publicAddress,
    egressAddressRefs: () => created?.egress() ?? [],
    nsgRuleSlots: () => created?.nsgSlots,
    bind: (binding) => {
      // A one-cluster network has no outside peers; an empty source list is
      // not a valid rule, so the rules are dropped.
      const count = binding.peerSources.length > 0 ? 1 : 0;
      for (const r of created?.weaveRules ?? []) {
        r.sourceAddressPrefixes = [...binding.peerSources];
        r.addOverride('count', count);
      }
    },
    host: (host, hostProps) => {
      const part = createHost(host, hostProps, cluster, created?.refs);
      if (part.azure) privateAddresses.push(part.azure.networkInterface.privateIpAddress);
      return part;
    },
  };
};

/** Creates an Azure cluster's resources: its placement, NSG rules, public IP, load balancer and outputs. */
function createCluster(cluster: ClusterScope, props: WeaveClusterProps, provider: AzurermProvider, location: string, dnsLabel: string): Created {
  const name = cluster.clusterName;
  const tags = cluster.tags;
  const base = { provider, location, tags };
  const placed = placeCluster(cluster, name, props, base);
  const { resourceGroup, virtualNetwork, subnet, securityGroup } = placed;
  const rg = { resourceGroupName: placed.resourceGroupName };
  const priorities = nsgPriorities(props.nsgPriorities);
  const { rule, slots: ruleSlots } = inboundRules(cluster, provider, placed.ruleTarget);
  // Sources (other clusters' egress addresses, dedicated servers) are only
  // known once every cluster is declared; the network binds them.
  const weaveRules = [
    rule('weave-tcp', priorities.weaveTcp, 'Tcp', `${WEAVE_CONTROL_PORT}`, [], 'Weave control plane from other clusters'),
    rule('weave-udp', priorities.weaveUdp, 'Udp', `${WEAVE_CONTROL_PORT}-${WEAVE_FASTDP_PORT}`, [], 'Weave sleeve and fast datapath from other clusters'),
    rule('weave-esp', priorities.weaveEsp, 'Esp', '*', [], 'Encrypted fast datapath (ESP) from other clusters'),
  ];
  if (cluster.sshSourceCidr !== undefined) {
    rule('ssh', priorities.ssh, 'Tcp', '22', [cluster.sshSourceCidr], 'SSH from the administrators\' range');
  }
  if (props.metrics) {
    // Azure's default rules admit the whole VNet (and peered ones); the
    // deny right after the allow keeps the listener to the named scrapers.
    const port = String(props.metrics.port ?? DEFAULT_METRICS_PORT);
    rule('weave-metrics', priorities.metrics, 'Tcp', port, [...props.metrics.sources], 'Weave status and metrics from the scrapers');
    rule('weave-metrics-deny', priorities.metricsDeny, 'Tcp', port, '*', 'Weave status and metrics from anyone else, the VNet included', 'Deny');
  }
  const nsgSlots: NsgRuleSlots = { nsg: placed.ruleTarget, existing: props.existingSecurityGroup, rules: ruleSlots };

  const direct = isDirect({ options: props });
  const lb = direct ? undefined : createLoadBalancer(cluster, name, dnsLabel, base, rg, props.natGateway === undefined);
  const nat = !direct && props.natGateway !== undefined
    ? createNatGateway(cluster, name, props.natGateway, { ...base, ...rg }, placed.subnetId)
    : undefined;
  const natAddresses = nat?.publicIps.map((ip) => ip.ipAddress) ?? [];
  if (lb) {
    new TerraformOutput(cluster, 'dns-name', {
      value: lb.fqdn,
      description: `DNS name of Weave cluster ${cluster.node.path}`,
    }).overrideLogicalId(outputId(cluster.network, name, 'dns_name'));
    new TerraformOutput(cluster, 'public-address', {
      value: lb.publicAddress,
      description: nat
        ? `Public (ingress) address of Weave cluster ${cluster.node.path}; its traffic leaves from its NAT gateway`
        : `Public (ingress and egress) address of Weave cluster ${cluster.node.path}`,
    }).overrideLogicalId(outputId(cluster.network, name, 'public_address'));
  }
  if (nat) {
    new TerraformOutput(cluster, 'egress-addresses', {
      value: natAddresses,
      description: `Addresses the traffic of Weave cluster ${cluster.node.path} leaves from (its NAT gateway's public IPs)`,
    }).overrideLogicalId(outputId(cluster.network, name, 'egress_addresses'));
  }
  // With direct peering each host adds its own public IP as it is declared.
  const hostAddresses: string[] = [];
  return {
    resources: {
      resourceGroup, virtualNetwork, subnet, securityGroup,
      publicIp: lb?.publicIp, loadBalancer: lb?.loadBalancer, backendPool: lb?.backendPool,
      natGateway: nat?.natGateway, natPublicIps: nat?.publicIps,
    },
    weaveRules,
    nsgSlots,
    egress: () => (direct ? hostAddresses : nat ? natAddresses : lb ? [lb.publicAddress] : []),
    refs: {
      resourceGroupName: placed.resourceGroupName,
      // The resources' region is the cluster's, whether or not the group was created here.
      location: resourceGroup ? resourceGroup.location : location,
      region: location,
      subnetId: placed.subnetId,
      ...(placed.nicSecurityGroupId ? { nicSecurityGroupId: placed.nicSecurityGroupId } : {}),
      vm: {
        adminUsername: props.adminUsername,
        availabilityZone: props.availabilityZone,
        acceleratedNetworking: props.acceleratedNetworking,
        osDiskType: props.osDiskType,
      },
      ...(lb ? { backendPoolId: lb.backendPoolId, loadBalancerId: lb.loadBalancerId, fqdn: lb.fqdn, publicAddress: lb.publicAddress, frontend: FRONTEND } : {}),
      direct,
      outboundReady: nat?.ready ?? [],
      addPublicAddress: (address) => hostAddresses.push(address),
    },
  };
}

/** The cluster's public IP and load balancer, made once by {@link createLoadBalancer}. */
interface LoadBalancerParts {
  readonly publicIp: PublicIp;
  readonly loadBalancer: Lb;
  readonly backendPool: LbBackendAddressPool;
  readonly backendPoolId: string;
  readonly loadBalancerId: string;
  readonly fqdn: string;
  readonly publicAddress: string;
}

/**
 * The cluster's public IP (its DNS name) and the load balancer that forwards
 * Weave's ports to its VMs, with the outbound rule that is their way out
 * unless a NAT gateway is.
 */
function createLoadBalancer(
  cluster: ClusterScope,
  name: string,
  dnsLabel: string,
  base: { readonly provider: AzurermProvider; readonly location: string; readonly tags: Record<string, string> },
  rg: { readonly resourceGroupName: string },
  outbound: boolean,
): LoadBalancerParts {
  const { provider } = base;
  const publicIp = new PublicIp(cluster, 'public-ip', {
    ...base,
    ...rg,
    name: `${name}-pip`,
    sku: 'Standard',
    allocationMethod: 'Static',
    domainNameLabel: dnsLabel,
  });
  const loadBalancer = new Lb(cluster, 'lb', {
    ...base,
    ...rg,
    name: `${name}-lb`,
    sku: 'Standard',
    frontendIpConfiguration: [{ name: FRONTEND, publicIpAddressId: publicIp.id }],
  });
  const loadBalancerId = loadBalancer.id;
  const backendPool = new LbBackendAddressPool(cluster, 'lb-pool', { provider, name: 'hosts', loadbalancerId: loadBalancerId });
  const backendPoolId = backendPool.id;
  const probe = new LbProbe(cluster, 'lb-probe', {
    provider,
    name: 'weave-tcp',
    loadbalancerId: loadBalancerId,
    protocol: 'Tcp',
    port: WEAVE_CONTROL_PORT,
  });
  const probeId = probe.id;
  weaveLbRules(cluster, provider, { loadbalancerId: loadBalancerId, frontend: FRONTEND, backendPoolId, probeId });
  if (outbound) {
    // Explicit egress: new VNets have no default outbound access, and the
    // hosts must fetch weave and pull images. Egress leaves from the same
    // public IP, which is what other clusters' NSGs allow in. (A NAT
    // gateway would take precedence over it, so it is left out then.)
    new LbOutboundRule(cluster, 'lb-outbound', {
      provider,
      name: 'egress',
      loadbalancerId: loadBalancerId,
      protocol: 'All',
      backendAddressPoolId: backendPoolId,
      frontendIpConfiguration: [{ name: FRONTEND }],
      // Explicit, because the checks cap hosts per cluster from it.
      allocatedOutboundPorts: OUTBOUND_PORTS_PER_HOST,
    });
  }
  return { publicIp, loadBalancer, backendPool, backendPoolId, loadBalancerId, fqdn: publicIp.fqdn, publicAddress: publicIp.ipAddress };
}
