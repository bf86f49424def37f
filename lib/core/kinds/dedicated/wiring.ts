// How dedicated servers are dialed: by the address their operator declares
// (dialAddress, else a public IPv4 publicAddress or ssh.host), or through
// their cluster's dnsName, which resolves to the cluster's first server. A
// dedicated server resolves only public DNS names, and its cluster has no
// firewall of the library's: Azure clusters' NSGs admit its address instead.
import { isIpv4 } from '../../common/cidr';
import { isToken } from '../../common/tokens';
import type { ProblemList } from '../../check/problems';
import type { ClusterSpec, HostSpec } from '../../declare/network';
import { PeerAddress, Target, classifyDialAddress, clusterNameAddress, ipv4Scope } from '../../wiring/addresses';
import type { KindWiring, PeerSource, WiringContext } from '../kind';

/** A value in a message: quoted, or "(not set)". */
const shown = (v: string | undefined) => (v === undefined ? '(not set)' : JSON.stringify(v));

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
    if (given !== undefined && !isToken(given) && isIpv4(given) && ipv4Scope(given) === 'public') {
      return { form: 'ipv4', text: given, scope: 'public', cluster };
    }
  }
  return undefined;
}

/**
 * The address Azure NSGs admit for a dedicated host: its `publicAddress`;
 * else the first public IPv4 address of `dialAddress` and `ssh.host` (a
 * private dialAddress serves the server's own cluster, while Azure sees its
 * traffic come from a public one); else an IPv4 `dialAddress`, else
 * `ssh.host` (which the checks then judge).
 */
export function nsgAddress(h: Pick<HostSpec, 'publicAddress' | 'dialAddress' | 'sshHost'>): string | undefined {
  if (h.publicAddress !== undefined) return h.publicAddress;
  const ipv4 = (a: string | undefined): a is string => a !== undefined && !isToken(a) && isIpv4(a);
  for (const a of [h.dialAddress, h.sshHost]) if (ipv4(a) && ipv4Scope(a) === 'public') return a;
  if (ipv4(h.dialAddress)) return h.dialAddress;
  return h.sshHost;
}

/**
 * A dedicated cluster's declared name must be an address. (An Azure
 * cluster's name is derived from its DNS label, which the label check
 * already judges: the cause is reported once, not its consequence.)
 */
function checkAddresses(c: ClusterSpec, problems: ProblemList): void {
  if (c.dnsName !== undefined && !isToken(c.dnsName)) {
    const k = classifyDialAddress(c.dnsName);
    const reason = k.form === 'invalid' ? k.reason : k.form === 'ipv4' && k.scope === 'unusable' ? 'is a loopback, multicast or reserved address, which no peer can be reached at' : undefined;
    if (reason) {
      problems.add('dns-name-invalid', c.path, 'dnsName', c.dnsName, reason,
        'give a DNS name that public resolvers answer with the cluster\'s first server, e.g. "edge.example.com", or leave dnsName out and set the first server\'s dialAddress');
    }
  }
}

/**
 * A dedicated cluster's other servers dial its anchor (first) server if that
 * has an address, else the cluster's own name (which resolves to that
 * server), else the way into the mesh other clusters use.
 */
function memberTarget({ cluster: c, index: ci, anchor: first, anchorIndex, isRoot, entry, problems }: WiringContext): Target | undefined {
  const own = hostDialAddress(first, ci) ?? clusterNameAddress(c, ci);
  const target = own ? { peer: own, cluster: ci, host: anchorIndex } : !isRoot ? entry : undefined;
  if (target) return target;
  // addOnce: the same missing address may already have stopped the root cluster's entry.
  if (first.dialAddress !== undefined && isToken(first.dialAddress)) {
    problems.addOnce('dial-address-token', first.path, 'dialAddress', first.dialAddress,
      'is a Terraform expression, but the other servers\' peer lists are written at synth time, where it would stay unresolved text',
      'give the dial address as a literal IPv4 address or public DNS name');
  } else if (c.dnsName !== undefined && isToken(c.dnsName)) {
    problems.addOnce('dns-name-token', c.path, 'dnsName', c.dnsName,
      'is a Terraform expression, but the cluster\'s other servers have it written into their settings at synth time, where it would stay unresolved text',
      'give the DNS name as a literal string, or set dialAddress on the first server');
  } else if (first.dialAddress === undefined && c.dnsName === undefined) {
    // (An invalid dialAddress or dnsName is reported by the address checks.)
    problems.addOnce('dedicated-no-dial-address', first.path, 'dialAddress', undefined,
      `is needed: the cluster's other servers (${c.hosts.filter((x) => x !== first).slice(0, 3).map((x) => x.name).join(', ')}${c.hosts.length > 4 ? ', …' : ''}) dial ${first.name}, and a dedicated server resolves only public DNS names; ssh.host ${shown(first.sshHost)} and publicAddress ${shown(first.publicAddress)} give no public IPv4 address`,
      `set dialAddress on ${first.name} to its public IPv4 address or a public DNS name, or give the cluster a dnsName that resolves to ${first.name}`);
  }
  return undefined;
}

/** Without a usable dnsName, other clusters dial the first server's own address. */
function unnamedEntry({ cluster: first, index: root, anchor: server, anchorIndex, problems }: WiringContext): Target | undefined {
  if (server.dialAddress !== undefined && isToken(server.dialAddress)) {
    problems.addOnce('dial-address-token', server.path, 'dialAddress', server.dialAddress,
      'is a Terraform expression, but every later cluster\'s first host has it written into its settings at synth time, where it would stay unresolved text',
      'give the dial address as a literal IPv4 address or public DNS name');
    return undefined;
  }
  const address = hostDialAddress(server, root);
  if (address) return { peer: address, cluster: root, host: anchorIndex };
  if (server.dialAddress !== undefined) return undefined; // invalid: reported as dial-address-invalid
  problems.addOnce('peer-target-no-dns', first.path, 'dnsName', first.dnsName,
    `is needed: the first host of every later cluster dials the first cluster, and neither a dnsName nor a public address of its first server ${server.name} was given (ssh.host ${shown(server.sshHost)} is not a public IPv4 address)`,
    `give the first cluster a dnsName that resolves to ${server.name}, or set dialAddress on ${server.name} to its public IPv4 address, or put an Azure cluster first`);
  return undefined;
}

/** Other clusters' firewalls admit each server's address. */
function peerSources(c: ClusterSpec): PeerSource[] {
  return c.hosts.flatMap((h) => { const a = nsgAddress(h); return a ? [{ address: a }] : []; });
}

/** How dedicated servers are dialed. */
export const DEDICATED_WIRING: KindWiring = {
  resolvesClusterVmNames: false,
  nameLeadsTo: 'anchor',
  firewall: false,
  checkAddresses,
  memberTarget,
  unnamedEntry,
  peerSources,
};
