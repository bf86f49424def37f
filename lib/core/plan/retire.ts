// Who reclaims a retired host's IPAM space. When the allocation record
// retires a host, exactly one surviving host of the same network runs
// `weave rmpeer` for it (running it on two hosts is Weave's documented
// hazard). A survivor is a host the record given to this plan already
// held as active and that is still declared: never a retired host, never a
// host new in this plan (it may not be running yet). Kinds say whether
// their hosts can be reached for it and which to prefer; one survivor serves
// every retirement of the network, first by its kind's rank, then in
// declaration order.
import type { AllocationRecord, RetiredHost } from '../allocation/record';
import { own } from '../allocation/record';
import type { ClusterKind, NetworkSpec } from '../declare/network';
import { kindDriver } from '../kinds';

/** One retired host and the surviving host that reclaims its address space. */
export interface Retirement {
  /** The retired host's name: its Weave nickname. */
  readonly peer: string;
  /** The surviving host's name. */
  readonly survivor: string;
  /** The survivor's index in the plan's hosts (global declaration order). */
  readonly survivorIndex: number;
}

/**
 * The retirements of a plan, one per retired host, all reclaimed from the
 * same survivor. None without a record (nothing ever ran), and none when no
 * recorded host survives.
 *
 * @param hosts - the plan's hosts, in global declaration order
 */
export function planRetirements(
  record: AllocationRecord | undefined,
  retired: readonly RetiredHost[],
  hosts: readonly { readonly name: string; readonly kind: ClusterKind }[],
): Retirement[] {
  if (!record || retired.length === 0) return [];
  let best: { index: number; rank: number } | undefined;
  hosts.forEach((h, index) => {
    const rank = kindDriver(h.kind)?.retirement?.reclaimRank;
    if (rank === undefined || own(record.hosts, h.name) === undefined) return;
    if (!best || rank < best.rank) best = { index, rank };
  });
  if (!best) return [];
  const survivor = hosts[best.index].name;
  return retired.map((r) => ({ peer: r.name, survivor, survivorIndex: best!.index }));
}

/**
 * The retired hosts that may have left a teardown step in Terraform state:
 * those whose recorded cluster is declared with a kind that tears its hosts
 * down, or is no longer declared (its kind is unknown).
 */
export function teardownsOf(spec: NetworkSpec, retired: readonly RetiredHost[]): string[] {
  return retired.filter((r) => {
    const cluster = spec.clusters.find((c) => c.name === r.cluster);
    return !cluster || kindDriver(cluster.kind)?.retirement?.teardown === true;
  }).map((r) => r.name);
}
