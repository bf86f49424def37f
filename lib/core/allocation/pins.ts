// A host's `bridgeAddress` pin, read and checked against the bridge range
// and the other pins before the allocation step (allocate.ts) places hosts.
import { Cidr, contains, intToIp, parseInterfaceAddress } from '../common/cidr';
import type { ProblemList } from '../check/problems';
import type { NetworkSpec } from '../declare/network';

/** Host `bridgeAddress` pins as integers (undefined where unpinned or invalid), with their problems. */
export function parsePins(spec: NetworkSpec, range: Cidr, problems: ProblemList): (number | undefined)[] {
  const taken = new Map<number, string>();
  const pins: (number | undefined)[] = [];
  for (const c of spec.clusters) {
    for (const h of c.hosts) {
      pins.push(undefined);
      if (h.bridgeAddress === undefined) continue;
      const fix = `give an address inside ${range.text}, other than ${intToIp(range.network)} and ${intToIp(range.broadcast)}, e.g. ${intToIp(range.network + 1)}/${range.prefix}, or leave it out to get the next free one`;
      const parsed = parseInterfaceAddress(
        h.bridgeAddress.includes('/') ? h.bridgeAddress : `${h.bridgeAddress}/${range.prefix}`,
      );
      if (!parsed) {
        problems.add('bridge-address-invalid', h.path, 'bridgeAddress', h.bridgeAddress, 'is not an IPv4 address', fix);
        continue;
      }
      if (parsed.prefix !== range.prefix) {
        problems.add('bridge-address-prefix', h.path, 'bridgeAddress', h.bridgeAddress,
          `has prefix /${parsed.prefix}, but the bridge range is ${range.text}`, `write ${intToIp(parsed.ip)}/${range.prefix}`);
        continue;
      }
      if (!contains(range, parsed.ip)) {
        problems.add('bridge-address-outside', h.path, 'bridgeAddress', h.bridgeAddress, `is outside the bridge range ${range.text}`, fix);
        continue;
      }
      if (parsed.ip === range.network || parsed.ip === range.broadcast) {
        problems.add('bridge-address-reserved', h.path, 'bridgeAddress', h.bridgeAddress,
          `is the ${parsed.ip === range.network ? 'network' : 'broadcast'} address of ${range.text}`, fix);
        continue;
      }
      const holder = taken.get(parsed.ip);
      if (holder !== undefined) {
        problems.add('bridge-address-duplicate', h.path, 'bridgeAddress', h.bridgeAddress,
          `is already pinned by ${holder}`, 'give each host its own address, or leave it out to get the next free one');
        continue;
      }
      taken.set(parsed.ip, h.path);
      pins[pins.length - 1] = parsed.ip;
    }
  }
  return pins;
}
