// Checks on the network's Weave router settings (declare/weave.ts): the
// connection limit against the mesh the declaration makes, the MTU against
// the paths the hosts' kinds have, and extra launch flags against the ones
// the library derives.
import { WEAVE_DEFAULT_CONN_LIMIT, WEAVE_FASTDP_OVERHEAD, WEAVE_MTU_MULTIPLE } from '../defaults';
import type { NetworkSpec } from '../declare/network';
import { DERIVED_LAUNCH_FLAGS, EXTRA_LAUNCH_ARG_RE, launchFlagName } from '../wiring/launch';
import type { ProblemList } from './problems';

/** Smallest MTU the checks accept: IPv4's minimum datagram every host must take (RFC 791). */
export const MIN_WEAVE_MTU = 576;
/** Largest MTU when no kind of the network says what its path carries: a 9000-byte jumbo path less Weave's overhead. */
export const MAX_WEAVE_MTU = 8912;

/** The largest Weave MTU a path of `pathMtu` bytes carries with encryption: less the overhead, down to a multiple of 4. */
export function weaveMtuFor(pathMtu: number): number {
  const raw = pathMtu - WEAVE_FASTDP_OVERHEAD;
  return raw - (raw % WEAVE_MTU_MULTIPLE);
}

/**
 * The connections each router needs: Weave's peer discovery connects every
 * peer to every other, so one fewer than the peers the mesh may have.
 *
 * @param peers - the most peers at once: declared hosts, and each pool at its `max`
 */
export function connectionsNeeded(spec: NetworkSpec, peers?: number): number {
  return Math.max(0, (peers ?? spec.clusters.reduce((n, c) => n + c.hosts.length, 0)) - 1);
}

/**
 * Checks on connLimit, mtu and extraLaunchArgs.
 * @param pathMtus - what the paths of the network's kinds of hosts carry, where known (an Azure VM's 1500)
 * @param peers - the most peers the mesh may have (a pool counts at its `max`); default: its declared hosts
 */
export function checkRouterOptions(spec: NetworkSpec, problems: ProblemList, pathMtus: readonly number[] = [], peers?: number): void {
  const path = spec.path;
  const limit = spec.connLimit;
  const hosts = connectionsNeeded(spec, peers) + 1;
  const need = hosts - 1;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1)) {
    problems.add('conn-limit-invalid', path, 'connLimit', limit,
      'is not a whole number of at least 1 (Weave reads 0 as "unlimited", which hides the mesh\'s size instead of planning for it)',
      `give the connections each router may hold, at least ${Math.max(1, need)} for this mesh, or leave it out (Weave's default ${WEAVE_DEFAULT_CONN_LIMIT})`);
  } else if (need > (limit ?? WEAVE_DEFAULT_CONN_LIMIT)) {
    const effective = limit ?? WEAVE_DEFAULT_CONN_LIMIT;
    problems.add('mesh-conn-limit', path, 'connLimit', limit,
      `${limit === undefined ? `leaves Weave's default connection limit of ${effective}` : `is a connection limit of ${effective}`}, but the mesh may have ${hosts} peers (a pool counts at its max) and Weave's peer discovery connects each to the ${need} others; past the limit, routers refuse peers and late hosts may find nobody to join (Weave meshes are reported to degrade from about 100 peers, see docs/scale.md)`,
      `split the hosts into separate networks, or set connLimit to at least ${need}, with room for growth, e.g. ${Math.ceil((need + 1) / 50) * 50}`);
  }

  const mtu = spec.mtu;
  if (mtu !== undefined) {
    const paths = pathMtus;
    const max = paths.length > 0 ? weaveMtuFor(Math.min(...paths)) : MAX_WEAVE_MTU;
    if (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < MIN_WEAVE_MTU || mtu > max || mtu % WEAVE_MTU_MULTIPLE !== 0) {
      const over = typeof mtu === 'number' && mtu > max;
      problems.add('mtu-invalid', path, 'mtu', mtu,
        over && paths.length > 0
          ? `is more than a ${Math.min(...paths)}-byte path (an Azure VM's) carries once Weave adds up to ${WEAVE_FASTDP_OVERHEAD} bytes of fast-datapath encapsulation and ESP; Weave would fall back to its slower sleeve mode`
          : `is not a whole multiple of ${WEAVE_MTU_MULTIPLE} from ${MIN_WEAVE_MTU} to ${max} (Weave's docs: the MTU plus ${WEAVE_FASTDP_OVERHEAD} bytes must fit the underlying network, and it should be divisible by four)`,
        `use at most ${max}, a multiple of ${WEAVE_MTU_MULTIPLE}, or leave it out for Weave's default of 1376`);
    }
  }

  const extra = spec.extraLaunchArgs;
  if (extra !== undefined && !Array.isArray(extra)) {
    problems.add('launch-arg-invalid', path, 'extraLaunchArgs', extra, 'is not a list of arguments', 'give a list such as ["--log-level=debug"]');
    return;
  }
  for (const arg of extra ?? []) {
    if (typeof arg !== 'string' || !EXTRA_LAUNCH_ARG_RE.test(arg)) {
      const peer = typeof arg === 'string' && !arg.startsWith('-');
      problems.add('launch-arg-invalid', path, 'extraLaunchArgs', arg,
        peer
          ? 'is not a flag; the library derives every host\'s peers, so no extra argument may name one'
          : 'is not one argument of the form --flag or --flag=value (lowercase flag; the value without spaces, quotes, "$", "%", "\\" or shell characters)',
        peer ? 'remove it; hosts dial the peers the library chose (docs/reachability.md)' : 'write it as one --flag=value entry, e.g. "--log-level=debug"');
      continue;
    }
    const name = launchFlagName(arg);
    const instead = Object.prototype.hasOwnProperty.call(DERIVED_LAUNCH_FLAGS, name) ? DERIVED_LAUNCH_FLAGS[name] : undefined;
    if (instead) {
      problems.add('launch-arg-derived', path, 'extraLaunchArgs', arg,
        `would override --${name}, which the library ${name.startsWith('ipalloc') || name === 'password' ? 'derives' : 'sets'} itself (Go's flag parser keeps the last value, so it would silently win)`,
        `remove it: ${instead}`);
    }
  }
}
