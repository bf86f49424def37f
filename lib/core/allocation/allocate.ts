// Who holds which address and role: the allocation step of the planner.
// From the record when there is one (recorded hosts keep every value, new
// hosts become observers at the lowest free addresses), else by the
// order-based rules that make the first record.
import { Cidr, intToIp, parseCidr, usableHosts } from '../common/cidr';
import { ProblemList } from '../check/problems';
import { NetworkSpec } from '../declare/network';
import { AllocationChange, diffAllocation } from './changes';
import { parsePins } from './pins';
import { PoolBlocks, PoolRequest, allocatePoolBlocks, lowestFree, nextFree } from './pools';
import { PortRange, allocateSshPorts } from './ports';
import { AllocationRecord, DEFAULT_ALLOCATION_FILE, HostRole, RecordedHost, RetiredHost, own, recordShapeProblems, sortedNames, validateRecord } from './record';

/** One host's allocated values, in global declaration order. */
export interface Assignment {
  /** Whether the host is a bootstrap host (`consensus=N`) rather than an observer. */
  readonly bootstrap: boolean;
  /** Value of `--ipalloc-init`: `consensus=N` or `observer`. */
  readonly ipallocInit: string;
  /** Bridge address with the bridge range's prefix. */
  readonly bridgeAddress: string;
  /**
   * The host's SSH frontend port on its cluster's load balancer.
   * @default - none: its cluster has no SSH NAT rules and it never had a port
   */
  readonly sshPort?: number;
}

/** What the allocation step decides: indexes into the spec, for the planner. */
export interface Allocation {
  /** One entry per declared host, in global declaration order. */
  readonly assignments: readonly Assignment[];
  /** The consensus count every bootstrap host launches with. */
  readonly consensus: number;
  /** Index of the root cluster in `spec.clusters`. */
  readonly rootCluster: number;
  /** Per cluster (by index), the index within the cluster of its anchor host. */
  readonly anchors: readonly number[];
  /** Hosts in the record that the code no longer declares, by name. */
  readonly retired: readonly RetiredHost[];
  /** The record after this plan. */
  readonly record: AllocationRecord;
  /** What the new record changes compared with the one given (everything, when none was given). */
  readonly changes: readonly AllocationChange[];
  /** Each declared pool's bridge block, by pool name. */
  readonly pools: ReadonlyMap<string, Cidr>;
}

interface Declared {
  readonly name: string;
  readonly path: string;
  readonly cluster: string;
  readonly pin?: number;
}

/**
 * Allocates every declared host's bootstrap role, `--ipalloc-init` and bridge
 * address, and the dial anchors, from the record when there is one, adding
 * its problems to `problems`.
 *
 * - A host in the record (active or retired) keeps every recorded value.
 * - A new host is an observer and takes the lowest bridge address that no
 *   recorded host (active or retired) holds and no host pins.
 * - A recorded host missing from the code becomes retired; its address stays held.
 * - Without a record the order-based rules make the first one: every host
 *   bootstraps unless `bootstrapSize` or `bootstrapHosts` say otherwise,
 *   addresses go to bootstrap hosts first, in declaration order.
 * - Pins still work, and a pin that contradicts the record is a problem naming both values.
 * - Each pool keeps its recorded bridge block; a new pool takes the highest
 *   free block of its subnet's size. No host gets an address in a block.
 *
 * @param options - `source`: how messages name the record (a file name,
 *   usually); `pools`: the pools to reserve bridge blocks for; `sshPorts`: the
 *   SSH frontend ports of each cluster with SSH NAT rules (none by default)
 * @returns undefined when the declaration or the record is unusable
 */
export function allocateNetwork(
  spec: NetworkSpec,
  bridge: Cidr,
  record: AllocationRecord | undefined,
  problems: ProblemList,
  options: {
    readonly source?: string;
    readonly pools?: readonly PoolRequest[];
    readonly sshPorts?: (cluster: number) => PortRange | undefined;
  } = {},
): Allocation | undefined {
  const source = options.source ?? DEFAULT_ALLOCATION_FILE;
  const start = problems.items.length;
  const clusterOwners = new Map<string, string>();
  for (const c of spec.clusters) {
    const owner = clusterOwners.get(c.name);
    if (owner !== undefined) {
      problems.add('cluster-name-duplicate', c.path, 'name', c.name,
        `is already used by ${owner}; the allocation record keys each cluster's anchor by name`, 'give every cluster of the network its own name');
    }
    clusterOwners.set(c.name, c.path);
  }
  const pins = parsePins(spec, bridge, problems);
  const hosts: Declared[] = [];
  for (const c of spec.clusters) {
    for (const h of c.hosts) hosts.push({ name: h.name, path: h.path, cluster: c.name, pin: pins[hosts.length] });
  }

  let recordedIps = new Map<string, number>();
  if (record !== undefined) {
    // A record from the file was shape-checked when it was read; one given
    // in memory may be anything.
    const shape = recordShapeProblems(record, spec.path);
    if (shape.length > 0) {
      problems.items.push(...shape);
      return undefined;
    }
    const checked = validateRecord(record, spec.path, 'allocation');
    if (checked.problems.length > 0) {
      problems.items.push(...checked.problems);
      return undefined;
    }
    recordedIps = checked.ips;
    const recorded = parseCidr(record.bridgeRange) as Cidr;
    if (recorded.text !== bridge.text) {
      problems.add('allocation-bridge-range', spec.path, 'bridgeRange', spec.bridgeRange,
        `contradicts ${source}, whose addresses for this network come from ${record.bridgeRange}`,
        `set bridgeRange back to ${record.bridgeRange}; to renumber every host on purpose, delete the network's entry "${spec.path}" from ${source} (every host's boot data then changes)`);
      return undefined;
    }
  }

  const pinned = new Map(hosts.flatMap((h) => (h.pin === undefined ? [] : [[h.pin, h.path] as const])));
  // New hosts take the lowest free addresses; new pools' blocks stay above them.
  const recordedNames = new Set([...Object.keys(record?.hosts ?? {}), ...Object.keys(record?.retired ?? {})]);
  const fresh = hosts.filter((h) => h.pin === undefined && !recordedNames.has(h.name)).length;
  const hostsUpTo = lowestFree(bridge.network, fresh, new Set([...recordedIps.values(), ...pinned.keys()]));
  const blocks = allocatePoolBlocks(bridge, options.pools ?? [], record?.pools, recordedIps.values(), pinned, hostsUpTo, problems, source);
  if (!blocks) return undefined;

  const result = record === undefined
    ? seed(spec, bridge, hosts, blocks, problems)
    : grow(spec, bridge, hosts, record, recordedIps, blocks, problems, source);
  if (!result || problems.items.length > start) return undefined;

  const { roles, addresses, consensus } = result;
  const ports = allocateSshPorts(spec, record, options.sshPorts ?? (() => undefined), problems);
  if (problems.items.length > start) return undefined;
  // A pool has no hosts, so it is never the root: the first cluster with hosts is.
  const firstWithHosts = Math.max(0, spec.clusters.findIndex((c) => c.hosts.length > 0));
  const recordedRoot = record === undefined ? -1 : spec.clusters.findIndex((c) => c.name === record.root && c.hosts.length > 0);
  const rootCluster = recordedRoot >= 0 ? recordedRoot : firstWithHosts;
  const anchors = spec.clusters.map((c) => {
    const name = own(record?.anchors, c.name);
    const at = name === undefined ? -1 : c.hosts.findIndex((h) => h.name === name);
    return at < 0 ? 0 : at;
  });
  const assignments: Assignment[] = hosts.map((_, i) => ({
    bootstrap: roles[i] === 'bootstrap',
    ipallocInit: roles[i] === 'bootstrap' ? `consensus=${consensus}` : 'observer',
    bridgeAddress: `${intToIp(addresses[i])}/${bridge.prefix}`,
    ...(ports[i] !== undefined ? { sshPort: ports[i] } : {}),
  }));

  const declared = new Set(hosts.map((h) => h.name));
  // Built with fromEntries: a name such as "__proto__" from a hand-edited
  // file must stay an entry, not become a prototype.
  const retiredEntries: Record<string, RecordedHost> = Object.fromEntries(
    record ? [...Object.entries(record.retired), ...Object.entries(record.hosts)].filter(([name]) => !declared.has(name)) : [],
  );
  const next: AllocationRecord = {
    bridgeRange: bridge.text,
    consensus,
    root: spec.clusters[rootCluster]?.name ?? '',
    anchors: Object.fromEntries(spec.clusters.filter((c) => c.hosts.length > 0).map((c) => [c.name, c.hosts[anchors[spec.clusters.indexOf(c)]].name])),
    ...(Object.keys(blocks.recorded).length > 0 ? { pools: blocks.recorded } : {}),
    hosts: Object.fromEntries(assignments.map((a, i) => [hosts[i].name, { bridgeAddress: a.bridgeAddress, role: a.bootstrap ? 'bootstrap' : 'observer', cluster: hosts[i].cluster, ...(a.sshPort !== undefined ? { sshPort: a.sshPort } : {}) }])),
    retired: retiredEntries,
  };
  const retired = sortedNames(retiredEntries).map((name) => {
    const e = retiredEntries[name];
    return { name, cluster: e.cluster, bridgeAddress: e.bridgeAddress, bootstrap: e.role === 'bootstrap' };
  });
  return { assignments, consensus, rootCluster, anchors, retired, record: next, changes: diffAllocation(record, next), pools: blocks.byName };
}

interface Decided {
  readonly roles: readonly HostRole[];
  readonly addresses: readonly number[];
  readonly consensus: number;
}

/**
 * The first record, by the order-based rules: bootstrap membership from the
 * pins or the declaration order, pinned addresses reserved first, then the
 * lowest free ones to bootstrap hosts and then to the rest, each in
 * declaration order. The seed's five hosts get 10.1.0.1 … 10.1.0.5.
 */
function seed(spec: NetworkSpec, range: Cidr, hosts: readonly Declared[], blocks: PoolBlocks, problems: ProblemList): Decided | undefined {
  const flags = bootstrapMembership(spec, hosts.length, problems);
  const usable = usableHosts(range) - blocks.usableTaken;
  if (hosts.length > usable) {
    problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
      `has ${usable} usable addresses for ${hosts.length} hosts${blocks.usableTaken ? ` beside the pools' bridge blocks (${blocks.usableTaken} addresses)` : ''}`,
      `use a shorter prefix, e.g. /${Math.max(1, 32 - Math.ceil(Math.log2(hosts.length + 2)))} or /16`);
    return undefined;
  }
  const taken = new Set<number>(hosts.flatMap((h) => (h.pin === undefined ? [] : [h.pin])));
  const addresses: number[] = new Array(hosts.length);
  const order = [...hosts.keys()].sort((a, b) => Number(flags[b]) - Number(flags[a]) || a - b);
  let next = range.network + 1;
  for (const i of order) {
    const pin = hosts[i].pin;
    if (pin !== undefined) {
      addresses[i] = pin;
      continue;
    }
    next = nextFree(next, taken, blocks);
    if (next >= range.broadcast) {
      problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
        `runs out of free addresses once pinned ones are reserved (${hosts.length} hosts)`, 'use a shorter prefix such as /16');
      return undefined;
    }
    taken.add(next);
    addresses[i] = next++;
  }
  return {
    roles: flags.map((f) => (f ? 'bootstrap' : 'observer')),
    addresses,
    consensus: flags.filter(Boolean).length,
  };
}

/**
 * Which hosts, in global declaration order, were present at bootstrap.
 * Per-cluster pins win; otherwise the first `bootstrapSize` hosts;
 * otherwise every host.
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
    if (b !== undefined && !validClusterPin(b, c.hosts.length)) {
      problems.add('cluster-bootstrap-hosts', c.path, 'bootstrapHosts', b,
        `must be a whole number from 0 to the cluster's host count (${c.hosts.length})`,
        `set it to the number of this cluster's hosts that existed when the mesh first started, at most ${c.hosts.length}`);
    }
    // Once any cluster pins, the pins describe the bootstrap set: a cluster
    // without one joined later, so all its hosts are observers.
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

function validClusterPin(b: number, hosts: number): boolean {
  return Number.isInteger(b) && b >= 0 && b <= hosts;
}

/**
 * Growth against a record: recorded hosts keep their values, new hosts are
 * observers at the lowest free addresses, and pins are checked against the
 * record instead of deciding anything the record already decided.
 */
function grow(
  spec: NetworkSpec,
  range: Cidr,
  hosts: readonly Declared[],
  record: AllocationRecord,
  recordedIps: ReadonlyMap<string, number>,
  blocks: PoolBlocks,
  problems: ProblemList,
  source: string,
): Decided | undefined {
  const entryOf = (name: string): { e: RecordedHost; retired: boolean } | undefined => {
    const active = own(record.hosts, name);
    if (active) return { e: active, retired: false };
    const retired = own(record.retired, name);
    return retired ? { e: retired, retired: true } : undefined;
  };

  if (spec.bootstrapSize !== undefined && spec.bootstrapSize !== record.consensus) {
    problems.add('allocation-consensus-pin', spec.path, 'bootstrapSize', spec.bootstrapSize,
      `contradicts ${source}, which records consensus=${record.consensus} for this network (restarted bootstrap peers must keep the count they bootstrapped with)`,
      `remove bootstrapSize (the record keeps ${record.consensus}) or set it to ${record.consensus}; to bootstrap a new mesh on purpose, delete the network's entry "${spec.path}" from ${source}`);
  }
  let index = 0;
  for (const c of spec.clusters) {
    const b = c.bootstrapHosts;
    const first = index;
    index += c.hosts.length;
    if (b === undefined) continue;
    if (!validClusterPin(b, c.hosts.length)) {
      problems.add('cluster-bootstrap-hosts', c.path, 'bootstrapHosts', b,
        `must be a whole number from 0 to the cluster's host count (${c.hosts.length})`,
        `remove bootstrapHosts: ${source} keeps each host's role`);
      continue;
    }
    for (let k = 0; k < c.hosts.length; k++) {
      const h = hosts[first + k];
      const pinned: HostRole = k < b ? 'bootstrap' : 'observer';
      const entry = entryOf(h.name);
      if (entry && entry.e.role !== pinned) {
        problems.add('allocation-bootstrap-pin', c.path, 'bootstrapHosts', b,
          `makes ${h.name} ${pinned === 'bootstrap' ? 'a bootstrap host' : 'an observer'}, but ${source} records it as ${entry.e.role === 'bootstrap' ? `a bootstrap host (consensus=${record.consensus})` : 'an observer'}`,
          `remove bootstrapHosts: ${source} keeps each host's role whatever the order`);
      } else if (!entry && pinned === 'bootstrap') {
        problems.add('allocation-bootstrap-pin', c.path, 'bootstrapHosts', b,
          `makes new host ${h.name} a bootstrap host, but the mesh bootstrapped with consensus=${record.consensus} (${source}); hosts added later join as observers`,
          `remove bootstrapHosts; to bootstrap a new mesh on purpose, delete the network's entry "${spec.path}" from ${source}`);
      }
    }
  }

  const held = new Map<number, string>();
  for (const name of Object.keys(record.hosts)) held.set(recordedIps.get(name)!, name);
  for (const name of Object.keys(record.retired)) held.set(recordedIps.get(name)!, `${name} (retired)`);
  const taken = new Set<number>(held.keys());
  const roles: HostRole[] = [];
  const addresses: (number | undefined)[] = [];
  for (const h of hosts) {
    const entry = entryOf(h.name);
    if (entry) {
      const ip = recordedIps.get(h.name)!;
      if (h.pin !== undefined && h.pin !== ip) {
        const pinText = `${intToIp(h.pin)}/${range.prefix}`;
        problems.add('allocation-address-pin', h.path, 'bridgeAddress', pinText,
          `contradicts ${source}, which gives ${h.name} ${entry.e.bridgeAddress}`,
          `remove bridgeAddress (the record keeps ${entry.e.bridgeAddress}) or write "${entry.e.bridgeAddress}"; to move the host on purpose, delete its entry from ${source} (it then joins as a new observer at the pinned address)`);
      }
      roles.push(entry.e.role);
      addresses.push(ip);
      continue;
    }
    roles.push('observer');
    if (h.pin !== undefined) {
      const holder = held.get(h.pin);
      if (holder !== undefined) {
        problems.add('allocation-address-held', h.path, 'bridgeAddress', `${intToIp(h.pin)}/${range.prefix}`,
          `is held by ${holder} in ${source}`,
          holder.endsWith('(retired)')
            ? `pick another address or leave bridgeAddress out; to reuse it, release it: make sure the old peer has left the mesh (weave rmpeer), then delete "${holder.replace(/ \(retired\)$/, '')}" from "retired" in ${source}`
            : 'pick another address or leave bridgeAddress out to get the lowest free one');
      }
      taken.add(h.pin);
    }
    addresses.push(h.pin);
  }
  const fresh = addresses.filter((a) => a === undefined).length;
  const free = usableHosts(range) - taken.size - blocks.usableTaken;
  if (fresh > free) {
    const retiredCount = Object.keys(record.retired).length;
    problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
      `has ${free} free addresses for ${fresh} new hosts: ${source} holds ${held.size}${retiredCount ? ` (${retiredCount} of them for retired hosts)` : ''}${blocks.usableTaken ? `, and its pools' bridge blocks ${blocks.usableTaken} more` : ''}`,
      retiredCount
        ? `release retired hosts' addresses (delete them from "retired" in ${source} once they have left the mesh), or remove new hosts`
        : `remove new hosts; a larger bridgeRange renumbers every host (delete the network's entry "${spec.path}" from ${source} and change the range)`);
    return undefined;
  }
  let next = range.network + 1;
  const out = addresses.map((a) => {
    if (a !== undefined) return a;
    next = nextFree(next, taken, blocks);
    taken.add(next);
    return next++;
  });
  return { roles, addresses: out, consensus: record.consensus };
}
