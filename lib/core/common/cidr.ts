// IPv4 address math for the planner. Parsing and validation go through
// ipaddr.js (strict four-part decimal only: "10.1" or "012.1.1.1" would be
// accepted by looser parsers and mean something else to the kernel); ranges
// are then handled as unsigned 32-bit integers, which keeps allocation over
// thousands of hosts cheap.
import * as ipaddr from 'ipaddr.js';

const { IPv4 } = ipaddr;

/** A parsed IPv4 CIDR block whose host bits are all zero. */
export interface Cidr {
  /** The canonical text, e.g. `10.2.0.0/16`. */
  readonly text: string;
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0 to 32. */
  readonly prefix: number;
  /** Number of addresses in the block, including network and broadcast. */
  readonly size: number;
  /** Broadcast address (last address of the block) as an integer. */
  readonly broadcast: number;
}

/** Why a CIDR string was refused, and what the caller should write instead. */
export interface CidrProblem {
  /** What is wrong, phrased to follow the value in a message, e.g. `has host bits set, ...`. */
  readonly reason: string;
  /**
   * The corrected block, when there is an obvious one (the same block with
   * its host bits cleared).
   * @default - none; the text was not a CIDR block at all
   */
  readonly suggestion?: string;
}

export function ipToInt(ip: string): number {
  return octetsToInt(IPv4.parse(ip).octets);
}

function octetsToInt(o: readonly number[]): number {
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

export function intToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Whether `text` is a strict dotted-quad IPv4 address (no octal, no short forms such as `10.1`). */
export function isIpv4(text: string): boolean {
  return IPv4.isValidFourPartDecimal(text);
}

/**
 * Parses `a.b.c.d/n` strictly. Returns a problem instead of throwing, so the
 * caller can attach the construct path and the field name to the message.
 */
export function parseCidr(text: string): Cidr | CidrProblem {
  if (typeof text !== 'string' || !IPv4.isValidCIDRFourPartDecimal(text)) {
    return { reason: 'is not an IPv4 CIDR block of the form a.b.c.d/n' };
  }
  const [addr, prefix] = IPv4.parseCIDR(text);
  const value = ipToInt(addr.toString());
  const mask = maskOf(prefix);
  const network = (value & mask) >>> 0;
  const canonical = `${intToIp(network)}/${prefix}`;
  if (network !== value) {
    return {
      reason: 'has host bits set, and weave rejects such a range',
      suggestion: canonical,
    };
  }
  const size = 2 ** (32 - prefix);
  return { text: canonical, network, prefix, size, broadcast: network + size - 1 };
}

export function isCidr(v: Cidr | CidrProblem): v is Cidr {
  return (v as Cidr).text !== undefined;
}

/**
 * Parses `a.b.c.d/n` where host bits are expected (an interface address).
 * Returns the address and the prefix.
 */
export function parseInterfaceAddress(text: string): { ip: number; prefix: number } | undefined {
  if (typeof text !== 'string' || !IPv4.isValidCIDRFourPartDecimal(text)) return undefined;
  const [addr, prefix] = IPv4.parseCIDR(text);
  return { ip: octetsToInt(addr.octets), prefix };
}

export function contains(block: Cidr, ip: number): boolean {
  return ip >= block.network && ip <= block.broadcast;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.network <= b.broadcast && b.network <= a.broadcast;
}

/** Usable host addresses in a block (network and broadcast excluded). */
export function usableHosts(block: Cidr): number {
  // /31 and /32 have no room for a network and a broadcast address that are
  // distinct from host addresses; weave expose needs a real subnet.
  return block.prefix >= 31 ? 0 : block.size - 2;
}

/**
 * An IPv4 address or a clean IPv4 block, strictly parsed: what an Azure NSG
 * rule accepts as a source.
 */
export function isAddressOrBlock(text: string): boolean {
  return isIpv4(text) || isCidr(parseCidr(text));
}
