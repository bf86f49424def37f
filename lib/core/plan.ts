// The planner: ordered clusters and hosts in, one plan per host out. It
// validates the whole declaration first so that a bad network never yields a
// partial plan; whom each host dials is decided in peers.ts.
import { Cidr, contains, intToIp, isCidr, overlaps, parseCidr, parseInterfaceAddress, usableHosts } from './cidr';
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

/**
 * Turns a declared network into one plan per host. Throws a
 * {@link WeaveConfigError} listing every problem when the declaration is
 * invalid.
 */
export function planNetwork(spec: NetworkSpec): NetworkPlan {
  const problems = new ProblemList();
  validateSettings(spec, problems);
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

  const hostCount = spec.clusters.reduce((n, c) => n + c.hosts.length, 0);
  const bootstrapFlags = bootstrapMembership(spec, hostCount, problems);
  const consensus = bootstrapFlags.filter(Boolean).length;
  const bridgeAddresses = bridge ? allocateBridgeAddresses(spec, bridge, hostCount, bootstrapFlags, problems) : [];

  const dials = planPeers(spec, problems);

  problems.throwIfAny();

  const commonLaunchArgs = commonLaunchArgsFor(spec, ipalloc!.text);

  const hosts: HostPlan[] = [];
  const clusters: ClusterPlan[] = spec.clusters.map((c, clusterIndex) => {
    const planned = c.hosts.map((h, indexInCluster) => {
      const index = hosts.length;
      const hostDials = dials[index];
      const peers = hostDials.map((d) => d.address);
      const bootstrap = bootstrapFlags[index];
      const ipallocInit = bootstrap ? `consensus=${consensus}` : 'observer';
      const bridgeAddress = bridgeAddresses[index];
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
    return { name: c.name, path: c.path, kind: c.kind, hosts: planned };
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
  };
}

function checkedRange(
  spec: NetworkSpec,
  field: string,
  text: string,
  problems: ProblemList,
): Cidr | undefined {
  const r = parseCidr(text);
  if (isCidr(r)) {
    if (usableHosts(r) === 0) {
      problems.add('range-too-small', spec.path, field, text, 'leaves no usable host addresses',
        'use a prefix of /30 or shorter (a /16 is usual)');
      return undefined;
    }
    return r;
  }
  problems.add(
    r.suggestion ? 'range-host-bits' : 'range-invalid',
    spec.path,
    field,
    text,
    r.reason,
    r.suggestion ? `write ${r.suggestion}` : 'write a block such as 10.2.0.0/16',
  );
  return undefined;
}

/**
 * Which hosts, in global declaration order, were present at bootstrap.
 * Per-cluster pins win (they stay true when hosts are appended anywhere);
 * otherwise the first `bootstrapSize` hosts; otherwise every host.
 */
function bootstrapMembership(spec: NetworkSpec, hostCount: number, problems: ProblemList): boolean[] {
  const pinned = spec.clusters.some((c) => c.bootstrapHosts !== undefined);
  if (!pinned) {
    const n = spec.bootstrapSize ?? hostCount;
    return Array.from({ length: hostCount }, (_, i) => i < n);
  }
  const flags: boolean[] = [];
  for (const c of spec.clusters) {
    const b = c.bootstrapHosts;
    if (b !== undefined && (!Number.isInteger(b) || b < 0 || b > c.hosts.length)) {
      problems.add('cluster-bootstrap-hosts', c.path, 'bootstrapHosts', b,
        `must be a whole number from 0 to the cluster's host count (${c.hosts.length})`,
        `set it to the number of this cluster's hosts that existed when the mesh first started, at most ${c.hosts.length}`);
    }
    // Once any cluster pins, the pins describe the bootstrap set: a cluster
    // without one joined later, so all its hosts are observers. Appending a
    // cluster then changes no existing host's count or address.
    const keep = b ?? 0;
    c.hosts.forEach((_, i) => flags.push(i < keep));
  }
  const n = flags.filter(Boolean).length;
  if (n === 0 && hostCount > 0) {
    problems.add('bootstrap-size', spec.path, 'bootstrapHosts', 0,
      'leaves no bootstrap host, so nobody could ever hand out addresses', 'let at least one cluster keep its first host as a bootstrap host');
  }
  if (spec.bootstrapSize !== undefined && spec.bootstrapSize !== n) {
    problems.add('bootstrap-size-mismatch', spec.path, 'bootstrapSize', spec.bootstrapSize,
      `disagrees with the clusters' bootstrapHosts, which add up to ${n}`,
      `set bootstrapSize to ${n} or leave it out`);
  }
  return flags;
}

/**
 * Pinned addresses are reserved first; everyone else takes the next free
 * address, bootstrap hosts first and late joiners after them, each in global
 * declaration order. The seed's five hosts get 10.1.0.1 … 10.1.0.5 without
 * anyone writing them down, and a host appended to any cluster later takes
 * the next address instead of shifting its neighbours'.
 */
function allocateBridgeAddresses(
  spec: NetworkSpec,
  range: Cidr,
  hostCount: number,
  bootstrapFlags: readonly boolean[],
  problems: ProblemList,
): string[] {
  const taken = new Map<number, string>();
  const pinned: (number | undefined)[] = [];
  for (const c of spec.clusters) {
    for (const h of c.hosts) {
      pinned.push(undefined);
      if (h.bridgeAddress === undefined) continue;
      const fix = `give an address inside ${range.text}, other than ${intToIp(range.network)} and ${intToIp(range.broadcast)}, e.g. ${intToIp(range.network + 1)}/${range.prefix}, or leave it out to get the next free one`;
      const parsed = parseInterfaceAddress(
        h.bridgeAddress.includes('/') ? h.bridgeAddress : `${h.bridgeAddress}/${range.prefix}`,
      );
      if (!parsed) {
        problems.add('bridge-address-invalid', h.path, 'bridgeAddress', h.bridgeAddress, 'is not an IPv4 address', fix);
        continue;
      }
      if (parsed.prefix !== range.prefix) {
        problems.add('bridge-address-prefix', h.path, 'bridgeAddress', h.bridgeAddress,
          `has prefix /${parsed.prefix}, but the bridge range is ${range.text}`, `write ${intToIp(parsed.ip)}/${range.prefix}`);
        continue;
      }
      if (!contains(range, parsed.ip)) {
        problems.add('bridge-address-outside', h.path, 'bridgeAddress', h.bridgeAddress, `is outside the bridge range ${range.text}`, fix);
        continue;
      }
      if (parsed.ip === range.network || parsed.ip === range.broadcast) {
        problems.add('bridge-address-reserved', h.path, 'bridgeAddress', h.bridgeAddress,
          `is the ${parsed.ip === range.network ? 'network' : 'broadcast'} address of ${range.text}`, fix);
        continue;
      }
      const holder = taken.get(parsed.ip);
      if (holder !== undefined) {
        problems.add('bridge-address-duplicate', h.path, 'bridgeAddress', h.bridgeAddress,
          `is already pinned by ${holder}`, 'give each host its own address, or leave it out to get the next free one');
        continue;
      }
      taken.set(parsed.ip, h.path);
      pinned[pinned.length - 1] = parsed.ip;
    }
  }
  if (hostCount > usableHosts(range)) {
    problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
      `has ${usableHosts(range)} usable addresses for ${hostCount} hosts`,
      `use a shorter prefix, e.g. /${Math.max(1, 32 - Math.ceil(Math.log2(hostCount + 2)))} or /16`);
    return [];
  }
  const out: string[] = new Array(hostCount);
  let next = range.network + 1;
  const order = [...pinned.keys()].sort((a, b) => Number(bootstrapFlags[b]) - Number(bootstrapFlags[a]) || a - b);
  for (const i of order) {
    const ip = pinned[i];
    if (ip !== undefined) {
      out[i] = `${intToIp(ip)}/${range.prefix}`;
      continue;
    }
    while (taken.has(next)) next++;
    if (next >= range.broadcast) {
      problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
        `runs out of free addresses once pinned ones are reserved (${hostCount} hosts)`, 'use a shorter prefix such as /16');
      return [];
    }
    taken.set(next, '(allocated)');
    out[i] = `${intToIp(next)}/${range.prefix}`;
    next++;
  }
  return out;
}
