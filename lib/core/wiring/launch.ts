// The one place a `weave launch` command line is built. The planner uses it
// with a host's literal values (what the host ends up running); the unit file
// uses it with the env-file variables that carry those same values. Flags
// users may add through extraLaunchArgs are judged here too, against the
// flags this module derives.
import type { NetworkSpec } from '../declare/network';

/** Flags every host of a network passes to `weave launch`, before its cluster's and its own. */
export function commonLaunchArgs(
  spec: Pick<NetworkSpec, 'ipallocRange' | 'dnsDomain' | 'proxy' | 'plugin' | 'connLimit' | 'extraLaunchArgs'>,
  ipallocRange: string,
): string[] {
  return [
    '--ipalloc-range', ipallocRange,
    ...(spec.dnsDomain === false ? ['--no-dns'] : ['--dns-domain', spec.dnsDomain]),
    // weave 2.x starts the proxy and the plugin unless told otherwise; the
    // flags are booleans, so only `=false` turns them off.
    ...(spec.proxy ? [] : ['--proxy=false']),
    ...(spec.plugin ? [] : ['--plugin=false']),
    // Passed only when set: the router's default carries small meshes, and
    // a flag nobody asked for would change every existing host's unit.
    ...(spec.connLimit !== undefined ? [`--conn-limit=${spec.connLimit}`] : []),
    ...(spec.extraLaunchArgs ?? []),
  ];
}

/**
 * `weave launch` arguments: `--no-restart` (systemd restarts the router, not
 * Docker), the network's common flags, the cluster's own flags (e.g.
 * `--trusted-subnets`), the nickname when the host's own host name may
 * differ from its name in the network, the IPAM mode and the peers. Pass the
 * literal values to see what a host runs, or `$VAR` references for a unit.
 */
export function launchArgs(common: readonly string[], ipallocInit: string, peers: readonly string[], cluster: readonly string[] = [], nickname?: string): string[] {
  // The script passes `--nickname "$(hostname)"` first; Go's flags keep the last.
  return ['--no-restart', ...common, ...cluster, ...(nickname !== undefined ? ['--nickname', nickname] : []), '--ipalloc-init', ipallocInit, ...peers];
}

/** `--trusted-subnets` for the given blocks, or nothing. */
export function trustedSubnetArgs(blocks: readonly string[]): string[] {
  return blocks.length > 0 ? [`--trusted-subnets=${blocks.join(',')}`] : [];
}

/**
 * One extra argument's shape: `--flag` or `--flag=value`, the value free of
 * whitespace, quotes, `$` (systemd would expand it), `%` (a unit specifier),
 * `\` and shell metacharacters, since the unit line and the install script
 * carry it as it is.
 */
export const EXTRA_LAUNCH_ARG_RE = /^--[a-z][a-z0-9-]*(=[A-Za-z0-9_.,:/@+=-]*)?$/;

/**
 * Flags the library derives, sets through its own options, or needs the
 * `weave` script's value of, each with what to use instead. Go's flag parser
 * keeps the last value, so an extra copy would silently win.
 */
export const DERIVED_LAUNCH_FLAGS: Readonly<Record<string, string>> = {
  'ipalloc-range': 'set the network\'s ipallocRange',
  iprange: 'set the network\'s ipallocRange',
  'ipalloc-init': 'the library derives each host\'s IPAM mode (bootstrapSize, bootstrapHosts and the allocation record decide it)',
  'ipalloc-default-subnet': 'the library gives Weave one range (ipallocRange) and no other subnet',
  'init-peer-count': 'the library derives --ipalloc-init consensus=N (bootstrapSize)',
  password: 'the network password comes from the password prop or Key Vault, never the command line',
  'dns-domain': 'set the network\'s dnsDomain',
  'no-dns': 'set the network\'s dns: false',
  'dns-listen-address': 'the weave script binds weaveDNS to the Docker bridge; the library relies on it',
  'without-dns': 'set the network\'s dns: false',
  proxy: 'set the network\'s proxy',
  plugin: 'set the network\'s plugin',
  'conn-limit': 'set the network\'s connLimit',
  'trusted-subnets': 'set trustVnet on the Azure cluster',
  mtu: 'set the network\'s mtu',
  name: 'each host\'s peer name must stay its own (Weave derives it from the machine)',
  nickname: 'the nickname is the host name, which weave rmpeer and the topology picture use',
  port: 'the NSG rules, load balancer rules and peers all use Weave\'s port 6783',
  resume: 'the library always gives the peers to dial; --resume refuses a peer list',
  'http-addr': 'Weave\'s control API must stay on 127.0.0.1 (it accepts rmpeer and connect from anyone who reaches it)',
  'status-addr': 'set metrics on the Azure cluster: the library binds status and metrics to the VNet address its NSG rules guard',
  'metrics-addr': 'set metrics on the Azure cluster: the library binds status and metrics to the VNet address its NSG rules guard',
  'no-restart': 'the library already passes it (systemd restarts the router)',
  'host-root': 'the weave script sets it',
  datapath: 'the weave script sets it',
  'docker-bridge': 'the weave script sets it',
  'weave-bridge': 'the weave script sets it',
  awsvpc: 'Weave refuses --awsvpc together with a password, and every network here has one',
  token: 'cloud peer discovery is gone with Weaveworks; the library wires the peers',
  'peer-discovery-url': 'cloud peer discovery is gone with Weaveworks; the library wires the peers',
};

/** The flag name of an extra argument (`--log-level=debug` → `log-level`). */
export function launchFlagName(arg: string): string {
  return arg.replace(/^-+/, '').split('=')[0];
}
