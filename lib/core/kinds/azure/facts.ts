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

/** SNAT ports the load balancer's outbound rule gives each VM. */
export const OUTBOUND_PORTS_PER_HOST = 1024;
/** VMs one outbound frontend IP (64,000 ports) can serve at that allocation. */
export const MAX_AZURE_CLUSTER_HOSTS = Math.floor(64000 / OUTBOUND_PORTS_PER_HOST);

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
