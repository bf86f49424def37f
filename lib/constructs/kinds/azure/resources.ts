// The Azure resources a cluster and a host create, as WeaveCluster.azure and
// WeaveHost.azure hand them to users who build on them, and the references
// a cluster's hosts take from it.
import type { TerraformResource } from 'cdktf';
import type { Lb } from '@cdktf/provider-azurerm/lib/lb';
import type { LbBackendAddressPool } from '@cdktf/provider-azurerm/lib/lb-backend-address-pool';
import type { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import type { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
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
  /**
   * Static public IP of the load balancer: the cluster's DNS name, and
   * (without a NAT gateway) the address its hosts' traffic leaves from.
   * @default - unset with peering: 'direct' (each VM has its own)
   */
  readonly publicIp?: PublicIp;
  /**
   * Load balancer that forwards Weave's ports to the hosts and (without a
   * NAT gateway) gives them outbound access.
   * @default - unset with peering: 'direct'
   */
  readonly loadBalancer?: Lb;
  /**
   * Backend pool of the load balancer holding every host's NIC.
   * @default - unset with peering: 'direct'
   */
  readonly backendPool?: LbBackendAddressPool;
  /**
   * The NAT gateway the hosts' traffic leaves through.
   * @default - unset without natGateway
   */
  readonly natGateway?: NatGateway;
  /**
   * The NAT gateway's public IPs: the cluster's egress addresses.
   * @default - unset without natGateway
   */
  readonly natPublicIps?: readonly PublicIp[];
}

/** Azure resources of one host. */
export interface AzureHostResources {
  /** The VM's NIC in the cluster subnet, a member of the load balancer's backend pool (or, with direct peering, carrying the VM's public IP). */
  readonly networkInterface: NetworkInterface;
  /**
   * The VM's own Standard public IP, with its DNS label.
   * @default - unset unless the cluster's peering is 'direct'
   */
  readonly publicIp?: PublicIp;
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
  /** The cluster's region as given (not a reference): where a VM's own public IP and its DNS label are, as the app-wide name check reads it. */
  readonly region: string;
  readonly subnetId: string;
  /** @default - unset with direct peering (no load balancer) */
  readonly backendPoolId?: string;
  /** @default - unset with direct peering */
  readonly loadBalancerId?: string;
  /** @default - unset with direct peering */
  readonly fqdn?: string;
  /** @default - unset with direct peering */
  readonly publicAddress?: string;
  /**
   * Set when each host's NIC must carry the cluster's NSG (existing subnet, library NSG).
   * @default - unset
   */
  readonly nicSecurityGroupId?: string;
  /** The cluster's VM defaults, which each host may override. */
  readonly vm: AzureVmDefaults;
  /**
   * Name of the load balancer frontend the hosts' SSH NAT rules use.
   * @default - unset with direct peering
   */
  readonly frontend?: string;
  /** Whether each VM gets its own public IP and no load balancer is in the path. */
  readonly direct: boolean;
  /** What a VM waits for before its first boot needs the internet (a NAT gateway on the subnet, with its IPs). */
  readonly outboundReady: readonly TerraformResource[];
  /** Adds a VM's own public address to the cluster's egress addresses (direct peering). */
  readonly addPublicAddress: (address: string) => void;
}
