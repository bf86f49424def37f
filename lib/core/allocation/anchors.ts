// A cluster's anchor (the host its other hosts dial) can move: when the
// recorded anchor is removed, the first declared host takes over. Hosts that
// re-read their peers at every start follow; hosts that read their boot
// config on first boot only (Ignition VMs) keep dialing the old anchor, and
// after a reboot would reach the mesh through it alone. Nothing in the code
// can fix that: the VMs must be replaced once. This says so, as a warning.
import { Problem, ProblemList } from '../check/problems';
import type { ClusterSpec } from '../declare/network';
import type { AllocationChange } from './changes';

/**
 * Warnings for every first-boot-only cluster whose recorded anchor moved
 * while hosts that booted with it remain.
 *
 * @param clusters - the declared clusters
 * @param changes - the plan's changes to the allocation record
 * @param readsOnce - per cluster (by index), whether its hosts read their peers on first boot only
 * @param address - the Terraform address of a host's VM, by host path, when known
 */
export function movedAnchorWarnings(
  clusters: readonly ClusterSpec[],
  changes: readonly AllocationChange[],
  readsOnce: readonly boolean[],
  address?: (hostPath: string) => string | undefined,
): Problem[] {
  // Warnings, in the shape of problems (the synth goes on).
  const problems = new ProblemList();
  const newHosts = new Set(changes.filter((c) => c.scope === 'host' && c.field === 'status' && c.after === 'active').map((c) => c.name));
  clusters.forEach((c, i) => {
    const moved = changes.find((x) => x.scope === 'cluster' && x.name === c.name && x.field === 'anchor');
    if (!readsOnce[i] || !moved || moved.before === undefined || moved.after === undefined) return;
    // Hosts declared again or for the first time boot with the new anchor.
    const stranded = c.hosts.filter((h) => h.name !== moved.after && !newHosts.has(h.name));
    if (stranded.length === 0) return;
    const names = stranded.map((h) => h.name).join(', ');
    const addresses = stranded.map((h) => address?.(h.path)).filter((a): a is string => a !== undefined);
    const replace = addresses.length === stranded.length
      ? addresses.map((a) => `-replace=${a}`).join(' ')
      : `-replace=<the VM of each of ${names}>`;
    problems.add('anchor-moved-first-boot', c.path, 'anchor', moved.before,
      `was the host the cluster's other hosts dial, and it is no longer declared in the cluster, so ${moved.after} takes over; but ${names} read their peers on first boot only (Ignition) and keep dialing ${moved.before}: after a reboot they would reach the mesh through it alone`,
      `replace those VMs once, so they boot dialing ${moved.after}: in cdktf.out/stacks/<stack>, terraform apply ${replace}; or declare ${moved.before} again`);
  });
  return problems.items;
}
