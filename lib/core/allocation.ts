// The allocation record: what the planner decided for each host the first
// time it saw it, written down so that every later plan reproduces it no
// matter what else is added, removed or reordered. Declaration order alone
// cannot give that: inserting a host anywhere but at the end shifts everyone
// behind it. The record is small JSON that users commit, like a lock file;
// this module decides, serializes, parses and diffs it, and never touches a
// file itself (the constructs do the IO).
import { Cidr, contains, intToIp, isCidr, parseCidr, parseInterfaceAddress, usableHosts } from './cidr';
import { NetworkSpec } from './model';
import { Problem, ProblemList } from './problems';
import { checkedRange } from './validate';
import type { HostRole, HostAllocation, AllocationRecord, RetiredHostPlan, AllocationChange } from './model';
export type { HostRole, HostAllocation, AllocationRecord, RetiredHostPlan, AllocationChange } from './model';

/** Version written into every record file; a file with another version is refused. */
export const ALLOCATION_FORMAT_VERSION = 1;
/** Suggested file name, beside `cdktf.json`. */
export const DEFAULT_ALLOCATION_FILE = 'weave-allocation.json';
/** Suggested environment variable that turns on frozen mode (`1` or `true`). */
export const ALLOCATION_FROZEN_ENV = 'WEAVE_ALLOCATION_FROZEN';
/** Suggested cdktf context key that turns on frozen mode. */
export const ALLOCATION_FROZEN_CONTEXT = 'weaveAllocationFrozen';



/** The whole file: one record per network, keyed by the network's construct path. */
export interface AllocationFile {
  /** Format version, {@link ALLOCATION_FORMAT_VERSION}. */
  readonly version: number;
  /** Network construct path (e.g. `weave-seed/weave`) → its record. */
  readonly networks: Readonly<Record<string, AllocationRecord>>;
}

/** One host's allocated values, as {@link allocate} hands them to the planner. */
export interface HostAssignment {
  /** Host name. */
  readonly name: string;
  /** Name of the host's cluster. */
  readonly cluster: string;
  /** Whether the host is a bootstrap host (`consensus=N`) rather than an observer. */
  readonly bootstrap: boolean;
  /** Value of `--ipalloc-init`: `consensus=N` or `observer`. */
  readonly ipallocInit: string;
  /** Bridge address with the bridge range's prefix. */
  readonly bridgeAddress: string;
  /** Whether the values came from the record (false: the host is new). */
  readonly recorded: boolean;
}


/**
 * The allocation part of a plan: indexes into the spec, for the planner.
 * @internal
 */
export interface Allocation {
  readonly assignments: readonly HostAssignment[];
  readonly consensus: number;
  /** Index of the root cluster in `spec.clusters`. */
  readonly rootCluster: number;
  /** Per cluster (by index), the index within the cluster of its anchor host. */
  readonly anchors: readonly number[];
  readonly retired: readonly RetiredHostPlan[];
  readonly record: AllocationRecord;
  readonly changes: readonly AllocationChange[];
}

/** What {@link allocate} returns. */
export interface AllocationResult {
  /** One entry per declared host, in global declaration order; empty when there are problems. */
  readonly assignments: readonly HostAssignment[];
  /** The consensus count every bootstrap host launches with. */
  readonly consensus: number;
  /** Name of the cluster the other clusters dial by DNS name. */
  readonly root: string;
  /** Cluster name → the host its other hosts dial. */
  readonly anchors: Readonly<Record<string, string>>;
  /** Hosts in the record that the code no longer declares. */
  readonly retired: readonly RetiredHostPlan[];
  /**
   * The record to keep; `undefined` when there are problems (keep the old one).
   * @default - none when problems were found
   */
  readonly record?: AllocationRecord;
  /** What the new record changes compared with the one given (everything, when none was given). */
  readonly changes: readonly AllocationChange[];
  /** Everything wrong with the declaration or the record; no assignments when not empty. */
  readonly problems: readonly Problem[];
}

/** Options of {@link allocate}. */
export interface AllocateOptions {
  /**
   * How messages name the record (a file name, usually).
   * @default DEFAULT_ALLOCATION_FILE
   */
  readonly source?: string;
}

/**
 * Allocates every declared host's bootstrap role, `--ipalloc-init` and bridge
 * address, and the dial anchors, from the record when there is one.
 *
 * - A host in the record (active or retired) keeps every recorded value.
 * - A new host is an observer and takes the lowest bridge address that no
 *   recorded host (active or retired) holds and no host pins.
 * - A recorded host missing from the code becomes retired; its address stays held.
 * - Without a record the order-based rules make the first one: every host
 *   bootstraps unless `bootstrapSize` or `bootstrapHosts` say otherwise,
 *   addresses go to bootstrap hosts first, in declaration order.
 * - Pins still work, and a pin that contradicts the record is a problem naming both values.
 *
 * @param spec - the declared network
 * @param record - the network's record from the committed file, if any
 * @returns the assignments, the new record and what changed, or the problems
 */
export function allocate(spec: NetworkSpec, record?: AllocationRecord, options: AllocateOptions = {}): AllocationResult {
  const problems = new ProblemList();
  const bridge = checkedRange(spec, 'bridgeRange', spec.bridgeRange, problems);
  const a = bridge ? allocateNetwork(spec, bridge, record, problems, options) : undefined;
  if (!a || problems.items.length > 0) {
    return { assignments: [], consensus: 0, root: '', anchors: {}, retired: [], changes: [], problems: problems.items };
  }
  return {
    assignments: a.assignments,
    consensus: a.consensus,
    root: a.record.root,
    anchors: a.record.anchors,
    retired: a.retired,
    record: a.record,
    changes: a.changes,
    problems: [],
  };
}


/**
 * A record entry by name. Host and cluster names are plain words, so
 * `constructor` is a valid host name; it must not find Object.prototype's.
 */
function own<T>(o: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

interface Declared {
  readonly name: string;
  readonly path: string;
  readonly cluster: string;
  readonly pin?: number;
}

/**
 * The allocation step of the planner, adding its problems to `problems`.
 * Returns undefined when the record itself is unusable.
 * @internal
 */
export function allocateNetwork(
  spec: NetworkSpec,
  bridge: Cidr,
  record: AllocationRecord | undefined,
  problems: ProblemList,
  options: AllocateOptions = {},
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

  const result = record === undefined
    ? seed(spec, bridge, hosts, problems)
    : grow(spec, bridge, hosts, record, recordedIps, problems, source);
  if (!result || problems.items.length > start) return undefined;

  const { roles, addresses, consensus } = result;
  const rootCluster = record === undefined ? 0 : Math.max(0, spec.clusters.findIndex((c) => c.name === record.root && c.hosts.length > 0));
  const anchors = spec.clusters.map((c) => {
    const name = own(record?.anchors, c.name);
    const at = name === undefined ? -1 : c.hosts.findIndex((h) => h.name === name);
    return at < 0 ? 0 : at;
  });
  const assignments: HostAssignment[] = hosts.map((h, i) => ({
    name: h.name,
    cluster: h.cluster,
    bootstrap: roles[i] === 'bootstrap',
    ipallocInit: roles[i] === 'bootstrap' ? `consensus=${consensus}` : 'observer',
    bridgeAddress: `${intToIp(addresses[i])}/${bridge.prefix}`,
    recorded: (own(record?.hosts, h.name) ?? own(record?.retired, h.name)) !== undefined,
  }));

  const declared = new Set(hosts.map((h) => h.name));
  // Built with fromEntries: a name such as "__proto__" from a hand-edited
  // file must stay an entry, not become a prototype.
  const retiredEntries: Record<string, HostAllocation> = Object.fromEntries(
    record ? [...Object.entries(record.retired), ...Object.entries(record.hosts)].filter(([name]) => !declared.has(name)) : [],
  );
  const next: AllocationRecord = {
    bridgeRange: bridge.text,
    consensus,
    root: spec.clusters[rootCluster]?.name ?? '',
    anchors: Object.fromEntries(spec.clusters.filter((c) => c.hosts.length > 0).map((c) => [c.name, c.hosts[anchors[spec.clusters.indexOf(c)]].name])),
    hosts: Object.fromEntries(assignments.map((a) => [a.name, { bridgeAddress: a.bridgeAddress, role: a.bootstrap ? 'bootstrap' : 'observer', cluster: a.cluster }])),
    retired: retiredEntries,
  };
  const retired = sortedNames(retiredEntries).map((name) => {
    const e = retiredEntries[name];
    return { name, cluster: e.cluster, bridgeAddress: e.bridgeAddress, bootstrap: e.role === 'bootstrap' };
  });
  return { assignments, consensus, rootCluster, anchors, retired, record: next, changes: diffAllocation(record, next) };
}

/** Host `bridgeAddress` pins as integers (undefined where unpinned or invalid), with their problems. */
function parsePins(spec: NetworkSpec, range: Cidr, problems: ProblemList): (number | undefined)[] {
  const taken = new Map<number, string>();
  const pins: (number | undefined)[] = [];
  for (const c of spec.clusters) {
    for (const h of c.hosts) {
      pins.push(undefined);
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
      pins[pins.length - 1] = parsed.ip;
    }
  }
  return pins;
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
function seed(spec: NetworkSpec, range: Cidr, hosts: readonly Declared[], problems: ProblemList): Decided | undefined {
  const flags = bootstrapMembership(spec, hosts.length, problems);
  if (hosts.length > usableHosts(range)) {
    problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
      `has ${usableHosts(range)} usable addresses for ${hosts.length} hosts`,
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
    while (taken.has(next)) next++;
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
  problems: ProblemList,
  source: string,
): Decided | undefined {
  const entryOf = (name: string): { e: HostAllocation; retired: boolean } | undefined => {
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
  const free = usableHosts(range) - taken.size;
  if (fresh > free) {
    const retiredCount = Object.keys(record.retired).length;
    problems.add('bridge-range-too-small', spec.path, 'bridgeRange', range.text,
      `has ${free} free addresses for ${fresh} new hosts: ${source} holds ${held.size}${retiredCount ? ` (${retiredCount} of them for retired hosts)` : ''}`,
      retiredCount
        ? `release retired hosts' addresses (delete them from "retired" in ${source} once they have left the mesh), or remove new hosts`
        : `remove new hosts; a larger bridgeRange renumbers every host (delete the network's entry "${spec.path}" from ${source} and change the range)`);
    return undefined;
  }
  let next = range.network + 1;
  const out = addresses.map((a) => {
    if (a !== undefined) return a;
    while (taken.has(next)) next++;
    taken.add(next);
    return next++;
  });
  return { roles, addresses: out, consensus: record.consensus };
}

// --- diffs and frozen mode --------------------------------------------------

const HOST_FIELDS = ['bridgeAddress', 'role', 'cluster'] as const;

/**
 * Every recorded value that differs between two records, network first,
 * then clusters and hosts by name. With no `before`, every value is new.
 */
export function diffAllocation(before: AllocationRecord | undefined, after: AllocationRecord): AllocationChange[] {
  const out: AllocationChange[] = [];
  const push = (scope: AllocationChange['scope'], name: string, field: string, b: string | undefined, a: string | undefined) => {
    if (b !== a) out.push({ scope, name, field, ...(b === undefined ? {} : { before: b }), ...(a === undefined ? {} : { after: a }) });
  };
  push('network', '', 'bridgeRange', before?.bridgeRange, after.bridgeRange);
  push('network', '', 'consensus', before === undefined ? undefined : String(before.consensus), String(after.consensus));
  push('network', '', 'root', before?.root, after.root);
  for (const c of sortedNames({ ...before?.anchors, ...after.anchors })) {
    push('cluster', c, 'anchor', own(before?.anchors, c), own(after.anchors, c));
  }
  const state = (r: AllocationRecord | undefined, name: string): [string | undefined, HostAllocation | undefined] => {
    const active = own(r?.hosts, name);
    if (active) return ['active', active];
    const retired = own(r?.retired, name);
    if (retired) return ['retired', retired];
    return [undefined, undefined];
  };
  const names = sortedNames({ ...before?.hosts, ...before?.retired, ...after.hosts, ...after.retired });
  for (const name of names) {
    const [bs, be] = state(before, name);
    const [as, ae] = state(after, name);
    push('host', name, 'status', bs, as);
    for (const f of HOST_FIELDS) push('host', name, f, be?.[f], ae?.[f]);
  }
  return out;
}

const show = (v: string | undefined) => (v === undefined ? '(none)' : v);

/**
 * The changes as review lines, one per network, cluster or host, e.g.
 * `host azure-prd-05: new observer at 10.1.0.6/16 in cluster-01`.
 */
export function describeAllocationChanges(changes: readonly AllocationChange[]): string[] {
  const groups = new Map<string, AllocationChange[]>();
  for (const c of changes) {
    const key = c.scope === 'network' ? 'network' : `${c.scope} ${c.name}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lines: string[] = [];
  for (const [key, cs] of groups) {
    const get = (f: string) => cs.find((c) => c.field === f);
    const status = get('status');
    const value = (f: string) => get(f)?.after;
    if (status && status.before === undefined && status.after === 'active') {
      lines.push(`${key}: new ${value('role')} at ${value('bridgeAddress')} in ${value('cluster')}`);
      continue;
    }
    if (status && status.before === 'active' && status.after === 'retired') {
      const rest = cs.filter((c) => c.field !== 'status');
      lines.push(`${key}: retired; its address stays held until released${rest.length ? `; ${rest.map(fieldChange).join('; ')}` : ''}`);
      continue;
    }
    if (status && status.before === 'retired' && status.after === 'active') {
      const rest = cs.filter((c) => c.field !== 'status');
      lines.push(`${key}: declared again, back from retired with its recorded values${rest.length ? `; ${rest.map(fieldChange).join('; ')}` : ''}`);
      continue;
    }
    lines.push(`${key}: ${cs.map(fieldChange).join('; ')}`);
  }
  return lines;
}

function fieldChange(c: AllocationChange): string {
  return `${c.field} ${show(c.before)} -> ${show(c.after)}`;
}

/** Options of {@link frozenAllocationProblem}. */
export interface FrozenOptions {
  /**
   * How the message names the record.
   * @default DEFAULT_ALLOCATION_FILE
   */
  readonly source?: string;
  /**
   * How the message names the switch that froze it.
   * @default `${ALLOCATION_FROZEN_ENV}=1`
   */
  readonly switchName?: string;
}

/**
 * In frozen mode (CI), the problem to raise when a plan would change the
 * committed record: it lists every host and value that would change and
 * says how to accept them. Undefined when nothing would change.
 *
 * @param networkPath - construct path of the network
 * @param changes - from {@link diffAllocation} (or a plan's `allocation.changes`)
 */
export function frozenAllocationProblem(networkPath: string, changes: readonly AllocationChange[], options: FrozenOptions = {}): Problem | undefined {
  if (changes.length === 0) return undefined;
  const source = options.source ?? DEFAULT_ALLOCATION_FILE;
  const switchName = options.switchName ?? `${ALLOCATION_FROZEN_ENV}=1`;
  const lines = describeAllocationChanges(changes);
  const problems = new ProblemList();
  problems.add('allocation-frozen', networkPath, 'allocation', source,
    `would change, but ${switchName} freezes it (${lines.length} change${lines.length === 1 ? '' : 's'}, listed below)`,
    `review the changes; to accept them, synthesize once without ${switchName} (it rewrites ${source}) and commit ${source}; to refuse them, undo the code change. The changes:\n${lines.map((l) => `      ${l}`).join('\n')}`);
  return problems.items[0];
}

// --- the file ---------------------------------------------------------------

/** A file with no networks yet. */
export function emptyAllocationFile(): AllocationFile {
  return { version: ALLOCATION_FORMAT_VERSION, networks: {} };
}

/**
 * The file with one network's record replaced (or added), the other
 * networks' untouched.
 */
export function withNetworkRecord(file: AllocationFile | undefined, networkPath: string, record: AllocationRecord): AllocationFile {
  const base = file ?? emptyAllocationFile();
  return { version: ALLOCATION_FORMAT_VERSION, networks: { ...base.networks, [networkPath]: record } };
}

function sortedNames(o: object): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The file as committed text: keys in a fixed order, networks, clusters and
 * hosts sorted by name (code point order, independent of locale), one host
 * per line, two-space indentation and a trailing newline. Adding a host is
 * one added line; retiring one moves its line from "hosts" to "retired".
 */
export function serializeAllocationFile(file: AllocationFile): string {
  const q = (s: string | number) => JSON.stringify(s);
  const map = (o: Readonly<Record<string, unknown>>, indent: string, line: (v: never) => string): string => {
    const keys = sortedNames(o);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${indent}  ${q(k)}: ${line(o[k] as never)}`).join(',\n')}\n${indent}}`;
  };
  const host = (h: HostAllocation) => `{ "bridgeAddress": ${q(h.bridgeAddress)}, "role": ${q(h.role)}, "cluster": ${q(h.cluster)} }`;
  const network = (r: AllocationRecord) => [
    '{',
    `      "bridgeRange": ${q(r.bridgeRange)},`,
    `      "consensus": ${q(r.consensus)},`,
    `      "root": ${q(r.root)},`,
    `      "anchors": ${map(r.anchors, '      ', (v: string) => q(v))},`,
    `      "hosts": ${map(r.hosts, '      ', host)},`,
    `      "retired": ${map(r.retired, '      ', host)}`,
    '    }',
  ].join('\n');
  return `{\n  "version": ${q(file.version)},\n  "networks": ${map(file.networks, '  ', network)}\n}\n`;
}

/** What {@link parseAllocationFile} returns. */
export interface ParsedAllocationFile {
  /**
   * The file, when it is valid.
   * @default - none when there are problems
   */
  readonly file?: AllocationFile;
  /** What is wrong with the text, each with the JSON path and a fix. */
  readonly problems: readonly Problem[];
}

const RESTORE = 'restore it from version control (e.g. `git checkout -- <file>`) or correct the entry; deleting a network\'s whole entry makes the next synth allocate that network afresh from the code';

/**
 * Parses and checks a committed record file: JSON syntax, the format
 * version, the shape, and that each network's record is consistent
 * (addresses inside its range, unique, roles known, no more bootstrap
 * hosts than the consensus count).
 *
 * @param text - the file's contents
 * @param source - how problems name the file
 */
export function parseAllocationFile(text: string, source: string = DEFAULT_ALLOCATION_FILE): ParsedAllocationFile {
  const fix = RESTORE.replace('<file>', source);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const problems = new ProblemList();
    problems.add('allocation-file-invalid', source, '(file)', text.length > 60 ? `${text.slice(0, 60)}…` : text,
      `is not valid JSON (${(e as Error).message})`, fix);
    return { problems: problems.items };
  }
  const problems = new ProblemList();
  const shape = (field: string, value: unknown, message: string) => problems.add('allocation-file-invalid', source, field, value, message, fix);
  if (!isObject(raw)) {
    shape('(file)', raw, 'is not a JSON object with "version" and "networks"');
    return { problems: problems.items };
  }
  if (raw.version !== ALLOCATION_FORMAT_VERSION) {
    problems.add('allocation-file-version', source, 'version', raw.version,
      `is not a format this library reads (it reads version ${ALLOCATION_FORMAT_VERSION})`,
      typeof raw.version === 'number' && raw.version > ALLOCATION_FORMAT_VERSION
        ? 'upgrade cdktf-weave-azure to the version that wrote the file'
        : `set "version": ${ALLOCATION_FORMAT_VERSION}, or ${fix}`);
    return { problems: problems.items };
  }
  unknownKeys(raw, ['version', 'networks'], '', shape);
  if (!isObject(raw.networks)) {
    shape('networks', raw.networks, 'is not an object of network path → record');
    return { problems: problems.items };
  }
  const networks: [string, AllocationRecord][] = [];
  for (const [path, value] of Object.entries(raw.networks)) {
    const at = `networks[${JSON.stringify(path)}]`;
    const record = readRecord(value, at, shape);
    if (!record) continue;
    problems.items.push(...validateRecord(record, source, at).problems);
    networks.push([path, record]);
  }
  if (problems.items.length > 0) return { problems: problems.items };
  return { file: { version: ALLOCATION_FORMAT_VERSION, networks: Object.fromEntries(networks) }, problems: [] };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Shape = (field: string, value: unknown, message: string) => void;

function unknownKeys(o: Record<string, unknown>, known: readonly string[], at: string, shape: Shape): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) shape(`${at}${at ? '.' : ''}${k}`, o[k], `is not a known key (expected ${known.join(', ')})`);
  }
}

/** The shape of one network's record, or undefined after reporting what is missing. */
function readRecord(value: unknown, at: string, shape: Shape): AllocationRecord | undefined {
  if (!isObject(value)) {
    shape(at, value, 'is not an object');
    return undefined;
  }
  let ok = true;
  const need = (cond: boolean, field: string, message: string) => {
    if (!cond) {
      shape(`${at}.${field}`, value[field], message);
      ok = false;
    }
  };
  unknownKeys(value, ['bridgeRange', 'consensus', 'root', 'anchors', 'hosts', 'retired'], at, shape);
  need(typeof value.bridgeRange === 'string', 'bridgeRange', 'is not a string such as "10.1.0.0/16"');
  need(typeof value.consensus === 'number', 'consensus', 'is not a number');
  need(typeof value.root === 'string', 'root', 'is not a cluster name');
  need(isObject(value.anchors) && Object.values(value.anchors).every((v) => typeof v === 'string'), 'anchors', 'is not an object of cluster name → host name');
  for (const group of ['hosts', 'retired'] as const) {
    const g = value[group];
    if (!isObject(g)) {
      need(false, group, 'is not an object of host name → { bridgeAddress, role, cluster }');
      continue;
    }
    for (const [name, e] of Object.entries(g)) {
      const here = `${group}[${JSON.stringify(name)}]`;
      if (!isObject(e)) {
        need(false, here, 'is not an object { bridgeAddress, role, cluster }');
        continue;
      }
      unknownKeys(e, HOST_FIELDS, `${at}.${here}`, shape);
      if (typeof e.bridgeAddress !== 'string') need(false, `${here}.bridgeAddress`, 'is not a string such as "10.1.0.3/16"');
      if (e.role !== 'bootstrap' && e.role !== 'observer') need(false, `${here}.role`, 'is neither "bootstrap" nor "observer"');
      if (typeof e.cluster !== 'string') need(false, `${here}.cluster`, 'is not a cluster name');
    }
  }
  return ok ? (value as unknown as AllocationRecord) : undefined;
}

/**
 * Consistency of a well-shaped record, and each host's address as an
 * integer (parsed once: strict parsing is the costly part of planning with a
 * record). `path` and `at` say where problems point: the file and JSON path
 * when parsing, the network when a record was passed in memory.
 */
function validateRecord(r: AllocationRecord, path: string, at: string): { problems: Problem[]; ips: Map<string, number> } {
  const ips = new Map<string, number>();
  const problems = new ProblemList();
  const bad = (field: string, value: unknown, message: string, fix: string) =>
    problems.add('allocation-record-invalid', path, `${at}.${field}`, value, message, fix);
  const restore = 'restore the record from version control or correct the entry';
  const range = parseCidr(r.bridgeRange);
  if (!isCidr(range) || usableHosts(range) === 0) {
    bad('bridgeRange', r.bridgeRange, 'is not a usable IPv4 block', restore);
  }
  if (!Number.isInteger(r.consensus) || r.consensus < 1) {
    bad('consensus', r.consensus, 'is not a whole number of at least 1', restore);
  }
  const owners = new Map<number, string>();
  let bootstrap = 0;
  for (const group of ['hosts', 'retired'] as const) {
    for (const name of sortedNames(r[group])) {
      const e = r[group][name];
      const field = `${group}[${JSON.stringify(name)}].bridgeAddress`;
      if (group === 'retired' && own(r.hosts, name) !== undefined) {
        bad(`retired[${JSON.stringify(name)}]`, name, 'is both an active and a retired host', 'delete one of the two entries');
      }
      if (name === '') bad(group, name, 'has an empty host name', restore);
      if (e.role === 'bootstrap') bootstrap++;
      const ip = parseInterfaceAddress(e.bridgeAddress);
      if (!ip || !isCidr(range)) {
        if (!ip) bad(field, e.bridgeAddress, 'is not an address of the form a.b.c.d/n', restore);
        continue;
      }
      if (ip.prefix !== range.prefix || !contains(range, ip.ip) || ip.ip === range.network || ip.ip === range.broadcast) {
        bad(field, e.bridgeAddress, `is not a host address of the record's bridgeRange ${range.text}`, restore);
        continue;
      }
      const owner = owners.get(ip.ip);
      if (owner !== undefined) {
        bad(field, e.bridgeAddress, `is also recorded for ${owner}`, `${restore}; two hosts must never share a bridge address`);
      }
      owners.set(ip.ip, name);
      ips.set(name, ip.ip);
    }
  }
  if (Number.isInteger(r.consensus) && bootstrap > r.consensus) {
    bad('consensus', r.consensus, `is smaller than the ${bootstrap} hosts recorded as "bootstrap"`, restore);
  }
  return { problems: problems.items, ips };
}
