// Where an Azure cluster's hosts live: its own resource group, VNet, subnet
// and NSG (the default), or existing ones the user already has. Only what
// is missing is created; what exists is referred to by name or id.
import { Construct } from 'constructs';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import type { AzureClusterOptions } from '../../../core/declare/azure';
import { DEFAULT_VNET_CIDR } from '../../../core/kinds/azure/facts';

/** The options that say where a cluster goes (documented on AzureClusterOptions). */
export type PlacementProps = Pick<AzureClusterOptions, 'resourceGroupName' | 'existingResourceGroup' | 'existingSubnet' | 'existingSecurityGroup' | 'vnetCidr'>;

/** What a cluster created, and how hosts and rules reach the rest. */
export interface Placement {
  /**
   * The group, when it was created here.
   * @default - unset with existingResourceGroup
   */
  readonly resourceGroup?: ResourceGroup;
  /**
   * The VNet, when it was created here.
   * @default - unset with existingSubnet
   */
  readonly virtualNetwork?: VirtualNetwork;
  /**
   * The subnet, when it was created here.
   * @default - unset with existingSubnet
   */
  readonly subnet?: Subnet;
  /**
   * The NSG, when it was created here.
   * @default - unset with existingSecurityGroup
   */
  readonly securityGroup?: NetworkSecurityGroup;
  /** Name of the resource group everything the cluster creates goes into. */
  readonly resourceGroupName: string;
  /** Id of the subnet the hosts' NICs join. */
  readonly subnetId: string;
  /** Name and group of the NSG the library's rules go into. */
  readonly ruleTarget: { readonly name: string; readonly resourceGroupName: string };
  /**
   * Set when the NSG the library created must be attached to each host's NIC
   * (an existing subnet keeps whatever NSG association it has).
   * @default - unset: the NSG is on the subnet, or is the user's
   */
  readonly nicSecurityGroupId?: string;
}

/**
 * Creates what the cluster needs and does not have.
 *
 * - resource group: `existingResourceGroup`, else `<id>-rg` (or `resourceGroupName`);
 * - VNet and subnet: `existingSubnet`, else `<id>-vnet` / `hosts` spanning `vnetCidr`;
 * - NSG: `existingSecurityGroup` gets the library's rules and nothing else
 *   (associate it yourself, unless the library creates the subnet, which it
 *   then associates it with); otherwise `<id>-nsg` is created and associated
 *   with the subnet the library created, or with each host's NIC when the
 *   subnet is existing (its own NSG association is left alone; both NSGs
 *   must then admit Weave's ports).
 */
export function placeCluster(
  scope: Construct,
  name: string,
  p: PlacementProps,
  base: { readonly provider: AzurermProvider; readonly location: string; readonly tags: Record<string, string> },
): Placement {
  const { provider } = base;
  let resourceGroup: ResourceGroup | undefined;
  let resourceGroupName: string;
  if (p.existingResourceGroup !== undefined) {
    resourceGroupName = typeof p.existingResourceGroup === 'string' ? p.existingResourceGroup : p.existingResourceGroup.name;
  } else {
    resourceGroup = new ResourceGroup(scope, 'resource-group', { ...base, name: p.resourceGroupName ?? `${name}-rg` });
    resourceGroupName = resourceGroup.name;
  }
  const rg = { resourceGroupName };

  let virtualNetwork: VirtualNetwork | undefined;
  let subnet: Subnet | undefined;
  let subnetId: string;
  if (p.existingSubnet !== undefined) {
    subnetId = typeof p.existingSubnet === 'string' ? p.existingSubnet : p.existingSubnet.id;
  } else {
    const vnetCidr = p.vnetCidr ?? DEFAULT_VNET_CIDR;
    virtualNetwork = new VirtualNetwork(scope, 'vnet', { ...base, ...rg, name: `${name}-vnet`, addressSpace: [vnetCidr] });
    subnet = new Subnet(scope, 'subnet', {
      provider,
      ...rg,
      name: 'hosts',
      virtualNetworkName: virtualNetwork.name,
      addressPrefixes: [vnetCidr],
      // Outbound goes through the load balancer's outbound rule, on purpose.
      defaultOutboundAccessEnabled: false,
    });
    subnetId = subnet.id;
  }

  let securityGroup: NetworkSecurityGroup | undefined;
  let ruleTarget: Placement['ruleTarget'];
  let nicSecurityGroupId: string | undefined;
  let subnetNsgId: string | undefined;
  if (p.existingSecurityGroup !== undefined) {
    ruleTarget = { name: p.existingSecurityGroup.name, resourceGroupName: p.existingSecurityGroup.resourceGroupName };
    if (subnet) subnetNsgId = p.existingSecurityGroup.id;
  } else {
    securityGroup = new NetworkSecurityGroup(scope, 'nsg', { ...base, ...rg, name: `${name}-nsg` });
    ruleTarget = { name: securityGroup.name, resourceGroupName };
    if (subnet) subnetNsgId = securityGroup.id;
    else nicSecurityGroupId = securityGroup.id;
  }
  if (subnet && subnetNsgId) {
    new SubnetNetworkSecurityGroupAssociation(scope, 'subnet-nsg', { provider, subnetId: subnet.id, networkSecurityGroupId: subnetNsgId });
  }
  return { resourceGroup, virtualNetwork, subnet, securityGroup, resourceGroupName, subnetId, ruleTarget, nicSecurityGroupId };
}
