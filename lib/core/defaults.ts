// Every default and fixed number the library uses, in one place. The planner,
// the boot builder, the checks, the constructs and the docs read them from
// here, so a value cannot drift between the code that uses it and the code
// that checks it.
import type { WeaveRelease } from './spec';

/** GitHub release asset of the `weave` script for one version of the maintained fork. */
export const releaseScriptUrl = (version: string): string =>
  `https://github.com/rajch/weave/releases/download/v${version}/weave`;

/**
 * The maintained fork: upstream weaveworks/weave 2.8.1 speaks Docker API 1.18,
 * which Docker 26 and later refuse; rajch/weave 2.9.0 speaks 1.24.
 */
export const DEFAULT_RELEASE: WeaveRelease = {
  version: '2.9.0',
  scriptUrl: releaseScriptUrl('2.9.0'),
  imageOwner: 'rajchaudhuri',
};

/** Weave IPAM range for containers when none is given. */
export const DEFAULT_IPALLOC_RANGE = '10.2.0.0/16';
/** Range of the hosts' bridge addresses when none is given. */
export const DEFAULT_BRIDGE_RANGE = '10.1.0.0/16';
/** weaveDNS domain when none is given. */
export const DEFAULT_DNS_DOMAIN = 'weave.local.';
/** Units that pull in weave-network.target when none are given. */
export const DEFAULT_WANTED_BY: readonly string[] = ['multi-user.target'];
/** Address space of an Azure cluster's VNet when none is given. */
export const DEFAULT_VNET_CIDR = '172.16.1.0/24';
/** Azure VM size when none is given (Gen2-capable). */
export const DEFAULT_VM_SIZE = 'Standard_D2s_v5';
/** OS disk storage type when none is given. */
export const DEFAULT_OS_DISK_TYPE = 'StandardSSD_LRS';
/** Login user on Flatcar VMs and dedicated servers. */
export const DEFAULT_ADMIN_USER = 'core';
/** SSH port of a dedicated server. */
export const DEFAULT_SSH_PORT = 22;
/** Flatcar channel when none is given. */
export const DEFAULT_FLATCAR_CHANNEL = 'stable';
/** Flatcar image version when none is given. */
export const DEFAULT_IMAGE_VERSION = 'latest';

/** Flatcar channels published in the no-plan `corevm` offer. */
export const FLATCAR_CHANNELS = ['stable', 'beta', 'alpha'] as const;
/**
 * The Azure Marketplace image Flatcar VMs are created from. The `corevm`
 * offer needs no marketplace plan, so VMs deploy without accepting terms.
 */
export const FLATCAR_IMAGE = { publisher: 'kinvolk', offer: 'flatcar-container-linux-corevm-amd64' } as const;

/** Weave's control port (TCP), also the sleeve port (UDP). */
export const WEAVE_CONTROL_PORT = 6783;
/** Weave's fast datapath port (UDP). */
export const WEAVE_FASTDP_PORT = 6784;
/** Weave's ports between hosts, spelled as azurerm load balancer rules expect the protocols. */
export const WEAVE_PORTS = [
  { protocol: 'Tcp', port: WEAVE_CONTROL_PORT },
  { protocol: 'Udp', port: WEAVE_CONTROL_PORT },
  { protocol: 'Udp', port: WEAVE_FASTDP_PORT },
] as const;

/** Priorities of the NSG rules the library creates; users' own rules must avoid them. */
export const NSG_PRIORITIES = { weaveTcp: 100, weaveUdp: 110, weaveEsp: 120, ssh: 200 } as const;
/** First load balancer frontend port of the per-host SSH NAT rules. */
export const SSH_NAT_BASE_PORT = 50001;

/** SNAT ports the load balancer's outbound rule gives each VM. */
export const OUTBOUND_PORTS_PER_HOST = 1024;
/** VMs one outbound frontend IP (64,000 ports) can serve at that allocation. */
export const MAX_AZURE_CLUSTER_HOSTS = Math.floor(64000 / OUTBOUND_PORTS_PER_HOST);

/** Azure's limit on custom data, in bytes after decoding. */
export const CUSTOM_DATA_LIMIT = 65536;
/** Longest password the generated variable allows, and the size check assumes. */
export const MAX_PASSWORD_LENGTH = 256;
/** Shortest password the generated variable allows. */
export const MIN_PASSWORD_LENGTH = 12;

/** DNS zone of Azure public IP labels in the public cloud. */
export const CLOUDAPP_ZONE = 'cloudapp.azure.com';
/** Azure instance metadata: this VM's user data, as base64 text. */
export const IMDS_USER_DATA_URL =
  'http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text';
/** Where the `weave` script is installed on every host. */
export const WEAVE_BIN = '/opt/bin/weave';
/** Project page named in the units' `Documentation=`. */
export const WEAVE_DOCS_URL = 'https://github.com/rajch/weave';

/** Path of the env file every host shares; it holds the network password, so it is mode 0600. */
export const SHARED_ENV_PATH = '/etc/weave.env';
/**
 * Path of one host's own env file (peers, IPAM mode, bridge address). On
 * Azure cloud-config hosts it is fetched from the VM's user data at every
 * start, so it can change without replacing the VM; elsewhere the boot config
 * writes it.
 */
export const hostEnvPath = (host: string): string => `/etc/weave.${host}.env`;
