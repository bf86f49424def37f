// Pools' bridge addresses cannot collide. Every instance derives its
// address at boot as its pool's block plus its offset in the pool's subnet
// (allocation/pools.ts; boot/pool-scripts.ts does the same in bash, which
// pool-scripts.test.ts compares). So the addresses a pool can ever hand out
// are exactly block + [4, size − 2]: checked here as intervals, for every
// subnet size the checks allow on every bridge size, against every other
// pool's interval and every host's address (active, retired, pinned), and
// through random growth of the rest of the network. Offsets within one
// subnet are distinct, and address = block + offset is one-to-one, so two
// instances of a pool never share one either.
import fc from 'fast-check';
import { poolBridgeAddress } from '../lib/core/allocation/pools';
import type { AllocationRecord } from '../lib/core/allocation/record';
import { Cidr, intToIp, ipToInt, parseCidr, parseInterfaceAddress } from '../lib/core/common/cidr';
import type { ClusterSpec, HostSpec, NetworkSpec } from '../lib/core/declare/network';
import { NetworkPlan, planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';
import { ED25519 } from './fixtures/ssh-keys';

/** Azure keeps a subnet's first four addresses and its last. */
const FIRST = 4;
const SMALLEST = 29;

const cidr = (text: string) => parseCidr(text) as Cidr;

/** A pool whose subnet is a /prefix (aligned blocks of 10.128.0.0/9, clear of the other ranges). */
function pool(name: string, prefix: number, slot = 0, max?: number): ClusterSpec {
  const size = 2 ** (32 - prefix);
  const subnet = `${intToIp(ipToInt('10.128.0.0') + slot * size)}/${prefix}`;
  return {
    path: `seed/weave/${name}`, name, kind: 'scale-set', hasProvider: true, location: 'westeurope', vnetCidr: subnet, sshPublicKey: ED25519,
    options: { pool: { min: 1, max: max ?? Math.min(62, size - 5) } }, hosts: [],
  };
}

function network(bridgePrefix: number, pools: ClusterSpec[], extraHosts: HostSpec[] = [], drop: ReadonlySet<string> = new Set()): NetworkSpec {
  const seed = seedSpec({ bridgeRange: `100.64.0.0/${bridgePrefix}` });
  const clusters = seed.clusters.map((c, i) => ({
    ...c,
    hosts: [...c.hosts, ...(i === 0 ? extraHosts : [])].filter((h) => !drop.has(h.name)),
  }));
  // A connection limit that carries the largest mesh drawn: this property is about addresses.
  return { ...seed, connLimit: 5000, clusters: [...clusters.filter((c) => c.hosts.length > 0), ...pools] };
}

/** What the plan says every instance of every pool may ever take, as address intervals. */
function poolIntervals(plan: NetworkPlan): { name: string; lo: number; hi: number; block: Cidr; subnet: Cidr }[] {
  return plan.pools.map((p) => {
    const block = cidr(p.bridgeBlock);
    const subnet = cidr(p.subnet);
    return { name: p.name, lo: block.network + FIRST, hi: block.network + block.size - 2, block, subnet };
  });
}

/** Every collision rule, for one plan (its record holds retired hosts too). */
function checkNoCollision(plan: NetworkPlan): void {
  const range = cidr(plan.spec.bridgeRange);
  const record = plan.allocation.record;
  const hostIps = [...Object.values(record.hosts), ...Object.values(record.retired)].map((h) => parseInterfaceAddress(h.bridgeAddress)!.ip);
  const intervals = poolIntervals(plan);
  for (const iv of intervals) {
    // Aligned, the subnet's size, inside the range, never its network or broadcast address.
    expect(iv.block.size).toBe(iv.subnet.size);
    expect(iv.block.network % iv.block.size).toBe(0);
    expect(iv.block.network).toBeGreaterThanOrEqual(range.network);
    expect(iv.block.broadcast).toBeLessThanOrEqual(range.broadcast);
    expect(iv.lo).toBeGreaterThan(range.network);
    expect(iv.hi).toBeLessThan(range.broadcast);
    // The derivation maps the subnet's first and last instance address (and one between) onto the interval's ends.
    const mid = iv.subnet.network + FIRST + Math.floor((iv.subnet.size - FIRST - 2) / 2);
    expect(poolBridgeAddress(iv.block, iv.subnet, iv.subnet.network + FIRST)).toBe(iv.lo);
    expect(poolBridgeAddress(iv.block, iv.subnet, iv.subnet.broadcast - 1)).toBe(iv.hi);
    expect(poolBridgeAddress(iv.block, iv.subnet, mid)).toBe(iv.block.network + (mid - iv.subnet.network));
    expect(poolBridgeAddress(iv.block, iv.subnet, iv.subnet.network + FIRST - 1)).toBeUndefined();
    expect(poolBridgeAddress(iv.block, iv.subnet, iv.subnet.broadcast)).toBeUndefined();
    // No host's address (active, retired or pinned) in the whole block.
    for (const ip of hostIps) expect(ip < iv.block.network || ip > iv.block.broadcast).toBe(true);
  }
  // Blocks pairwise disjoint.
  for (const [i, a] of intervals.entries()) {
    for (const b of intervals.slice(i + 1)) expect(a.block.broadcast < b.block.network || b.block.broadcast < a.block.network).toBe(true);
  }
  // Hosts pairwise distinct.
  expect(new Set(hostIps).size).toBe(hostIps.length);
}

describe('pool bridge addresses never collide', () => {
  it('for every subnet size the checks allow, on every bridge size from /10 to /28', () => {
    let planned = 0;
    for (let b = 10; b <= 28; b++) {
      for (let p = b + 1; p <= SMALLEST; p++) {
        const size = 2 ** (32 - p);
        // The seed's five hosts must fit beside the block (the checks say so otherwise).
        if (2 ** (32 - b) - 2 - (size - 1) < 5) continue;
        const plan = planNetwork(network(b, [pool('workers', p, 0, Math.min(62, size - 5))]));
        checkNoCollision(plan);
        planned++;
      }
    }
    // Every (bridge, subnet) pair above /10 that leaves room for the hosts: 190 of the 190 combinations minus the tight ones.
    expect(planned).toBeGreaterThan(170);
  });

  it('through random growth of the network: blocks kept, hosts and pools added and removed', () => {
    type Op = { kind: 'host'; n: number } | { kind: 'drop'; n: number } | { kind: 'pool'; prefix: number } | { kind: 'unpool'; n: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('host' as const), n: fc.nat(20) }),
      fc.record({ kind: fc.constant('drop' as const), n: fc.nat(20) }),
      fc.record({ kind: fc.constant('pool' as const), prefix: fc.integer({ min: 20, max: SMALLEST }) }),
      fc.record({ kind: fc.constant('unpool' as const), n: fc.nat(3) }),
    );
    fc.assert(fc.property(fc.integer({ min: 18, max: 24 }), fc.array(op, { minLength: 1, maxLength: 8 }), (bridge, ops) => {
      const hosts: HostSpec[] = [];
      const dropped = new Set<string>();
      const pools: ClusterSpec[] = [pool('workers', Math.max(bridge + 1, 26))];
      let seq = 0;
      let record: AllocationRecord | undefined;
      const blocks = new Map<string, string>();
      for (const o of ops) {
        if (o.kind === 'host') hosts.push({ path: `seed/weave/cluster-01/extra-${seq}`, name: `extra-${seq++}` });
        else if (o.kind === 'drop' && hosts.length > 0) dropped.add(hosts[o.n % hosts.length].name);
        else if (o.kind === 'pool' && o.prefix > bridge) pools.push(pool(`pool-${seq}`, o.prefix, ++seq));
        else if (o.kind === 'unpool' && pools.length > 1) pools.splice(o.n % pools.length, 1);
        let plan: NetworkPlan;
        try {
          plan = planNetwork(network(bridge, pools, hosts, dropped), { record });
        } catch (e) {
          // Running out of room is reported, never handed out twice.
          const codes = ((e as { problems?: { code: string }[] }).problems ?? []).map((p) => p.code);
          if (codes.length > 0 && codes.every((c) => c === 'pool-block-no-room' || c === 'bridge-range-too-small')) {
            pools.pop();
            continue;
          }
          throw e;
        }
        checkNoCollision(plan);
        // A pool keeps its block for as long as the record knows it, declared or retired.
        for (const [name, e] of Object.entries(plan.allocation.record.pools ?? {})) {
          if (blocks.has(name)) expect(e.block).toBe(blocks.get(name));
          blocks.set(name, e.block);
        }
        record = plan.allocation.record;
      }
    }), { numRuns: 60 });
  });
});
