// How two records differ, as data and as review lines, and the frozen-mode
// problem that lists them when CI must not change the committed record.
import { Problem, ProblemList } from '../check/problems';
import { ALLOCATION_FROZEN_ENV, AllocationRecord, DEFAULT_ALLOCATION_FILE, HOST_FIELDS, RecordedHost, own, sortedNames } from './record';

/** One recorded value that a plan would add, change or drop. */
export interface AllocationChange {
  /** Whether the value belongs to the network, one cluster, one host or one pool. */
  readonly scope: 'network' | 'cluster' | 'host' | 'pool';
  /** Host, cluster or pool name; empty for the network. */
  readonly name: string;
  /**
   * `bridgeRange`, `consensus`, `root` (network); `anchor` (cluster);
   * `status` (`active` / `retired`), `bridgeAddress`, `role`, `cluster`, `sshPort` (host);
   * `status`, `block` (pool).
   */
  readonly field: string;
  /**
   * Value in the old record.
   * @default - none: the value is new
   */
  readonly before?: string;
  /**
   * Value in the new record.
   * @default - none: the value is dropped
   */
  readonly after?: string;
}

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
  for (const p of sortedNames({ ...before?.pools, ...after.pools })) {
    const [b, a] = [own(before?.pools, p), own(after.pools, p)];
    push('pool', p, 'status', b && (b.retired ? 'retired' : 'active'), a && (a.retired ? 'retired' : 'active'));
    push('pool', p, 'block', b?.block, a?.block);
  }
  const state = (r: AllocationRecord | undefined, name: string): [string | undefined, RecordedHost | undefined] => {
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
    const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
    for (const f of HOST_FIELDS) push('host', name, f, text(be?.[f]), text(ae?.[f]));
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
      const port = value('sshPort');
      lines.push(key.startsWith('pool ')
        ? `${key}: new, instances take bridge addresses in ${value('block')}`
        : `${key}: new ${value('role')} at ${value('bridgeAddress')} in ${value('cluster')}${port !== undefined ? `, SSH port ${port}` : ''}`);
      continue;
    }
    if (status && status.before === 'active' && status.after === 'retired') {
      const rest = cs.filter((c) => c.field !== 'status');
      lines.push(`${key}: retired; its ${key.startsWith('pool ') ? 'block' : 'address'} stays held until released${rest.length ? `; ${rest.map(fieldChange).join('; ')}` : ''}`);
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
