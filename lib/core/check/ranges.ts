// Weave's two ranges (containers and host bridges) and the clusters' VNets:
// each a clean IPv4 block, and none overlapping another.
import { Cidr, isCidr, overlaps, parseCidr, usableHosts } from '../common/cidr';
import { isToken } from '../common/tokens';
import type { ProblemList } from './problems';
import type { NetworkSpec } from '../declare/network';

/**
 * A range setting parsed, or a problem added for it.
 */
export function checkedRange(spec: NetworkSpec, field: string, text: string, problems: ProblemList): Cidr | undefined {
  const r = parseCidr(text);
  if (isCidr(r)) {
    if (usableHosts(r) === 0) {
      problems.add('range-too-small', spec.path, field, text, 'leaves no usable host addresses',
        'use a prefix of /30 or shorter (a /16 is usual)');
      return undefined;
    }
    return r;
  }
  problems.add(
    r.suggestion ? 'range-host-bits' : 'range-invalid',
    spec.path,
    field,
    text,
    r.reason,
    r.suggestion ? `write ${r.suggestion}` : 'write a block such as 10.2.0.0/16',
  );
  return undefined;
}

/** The ranges as parsed, when valid: the planner goes on from them. */
export interface DeclaredRanges {
  /**
   * Weave's IPAM range.
   * @default - none when invalid
   */
  readonly ipalloc?: Cidr;
  /**
   * The hosts' bridge range.
   * @default - none when invalid
   */
  readonly bridge?: Cidr;
}

/** Both ranges, their overlap, and each cluster's VNet against them. */
export function checkRanges(spec: NetworkSpec, problems: ProblemList): DeclaredRanges {
  const ipalloc = checkedRange(spec, 'ipallocRange', spec.ipallocRange, problems);
  const bridge = checkedRange(spec, 'bridgeRange', spec.bridgeRange, problems);
  if (ipalloc && bridge && overlaps(ipalloc, bridge)) {
    problems.add('ranges-overlap', spec.path, 'bridgeRange', spec.bridgeRange,
      `overlaps ipallocRange ${ipalloc.text}; host bridge addresses would collide with container addresses`,
      'choose disjoint blocks, e.g. ipallocRange 10.2.0.0/16 and bridgeRange 10.1.0.0/16');
  }
  for (const c of spec.clusters) {
    if (c.vnetCidr === undefined || isToken(c.vnetCidr)) continue;
    const vnet = parseCidr(c.vnetCidr);
    if (!isCidr(vnet)) {
      problems.add('vnet-cidr-invalid', c.path, 'vnetCidr', c.vnetCidr, vnet.reason,
        vnet.suggestion ? `write ${vnet.suggestion}` : 'give an IPv4 block such as 172.16.1.0/24');
      continue;
    }
    for (const [field, r] of [['ipallocRange', ipalloc], ['bridgeRange', bridge]] as const) {
      if (r && overlaps(vnet, r)) {
        problems.add('vnet-overlap', c.path, 'vnetCidr', c.vnetCidr,
          `overlaps the network's ${field} ${r.text}; routes to containers or bridges would shadow the VNet`,
          `pick a VNet block outside ${r.text}, e.g. 172.16.1.0/24`);
      }
    }
  }
  return { ipalloc, bridge };
}
