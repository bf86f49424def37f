// What a user may declare for an Azure cluster and its Flatcar VMs: the
// options of the `azure` kind, documented once here. `WeaveClusterProps` and
// `WeaveHostProps` extend these interfaces; the Azure driver
// (kinds/azure/) checks and uses them.

/** How an Azure VM receives its boot config: a format Flatcar reads from custom data. */
export type AzureBootFormat = 'cloud-config' | 'ignition';

/** Flatcar channels published in the no-plan `corevm` offer. */
export type FlatcarChannel = 'stable' | 'beta' | 'alpha';

/** An existing resource group: a `ResourceGroup` or `DataAzurermResourceGroup` construct, or anything with its name. */
export interface ExistingResourceGroup {
  /** The group's name. */
  readonly name: string;
}

/** An existing subnet: a `Subnet` or `DataAzurermSubnet` construct, or anything with its resource id. */
export interface ExistingSubnet {
  /** The subnet's resource id. */
  readonly id: string;
}

/**
 * An existing network security group the library adds its rules to: a
 * `NetworkSecurityGroup` or `DataAzurermNetworkSecurityGroup` construct.
 * It must not declare inline `securityRule` blocks: azurerm cannot mix them
 * with separate rule resources.
 */
export interface ExistingSecurityGroup {
  /** The NSG's resource id (used when the library associates it with the subnet it creates). */
  readonly id: string;
  /** The NSG's name. */
  readonly name: string;
  /** The resource group the NSG is in. */
  readonly resourceGroupName: string;
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
  /**
   * Weave's status and metrics port from `metrics.sources` (only with `metrics`).
   * @default 130
   */
  readonly metrics?: number;
  /**
   * The rule that denies the metrics port to everyone else, including the
   * rest of the VNet, which Azure's default rules admit (only with `metrics`).
   * @default 135
   */
  readonly metricsDeny?: number;
}

/**
 * Weave's read-only status and Prometheus metrics (`/status`, `/report`,
 * `/metrics`) on each VM's VNet address, admitted only from the sources you
 * name. The control API (6784) stays on localhost.
 */
export interface WeaveMetricsOptions {
  /**
   * Who may connect (your Prometheus): IPv4 addresses or CIDR blocks, or
   * values Terraform fills in. Everyone else is denied, the rest of the VNet
   * included.
   */
  readonly sources: readonly string[];
  /**
   * TCP port of the listener on the VNet address.
   * @default 6782
   */
  readonly port?: number;
}

/**
 * How other sites reach an Azure cluster's VMs: through the cluster's public
 * Standard Load Balancer (`load-balancer`), or at each VM's own Standard
 * public IP (`direct`).
 */
export type AzurePeering = 'load-balancer' | 'direct';

/** A NAT gateway that gives a cluster's VMs their way out (see docs/peering.md). */
export interface AzureNatGateway {
  /**
   * Standard public IPs of the gateway, 1 to 16. Each gives 64,512 SNAT
   * ports, enough for 63 VMs at the 1,024 ports per VM the library budgets.
   * With more than one, Azure picks one at random per connection, so every
   * other Azure cluster of the network must use direct peering (a load
   * balancer in front of a peer would send a host's TCP and UDP flows to
   * different VMs).
   * @default 1
   */
  readonly publicIpCount?: number;
  /**
   * TCP idle timeout of the gateway, 4 to 120 minutes (UDP's is fixed at 4).
   * @default 4
   */
  readonly idleTimeoutMinutes?: number;
}

/** VM settings a cluster gives all its VMs; a host's own value wins over its cluster's. */
export interface AzureVmDefaults {
  /**
   * Admin (SSH login) user of the VMs.
   * @default - the host's own, else its cluster's, else 'core'
   */
  readonly adminUsername?: string;
  /**
   * Availability zone of the VMs (`'1'`, `'2'` or `'3'`).
   * @default - the host's own, else its cluster's, else no zone (regional placement)
   */
  readonly availabilityZone?: string;
  /**
   * Accelerated networking on the VMs' NICs. The VM size must support it: a
   * size the library knows cannot have it (Av2, the small Bv1 sizes) is refused.
   * @default - the host's own, else its cluster's, else false
   */
  readonly acceleratedNetworking?: boolean;
  /**
   * OS disk storage type of the VMs.
   * @default - the host's own, else its cluster's, else 'StandardSSD_LRS'
   */
  readonly osDiskType?: string;
}

/** The options of an Azure cluster: where its VMs live and how they are reached. */
export interface AzureClusterOptions extends AzureVmDefaults {
  /**
   * The aliased azurerm provider (an `AzurermProvider`) of the subscription
   * this cluster lives in. Required for Azure clusters.
   * @default - none
   */
  readonly provider?: object;
  /**
   * Azure region, e.g. `westeurope` (or a display name such as `West
   * Europe`). Required for Azure clusters; checked against the library's
   * list of public-cloud regions.
   * @default - none
   */
  readonly location?: string;
  /**
   * Accept a `location` missing from the library's list of Azure
   * public-cloud regions, for a region Azure opened after the list was made.
   * @default false
   */
  readonly locationUnchecked?: boolean;
  /**
   * DNS label of the cluster's public IP; the cluster's DNS name becomes
   * `<label>.<region>.cloudapp.azure.com`. Labels are unique per region
   * across all of Azure, so pick one you own.
   * @default - the construct id
   */
  readonly dnsLabel?: string;
  /**
   * Address space of the cluster's VNet and subnet; it must not overlap
   * Weave's ranges. With `existingSubnet`, set it to that subnet's range to
   * keep the overlap check.
   * @default '172.16.1.0/24'
   */
  readonly vnetCidr?: string;
  /**
   * Source range allowed to SSH in (through per-host NAT ports on the load
   * balancer, 50001 and up). SSH stays closed to the internet unless this is set.
   * @default - no SSH from outside the VNet
   */
  readonly sshSourceCidr?: string;
  /**
   * Name of the resource group created for the cluster.
   * @default '<id>-rg'
   */
  readonly resourceGroupName?: string;
  /**
   * How this cluster's VMs receive their boot config: coreos-cloudinit
   * `#cloud-config` (re-applied every boot; host settings live in user data
   * and update in place) or Ignition spec 3.3 (first boot only; the VM
   * ignores later changes to its custom data).
   * @default - the network's bootFormat, else 'cloud-config'
   */
  readonly bootFormat?: AzureBootFormat;
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
  /**
   * Tags for every Azure resource of the cluster (its hosts may add their
   * own). They are merged with the library's `weave-network` and
   * `weave-cluster` tags, which you cannot replace.
   * @default - only the library's tags
   */
  readonly tags?: Record<string, string>;
  /**
   * SSH public key for the admin user on this cluster's VMs.
   * @default - the network's sshPublicKey
   */
  readonly sshPublicKey?: string;
  /**
   * Serve Weave's status and metrics on each VM's VNet address, with an NSG
   * rule that admits only `sources`, and an output listing the scrape
   * targets (`<network>_<cluster>_metrics_targets`).
   * @default - status and metrics on localhost only (weave's default)
   */
  readonly metrics?: WeaveMetricsOptions;
  /**
   * How other sites reach the cluster. `load-balancer`: one public Standard
   * Load Balancer forwards Weave's TCP and UDP ports to one VM per remote
   * peer (ESP cannot pass it, so traffic between sites runs in Weave's
   * sleeve mode). `direct`: every VM gets its own Standard public IP (with
   * a DNS label, see the host's `dnsLabel`), other sites dial the VMs
   * themselves, and the NSG admits Weave's ports and ESP from the mesh's
   * known addresses, so Weave's encrypted fast datapath can run host to
   * host; each VM's own IP is also its way out. Switching replaces no VM
   * (docs/peering.md lists what it replaces).
   * @default 'load-balancer'
   */
  readonly peering?: AzurePeering;
  /**
   * Give the cluster's VMs their way out through a NAT gateway instead of
   * the load balancer's outbound rule: 64,512 SNAT ports per public IP, so
   * the cluster can grow past 62 VMs (63 per IP, up to 16 IPs). Only with
   * `peering: 'load-balancer'`: a NAT gateway takes precedence over VMs'
   * own public IPs for outbound traffic and carries no ESP. Not with
   * `existingSubnet` (the gateway would take over everything else in it).
   * @default - the load balancer's outbound rule (62 VMs), or with direct
   *   peering each VM's own public IP
   */
  readonly natGateway?: AzureNatGateway;
  /**
   * Launch the cluster's VMs with `--trusted-subnets=<vnetCidr>`: Weave then
   * skips its data-plane encryption between two VMs of the VNet (both ends
   * must trust each other; the control connection stays encrypted), e.g.
   * where Azure encrypts VNet traffic already. Traffic to other sites stays
   * encrypted. With `existingSubnet`, set `vnetCidr` to the range to trust.
   * @default false
   */
  readonly trustVnet?: boolean;
}

/** The options of one Azure VM. */
export interface AzureHostOptions extends AzureVmDefaults {
  /**
   * Azure VM size (it must support Gen2 images); checked against the
   * library's list of the sizes Azure offers, with the nearest names
   * suggested for a typo.
   * @default 'Standard_D2s_v5'
   */
  readonly vmSize?: string;
  /**
   * Accept a `vmSize` missing from the library's list of Azure VM sizes, for
   * a size Azure introduced after the list was made (it must still be shaped
   * like a size name).
   * @default false
   */
  readonly vmSizeUnchecked?: boolean;
  /**
   * SSH public key for the admin user.
   * @default - the cluster's, then the network's sshPublicKey
   */
  readonly sshPublicKey?: string;
  /**
   * OS disk size in GB, from 30 (the image size) to 4095.
   * @default - the image's size
   */
  readonly osDiskSizeGb?: number;
  /**
   * Flatcar release channel (image SKU `<channel>-gen2`).
   * @default 'stable'
   */
  readonly flatcarChannel?: FlatcarChannel;
  /**
   * Flatcar image version.
   * @default 'latest'
   */
  readonly imageVersion?: string;
  /**
   * Tags for the VM and its NIC, merged over the cluster's tags (the
   * library's `weave-network` and `weave-cluster` tags cannot be replaced).
   * @default - the cluster's tags
   */
  readonly tags?: Record<string, string>;
  /**
   * With the cluster's `peering: 'direct'`: the DNS label of the VM's own
   * public IP, giving it the name `<label>.<region>.cloudapp.azure.com`
   * that peers in other sites dial. Labels are unique per region across
   * all of Azure.
   * @default - '<cluster dnsLabel>-<host name>', dots in the host name as hyphens
   */
  readonly dnsLabel?: string;
}
