// Weave router settings a user may declare for a whole network, beyond the
// flags the library derives (peers, IPAM, password, ranges, DNS, proxy and
// plugin): the connection limit, the MTU and an escape hatch for other
// `weave launch` flags. `NetworkSpec` and `WeaveNetworkProps` extend this;
// check/router.ts judges them and wiring/launch.ts puts them on the launch line.

/** Weave router settings shared by every host of a network. */
export interface WeaveRouterOptions {
  /**
   * The router's connection limit (`--conn-limit`) on every host. Weave's
   * peer discovery connects every peer to every other one, so a mesh of N
   * hosts needs N - 1; the synth refuses a mesh larger than the limit. Leave
   * it out while the mesh has at most 201 hosts: the router's own default
   * (200 in rajch/weave 2.9.0) carries it and no flag is passed. Past that,
   * set it with room for growth; Weave meshes are reported to degrade from
   * about 100 peers (see docs/scale.md). Changing it changes every host's
   * boot config (cloud-config VMs are replaced).
   * @default - Weave's own limit (200), not passed
   */
  readonly connLimit?: number;
  /**
   * Weave's MTU (`WEAVE_MTU` in every host's shared env file, which the
   * `weave` script turns into `--mtu`): the largest packet containers send.
   * Weave's docs: the underlying network must carry it plus about 84-87
   * bytes of fast-datapath encapsulation and ESP, and it should be a
   * multiple of 4. Azure's 1500-byte path allows at most 1412.
   * @default - Weave's own (1376 with the fast datapath)
   */
  readonly mtu?: number;
  /**
   * More `weave launch` flags for every host, each one argument in the form
   * `--flag` or `--flag=value` (no spaces, quotes, `$`, `%` or `\`), e.g.
   * `['--log-level=debug', '--no-fastdp']`. Flags the library derives or
   * sets through its own options are refused: peers, `--ipalloc-*`,
   * `--password`, `--dns-*`/`--no-dns`, `--proxy`, `--plugin`,
   * `--conn-limit`, `--trusted-subnets`, `--mtu`, `--name`, `--nickname`,
   * `--port`, `--resume`, `--http-addr`, `--no-restart` and the script's
   * bridge and datapath settings.
   * @default - none
   */
  readonly extraLaunchArgs?: readonly string[];
}
