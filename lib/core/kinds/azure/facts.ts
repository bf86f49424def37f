// Azure's names and numbers the driver and the Azure constructs share: the
// defaults of an Azure cluster and its VMs, the NSG and load balancer
// figures, and the limits the checks enforce.
import { WEAVE_CONTROL_PORT, WEAVE_FASTDP_PORT } from '../../defaults';
import type { WeaveNsgPriorities } from '../../declare/azure';

/** Address space of an Azure cluster's VNet when none is given. */
export const DEFAULT_VNET_CIDR = '172.16.1.0/24';
/** Azure VM size when none is given (Gen2-capable). */
export const DEFAULT_VM_SIZE = 'Standard_D2s_v5';
/** OS disk storage type when none is given. */
export const DEFAULT_OS_DISK_TYPE = 'StandardSSD_LRS';

/** Weave's ports between hosts, spelled as azurerm load balancer rules expect the protocols. */
export const WEAVE_PORTS = [
  { protocol: 'Tcp', port: WEAVE_CONTROL_PORT },
  { protocol: 'Udp', port: WEAVE_CONTROL_PORT },
  { protocol: 'Udp', port: WEAVE_FASTDP_PORT },
] as const;

/** Priorities of the NSG rules the library creates; users' own rules must avoid them. */
export const NSG_PRIORITIES = { weaveTcp: 100, weaveUdp: 110, weaveEsp: 120, ssh: 200, metrics: 130, metricsDeny: 135 } as const;
/** Azure's range for NSG rule priorities. */
export const NSG_PRIORITY_RANGE = { min: 100, max: 4096 } as const;
/** First load balancer frontend port of the per-host SSH NAT rules. */
export const SSH_NAT_BASE_PORT = 50001;
/** Last frontend port Azure accepts for an inbound NAT rule (Microsoft.Network loadBalancers: 1-65534). */
export const SSH_NAT_LAST_PORT = 65534;

/** The NSG rule priorities a cluster uses: its own where given, else the defaults. */
export function nsgPriorities(given: WeaveNsgPriorities | undefined): Record<keyof typeof NSG_PRIORITIES, number> {
  const g = given ?? {};
  return {
    weaveTcp: g.weaveTcp ?? NSG_PRIORITIES.weaveTcp,
    weaveUdp: g.weaveUdp ?? NSG_PRIORITIES.weaveUdp,
    weaveEsp: g.weaveEsp ?? NSG_PRIORITIES.weaveEsp,
    ssh: g.ssh ?? NSG_PRIORITIES.ssh,
    metrics: g.metrics ?? NSG_PRIORITIES.metrics,
    metricsDeny: g.metricsDeny ?? NSG_PRIORITIES.metricsDeny,
  };
}

/** SNAT ports the load balancer's outbound rule gives each VM (and what the checks budget per VM on a NAT gateway). */
export const OUTBOUND_PORTS_PER_HOST = 1024;
/** SNAT ports of one load balancer frontend IP for outbound rules. */
export const LB_OUTBOUND_PORTS = 64000;
/** VMs one outbound frontend IP (64,000 ports) can serve at that allocation. */
export const MAX_AZURE_CLUSTER_HOSTS = Math.floor(LB_OUTBOUND_PORTS / OUTBOUND_PORTS_PER_HOST);
/** SNAT ports per NAT gateway public IP (Azure NAT Gateway docs, nat-gateway-resource.md). */
export const NAT_PORTS_PER_IP = 64512;
/** Public IPs (addresses) one NAT gateway takes at most. */
export const NAT_MAX_PUBLIC_IPS = 16;
/** Azure's range for a NAT gateway's TCP idle timeout, in minutes. */
export const NAT_IDLE_TIMEOUT_RANGE = { min: 4, max: 120 } as const;
/** Addresses Azure keeps in every subnet (network, gateway, two DNS, broadcast). */
export const SUBNET_RESERVED_ADDRESSES = 5;
/** The MTU of an Azure VM's NIC and of Azure's path to the internet. */
export const AZURE_PATH_MTU = 1500;

/** Azure's limit on custom data, in bytes after decoding. */
export const CUSTOM_DATA_LIMIT = 65536;

/** DNS zone of Azure public IP labels in the public cloud. */
export const CLOUDAPP_ZONE = 'cloudapp.azure.com';
/** Azure instance metadata: this VM's user data, as base64 text. */
export const IMDS_USER_DATA_URL =
  'http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text';

/** Weave's status and metrics port (`--status-addr`) when none is given. */
export const DEFAULT_METRICS_PORT = 6782;
/** Azure instance metadata: this VM's first private IPv4 address, as text. */
export const IMDS_PRIVATE_IP_URL =
  'http://169.254.169.254/metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress?api-version=2021-02-01&format=text';
