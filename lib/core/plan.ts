// The planner: ordered clusters and hosts in, one plan per host out. It
// validates the whole declaration first so that a bad network never yields a
// partial plan; who holds which address is decided in allocation.ts, whom each
// host dials in peers.ts.
import { AllocationRecord, allocateNetwork } from './allocation';
import {
  ClusterPlan,
  HostPlan,
  NetworkPlan,
  NetworkSpec,
  SHARED_ENV_PATH,
  hostEnvPath,
} from './model';
import { commonLaunchArgs as commonLaunchArgsFor, launchArgs } from './launch';
import { planPeers } from './peers';
import { ProblemList } from './problems';
import { validateDeclaration } from './validate';

/** Options of {@link planNetwork}. */
export interface PlanOptions {
  /**
   * The network's allocation record from the committed file (or, in tests,
   * from memory). Hosts in it keep every recorded value; new hosts become
   * observers at the lowest free addresses.
   * @default - none: the order-based rules make the first record
   */
  readonly record?: AllocationRecord;
  /**
   * How error messages name the record, e.g. its file name.
   * @default DEFAULT_ALLOCATION_FILE
   */
  readonly recordSource?: string;
  /**
   * Also run the checks on what becomes resources and boot content (VM and
   * placement options, users' files and units, Key Vault settings), as
   * the constructs do.
   * @default false
   */
  readonly checkResources?: boolean;
}

/**
 * Turns a declared network into one plan per host, plus the allocation
 * record to keep. Throws a {@link WeaveConfigError} listing every problem
 * when the declaration is invalid or contradicts the record.
 */
export function planNetwork(spec: NetworkSpec, options: PlanOptions = {}): NetworkPlan {
  const problems = new ProblemList();
  // Every check on the declaration itself; those that need the plan
  // (allocation pins, reachability) run where the plan is made.
  const { ipalloc, bridge } = validateDeclaration(spec, problems, { recorded: options.record !== undefined, resources: options.checkResources });

  const allocation = bridge ? allocateNetwork(spec, bridge, options.record, problems, { source: options.recordSource }) : undefined;

  // Whom each host dials: the root cluster (the first declared, or the one
  // the record names) and each cluster's anchor host stay where the record
  // puts them, so growth elsewhere rewires nobody.
  const dials = allocation ? planPeers(spec, problems, { root: allocation.rootCluster, anchors: allocation.anchors }) : [];

  problems.throwIfAny();
  const { assignments, consensus } = allocation!;

  const commonLaunchArgs = commonLaunchArgsFor(spec, ipalloc!.text);

  const hosts: HostPlan[] = [];
  const clusters: ClusterPlan[] = spec.clusters.map((c, clusterIndex) => {
    const planned = c.hosts.map((h, indexInCluster) => {
      const index = hosts.length;
      const hostDials = dials[index];
      const peers = hostDials.map((d) => d.address);
      const { bootstrap, ipallocInit, bridgeAddress } = assignments[index];
      const plan: HostPlan = {
        name: h.name,
        path: h.path,
        cluster: c.name,
        clusterIndex,
        kind: c.kind,
        index,
        indexInCluster,
        peers,
        dials: hostDials,
        ipallocInit,
        bootstrap,
        bridgeAddress,
        sharedEnvPath: SHARED_ENV_PATH,
        hostEnvPath: hostEnvPath(h.name),
        hostEnv: [
          ['WEAVE_PEERS', peers.join(' ')],
          ['WEAVE_IPALLOC_INIT', ipallocInit],
          ['WEAVE_BRIDGE_ADDRESS', bridgeAddress],
        ],
        launchArgs: launchArgs(commonLaunchArgs, ipallocInit, peers),
      };
      hosts.push(plan);
      return plan;
    });
    const retired = allocation!.retired.filter((r) => r.cluster === c.name);
    return { name: c.name, path: c.path, kind: c.kind, hosts: planned, retired };
  });

  return {
    spec,
    consensus,
    clusters,
    hosts,
    commonLaunchArgs,
    sharedEnv: [
      ['WEAVE_VERSION', spec.release.version],
      ['DOCKERHUB_USER', spec.release.imageOwner],
      // checkpoint-api.weave.works is gone with Weaveworks; don't wait on it.
      ['CHECKPOINT_DISABLE', '1'],
    ],
    rootCluster: spec.clusters[allocation!.rootCluster].name,
    retired: allocation!.retired,
    allocation: { record: allocation!.record, changes: allocation!.changes, seeded: options.record === undefined },
  };
}
