// Whom each host dials. The seed's rule (a cluster's later hosts dial its
// first host, every later cluster's first host dials the first cluster) is
// kept, but every address is chosen so that the dialing host can reach it
// under the model in reach.ts, and every choice is checked against that model
// before a plan is handed out. docs/reachability.md explains the choices.
import { ProblemList } from '../check/problems';
import { isToken } from '../common/tokens';
import type { ClusterSpec, HostSpec, NetworkSpec } from '../spec';
import { PeerAddress, classifyDialAddress, isIpv4Literal, ipv4Scope, reachable } from './reach';

/** A value in a message: quoted, or "(not set)". */
const shown = (v: string | undefined) => (v === undefined ? '(not set)' : JSON.stringify(v));

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

/** A peer address plus the cluster and host (or load balancer) it leads to. */
interface Target {
  readonly peer: PeerAddress;
  readonly cluster: number;
  /** Global index of the host; undefined for a load balancer. */
  readonly host?: number;
}

function dial(t: Target): PeerDial {
  return { address: t.peer.text, via: t.peer.form, cluster: t.cluster, ...(t.host !== undefined ? { host: t.host } : {}) };
}

/**
 * The address a dedicated host can be dialed at, from what the user gave:
 * `dialAddress` as declared (a public DNS name, or an IPv4 address; a private
 * one only serves the host's own cluster), else `publicAddress` or `ssh.host`
 * when it is one public IPv4 address. `ssh.host` names are not used: Terraform
 * resolves them on the operator's machine, which may know names (SSH aliases,
 * /etc/hosts, a VPN's DNS) that no server does.
 */
export function hostDialAddress(h: HostSpec, cluster: number): PeerAddress | undefined {
  if (h.dialAddress !== undefined) {
    if (isToken(h.dialAddress)) return undefined;
    const c = classifyDialAddress(h.dialAddress);
    if (c.form === 'public-dns') return { form: 'public-dns', text: h.dialAddress };
    if (c.form === 'ipv4' && c.scope !== 'unusable') return { form: 'ipv4', text: h.dialAddress, scope: c.scope, cluster };
    return undefined;
  }
  for (const given of [h.publicAddress?.replace(/\/32$/, ''), h.sshHost]) {
    if (given !== undefined && !isToken(given) && isIpv4Literal(given) && ipv4Scope(given) === 'public') {
      return { form: 'ipv4', text: given, scope: 'public', cluster };
    }
  }
  return undefined;
}

/** A cluster's declared `dnsName` as a peer address, when it is a usable literal. */
function clusterNameAddress(c: ClusterSpec, cluster: number): PeerAddress | undefined {
  if (c.dnsName === undefined || isToken(c.dnsName)) return undefined;
  const k = classifyDialAddress(c.dnsName);
  if (k.form === 'public-dns') return { form: 'public-dns', text: c.dnsName };
  if (k.form === 'ipv4' && k.scope !== 'unusable') return { form: 'ipv4', text: c.dnsName, scope: k.scope, cluster };
  return undefined;
}

/** Declared addresses that are not addresses at all, whoever would dial them. */
function checkDeclaredAddresses(spec: NetworkSpec, problems: ProblemList): void {
  for (const c of spec.clusters) {
    // An Azure cluster's name is derived from its DNS label, which the label
    // check already judges: report the cause once, not its consequence.
    if (c.kind === 'dedicated' && c.dnsName !== undefined && !isToken(c.dnsName)) {
      const k = classifyDialAddress(c.dnsName);
      const reason = k.form === 'invalid' ? k.reason : k.form === 'ipv4' && k.scope === 'unusable' ? 'is a loopback, multicast or reserved address, which no peer can be reached at' : undefined;
      if (reason) {
        problems.add('dns-name-invalid', c.path, 'dnsName', c.dnsName, reason,
          'give a DNS name that public resolvers answer with the cluster\'s first server, e.g. "edge.example.com", or leave dnsName out and set the first server\'s dialAddress');
      }
    }
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

/**
 * Chooses every host's peers (indexed like the hosts in global declaration
 * order) and checks each against the reachability model. Problems go to
 * `problems`; the result is only meaningful when none were added.
 */
export function planPeers(spec: NetworkSpec, problems: ProblemList, topology: PeerTopology = { root: 0, anchors: spec.clusters.map(() => 0) }): PeerDial[][] {
  checkDeclaredAddresses(spec, problems);

  const firstIndex: number[] = [];
  let n = 0;
  for (const c of spec.clusters) {
    firstIndex.push(n);
    n += c.hosts.length;
  }
  const { root, anchors } = topology;
  const anchorIndex = (ci: number) => firstIndex[ci] + anchors[ci];

  const entry = spec.clusters.length > 1 ? rootClusterEntry(spec, root, anchorIndex(root), problems) : undefined;

  const out: PeerDial[][] = [];
  spec.clusters.forEach((c, ci) => {
    let noTargetReported = false;
    const anchor = anchors[ci];
    c.hosts.forEach((h, hi) => {
      let target: Target | undefined;
      if (hi === anchor) {
        if (ci === root) {
          out.push([]);
          return;
        }
        target = entry;
      } else if (c.kind === 'azure') {
        target = { peer: { form: 'vm-name', text: c.hosts[anchor].name, cluster: ci }, cluster: ci, host: anchorIndex(ci) };
      } else {
        // A dedicated cluster's other servers: its anchor (first) server if
        // that has an address, else the cluster's own name (which resolves
        // to that server), else the way into the mesh other clusters use.
        const own = hostDialAddress(c.hosts[anchor], ci) ?? clusterNameAddress(c, ci);
        target = own ? { peer: own, cluster: ci, host: anchorIndex(ci) } : ci !== root ? entry : undefined;
        if (!target && !noTargetReported) {
          noTargetReported = true;
          // addOnce: the same missing address may already have stopped the
          // root cluster's entry.
          const first = c.hosts[anchor];
          if (first.dialAddress !== undefined && isToken(first.dialAddress)) {
            problems.addOnce('dial-address-token', first.path, 'dialAddress', first.dialAddress,
              'is a Terraform expression, but the other servers\' peer lists are written at synth time, where it would stay unresolved text',
              'give the dial address as a literal IPv4 address or public DNS name');
          } else if (c.dnsName !== undefined && isToken(c.dnsName)) {
            problems.addOnce('dns-name-token', c.path, 'dnsName', c.dnsName,
              'is a Terraform expression, but the cluster\'s other servers have it written into their settings at synth time, where it would stay unresolved text',
              'give the DNS name as a literal string, or set dialAddress on the first server');
          } else if (first.dialAddress === undefined && c.dnsName === undefined) {
            // (An invalid dialAddress or dnsName is reported by checkDeclaredAddresses.)
            problems.addOnce('dedicated-no-dial-address', first.path, 'dialAddress', undefined,
              `is needed: the cluster's other servers (${c.hosts.filter((x) => x !== first).slice(0, 3).map((x) => x.name).join(', ')}${c.hosts.length > 4 ? ', …' : ''}) dial ${first.name}, and a dedicated server resolves only public DNS names; ssh.host ${shown(first.sshHost)} and publicAddress ${shown(first.publicAddress)} give no public IPv4 address`,
              `set dialAddress on ${first.name} to its public IPv4 address or a public DNS name, or give the cluster a dnsName that resolves to ${first.name}`);
          }
        }
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
      out.push([dial(target)]);
    });
  });
  return out;
}

/**
 * How a host outside the first cluster reaches it: the cluster's `dnsName`
 * (derived from the DNS label for Azure; for a dedicated cluster it resolves
 * to the first server), else, for a dedicated cluster, its first server's
 * dial address.
 */
function rootClusterEntry(spec: NetworkSpec, root: number, anchorHost: number, problems: ProblemList): Target | undefined {
  const first = spec.clusters[root];
  const anchorServer = first.hosts[anchorHost - spec.clusters.slice(0, root).reduce((k, c) => k + c.hosts.length, 0)];
  if (first.dnsName !== undefined && isToken(first.dnsName)) {
    problems.addOnce('dns-name-token', first.path, 'dnsName', first.dnsName,
      'is a Terraform expression, but it is written into every later cluster\'s host settings at synth time, where it would stay unresolved text',
      'give the first cluster\'s DNS name as a literal string (Azure clusters derive it from a literal dnsLabel and location)');
    return undefined;
  }
  const named = clusterNameAddress(first, root);
  if (named) return { peer: named, cluster: root, host: first.kind === 'azure' ? undefined : anchorHost };
  if (first.dnsName !== undefined) return undefined; // invalid: reported as dns-name-invalid
  if (first.hosts.length === 0) return undefined; // reported as cluster-empty
  if (first.kind === 'dedicated') {
    const server = anchorServer;
    if (server.dialAddress !== undefined && isToken(server.dialAddress)) {
      problems.addOnce('dial-address-token', server.path, 'dialAddress', server.dialAddress,
        'is a Terraform expression, but every later cluster\'s first host has it written into its settings at synth time, where it would stay unresolved text',
        'give the dial address as a literal IPv4 address or public DNS name');
      return undefined;
    }
    const address = hostDialAddress(server, root);
    if (address) return { peer: address, cluster: root, host: anchorHost };
    if (server.dialAddress !== undefined) return undefined; // invalid: reported as dial-address-invalid
  }
  problems.addOnce('peer-target-no-dns', first.path, 'dnsName', first.dnsName,
    first.kind === 'dedicated'
      ? `is needed: the first host of every later cluster dials the first cluster, and neither a dnsName nor a public address of its first server ${anchorServer.name} was given (ssh.host ${shown(anchorServer.sshHost)} is not a public IPv4 address)`
      : 'is needed: the first host of every later cluster dials the first cluster by DNS name, and none was derived (the cluster needs a literal dnsLabel and location)',
    first.kind === 'dedicated'
      ? `give the first cluster a dnsName that resolves to ${anchorServer.name}, or set dialAddress on ${anchorServer.name} to its public IPv4 address, or put an Azure cluster first`
      : 'give the cluster a literal location and dnsLabel, or put a cluster with a public name first');
  return undefined;
}
