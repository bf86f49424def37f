// The retirement property: after any change, every retired host of the
// record is reclaimed exactly once, from one surviving host of the same
// network that the previous record held as active and that is still
// declared: never a retired host, never one new in this change.
import type { AllocationRecord } from '../../lib/core/allocation/record';
import type { NetworkPlan } from '../../lib/core/plan/plan';
import type { Retirement } from '../../lib/core/plan/retire';

/** Violations of the retirement rules in `plan.retirements` (or in `retirements`, for controls). */
export function checkRetirements(previous: AllocationRecord, plan: NetworkPlan, retirements: readonly Retirement[] = plan.retirements): string[] {
  const out: string[] = [];
  const retired = new Set(plan.retired.map((r) => r.name));
  const declared = new Map(plan.hosts.map((h, i) => [h.name, i]));
  const survivors = plan.hosts.filter((h) => Object.prototype.hasOwnProperty.call(previous.hosts, h.name));
  const peers = retirements.map((r) => r.peer);
  for (const name of retired) {
    const n = peers.filter((p) => p === name).length;
    if (survivors.length > 0 && n !== 1) out.push(`retired ${name} is reclaimed ${n} times`);
  }
  for (const p of peers) if (!retired.has(p)) out.push(`${p} is reclaimed but not retired`);
  if (survivors.length === 0 && retirements.length > 0) out.push('a retirement without any surviving host');
  for (const r of retirements) {
    if (retired.has(r.survivor)) out.push(`${r.peer} is reclaimed from retired host ${r.survivor}`);
    if (!declared.has(r.survivor)) out.push(`${r.peer} is reclaimed from ${r.survivor}, which is not declared`);
    else if (declared.get(r.survivor) !== r.survivorIndex) out.push(`${r.peer}: survivor index ${r.survivorIndex} is not ${r.survivor}'s`);
    if (!Object.prototype.hasOwnProperty.call(previous.hosts, r.survivor)) out.push(`${r.peer} is reclaimed from ${r.survivor}, a host new in this change`);
    if (r.survivor === r.peer) out.push(`${r.peer} reclaims itself`);
  }
  if (new Set(retirements.map((r) => r.survivor)).size > 1) out.push('retirements of one network run on more than one host');
  return out;
}
