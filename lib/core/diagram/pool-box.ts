// The topology picture's box for a pool: one box stands for all of a
// pool's instances (they are not declared), with their size range, the
// bridge block they take their addresses from and their subnet.
import type { PoolSize } from '../kinds/kind';
import type { PoolPlan } from '../plan/pool';

/** A pool's instances as the picture shows them. */
export interface TopologyPool extends PoolSize {
  /** The subnet the instances' private addresses come from. */
  readonly subnet: string;
}

/** The box for a pool's instances (its `bridgeAddress` is the pool's bridge block). */
export function poolBox(p: PoolPlan, text: (s: string) => string) {
  return {
    name: `${p.hostNamePrefix}*`,
    bridgeAddress: p.bridgeBlock,
    role: 'observer' as const,
    peers: p.peers.map(text),
    pool: { min: p.min, max: p.max, initial: p.initial, subnet: p.subnet } as TopologyPool,
  };
}

/** The lines of a pool's box: its name, size range, block and role, subnet. */
export function poolLines(h: { readonly name: string; readonly bridgeAddress: string; readonly role: string; readonly pool: TopologyPool }): string[] {
  const { min, max, initial, subnet } = h.pool;
  return [
    h.name,
    `scale set · ${min === max ? `${max}` : `${min}–${max}`} instances${initial !== min ? ` (${initial} at first)` : ''}`,
    `bridge block ${h.bridgeAddress} · ${h.role}`,
    `subnet ${subnet}`,
  ];
}
