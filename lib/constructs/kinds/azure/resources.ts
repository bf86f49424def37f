// The Azure resources a cluster and a host create, as WeaveCluster.azure and
// WeaveHost.azure hand them to users who build on them, and the references
// a cluster's hosts take from it.
import type { Lb } from '@cdktf/provider-azurerm/lib/lb';
import type { LbBackendAddressPool } from '@cdktf/provider-azurerm/lib/lb-backend-address-pool';
import type { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import type { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import type { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import type { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import type { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import type { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import type { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import type { AzureVmDefaults } from '../../../core/declare/azure';

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

/** Azure resources of one host. */
export interface AzureHostResources {
  /** The VM's NIC in the cluster subnet, a member of the load balancer's backend pool. */
  readonly networkInterface: NetworkInterface;
  /** The Flatcar VM; its custom data holds the boot config. */
  readonly virtualMachine: LinuxVirtualMachine;
}

/**
 * Attribute references the cluster's hosts read, taken once: each read of a
 * resource attribute makes a new cdktf token.
 */
export interface ClusterRefs {
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
  readonly vm: AzureVmDefaults;
  /** Name of the load balancer frontend the hosts' SSH NAT rules use. */
  readonly frontend: string;
  /** The SSH NAT frontend port of the host at a position in the cluster. */
  readonly sshPort: (indexInCluster: number) => number;
}
