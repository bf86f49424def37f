// The planner: ordered clusters and hosts in, one plan per host out. It
// validates the whole declaration first so that a bad network never yields a
// partial plan; who holds which address is decided in allocation.ts, whom each
// host dials in peers.ts.
import { AllocationRecord, allocateNetwork, checkedRange } from './allocation';
import { isCidr, overlaps, parseCidr } from './cidr';
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
import { isToken } from './tokens';
import { validateNames, validateSettings } from './validate';

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
}

/**
 * Turns a declared network into one plan per host, plus the allocation
 * record to keep. Throws a {@link WeaveConfigError} listing every problem
 * when the declaration is invalid or contradicts the record.
 */
export function planNetwork(spec: NetworkSpec, options: PlanOptions = {}): NetworkPlan {
  const problems = new ProblemList();
  validateSettings(spec, problems, { recorded: options.record !== undefined });
  validateNames(spec, problems);

  const ipalloc = checkedRange(spec, 'ipallocRange', spec.ipallocRange, problems);
  const bridge = checkedRange(spec, 'bridgeRange', spec.bridgeRange, problems);
  if (ipalloc && bridge && overlaps(ipalloc, bridge)) {
    problems.add(
      'ranges-overlap',
      spec.path,
      'bridgeRange',
      spec.bridgeRange,
      `overlaps ipallocRange ${ipalloc.text}; host bridge addresses would collide with container addresses`,
      'choose disjoint blocks, e.g. ipallocRange 10.2.0.0/16 and bridgeRange 10.1.0.0/16',
    );
  }
  for (const c of spec.clusters) {
    if (c.vnetCidr === undefined || isToken(c.vnetCidr)) continue;
    const vnet = parseCidr(c.vnetCidr);
    if (!isCidr(vnet)) {
      problems.add('vnet-cidr-invalid', c.path, 'vnetCidr', c.vnetCidr, vnet.reason,
        vnet.suggestion ? `write ${vnet.suggestion}` : 'give an IPv4 block such as 172.16.1.0/24');
      continue;
    }
    for (const [field, r] of [['ipallocRange', ipalloc], ['bridgeRange', bridge]] as const) {
      if (r && overlaps(vnet, r)) {
        problems.add('vnet-overlap', c.path, 'vnetCidr', c.vnetCidr,
          `overlaps the network's ${field} ${r.text}; routes to containers or bridges would shadow the VNet`,
          `pick a VNet block outside ${r.text}, e.g. 172.16.1.0/24`);
      }
    }
  }

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
