// Plain data shapes shared by the planner, the boot-config builder and the
// renderers. Nothing here knows about cdktf: strings that happen to be
// Terraform tokens pass through untouched.

/** Which Weave Net build to install, and how to trust it. */
export interface WeaveRelease {
  /** Release version; also the image tag (`WEAVE_VERSION`). Never `latest`. */
  readonly version: string;
  /** Where the `weave` script is downloaded from. */
  readonly scriptUrl: string;
  /** Expected sha256 of the script; when set, the install fails closed on a mismatch. */
  readonly sha256?: string;
  /** Docker Hub account that publishes the `weave` and `weaveexec` images (`DOCKERHUB_USER`). */
  readonly imageOwner: string;
}

/**
 * The maintained fork: upstream weaveworks/weave 2.8.1 speaks Docker API 1.18,
 * which Docker 26 and later refuse; rajch/weave 2.9.0 speaks 1.24.
 */
export const DEFAULT_RELEASE: WeaveRelease = {
  version: '2.9.0',
  scriptUrl: 'https://github.com/rajch/weave/releases/download/v2.9.0/weave',
  imageOwner: 'rajchaudhuri',
};

export type ClusterKind = 'azure' | 'dedicated';

export interface HostSpec {
  /** Construct path, used in error messages. */
  readonly path: string;
  /** Host name: Linux computer name, env-file name, and what its peers dial. */
  readonly name: string;
  /** Fixed bridge address `a.b.c.d/n`; otherwise the next free one is taken. */
  readonly bridgeAddress?: string;
  /** Placement facts the planner checks, e.g. a dedicated host's SSH address. */
  readonly sshHost?: string;
}

export interface ClusterSpec {
  readonly path: string;
  readonly name: string;
  readonly kind: ClusterKind;
  /**
   * Name later clusters dial to reach this one (only the first cluster's is
   * used). For Azure clusters the construct derives it from the DNS label.
   */
  readonly dnsName?: string;
  /** Azure DNS label of the cluster's public IP. */
  readonly dnsLabel?: string;
  /** Azure VNet address space; must not overlap Weave's ranges. */
  readonly vnetCidr?: string;
  /** Azure placement facts, checked for presence. */
  readonly location?: string;
  readonly hasProvider?: boolean;
  /**
   * How many of this cluster's first hosts were there when the mesh
   * bootstrapped; the rest joined later and are observers. Pinning it keeps
   * every existing host's settings unchanged when hosts are appended.
   */
  readonly bootstrapHosts?: number;
  readonly hosts: readonly HostSpec[];
}

export interface NetworkSpec {
  readonly path: string;
  /** Weave IPAM range for containers, e.g. `10.2.0.0/16`. */
  readonly ipallocRange: string;
  /** Range the hosts' own bridge addresses come from, e.g. `10.1.0.0/16`. */
  readonly bridgeRange: string;
  /** weaveDNS domain, or `false` to launch with `--no-dns`. */
  readonly dnsDomain: string | false;
  readonly release: WeaveRelease;
  /** Hosts present at bootstrap; defaults to every declared host. */
  readonly bootstrapSize?: number;
  /** Units that pull in `weave-network.target`. */
  readonly wantedBy: readonly string[];
  /** Run weave's Docker API proxy; `false` adds `--proxy=false`. */
  readonly proxy: boolean;
  /** Run weave's Docker network plugin; `false` adds `--plugin=false`. */
  readonly plugin: boolean;
  readonly clusters: readonly ClusterSpec[];
}

export interface HostPlan {
  readonly name: string;
  readonly path: string;
  readonly cluster: string;
  readonly clusterIndex: number;
  readonly kind: ClusterKind;
  /** Position in global declaration order, from 0. */
  readonly index: number;
  readonly indexInCluster: number;
  /** What this host's `weave launch` dials. */
  readonly peers: readonly string[];
  /** Value of `--ipalloc-init`: `consensus=N` or `observer`. */
  readonly ipallocInit: string;
  readonly bootstrap: boolean;
  /** Bridge address with the bridge range's prefix, e.g. `10.1.0.3/16`. */
  readonly bridgeAddress: string;
  /** Path of the env file every host shares (holds the password). */
  readonly sharedEnvPath: string;
  /** Path of this host's own env file. */
  readonly hostEnvPath: string;
  /** Ordered contents of this host's env file. */
  readonly hostEnv: readonly (readonly [string, string])[];
  /** The full `weave launch` argument list this host ends up running. */
  readonly launchArgs: readonly string[];
}

export interface ClusterPlan {
  readonly name: string;
  readonly path: string;
  readonly kind: ClusterKind;
  readonly hosts: readonly HostPlan[];
}

export interface NetworkPlan {
  readonly spec: NetworkSpec;
  readonly consensus: number;
  readonly clusters: readonly ClusterPlan[];
  readonly hosts: readonly HostPlan[];
  /** Flags every host passes to `weave launch` before its own ones. */
  readonly commonLaunchArgs: readonly string[];
  /** Non-secret lines of the shared env file; the password is added at render time. */
  readonly sharedEnv: readonly (readonly [string, string])[];
}

export const SHARED_ENV_PATH = '/etc/weave.env';
export const hostEnvPath = (host: string): string => `/etc/weave.${host}.env`;
