// Bridge blocks for pools. A pool's instances are not planned one by one,
// so none of them has a recorded bridge address; instead the record keeps
// one block of the bridge range per pool, as large as the pool's subnet and
// aligned to its size, that no host address lies in. An instance's bridge
// address is the block's address at the instance's offset in its subnet:
// private addresses are unique within a subnet, so bridge addresses are
// unique within a block, and blocks are disjoint from each other and from
// every host's address. Blocks are taken from the top of the bridge range,
// hosts from the bottom, so each grows towards the other only when the
// range fills up.
import { Cidr, contains, intToIp, parseCidr } from '../common/cidr';
import type { ProblemList } from '../check/problems';

/** A pool the allocation reserves a bridge block for. */
export interface PoolRequest {
  /** The pool's (cluster's) name: the record keys its block by it. */
  readonly name: string;
  /** Construct path, for messages. */
  readonly path: string;
  /** Prefix length of the pool's subnet; its bridge block has the same size. */
  readonly subnetPrefix: number;
}

/** What the record keeps for one pool. */
export interface RecordedPool {
  /** The pool's bridge block, e.g. `10.1.255.0/24`. */
  readonly block: string;
  /**
   * The pool is no longer declared: its block stays held (instances may
   * still run until the scale set is gone) until the entry is deleted.
   * @default false
   */
  readonly retired?: boolean;
}

/** First offset of an instance's address in its subnet: Azure keeps the first four. */
const FIRST_OFFSET = 4;

/**
 * An instance's bridge address (as an integer): the block's address at the
 * instance's offset in its subnet. Undefined for an address Azure never
 * gives an instance (the subnet's first four and its last) or one outside
 * the subnet. The boot script (boot/pool.ts) computes the same, in bash.
 */
export function poolBridgeAddress(block: Cidr, subnet: Cidr, instanceIp: number): number | undefined {
  if (block.size !== subnet.size || !contains(subnet, instanceIp)) return undefined;
  const offset = instanceIp - subnet.network;
  if (offset < FIRST_OFFSET || offset > subnet.size - 2) return undefined;
  return block.network + offset;
}

/** The blocks of a plan: each pool's, and a way to step over every held block. */
export interface PoolBlocks {
  /** Each declared pool's block, by name. */
  readonly byName: ReadonlyMap<string, Cidr>;
  /** What the record keeps: declared pools and retired ones. */
  readonly recorded: Readonly<Record<string, RecordedPool>>;
  /** The last address of the held block `ip` is in; undefined when it is in none. */
  blockEnd(ip: number): number | undefined;
  /** Addresses the blocks take from the range's usable ones. */
  readonly usableTaken: number;
}

/**
 * Keeps recorded pools' blocks and takes a new one, from the top of the
 * range, for each new pool: aligned to its size, clear of every other
 * block, of every recorded host's address (`held`) and of every pinned one
 * (`pins`, address to the pinning host's path), and above `hostsUpTo`:
 * the addresses this plan's new hosts will take from the bottom of the
 * range, so a new pool never crowds out a declared host. A recorded block
 * of another size than the pool's subnet, or a pinned address inside a
 * block, is a problem.
 *
 * @returns undefined when a problem was added
 */
export function allocatePoolBlocks(
  range: Cidr,
  pools: readonly PoolRequest[],
  recorded: Readonly<Record<string, RecordedPool>> | undefined,
  held: Iterable<number>,
  pins: ReadonlyMap<number, string>,
  hostsUpTo: number,
  problems: ProblemList,
  source: string,
): PoolBlocks | undefined {
  const start = problems.items.length;
  const blocks: { name: string; block: Cidr; retired: boolean }[] = [];
  const declared = new Set(pools.map((p) => p.name));
  for (const [name, e] of Object.entries(recorded ?? {})) {
    const block = parseCidr(e.block) as Cidr; // checked with the record
    blocks.push({ name, block, retired: !declared.has(name) });
  }
  const sorted = [...held, ...pins.keys()].sort((a, b) => a - b);
  const clear = (b: Cidr) => !blocks.some((h) => h.block.network <= b.broadcast && b.network <= h.block.broadcast)
    && !hasAddressIn(sorted, b.network, b.broadcast);
  const byName = new Map<string, Cidr>();
  for (const p of pools) {
    const mine = blocks.find((h) => h.name === p.name);
    if (mine) {
      if (mine.block.prefix !== p.subnetPrefix) {
        problems.add('allocation-pool-block', p.path, 'vnetCidr', `/${p.subnetPrefix}`,
          `does not fit the pool's bridge block ${mine.block.text} in ${source}, which was sized for a /${mine.block.prefix} subnet; every instance's bridge address would move`,
          `give the pool a /${mine.block.prefix} subnet again; to resize it on purpose, delete "${p.name}" from "pools" in ${source} (every instance then gets a new bridge address as the upgrade rolls)`);
      }
      byName.set(p.name, mine.block);
      continue;
    }
    const size = 2 ** (32 - p.subnetPrefix);
    let found: Cidr | undefined;
    for (let at = range.broadcast + 1 - size; at > hostsUpTo; at -= size) {
      const b: Cidr = { text: `${intToIp(at)}/${p.subnetPrefix}`, network: at, prefix: p.subnetPrefix, size, broadcast: at + size - 1 };
      if (clear(b)) {
        found = b;
        break;
      }
    }
    if (!found) {
      problems.add('pool-block-no-room', p.path, 'vnetCidr', `/${p.subnetPrefix}`,
        `needs a free /${p.subnetPrefix} block of the bridge range ${range.text} for the pool's instances, and none is left beside the hosts' addresses and the other pools' blocks`,
        `give the pool a smaller subnet (a /${Math.min(29, p.subnetPrefix + 1)} holds ${2 ** (32 - Math.min(29, p.subnetPrefix + 1)) - 5} instances), or release retired hosts and pools in ${source}`);
      continue;
    }
    blocks.push({ name: p.name, block: found, retired: false });
    byName.set(p.name, found);
  }
  for (const [ip, holder] of pins) {
    const h = blocks.find((x) => contains(x.block, ip));
    if (h) {
      problems.add('bridge-address-pool-block', holder, 'bridgeAddress', `${intToIp(ip)}/${range.prefix}`,
        `is inside the bridge block ${h.block.text} that ${source} keeps for pool ${h.name}${h.retired ? ' (retired)' : ''}`,
        `pick an address outside ${h.block.text}, or leave bridgeAddress out to get the lowest free one`);
    }
  }
  if (problems.items.length > start) return undefined;
  blocks.sort((a, b) => a.block.network - b.block.network);
  const usableTaken = blocks.reduce((n, h) => n + h.block.size - (h.block.network === range.network ? 1 : 0) - (h.block.broadcast === range.broadcast ? 1 : 0), 0);
  return {
    byName,
    recorded: Object.fromEntries(blocks.map((h) => [h.name, { block: h.block.text, ...(h.retired ? { retired: true } : {}) }])),
    blockEnd: (ip) => blocks.find((h) => h.block.network <= ip && ip <= h.block.broadcast)?.block.broadcast,
    usableTaken,
  };
}

/** Whether a sorted list holds a value in [lo, hi]. */
function hasAddressIn(sorted: readonly number[], lo: number, hi: number): boolean {
  let a = 0;
  let b = sorted.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (sorted[m] < lo) a = m + 1;
    else b = m;
  }
  return a < sorted.length && sorted[a] <= hi;
}

/** The lowest address from `n` on that no host holds and no pool's block covers. */
export function nextFree(n: number, taken: ReadonlySet<number>, blocks: PoolBlocks): number {
  for (;;) {
    const end = blocks.blockEnd(n);
    if (end !== undefined) n = end + 1;
    else if (taken.has(n)) n++;
    else return n;
  }
}

/** The `count`-th address above `network` that is not in `taken` (`network` itself for none). */
export function lowestFree(network: number, count: number, taken: ReadonlySet<number>): number {
  let at = network;
  for (let n = 0; n < count; n++) {
    at++;
    while (taken.has(at)) at++;
  }
  return at;
}
