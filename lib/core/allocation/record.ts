// The allocation record: what the planner decided for each host the first
// time it saw it, written down so that every later plan reproduces it no
// matter what else is added, removed or reordered. Declaration order alone
// cannot give that: inserting a host anywhere but at the end shifts everyone
// behind it. The record is small JSON that users commit, like a lock file.
// This module holds its shape and its file form (serialize, parse, check);
// allocate.ts decides it, changes.ts diffs it. Nothing here touches a file
// (the constructs do the IO).
import { contains, isCidr, parseCidr, parseInterfaceAddress, usableHosts } from '../common/cidr';
import { Problem, ProblemList } from '../check/problems';
import type { RecordedPool } from './pools';
export type { RecordedPool } from './pools';

/**
/**
 * The newest record format this library reads and writes. Version 2 added
 * hosts' SSH frontend ports and pools' bridge blocks; a file is written in
 * the lowest version that holds its content (1 while no host has a port and
 * no network a pool), and a file of a version this library does not know is
 * refused.
 */
export const ALLOCATION_FORMAT_VERSION = 2;
/** Every format version this library reads. */
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];
/** Suggested file name, beside `cdktf.json`. */
export const DEFAULT_ALLOCATION_FILE = 'weave-allocation.json';
/** Suggested environment variable that turns on frozen mode (`1` or `true`). */
export const ALLOCATION_FROZEN_ENV = 'WEAVE_ALLOCATION_FROZEN';
/** Suggested cdktf context key that turns on frozen mode. */
export const ALLOCATION_FROZEN_CONTEXT = 'weaveAllocationFrozen';

/** A bootstrap host takes part in the IPAM consensus; an observer joined later. */
export type HostRole = 'bootstrap' | 'observer';

/** What the record keeps for one host, active or retired. */
export interface RecordedHost {
  /** Bridge address with the bridge range's prefix, e.g. `10.1.0.3/16`. */
  readonly bridgeAddress: string;
  /** `bootstrap` hosts launch with `--ipalloc-init consensus=N`, `observer` ones with `observer`. */
  readonly role: HostRole;
  /** Name of the cluster the host was last declared in (for diagrams and reviews). */
  readonly cluster: string;
  /**
   * The host's frontend port for SSH on its cluster's load balancer, kept
   * while the host stays in that cluster, so no other host's change moves it.
   * @default - none: the host has never been in a cluster with SSH NAT rules
   */
  readonly sshPort?: number;
}

/**
 * Everything that must never move for one network once its hosts exist.
 * Keyed by host and cluster names, so order in the code does not matter.
 */
export interface AllocationRecord {
  /** The bridge range the addresses were taken from; changing it in the code is refused. */
  readonly bridgeRange: string;
  /** The `N` of `consensus=N`: how many hosts bootstrapped the mesh. Never changes once recorded. */
  readonly consensus: number;
  /** The cluster every other cluster's anchor dials by DNS name. */
  readonly root: string;
  /** Per cluster, the host its other hosts dial (its anchor). */
  readonly anchors: Readonly<Record<string, string>>;
  /** Hosts declared in the code. */
  readonly hosts: Readonly<Record<string, RecordedHost>>;
  /**
   * Hosts removed from the code. Their addresses are not handed out again
   * until the entry is deleted from the file (released); a retired host
   * declared again gets its old values back.
   */
  readonly retired: Readonly<Record<string, RecordedHost>>;
  /**
   * Each pool's bridge block, by pool (cluster) name: its instances derive
   * their bridge addresses inside it, and no host is given an address there.
   * @default - none: the network has no pools
   */
  readonly pools?: Readonly<Record<string, RecordedPool>>;
}

/** A host that is in the record as retired: removed from the code, its address still held until released. */
export interface RetiredHost {
  /** Host name. */
  readonly name: string;
  /** Name of the cluster it belonged to; a cluster no longer declared is drawn with its retired hosts only. */
  readonly cluster: string;
  /** The reserved bridge address, with prefix. */
  readonly bridgeAddress: string;
  /**
   * Whether it was a bootstrap host.
   * @default false
   */
  readonly bootstrap?: boolean;
}

/** The whole file: one record per network, keyed by the network's construct path. */
export interface AllocationFile {
  /**
   * Format version: the lowest one that holds the file (2 once a host has an
   * SSH port, else 1), at most {@link ALLOCATION_FORMAT_VERSION}.
   */
  readonly version: number;
  /** Network construct path (e.g. `weave-seed/weave`) → its record. */
  readonly networks: Readonly<Record<string, AllocationRecord>>;
}

/** The fields of a {@link RecordedHost}, in the order the file writes them. */
export const HOST_FIELDS = ['bridgeAddress', 'role', 'cluster', 'sshPort'] as const;

/**
 * A record entry by name. Host and cluster names are plain words, so
 * `constructor` is a valid host name; it must not find Object.prototype's.
 */
export function own<T>(o: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return o !== undefined && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

/** A file with no networks yet. */
export function emptyAllocationFile(): AllocationFile {
  return { version: 1, networks: {} };
}

/**
 * The file with one network's record replaced (or added), the other
 * networks' untouched.
 */
export function withNetworkRecord(file: AllocationFile | undefined, networkPath: string, record: AllocationRecord): AllocationFile {
  const base = file ?? emptyAllocationFile();
  const networks = { ...base.networks, [networkPath]: record };
  return { version: formatVersionOf({ version: base.version, networks }), networks };
}

export function sortedNames(o: object): string[] {
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
  const host = (h: RecordedHost) =>
    `{ "bridgeAddress": ${q(h.bridgeAddress)}, "role": ${q(h.role)}, "cluster": ${q(h.cluster)}${h.sshPort !== undefined ? `, "sshPort": ${q(h.sshPort)}` : ''} }`;
  const pool = (p: RecordedPool) => `{ "block": ${q(p.block)}${p.retired ? ', "retired": true' : ''} }`;
  // Pools only where there are any, so a file without them stays as earlier releases wrote it.
  const pools = (r: AllocationRecord) => (Object.keys(r.pools ?? {}).length > 0 ? [`      "pools": ${map(r.pools!, '      ', pool)},`] : []);
  const network = (r: AllocationRecord) => [
    '{',
    `      "bridgeRange": ${q(r.bridgeRange)},`,
    `      "consensus": ${q(r.consensus)},`,
    `      "root": ${q(r.root)},`,
    `      "anchors": ${map(r.anchors, '      ', (v: string) => q(v))},`,
    ...pools(r),
    `      "hosts": ${map(r.hosts, '      ', host)},`,
    `      "retired": ${map(r.retired, '      ', host)}`,
    '    }',
  ].join('\n');
  return `{\n  "version": ${q(formatVersionOf(file))},\n  "networks": ${map(file.networks, '  ', network)}\n}\n`;
}

/** The lowest format version that holds the file: 2 once a host has an SSH port or a network a pool, else 1. */
export function formatVersionOf(file: AllocationFile): number {
  const needs2 = Object.values(file.networks).some((r) =>
    Object.keys(r.pools ?? {}).length > 0 ||
    [...Object.values(r.hosts), ...Object.values(r.retired)].some((h) => h.sshPort !== undefined));
  return needs2 ? 2 : 1;
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
  if (!READABLE_FORMAT_VERSIONS.includes(raw.version as number)) {
    problems.add('allocation-file-version', source, 'version', raw.version,
      `is not a format this library reads (it reads versions ${READABLE_FORMAT_VERSIONS.join(' and ')})`,
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
  return { file: { version: raw.version as number, networks: Object.fromEntries(networks) }, problems: [] };
}

/** A load balancer frontend port Azure accepts (1-65534). */
function isPort(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65534;
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
      const given = field.split(/[.[]/)[0] === field ? value[field] : value;
      shape(`${at}.${field}`, value[field], given === undefined ? `is missing (${message.replace(/^is not /, 'expected ')})` : message);
      ok = false;
    }
  };
  unknownKeys(value, ['bridgeRange', 'consensus', 'root', 'anchors', 'pools', 'hosts', 'retired'], at, shape);
  need(typeof value.bridgeRange === 'string', 'bridgeRange', 'is not a string such as "10.1.0.0/16"');
  need(typeof value.consensus === 'number', 'consensus', 'is not a number');
  need(typeof value.root === 'string', 'root', 'is not a cluster name');
  need(isObject(value.anchors) && Object.values(value.anchors).every((v) => typeof v === 'string'), 'anchors', 'is not an object of cluster name → host name');
  if (value.pools !== undefined) {
    const shaped = isObject(value.pools) && Object.values(value.pools).every((e) => isObject(e) && typeof e.block === 'string'
      && Object.keys(e).every((k) => k === 'block' || k === 'retired') && (e.retired === undefined || e.retired === true));
    need(shaped, 'pools', 'is not an object of pool name → { block, retired? }');
  }
  for (const group of ['hosts', 'retired'] as const) {
    const g = value[group];
    if (!isObject(g)) {
      need(false, group, 'is not an object of host name → { bridgeAddress, role, cluster, sshPort? }');
      continue;
    }
    for (const [name, e] of Object.entries(g)) {
      const here = `${group}[${JSON.stringify(name)}]`;
      if (!isObject(e)) {
        need(false, here, 'is not an object { bridgeAddress, role, cluster, sshPort? }');
        continue;
      }
      unknownKeys(e, HOST_FIELDS, `${at}.${here}`, shape);
      if (typeof e.bridgeAddress !== 'string') need(false, `${here}.bridgeAddress`, 'is not a string such as "10.1.0.3/16"');
      if (e.role !== 'bootstrap' && e.role !== 'observer') need(false, `${here}.role`, 'is neither "bootstrap" nor "observer"');
      if (typeof e.cluster !== 'string') need(false, `${here}.cluster`, 'is not a cluster name');
      if (e.sshPort !== undefined && !isPort(e.sshPort)) need(false, `${here}.sshPort`, 'is not a port from 1 to 65534');
    }
  }
  return ok ? (value as unknown as AllocationRecord) : undefined;
}

/**
 * The shape of a record given in memory (the `allocationRecord` prop, or
 * `deriveNetwork`'s `record` option): every key there, each of its type, as
 * the file's records are checked when the file is read.
 *
 * @param path - the network's path, which problems point at
 */
export function recordShapeProblems(record: unknown, path: string): Problem[] {
  const problems = new ProblemList();
  readRecord(record, 'allocationRecord', (field, value, message) => problems.add('allocation-record-invalid', path, field, value, message,
    'pass the record as synth wrote it: an object with bridgeRange, consensus, root, anchors, hosts and retired (e.g. parseAllocationFile(text).file.networks[networkPath]); or leave allocationRecord out to use the record file'));
  return problems.items;
}

/**
 * Consistency of a well-shaped record, and each host's address as an
 * integer (parsed once: strict parsing is the costly part of planning with a
 * record). `path` and `at` say where problems point: the file and JSON path
 * when parsing, the network when a record was passed in memory.
 */
export function validateRecord(r: AllocationRecord, path: string, at: string): { problems: Problem[]; ips: Map<string, number> } {
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
  // Two hosts of one cluster share its load balancer's frontend: one port each.
  const ports = new Map<string, string>();
  for (const group of ['hosts', 'retired'] as const) {
    for (const name of sortedNames(r[group])) {
      const e = r[group][name];
      if (e.sshPort === undefined) continue;
      const key = `${e.cluster}:${e.sshPort}`;
      const holder = ports.get(key);
      if (holder !== undefined) {
        bad(`${group}[${JSON.stringify(name)}].sshPort`, e.sshPort, `is also recorded for ${holder} in cluster ${e.cluster}`, `${restore}; two hosts of one cluster must never share an SSH port`);
      }
      ports.set(key, name);
    }
  }
  if (Number.isInteger(r.consensus) && bootstrap > r.consensus) {
    bad('consensus', r.consensus, `is smaller than the ${bootstrap} hosts recorded as "bootstrap"`, restore);
  }
  // Pools' blocks: inside the range, smaller than it, disjoint, holding no host's address.
  const blocks: [string, ReturnType<typeof parseCidr>][] = sortedNames(r.pools ?? {}).map((name) => [name, parseCidr(r.pools![name].block)]);
  for (const [i, [name, block]] of blocks.entries()) {
    const field = `pools[${JSON.stringify(name)}].block`;
    if (!isCidr(block) || !isCidr(range) || block.prefix <= range.prefix || !contains(range, block.network)) {
      bad(field, r.pools![name].block, `is not a block inside the record's bridgeRange ${r.bridgeRange}`, restore);
      continue;
    }
    for (const [other, b] of blocks.slice(0, i)) {
      if (isCidr(b) && b.network <= block.broadcast && block.network <= b.broadcast) {
        bad(field, block.text, `overlaps pool ${other}'s block ${b.text}`, `${restore}; two pools must never share addresses`);
      }
    }
    for (const [host, ip] of ips) {
      if (contains(block, ip)) bad(field, block.text, `holds ${host}'s bridge address`, `${restore}; no host's address may lie in a pool's block`);
    }
  }
  return { problems: problems.items, ips };
}
