// A cluster's NAT gateway: its way out when it needs more SNAT ports than
// the load balancer's one outbound IP gives (64,512 per gateway IP against
// 64,000 in all). The gateway takes over the subnet's outbound traffic, so
// the load balancer keeps only its inbound rules. Loaded only by clusters
// that ask for one: module loading is most of a small synth.
import type { TerraformResource } from 'cdktf';
import type { Construct } from 'constructs';
import type { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import type { AzureNatGateway } from '../../../core/declare/azure';

/** What createNatGateway made. */
export interface NatEgress {
  readonly natGateway: NatGateway;
  /** The gateway's public IPs, the cluster's egress addresses. */
  readonly publicIps: readonly PublicIp[];
  /** What a VM must wait for before its first boot downloads Weave: the gateway on the subnet, with its IPs. */
  readonly ready: readonly TerraformResource[];
}

/**
 * Creates the gateway (Standard SKU, no zone: Azure places it), its public
 * IPs and their associations, and attaches it to the cluster's subnet.
 */
export function createNatGateway(
  scope: Construct,
  name: string,
  options: AzureNatGateway,
  base: { readonly provider: AzurermProvider; readonly location: string; readonly tags: Record<string, string>; readonly resourceGroupName: string },
  subnetId: string,
): NatEgress {
  const { NatGateway: Gateway } = require('@cdktf/provider-azurerm/lib/nat-gateway') as typeof import('@cdktf/provider-azurerm/lib/nat-gateway');
  const { NatGatewayPublicIpAssociation } = require('@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association') as typeof import('@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association');
  const { SubnetNatGatewayAssociation } = require('@cdktf/provider-azurerm/lib/subnet-nat-gateway-association') as typeof import('@cdktf/provider-azurerm/lib/subnet-nat-gateway-association');
  const { PublicIp: Ip } = require('@cdktf/provider-azurerm/lib/public-ip') as typeof import('@cdktf/provider-azurerm/lib/public-ip');
  const { provider } = base;
  const natGateway = new Gateway(scope, 'nat-gateway', {
    ...base,
    name: `${name}-nat`,
    skuName: 'Standard',
    ...(options.idleTimeoutMinutes !== undefined ? { idleTimeoutInMinutes: options.idleTimeoutMinutes } : {}),
  });
  const publicIps: PublicIp[] = [];
  const ready: TerraformResource[] = [];
  for (let k = 0; k < (options.publicIpCount ?? 1); k++) {
    // Ids by position: adding an IP adds resources, and never renames the first.
    const ip = new Ip(scope, `nat-ip-${k + 1}`, { ...base, name: `${name}-nat-ip-${k + 1}`, sku: 'Standard', allocationMethod: 'Static' });
    publicIps.push(ip);
    ready.push(new NatGatewayPublicIpAssociation(scope, `nat-ip-${k + 1}-assoc`, { provider, natGatewayId: natGateway.id, publicIpAddressId: ip.id }));
  }
  ready.push(new SubnetNatGatewayAssociation(scope, 'subnet-nat', { provider, subnetId, natGatewayId: natGateway.id }));
  return { natGateway, publicIps, ready };
}
