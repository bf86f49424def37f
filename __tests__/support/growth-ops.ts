// Random growth of a generated network, for the allocation property tests:
// operations a user makes to a live mesh (add a host anywhere, add a cluster
// anywhere, remove a host, reorder clusters), applied to a GeneratedNetwork
// so that both the planner-level and the synth-level properties can replay
// them (buildRandomStack takes the grown network as it is).
//
// Every grown network stays a valid declaration: names stay unique (new
// names are never a name seen before, so a new host is never a retired one
// coming back), every cluster has a DNS name (whichever becomes root can be
// dialed), and adds stop when the bridge range has no free address left.
import fc from 'fast-check';
import { isAddressOrBlock, isIpv4 } from '../../lib/core/common/cidr';
import { nsgAddress } from '../../lib/core/kinds/dedicated/wiring';
import { ipv4Scope } from '../../lib/core/wiring/addresses';
import { NetworkPlan } from '../../lib/core/plan/plan';
import { ClusterSpec, HostSpec, NetworkSpec } from '../../lib/core/declare/network';
import { GeneratedNetwork, describeNetwork, ipValue } from './random-network';

export type GrowthOp =
  | { readonly kind: 'add-host'; readonly clusterPick: number; readonly positionPick: number }
  | { readonly kind: 'add-cluster'; readonly positionPick: number; readonly dedicated: boolean; readonly hosts: number }
  | { readonly kind: 'remove-host'; readonly hostPick: number }
  /** Removes every host of one cluster (and so the cluster): the way the root cluster goes. */
  | { readonly kind: 'remove-cluster'; readonly clusterPick: number }
  | { readonly kind: 'reorder-clusters'; readonly picks: readonly number[] }
  /** Shuffles the hosts of one cluster. */
  | { readonly kind: 'reorder-hosts'; readonly clusterPick: number; readonly picks: readonly number[] };

const pick = fc.nat({ max: 0x7fffffff });

export const growthOp: fc.Arbitrary<GrowthOp> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add-host' as const), clusterPick: pick, positionPick: pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('add-cluster' as const), positionPick: pick, dedicated: fc.boolean(), hosts: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove-host' as const), hostPick: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-cluster' as const), clusterPick: pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reorder-clusters' as const), picks: fc.array(pick, { minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reorder-hosts' as const), clusterPick: pick, picks: fc.array(pick, { minLength: 1, maxLength: 8 }) }) },
);

/** Sequences of at least five operations. */
export const growthOps: fc.Arbitrary<readonly GrowthOp[]> = fc.array(growthOp, { minLength: 5, maxLength: 8 });

/** One applied operation: the grown network and what the operation did. */
export interface GrowthStep {
  readonly gen: GeneratedNetwork;
  readonly op: GrowthOp;
  /** What happened, for failure messages, e.g. `add-host grow-3 to c1 at 0`. */
  readonly description: string;
  /** Hosts the step declared (all new names). */
  readonly added: readonly string[];
  /** Hosts the step removed from the code. */
  readonly removed: readonly string[];
  /** False when the step could not apply (e.g. the range is full) and changed nothing. */
  readonly applied: boolean;
}

/**
 * Names handed out to new hosts and clusters: never one the network has
 * used before, removed hosts included.
 */
export class GrowthNames {
  private readonly seen = new Set<string>();
  private counter = 0;

  constructor(spec: NetworkSpec) {
    for (const c of spec.clusters) {
      this.seen.add(c.name);
      if (c.dnsName) this.seen.add(c.dnsName);
      for (const h of c.hosts) this.seen.add(h.name);
    }
  }

  fresh(prefix: string, suffix = ''): string {
    for (;;) {
      const name = `${prefix}${++this.counter}${suffix}`;
      if (!this.seen.has(name)) {
        this.seen.add(name);
        return name;
      }
    }
  }
}

/**
 * The generated network made ready to grow: every cluster gets a DNS name
 * (any cluster may end up the root once the first is removed). Bootstrap
 * pins are kept: the first plan makes the first record from them.
 */
export function prepareForGrowth(gen: GeneratedNetwork): GeneratedNetwork {
  const taken = new Set(gen.spec.clusters.flatMap((c) => [...c.hosts.map((h) => h.name), ...(c.dnsName ? [c.dnsName] : [])]));
  let n = 0;
  const clusters = gen.spec.clusters.map((c) => {
    // Azure clusters may be added later, whose NSGs admit dedicated servers
    // by their public IPv4 address: a server known only by name or by a
    // private address gets a public address now.
    const hosts = c.kind !== 'dedicated' ? c.hosts : c.hosts.map((h) => {
      const nsg = nsgAddress(h);
      const usable = nsg !== undefined && isAddressOrBlock(nsg) && !(isIpv4(nsg) && ipv4Scope(nsg) === 'private');
      return usable ? h : { ...h, publicAddress: `203.0.113.${1 + (n++ % 250)}` };
    });
    // A direct-peering Azure cluster is dialed at its VMs' own names.
    if (c.dnsName || c.options?.peering === 'direct') return { ...c, hosts };
    let dnsName = `${c.name}.dedicated.example.net`;
    for (let k = 1; taken.has(dnsName); k++) dnsName = `${c.name}-${k}.dedicated.example.net`;
    taken.add(dnsName);
    return { ...c, dnsName, hosts };
  });
  return regenerated(gen, { ...gen.spec, clusters });
}

/**
 * What a user does once the record exists: drop the hand-written bootstrap
 * pins (`bootstrapSize`, `bootstrapHosts`); the record keeps the roles.
 * Host `bridgeAddress` pins stay: they agree with the record.
 */
export function withoutBootstrapPins(gen: GeneratedNetwork): GeneratedNetwork {
  const clusters = gen.spec.clusters.map(({ bootstrapHosts: _, ...c }) => c);
  return regenerated(gen, { ...gen.spec, bootstrapSize: undefined, clusters });
}

/**
 * Applies one operation. `room` is how many new hosts the bridge range can
 * still take (usable addresses minus those the record holds); adds beyond
 * it are cut short or skipped.
 */
export function applyGrowthOp(gen: GeneratedNetwork, op: GrowthOp, names: GrowthNames, room: number): GrowthStep {
  const spec = gen.spec;
  const clusters = spec.clusters.map((c) => ({ ...c, hosts: [...c.hosts] }));
  const sshHosts = new Map(gen.sshHosts);
  const skip = (why: string): GrowthStep => ({ gen, op, description: `${op.kind} skipped: ${why}`, added: [], removed: [], applied: false });
  const newHost = (cluster: ClusterSpec): HostSpec => {
    const name = names.fresh('grow-');
    const host: HostSpec = { path: `${cluster.path}/${name}`, name };
    if (cluster.kind !== 'dedicated') return host;
    const sshHost = `198.51.100.${1 + (sshHosts.size % 254)}`;
    sshHosts.set(name, sshHost);
    return { ...host, sshHost };
  };
  const done = (description: string, next: ClusterSpec[], added: string[], removed: string[]): GrowthStep => {
    for (const r of removed) sshHosts.delete(r);
    return { gen: regenerated(gen, { ...spec, clusters: next }, sshHosts, added), op, description, added, removed, applied: true };
  };

  switch (op.kind) {
    case 'add-host': {
      if (room < 1) return skip('the bridge range is full');
      const ci = op.clusterPick % clusters.length;
      const c = clusters[ci];
      // An Azure cluster's outbound IP serves at most 62 VMs.
      if (c.kind === 'azure' && c.hosts.length >= 62) return skip(`${c.name} is full`);
      const at = op.positionPick % (c.hosts.length + 1);
      const h = newHost(c);
      c.hosts.splice(at, 0, h);
      return done(`add-host ${h.name} to ${c.name} at ${at}`, clusters, [h.name], []);
    }
    case 'add-cluster': {
      const count = Math.min(op.hosts, room);
      if (count < 1) return skip('the bridge range is full');
      const name = names.fresh('growc-');
      const path = `${spec.path}/${name}`;
      const base = op.dedicated
        ? { path, name, kind: 'dedicated' as const, dnsName: names.fresh(`${name}-dns-`, '.example.net') }
        : {
            path, name, kind: 'azure' as const, dnsLabel: name, location: 'westeurope', hasProvider: true,
            dnsName: `${name}.westeurope.cloudapp.azure.com`, vnetCidr: '172.31.0.0/24',
          };
      const cluster: ClusterSpec = { ...base, hosts: [] };
      const hosts = Array.from({ length: count }, () => newHost(cluster));
      const at = op.positionPick % (clusters.length + 1);
      clusters.splice(at, 0, { ...cluster, hosts });
      return done(`add-cluster ${name} (${cluster.kind}, ${count} hosts) at ${at}`, clusters, hosts.map((h) => h.name), []);
    }
    case 'remove-host': {
      const all = clusters.flatMap((c, ci) => c.hosts.map((h, hi) => ({ ci, hi, name: h.name })));
      if (all.length < 2) return skip('it is the last host');
      const { ci, hi, name } = all[op.hostPick % all.length];
      clusters[ci].hosts.splice(hi, 1);
      // A cluster without hosts is invalid: removing its last host removes it.
      const next = clusters[ci].hosts.length === 0 ? clusters.filter((_, k) => k !== ci) : clusters;
      return done(`remove-host ${name} from ${clusters[ci].name}${next !== clusters ? ' (and the emptied cluster)' : ''}`, next, [], [name]);
    }
    case 'remove-cluster': {
      if (clusters.length < 2) return skip('it is the last cluster');
      const ci = op.clusterPick % clusters.length;
      const removed = clusters[ci].hosts.map((h) => h.name);
      return done(`remove-cluster ${clusters[ci].name} (${removed.length} hosts)`, clusters.filter((_, k) => k !== ci), [], removed);
    }
    case 'reorder-clusters': {
      const order = clusters.map((_, k) => k);
      for (let k = order.length - 1; k > 0; k--) {
        const j = op.picks[k % op.picks.length] % (k + 1);
        [order[k], order[j]] = [order[j], order[k]];
      }
      return done(`reorder-clusters to ${order.map((k) => clusters[k].name).join(', ')}`, order.map((k) => clusters[k]), [], []);
    }
    case 'reorder-hosts': {
      const ci = op.clusterPick % clusters.length;
      const hosts = clusters[ci].hosts;
      if (hosts.length < 2) return skip(`${clusters[ci].name} has one host`);
      for (let k = hosts.length - 1; k > 0; k--) {
        const j = op.picks[k % op.picks.length] % (k + 1);
        [hosts[k], hosts[j]] = [hosts[j], hosts[k]];
      }
      return done(`reorder-hosts of ${clusters[ci].name} to ${hosts.map((h) => h.name).join(', ')}`, clusters, [], []);
    }
  }
}

function regenerated(gen: GeneratedNetwork, spec: NetworkSpec, sshHosts = gen.sshHosts, added: readonly string[] = []): GeneratedNetwork {
  const names = spec.clusters.flatMap((c) => c.hosts.map((h) => h.name));
  const hostCount = names.length;
  const stillPinned = new Map([...gen.pinned].filter(([name]) => names.includes(name)));
  // Render the first and last host and every new one.
  const sample = new Set([0, hostCount - 1, ...added.map((n) => names.indexOf(n))]);
  const grown: GeneratedNetwork = {
    ...gen,
    spec,
    hostCount,
    pinned: stillPinned,
    sshHosts,
    // Order-based bootstrap flags mean nothing once a record decides roles.
    bootstrapFlags: [],
    sample: [...sample].sort((a, b) => a - b),
  };
  Object.defineProperty(grown, fc.toStringMethod, { value: () => describeNetwork(grown) });
  return grown;
}

// --- checks -----------------------------------------------------------------

/**
 * The record-aware dialing rule: the root cluster's anchor dials nobody,
 * every other cluster's anchor dials the root cluster's DNS name, everyone
 * else dials their own cluster's anchor, and following the dials from any
 * host reaches the root anchor.
 */
export function checkAnchoredPeers(plan: NetworkPlan): string[] {
  const out: string[] = [];
  const record = plan.allocation.record;
  const root = plan.spec.clusters.find((c) => c.name === record.root);
  if (!root) return [`record root ${record.root} is not a declared cluster`];
  if (plan.rootCluster !== root.name) out.push(`plan.rootCluster ${plan.rootCluster} is not the record's root ${root.name}`);
  const byName = new Map(plan.hosts.map((h) => [h.name, h]));
  const rootAnchor = record.anchors[root.name];
  const rootIndex = plan.clusters.findIndex((c) => c.name === root.name);
  // Where a dial leads: a host, or (a load balancer) the root cluster's anchor.
  const leadsTo = (h: NetworkPlan['hosts'][number]) => {
    const d = h.dials[0];
    if (!d) return undefined;
    return d.host !== undefined ? plan.hosts[d.host] : d.cluster === rootIndex ? byName.get(rootAnchor) : undefined;
  };
  for (const h of plan.hosts) {
    const anchor = record.anchors[h.cluster];
    if (byName.get(anchor)?.cluster !== h.cluster) {
      out.push(`${h.cluster}'s anchor ${anchor} is not one of its hosts`);
      continue;
    }
    if (h.peers.join(' ') !== h.dials.map((x) => x.address).join(' ')) out.push(`${h.name}: peers and dials disagree`);
    if (h.name === anchor && h.cluster === root.name) {
      if (h.peers.length !== 0) out.push(`${h.name} is the root anchor but dials ${JSON.stringify(h.peers)}`);
      continue;
    }
    const to = leadsTo(h);
    // An anchor dials into the root cluster; everyone else into its own anchor
    // (a dedicated server without a way to its anchor goes through the root).
    const want = h.name !== anchor ? [byName.get(anchor)!, ...(h.kind === 'dedicated' ? [byName.get(rootAnchor)!] : [])] : [byName.get(rootAnchor)!];
    if (!to || !want.includes(to)) out.push(`${h.name} dials ${JSON.stringify(h.peers)}, which leads to ${to?.name ?? 'nowhere'}, expected ${want.map((w) => w.name).join(' or ')}`);
  }
  // Reachability: walk each host's dial chain to the root anchor.
  for (const h of plan.hosts) {
    let at = h;
    for (let steps = 0; at.name !== rootAnchor; steps++) {
      const next = leadsTo(at);
      if (!next || steps > plan.hosts.length) {
        out.push(`${h.name} does not reach the root anchor ${rootAnchor} by its dials`);
        break;
      }
      at = next;
    }
  }
  return out;
}

const addressValue = (a: string): number => ipValue(a.split('/')[0])!;

/**
 * What one growth step must keep: every host that existed keeps its
 * address, role, `--ipalloc-init` and (unless its dial target was removed)
 * its peers; consensus never moves; removed hosts are retired with their
 * values; no active host holds a retired address; new hosts are observers
 * at the lowest addresses nobody held or pinned, in declaration order.
 */
export function checkGrowthStep(before: NetworkPlan, after: NetworkPlan, step: GrowthStep): string[] {
  const out: string[] = [];
  const prev = before.allocation.record;
  const next = after.allocation.record;
  if (after.consensus !== before.consensus) out.push(`consensus moved from ${before.consensus} to ${after.consensus}`);
  if (next.consensus !== prev.consensus) out.push(`recorded consensus moved from ${prev.consensus} to ${next.consensus}`);
  const afterByName = new Map(after.hosts.map((h) => [h.name, h]));
  for (const b of before.hosts) {
    const a = afterByName.get(b.name);
    if (!a) {
      if (!step.removed.includes(b.name)) out.push(`${b.name} vanished, but the step did not remove it`);
      const r = next.retired[b.name];
      if (!r) out.push(`${b.name} was removed but is not retired in the record`);
      else if (JSON.stringify(r) !== JSON.stringify(prev.hosts[b.name])) out.push(`${b.name} retired as ${JSON.stringify(r)}, was ${JSON.stringify(prev.hosts[b.name])}`);
      continue;
    }
    for (const f of ['bridgeAddress', 'ipallocInit', 'bootstrap'] as const) {
      if (a[f] !== b[f]) out.push(`${b.name}: ${f} moved from ${b[f]} to ${a[f]}`);
    }
    // Where the old dial led (a host, or a cluster's load balancer), not its
    // text: a dedicated server dials its anchor by address or cluster name.
    const d = b.dials[0];
    const target = d === undefined ? undefined : d.host !== undefined ? before.hosts[d.host].name : before.clusters[d.cluster].name;
    const targetGone = d !== undefined && (d.host !== undefined ? !afterByName.has(target!) : !after.clusters.some((c) => c.name === target));
    if (!targetGone && JSON.stringify(a.peers) !== JSON.stringify(b.peers)) {
      out.push(`${b.name}: peers moved from ${JSON.stringify(b.peers)} to ${JSON.stringify(a.peers)}${target === undefined ? '' : ` though ${target} is still there`}`);
    }
  }
  for (const [name, r] of Object.entries(prev.retired)) {
    if (JSON.stringify(next.retired[name]) !== JSON.stringify(r)) out.push(`retired ${name} changed from ${JSON.stringify(r)} to ${JSON.stringify(next.retired[name])}`);
  }
  const retiredAddresses = new Map(Object.entries(next.retired).map(([n, r]) => [addressValue(r.bridgeAddress), n]));
  for (const h of after.hosts) {
    const holder = retiredAddresses.get(addressValue(h.bridgeAddress));
    if (holder !== undefined) out.push(`${h.name} took ${h.bridgeAddress}, held by retired ${holder}`);
  }
  // New hosts: observers at the lowest free addresses, in declaration order.
  const held = new Set<number>([...Object.values(prev.hosts), ...Object.values(prev.retired)].map((e) => addressValue(e.bridgeAddress)));
  for (const c of after.spec.clusters) for (const h of c.hosts) if (h.bridgeAddress) held.add(ipValue(h.bridgeAddress.split('/')[0])!);
  const network = ipValue(after.spec.bridgeRange.split('/')[0])!;
  let expected = network + 1;
  const fresh = after.hosts.filter((h) => prev.hosts[h.name] === undefined && prev.retired[h.name] === undefined);
  if (JSON.stringify(fresh.map((h) => h.name).sort()) !== JSON.stringify([...step.added].sort())) {
    out.push(`new hosts are ${JSON.stringify(fresh.map((h) => h.name))}, the step added ${JSON.stringify(step.added)}`);
  }
  for (const h of fresh) {
    if (h.bootstrap || h.ipallocInit !== 'observer') out.push(`new host ${h.name} is not an observer (${h.ipallocInit})`);
    while (held.has(expected)) expected++;
    if (addressValue(h.bridgeAddress) !== expected) out.push(`new host ${h.name} got ${h.bridgeAddress}, the lowest free address is the ${expected - network}th`);
    expected++;
  }
  if ((step.op.kind === 'reorder-clusters' || step.op.kind === 'reorder-hosts') && after.allocation.changes.length > 0) {
    out.push(`reordering changed the record: ${JSON.stringify(after.allocation.changes)}`);
  }
  return out;
}

