// Which SSH frontend port each host keeps on its cluster's load balancer.
// Ports used to follow a host's position in its cluster, so inserting or
// removing a host moved every later host's port (and the SSH commands and
// known_hosts entries that name it). Now the record keeps each host's port:
// a host keeps it while it stays in its cluster, a new host takes the lowest
// port nobody in the cluster holds, and a retired host's port stays held
// like its bridge address.
import type { ProblemList } from '../check/problems';
import type { NetworkSpec } from '../declare/network';
import { AllocationRecord, RecordedHost, own } from './record';

/** The frontend ports a cluster's SSH NAT rules may use, first to last. */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/**
 * Each declared host's SSH port, in global declaration order: the recorded
 * one while the host stays in the cluster it was recorded in; in a cluster
 * with SSH NAT rules (`rangeOf` gives its range), the port a host held
 * before ports were recorded (first port + its position among the
 * cluster's recorded hosts, as the library placed it then; every host's
 * position when there is no record), else the lowest port nobody in the
 * cluster holds. Hosts of clusters without SSH NAT rules get no new port
 * but keep a recorded one, so switching SSH or peering back and forth moves nothing.
 */
export function allocateSshPorts(
  spec: NetworkSpec,
  record: AllocationRecord | undefined,
  rangeOf: (cluster: number) => PortRange | undefined,
  problems: ProblemList,
): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  const recorded = (name: string): RecordedHost | undefined => own(record?.hosts, name) ?? own(record?.retired, name);
  const entries = record ? [...Object.values(record.hosts), ...Object.values(record.retired)] : [];
  spec.clusters.forEach((c, ci) => {
    const ports = c.hosts.map((h) => {
      const e = recorded(h.name);
      return e !== undefined && e.cluster === c.name ? e.sshPort : undefined;
    });
    const range = rangeOf(ci);
    if (range) {
      // Held by every host recorded in this cluster, active or retired, declared or not.
      const taken = new Set<number>(entries.flatMap((e) => (e.cluster === c.name && e.sshPort !== undefined ? [e.sshPort] : [])));
      let rank = 0;
      c.hosts.forEach((h, k) => {
        const e = record ? own(record.hosts, h.name) : undefined;
        if (record !== undefined && (e === undefined || e.cluster !== c.name)) return;
        const position = rank++;
        const want = range.first + position;
        if (ports[k] === undefined && want <= range.last && !taken.has(want)) {
          ports[k] = want;
          taken.add(want);
        }
      });
      let next = range.first;
      c.hosts.forEach((h, k) => {
        if (ports[k] !== undefined) return;
        while (taken.has(next)) next++;
        if (next > range.last) {
          problems.addOnce('ssh-ports-exhausted', c.path, 'hosts', h.name,
            `has no free SSH frontend port left from ${range.first} to ${range.last}: hosts recorded in the cluster, retired ones included, hold them all`,
            'release retired hosts (delete them from "retired" in the allocation record once they have left the mesh), or split the cluster');
          return;
        }
        ports[k] = next;
        taken.add(next++);
      });
    }
    out.push(...ports);
  });
  return out;
}
