// Whom each host dials. The seed's rule (a cluster's later hosts dial its
// first host, every later cluster's first host dials the first cluster) is
// kept, but every address is chosen so that the dialing host can reach it
// under the model in reach.ts, and every choice is checked against that model
// before a plan is handed out. How a cluster's own hosts find their anchor,
// and how other clusters find the cluster, is its kind's to say (KindWiring).
// docs/reachability.md explains the choices.
import type { ProblemList } from '../check/problems';
import { isToken } from '../common/tokens';
import { kindDriver } from '../kinds';
import type { WiringContext } from '../kinds/kind';
import type { NetworkSpec } from '../declare/network';
import { Target, classifyDialAddress, clusterNameAddress } from '../wiring/addresses';
import { reachable } from './reach';

/**
 * One peer a host dials, as the planner chose it: the address written into
 * `WEAVE_PEERS`, how the host reaches it, and where it leads.
 */
export interface PeerDial {
  /** The text in `WEAVE_PEERS`. */
  readonly address: string;
  /**
   * How the dialing host gets there: a literal IPv4 address, a public DNS
   * name, or an Azure VM name resolved by the VNet's Azure-provided DNS.
   */
  readonly via: 'ipv4' | 'public-dns' | 'vm-name';
  /** Position of the cluster the address leads into. */
  readonly cluster: number;
  /**
   * Global position of the host the address leads to; unset when it leads
   * to a cluster's load balancer, which picks one of the cluster's hosts.
   * @default - a load balancer
   */
  readonly host?: number;
}

/**
 * Which cluster every other cluster dials (the root) and which host of each
 * cluster its other hosts dial (the anchor, by position within the cluster).
 * Without an allocation record: the first cluster and each first host.
 */
export interface PeerTopology {
  /** Index of the root cluster. */
  readonly root: number;
  /** Per cluster, the position of its anchor host. */
  readonly anchors: readonly number[];
}

/** The dial of a chosen target. */
export function peerDial(t: Target): PeerDial {
  return { address: t.peer.text, via: t.peer.form, cluster: t.cluster, ...(t.host !== undefined ? { host: t.host } : {}) };
}

/** Declared addresses that are not addresses at all, whoever would dial them. */
function checkDeclaredAddresses(spec: NetworkSpec, problems: ProblemList): void {
  for (const c of spec.clusters) {
    kindDriver(c.kind)?.wiring.checkAddresses?.(c, problems);
    for (const h of c.hosts) {
      if (h.dialAddress === undefined || isToken(h.dialAddress)) continue;
      const k = classifyDialAddress(h.dialAddress);
      const reason = k.form === 'invalid' ? k.reason : k.form === 'ipv4' && k.scope === 'unusable' ? 'is a loopback, multicast or reserved address, which no peer can be reached at' : undefined;
      if (reason) {
        problems.add('dial-address-invalid', h.path, 'dialAddress', h.dialAddress, reason,
          'give the server\'s public IPv4 address, e.g. "203.0.113.10", or a DNS name that public resolvers answer, e.g. "ded-1.example.com"');
      }
    }
  }
}

/** What {@link planPeers} chose. */
export interface PlannedPeers {
  /** Every host's peers, indexed like the hosts in global declaration order. */
  readonly hosts: PeerDial[][];
  /**
   * How hosts outside the root cluster reach it (what pools dial too).
   * @default - none: one cluster, or the root cannot be reached (reported)
   */
  readonly entry?: Target;
}

/**
 * Chooses every host's peers and checks each against the reachability
 * model. Problems go to `problems`; the result is only meaningful when none
 * were added.
 */
export function planPeers(spec: NetworkSpec, problems: ProblemList, topology: PeerTopology = { root: 0, anchors: spec.clusters.map(() => 0) }): PlannedPeers {
  checkDeclaredAddresses(spec, problems);

  const firstIndex: number[] = [];
  let n = 0;
  for (const c of spec.clusters) {
    firstIndex.push(n);
    n += c.hosts.length;
  }
  const { root, anchors } = topology;
  const wiringOf = (ci: number, entry?: Target): WiringContext => {
    const c = spec.clusters[ci];
    return { cluster: c, index: ci, anchor: c.hosts[anchors[ci]], anchorIndex: firstIndex[ci] + anchors[ci], isRoot: ci === root, entry, problems };
  };

  const entry = spec.clusters.length > 1 ? rootClusterEntry(wiringOf(root)) : undefined;

  const out: PeerDial[][] = [];
  spec.clusters.forEach((c, ci) => {
    const wiring = kindDriver(c.kind)?.wiring;
    // Asked at the first host that needs it, and once: every host but the
    // anchor dials the same target.
    let member: { target?: Target } | undefined;
    const anchor = anchors[ci];
    c.hosts.forEach((h, hi) => {
      let target: Target | undefined;
      if (hi === anchor) {
        if (ci === root) {
          out.push([]);
          return;
        }
        target = entry;
      } else {
        member ??= { target: wiring?.memberTarget(wiringOf(ci, entry)) };
        target = member.target;
      }
      if (!target) {
        out.push([]);
        return;
      }
      const verdict = reachable({ kind: c.kind, cluster: ci }, target.peer);
      if (!verdict.ok) {
        problems.add('peer-unreachable', h.path, 'peers', target.peer.text,
          `cannot be reached from ${h.name}: ${verdict.why}`,
          'give the host it dials a public address: a public IPv4 dialAddress, or a dnsName that public resolvers answer');
      }
      out.push([peerDial(target)]);
    });
  });
  return { hosts: out, entry };
}

/**
 * How a host outside the root cluster reaches it: the cluster's `dnsName`
 * (derived from the DNS label for Azure; for a dedicated cluster it resolves
 * to the first server), else what the cluster's kind offers instead.
 */
function rootClusterEntry(w: WiringContext): Target | undefined {
  const first = w.cluster;
  if (first.dnsName !== undefined && isToken(first.dnsName)) {
    w.problems.addOnce('dns-name-token', first.path, 'dnsName', first.dnsName,
      'is a Terraform expression, but it is written into every later cluster\'s host settings at synth time, where it would stay unresolved text',
      'give the first cluster\'s DNS name as a literal string (Azure clusters derive it from a literal dnsLabel and location)');
    return undefined;
  }
  const wiring = kindDriver(first.kind)?.wiring;
  const named = clusterNameAddress(first, w.index);
  if (named) return { peer: named, cluster: w.index, host: wiring?.nameLeadsTo === 'any-host' ? undefined : w.anchorIndex };
  if (first.dnsName !== undefined) return undefined; // invalid: reported as dns-name-invalid
  if (first.hosts.length === 0) return undefined; // reported as cluster-empty
  return wiring?.unnamedEntry(w);
}
