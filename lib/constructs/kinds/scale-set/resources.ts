// A pool's network edge: one Standard public IP (the address its instances'
// traffic leaves from, which the other clusters' NSGs admit) and a Standard
// load balancer with a health probe on Weave's control port (what rolling
// upgrades wait for), rules for Weave's ports (the probe must serve a
// rule) and the outbound rule that gives every instance its SNAT ports.
// The scale set itself is made in cluster.ts from these references.
import { Lb } from '@cdktf/provider-azurerm/lib/lb';
import { LbBackendAddressPool } from '@cdktf/provider-azurerm/lib/lb-backend-address-pool';
import { LbOutboundRule } from '@cdktf/provider-azurerm/lib/lb-outbound-rule';
import { LbProbe } from '@cdktf/provider-azurerm/lib/lb-probe';
import type { LinuxVirtualMachineScaleSet } from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set';
import type { MonitorAutoscaleSetting } from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting';
import type { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import type { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import type { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { WEAVE_CONTROL_PORT } from '../../../core/defaults';
import { OUTBOUND_PORTS_PER_HOST } from '../../../core/kinds/azure/facts';
import { weaveLbRules } from '../azure/inbound-rules';

/** Azure resources of a pool, for users to build on. */
export interface ScaleSetResources {
  /**
   * The resource group every resource of the pool lives in.
   * @default - unset when existingResourceGroup was given
   */
  readonly resourceGroup?: ResourceGroup;
  /**
   * The pool's VNet, spanning `vnetCidr`.
   * @default - unset when existingSubnet was given
   */
  readonly virtualNetwork?: VirtualNetwork;
  /**
   * The subnet the instances' NICs join; it has no default outbound access.
   * @default - unset when existingSubnet was given
   */
  readonly subnet?: Subnet;
  /**
   * NSG the library created: admits Weave traffic from the other clusters.
   * @default - unset when existingSecurityGroup was given
   */
  readonly securityGroup?: NetworkSecurityGroup;
  /** Static public IP the instances' traffic leaves from. */
  readonly publicIp: PublicIp;
  /** Load balancer that probes the instances and gives them outbound access. */
  readonly loadBalancer: Lb;
  /** Backend pool of the load balancer holding every instance's NIC. */
  readonly backendPool: LbBackendAddressPool;
  /** The scale set (Uniform orchestration). */
  readonly scaleSet: LinuxVirtualMachineScaleSet;
  /**
   * Its autoscale setting.
   * @default - unset without autoscale rules
   */
  readonly autoscale?: MonitorAutoscaleSetting;
}

/** What the scale set takes from its edge. */
export interface PoolEdge {
  readonly publicIp: PublicIp;
  readonly loadBalancer: Lb;
  readonly backendPool: LbBackendAddressPool;
  readonly backendPoolId: string;
  readonly probeId: string;
  readonly publicAddress: string;
  /** Resources the instances need before they boot: outbound access, and the rules the probe serves. */
  readonly before: readonly ITerraformDependable[];
}

const FRONTEND = 'weave';

/** Creates the pool's public IP and load balancer. */
export function createPoolEdge(
  scope: Construct,
  name: string,
  base: { readonly provider: AzurermProvider; readonly location: string; readonly tags: Record<string, string>; readonly resourceGroupName: string },
): PoolEdge {
  const { provider } = base;
  const publicIp = new PublicIp(scope, 'public-ip', { ...base, name: `${name}-pip`, sku: 'Standard', allocationMethod: 'Static' });
  const loadBalancer = new Lb(scope, 'lb', {
    ...base,
    name: `${name}-lb`,
    sku: 'Standard',
    frontendIpConfiguration: [{ name: FRONTEND, publicIpAddressId: publicIp.id }],
  });
  const loadbalancerId = loadBalancer.id;
  const backendPool = new LbBackendAddressPool(scope, 'lb-pool', { provider, name: 'instances', loadbalancerId });
  const backendPoolId = backendPool.id;
  // An instance is healthy once its router listens: what a rolling upgrade
  // waits for before it moves on to the next batch.
  const probe = new LbProbe(scope, 'lb-probe', { provider, name: 'weave-tcp', loadbalancerId, protocol: 'Tcp', port: WEAVE_CONTROL_PORT });
  const probeId = probe.id;
  const rules = weaveLbRules(scope, provider, { loadbalancerId, frontend: FRONTEND, backendPoolId, probeId });
  const outbound = new LbOutboundRule(scope, 'lb-outbound', {
    provider,
    name: 'egress',
    loadbalancerId,
    protocol: 'All',
    backendAddressPoolId: backendPoolId,
    frontendIpConfiguration: [{ name: FRONTEND }],
    // Explicit, because the checks cap the pool's max from it.
    allocatedOutboundPorts: OUTBOUND_PORTS_PER_HOST,
  });
  return { publicIp, loadBalancer, backendPool, backendPoolId, probeId, publicAddress: publicIp.ipAddress, before: [outbound, ...rules] };
}
