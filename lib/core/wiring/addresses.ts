// What a peer address is, for reaching it: a literal IPv4 address (public,
// private to its cluster's network, or unusable), a public DNS name, or an
// Azure VM name. The planner (plan/peers.ts) and the kinds' wiring rules ask
// this module what a declared or derived address is; plan/reach.ts says who
// can connect to what. docs/reachability.md states the same rules for users.
import * as ipaddr from 'ipaddr.js';
import { isIpv4 } from '../common/cidr';
import { isToken } from '../common/tokens';
import type { ClusterSpec } from '../declare/network';

/** Where an IPv4 address can be reached from. */
export type Ipv4Scope = 'public' | 'private' | 'unusable';

/**
 * What a peer address is, for reaching it: a literal IPv4 address (public or
 * private to its cluster's network), a public DNS name, or an Azure VM's
 * computer name (resolvable only inside its cluster's VNet).
 */
export type PeerAddress =
  | { readonly form: 'ipv4'; readonly text: string; readonly scope: 'public' | 'private'; readonly cluster: number }
  | { readonly form: 'public-dns'; readonly text: string }
  | { readonly form: 'vm-name'; readonly text: string; readonly cluster: number };

/**
 * Special-use top-level names that no public resolver answers (RFC 6761
 * `test`, `localhost`, `invalid`, `example`; RFC 6762 `local`; RFC 7686
 * `onion`; RFC 8375 `home.arpa`; ICANN's 2024 reservation of `internal`).
 */
const NON_PUBLIC_SUFFIXES = ['localhost', 'local', 'test', 'invalid', 'example', 'onion', 'internal', 'home.arpa'];

const LABEL_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

// The ranges are spelled out rather than taken from ipaddr.js's `range()`:
// its `reserved` class mixes the documentation blocks (which examples and
// tests use as stand-ins for public addresses) with class E, which no host
// can be reached at.
const UNUSABLE: [string, number][] = [
  ['0.0.0.0', 8], // "this network"
  ['127.0.0.0', 8], // loopback: the dialer would dial itself
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // class E and the limited broadcast address
];
const PRIVATE: [string, number][] = [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16], // RFC 1918
  ['100.64.0.0', 10], // RFC 6598 carrier-grade NAT
  ['169.254.0.0', 16], // RFC 3927 link-local
  ['198.18.0.0', 15], // RFC 2544 benchmarking
];
const parsedRanges = (list: [string, number][]) => list.map(([a, p]) => [ipaddr.IPv4.parse(a), p] as [ipaddr.IPv4, number]);
const UNUSABLE_RANGES = parsedRanges(UNUSABLE);
const PRIVATE_RANGES = parsedRanges(PRIVATE);

/**
 * Where a literal IPv4 address can be reached from: anywhere (`public`; the
 * documentation blocks count as public so examples work), only inside its own
 * network (`private`), or nowhere a peer could be (`unusable`).
 */
export function ipv4Scope(text: string): Ipv4Scope {
  const ip = ipaddr.IPv4.parse(text);
  if (UNUSABLE_RANGES.some((r) => ip.match(r))) return 'unusable';
  if (PRIVATE_RANGES.some((r) => ip.match(r))) return 'private';
  return 'public';
}

/**
 * Why `name` is not a DNS name a public resolver could answer, or
 * `undefined` when it is one. Checks the syntax (RFC 1123 labels, at most 253
 * characters, one optional trailing dot), that it has at least two labels (a
 * bare name is only ever completed by a local search domain), that the last
 * label is not all digits (RFC 3696, so it cannot be mistaken for an address),
 * and that it is not under a special-use name.
 */
export function publicDnsNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'is empty';
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (bare.length > 253) return `is ${bare.length} characters; DNS names have at most 253`;
  const labels = bare.split('.');
  if (!labels.every((l) => LABEL_RE.test(l))) {
    return 'is not a DNS name (dot-separated labels of 1-63 letters, digits and inner hyphens; no spaces, quotes or other characters)';
  }
  if (labels.length < 2) {
    return 'is a bare host name, which only a local search domain could complete; nothing outside your own network resolves it';
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return 'ends in an all-digit label, so it is neither a DNS name nor an IPv4 address';
  const lower = bare.toLowerCase();
  const suffix = NON_PUBLIC_SUFFIXES.find((s) => lower === s || lower.endsWith(`.${s}`));
  if (suffix) return `is under the special-use name ".${suffix}", which public DNS never answers`;
  return undefined;
}

/** How a dial address as written by a user parses, before any cluster is attached to it. */
export type AddressClass =
  | { readonly form: 'ipv4'; readonly scope: Ipv4Scope }
  | { readonly form: 'public-dns' }
  | { readonly form: 'invalid'; readonly reason: string };

/**
 * Classifies an address a user declared as dialable (a `dialAddress`, a
 * dedicated cluster's `dnsName`): a literal IPv4 address or a public DNS name;
 * anything else is invalid, with the reason.
 */
export function classifyDialAddress(text: string): AddressClass {
  if (isIpv4(text)) return { form: 'ipv4', scope: ipv4Scope(text) };
  // Four numeric parts that failed the strict parse (e.g. 10.0.0.256, 010.1.1.1).
  if (/^[\d.]+$/.test(text)) return { form: 'invalid', reason: 'is not a valid IPv4 address (four decimal parts 0-255, no leading zeros)' };
  const problem = publicDnsNameProblem(text);
  return problem ? { form: 'invalid', reason: problem } : { form: 'public-dns' };
}

/** A peer address plus the cluster and host (or load balancer) it leads to. */
export interface Target {
  /** The address dialed. */
  readonly peer: PeerAddress;
  /** Position of the cluster it leads into. */
  readonly cluster: number;
  /**
   * Global index of the host it leads to.
   * @default - a load balancer, which picks one of the cluster's hosts
   */
  readonly host?: number;
}

/** A cluster's declared `dnsName` as a peer address, when it is a usable literal. */
export function clusterNameAddress(c: ClusterSpec, cluster: number): PeerAddress | undefined {
  if (c.dnsName === undefined || isToken(c.dnsName)) return undefined;
  const k = classifyDialAddress(c.dnsName);
  if (k.form === 'public-dns') return { form: 'public-dns', text: c.dnsName };
  if (k.form === 'ipv4' && k.scope !== 'unusable') return { form: 'ipv4', text: c.dnsName, scope: k.scope, cluster };
  return undefined;
}
