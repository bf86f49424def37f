// Weave's own names and numbers, and the network's defaults, in one place:
// the planner, the boot builder, the checks, the constructs and the docs
// read them from here, so a value cannot drift between the code that uses it
// and the code that checks it. What belongs to a kind of cluster (Azure's
// limits) or to an OS (Flatcar's paths) lives with its driver or profile.
import type { WeaveRelease } from './declare/network';

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

/** Weave's control port (TCP), also the sleeve port (UDP). */
export const WEAVE_CONTROL_PORT = 6783;
/** Weave's fast datapath port (UDP). */
export const WEAVE_FASTDP_PORT = 6784;

/**
 * The router's connection limit when `--conn-limit` is not passed: 200 in
 * the rajch/weave lineage (`prog/weaver/main.go`; upstream Weave had 30,
 * then 100). Weave's Kubernetes addon's `CONN_LIMIT` of 100 is another default.
 */
export const WEAVE_DEFAULT_CONN_LIMIT = 200;
/**
 * Bytes the encrypted fast datapath adds to a packet at most: VXLAN in UDP
 * in IPv4 (50, with the inner Ethernet header) plus ESP (34-37). Weave's
 * docs (`site/tasks/manage/fastdp.md`): "overheads of around 84-87 bytes".
 */
export const WEAVE_FASTDP_OVERHEAD = 87;
/** Weave's MTU must be a multiple of this (fastdp.md: "the final MTU should be divisible by four"). */
export const WEAVE_MTU_MULTIPLE = 4;

/** Longest password the generated variable allows, and the size check assumes. */
export const MAX_PASSWORD_LENGTH = 256;
/** Shortest password the generated variable allows. */
export const MIN_PASSWORD_LENGTH = 12;

/** Project page named in the units' `Documentation=`. */
export const WEAVE_DOCS_URL = 'https://github.com/rajch/weave';

/**
 * Names of the systemd units the boot config installs, for users who want to
 * order their own units after Weave or check its state on a host.
 */
export const UNIT = {
  /** Groups the other units; starting or restarting it does the same to all of them. */
  target: 'weave-network.target',
  /** Downloads (and, when a sha256 is given, verifies) the `weave` script and pulls its images. */
  install: 'weave-install.service',
  /** Fetches the host's env file from Azure instance metadata; only on Azure cloud-config hosts. */
  hostEnv: 'weave-host-env.service',
  /** Runs the Weave Net router container (`weave launch`). */
  router: 'weave.service',
  /** Gives the host its bridge address and an address of the container range on the Weave network (`weave expose`). */
  expose: 'weave-expose.service',
  /** Finds the VM's VNet address for Weave's status and metrics listener; only with `metrics`. */
  statusAddress: 'weave-status-addr.service',
} as const;

/** The units a pool's instances run besides Weave's own (see {@link UNIT}). */
export const POOL_UNIT = {
  /** Derives the instance's bridge address from its private address, before the router starts. */
  address: 'weave-pool-address.service',
  /** Leaves the mesh on Azure's Terminate or Preempt notice for this instance. */
  events: 'weave-pool-events.service',
  /** Takes back the address ranges earlier instances of this host name left behind. */
  reclaim: 'weave-pool-reclaim.service',
} as const;

/** The library's drop-in for `docker.service` (DOCKER_MIN_API_VERSION). */
export const DOCKER_DROP_IN = '10-weave-min-api.conf';
/** Name of the networkd file that keeps DHCP off Weave's interfaces, in the OS's networkd directory. */
export const NETWORKD_FILE_NAME = '50-weave.network';

/** Path of the env file every host shares; it holds the network password, so it is mode 0600. */
export const SHARED_ENV_PATH = '/etc/weave.env';
/**
 * Path of one host's own env file (peers, IPAM mode, bridge address). On
 * Azure cloud-config hosts it is fetched from the VM's user data at every
 * start, so it can change without replacing the VM; elsewhere the boot config
 * writes it.
 */
export const hostEnvPath = (host: string): string => `/etc/weave.${host}.env`;
