// What a user may declare for a dedicated cluster and its servers: the
// options of the `dedicated` kind, documented once here. `WeaveClusterProps`
// and `WeaveHostProps` extend these interfaces; the dedicated driver
// (kinds/dedicated/) checks and uses them.

/** How Terraform reaches a dedicated server. */
export interface DedicatedSshOptions {
  /**
   * Address or name to SSH to: an IPv4 or IPv6 address or a host name,
   * resolved on the machine that runs Terraform. A variable's value works.
   * A literal public IPv4 address here is also what the cluster's other
   * servers dial when neither `dialAddress` nor `publicAddress` says otherwise.
   */
  readonly host: string;
  /**
   * Login user; it needs passwordless sudo unless it is root.
   * @default 'core'
   */
  readonly user?: string;
  /**
   * SSH port of the server.
   * @default 22
   */
  readonly port?: number;
  /**
   * Private key (a sensitive variable's value).
   * @default - the local ssh-agent
   */
  readonly privateKey?: string;
}

/** The options of a dedicated cluster. */
export interface DedicatedClusterOptions {
  /**
   * Public DNS name (or public IPv4 address) of a dedicated cluster,
   * resolving to its first server. Later clusters dial it when this cluster
   * is first; the cluster's own later servers dial it when the first server
   * has no dial address.
   * @default - none; the first server's dial address is used
   */
  readonly dnsName?: string;
}

/** The options of one dedicated server. */
export interface DedicatedHostOptions {
  /**
   * SSH connection for a dedicated host. Required in dedicated clusters.
   * @default - none
   */
  readonly ssh?: DedicatedSshOptions;
  /**
   * Public address of a dedicated host, which Azure clusters' NSGs admit on
   * Weave's ports: an IPv4 address or CIDR, or a variable's value. When it is
   * one public IPv4 address (or a `/32`), the cluster's other servers dial it
   * unless `dialAddress` is set.
   * @default - ssh.host
   */
  readonly publicAddress?: string;
  /**
   * Address other hosts dial to reach this dedicated server: an IPv4
   * address, or a DNS name public resolvers answer. Set it when `ssh.host` is
   * not an address peers can use (an SSH alias, a VPN address, a name only
   * your machine resolves). A private address (10/8, 172.16/12, 192.168/16,
   * 100.64/10) only reaches servers of the same cluster.
   * @default - publicAddress, else ssh.host, when it is one public IPv4 address
   */
  readonly dialAddress?: string;
}
