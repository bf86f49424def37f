// The one place a `weave launch` command line is built. The planner uses it
// with a host's literal values (what the host ends up running); the unit file
// uses it with the env-file variables that carry those same values.
import type { NetworkSpec } from '../declare/network';

/** Flags every host of a network passes to `weave launch`, before its own. */
export function commonLaunchArgs(spec: Pick<NetworkSpec, 'ipallocRange' | 'dnsDomain' | 'proxy' | 'plugin'>, ipallocRange: string): string[] {
  return [
    '--ipalloc-range', ipallocRange,
    ...(spec.dnsDomain === false ? ['--no-dns'] : ['--dns-domain', spec.dnsDomain]),
    // weave 2.x starts the proxy and the plugin unless told otherwise; the
    // flags are booleans, so only `=false` turns them off.
    ...(spec.proxy ? [] : ['--proxy=false']),
    ...(spec.plugin ? [] : ['--plugin=false']),
  ];
}

/**
 * `weave launch` arguments: `--no-restart` (systemd restarts the router, not
 * Docker), the network's common flags, the nickname when the host's own
 * host name may differ from its name in the network, the IPAM mode and the peers. Pass the
 * literal values to see what a host runs, or `$VAR` references for a unit.
 */
export function launchArgs(common: readonly string[], ipallocInit: string, peers: readonly string[], nickname?: string): string[] {
  // The script passes `--nickname "$(hostname)"` first; Go's flags keep the last.
  return ['--no-restart', ...common, ...(nickname !== undefined ? ['--nickname', nickname] : []), '--ipalloc-init', ipallocInit, ...peers];
}
