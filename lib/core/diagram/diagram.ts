// What the topology picture shows, independent of how it is drawn: the
// view type, its mapping from a plan, and the Mermaid text form. The SVG
// form lives in diagram-svg.ts and reads the same view, so both agree.
import type { NetworkPlan } from '../plan/plan';
import type { ClusterKind, WeaveClusterOptions } from '../declare/network';
import { isToken } from '../common/tokens';
import { regionName } from '../kinds/azure/regions';
import { kindDriver } from '../kinds';
import { TopologyPool, poolBox, poolLines } from './pool-box';
import type { RetiredHost } from '../allocation/record';
export type { RetiredHost } from '../allocation/record';

/**
 * A host's part in Weave's IPAM: `bootstrap` hosts were present when the
 * mesh formed and share the consensus count, `observer` hosts joined later,
 * `retired` hosts were removed from the code but keep their bridge address
 * reserved in the allocation record.
 */
export type TopologyRole = 'bootstrap' | 'observer' | 'retired';

/** One host as the topology picture shows it. */
export interface TopologyHost {
  /** Host name; what hosts in the same network dial. */
  readonly name: string;
  /** Bridge address with prefix, e.g. `10.1.0.3/16`. */
  readonly bridgeAddress: string;
  /** Bootstrap, observer or retired. */
  readonly role: TopologyRole;
  /**
   * What peers dial to reach a dedicated server: its `dialAddress`, else its
   * `publicAddress`, else its `ssh.host`.
   * @default - none shown (Azure VMs behind a load balancer are reached
   *   through it; a direct-peering VM shows its own public name)
   */
  readonly address?: string;
  /**
   * Where an administrator logs in: a dedicated server's `ssh.host` and
   * port, or, for an Azure VM of a cluster with `sshSourceCidr`, the
   * frontend port of its NAT rule on the cluster's load balancer (`host` unset).
   * @default - none shown (no SSH from outside)
   */
  readonly ssh?: {
    /**
     * Host name or address to connect to.
     * @default - the cluster's load balancer (its DNS name)
     */
    readonly host?: string;
    /** TCP port. */
    readonly port: number;
  };
  /**
   * What the host's `weave launch` dials: names of other hosts, a cluster's
   * DNS name, or any other name or address (drawn as outside the network).
   */
  readonly peers: readonly string[];
  /** Port of Weave's status and metrics on the host's own address, when its cluster serves them there; default: none shown (localhost only). */
  readonly metricsPort?: number;
  /** The one box for a pool's instances (`bridgeAddress` is then its block); default: none (a host). */ readonly pool?: TopologyPool;
}

/** One cluster as the topology picture shows it. */
export interface TopologyCluster {
  /** Cluster name. */
  readonly name: string;
  /**
   * Azure VMs, dedicated servers or a pool.
   * @default - not shown: the cluster is no longer declared and only retired hosts remain
   */
  readonly kind?: ClusterKind;
  /**
   * Azure region.
   * @default - none shown
   */
  readonly region?: string;
  /**
   * The Azure subscription the cluster is deployed to: its provider's alias (`default` without one).
   * @default - none shown
   */
  readonly subscription?: string;
  /**
   * How the hosts boot: `cloud-config` or `ignition` (Azure VMs, pools), `ssh script` (dedicated servers).
   * @default - none shown
   */
  readonly bootFormat?: string;
  /**
   * Azure resources the cluster uses rather than creates, e.g.
   * `['resource group', 'subnet']`.
   * @default - none: the cluster creates its own
   */
  readonly existing?: readonly string[];
  /**
   * How the cluster meets other sites and the internet, when it is not the
   * kind's usual way, e.g. `direct peering` (each host at its own public
   * address, no load balancer) or `NAT gateway egress, 2 IPs`.
   * @default - none shown
   */
  readonly links?: string;
  /**
   * Whether each host is dialed at its own public address, so no load
   * balancer box is drawn.
   * @default false
   */
  readonly direct?: boolean;
  /**
   * The name other clusters dial to reach this one. For an Azure cluster it
   * is the load balancer's public DNS name, which reaches any of its hosts;
   * for a dedicated cluster it resolves to the first host.
   * @default - none; peers naming it are drawn as outside the network
   */
  readonly dnsName?: string;
  /** The cluster's hosts, in the order they are drawn. */
  readonly hosts: readonly TopologyHost[];
}

/** Everything the topology picture shows, in drawing order. */
export interface TopologyView {
  /** First line of the picture, e.g. the network's construct path. */
  readonly title: string;
  /**
   * Second line: network-wide facts.
   * @default - none
   */
  readonly subtitle?: string;
  /** The clusters, in declaration order; the SVG lays them out in rows, left to right. */
  readonly clusters: readonly TopologyCluster[];
}

/** What {@link topologyView} needs besides the plan. */
export interface TopologyExtras {
  /**
   * First line of the picture.
   * @default - the network's construct path (`plan.spec.path`)
   */
  readonly title?: string;
  /**
   * Hosts retired in the allocation record.
   * @default - the plan's own `retired` (none when it was made without a record)
   */
  readonly retired?: readonly RetiredHost[];
  /**
   * Turns a value that is a Terraform token into display text; `WeaveNetwork`
   * passes its stack's resolver so that `${var.dedicated_address}` shows as
   * `var.dedicated_address`. Tokens it leaves unresolved show as `(set at deploy)`.
   * @default - every token shows as `(set at deploy)`
   */
  readonly resolve?: (value: string) => string;
  /**
   * Each cluster's subscription label by cluster name; `WeaveNetwork`
   * passes its clusters' provider aliases.
   * @default - no subscription shown
   */
  readonly subscriptions?: Readonly<Record<string, string>>;
}

/** Label for a value that may be a Terraform token. */
export function shown(value: string): string {
  if (!isToken(value)) return value;
  // A resolved plain reference reads well as itself; anything else (an
  // unresolved token, a function call) is only known at apply time.
  const ref = /^\$\{([A-Za-z_][\w.-]*(?:\[\d+\])?(?:\.[\w-]+)*)\}$/.exec(value);
  return ref ? ref[1] : '(set at deploy)';
}

/** The existing-resource props of an Azure cluster, as the picture names them. */
const EXISTING: readonly (readonly [keyof WeaveClusterOptions, string])[] = [
  ['existingResourceGroup', 'RG'],
  ['existingSubnet', 'subnet'],
  ['existingSecurityGroup', 'NSG'],
];

/**
 * The topology picture's view of a planned network: each cluster's kind,
 * region, subscription, boot format, existing Azure resources and dial
 * name, each host's bridge address, role, SSH endpoint and (for dedicated
 * servers) dial address, and what each host dials.
 * @param plan - The planned network, from {@link deriveNetwork}.
 * @param extras - Title, retired hosts, a token resolver and subscription labels.
 */
export function topologyView(plan: NetworkPlan, extras: TopologyExtras = {}): TopologyView {
  const text = (v: string) => shown(extras.resolve && isToken(v) ? extras.resolve(v) : v);
  // A plan made with an allocation record carries its retired hosts.
  const retired = extras.retired ?? plan.retired ?? [];
  const retiredHosts = (cluster: string): TopologyHost[] =>
    retired.filter((r) => r.cluster === cluster)
      .map((r) => ({ name: r.name, bridgeAddress: text(r.bridgeAddress), role: 'retired', peers: [] }));
  const clusters: TopologyCluster[] = plan.clusters.map((c, i) => {
    const spec = plan.spec.clusters[i];
    const location = spec?.location;
    // The options as given: what the cluster uses rather than creates, and whether SSH is open.
    const options = spec?.options ?? {};
    const driver = kindDriver(c.kind);
    const existing = EXISTING.filter(([key]) => options[key] !== undefined).map(([, name]) => name);
    const sshNat = options.sshSourceCidr !== undefined;
    const format = driver && spec ? driver.boot.format(spec, plan.spec) : undefined;
    const direct = !!(spec && driver?.wiring.directPeering?.(spec));
    const nat = options.natGateway;
    const links = direct ? 'direct peering' : nat ? `NAT gateway egress, ${nat.publicIpCount ?? 1} IP${(nat.publicIpCount ?? 1) === 1 ? '' : 's'}` : undefined;
    return {
      name: c.name,
      kind: c.kind,
      region: location !== undefined ? (isToken(location) ? text(location) : regionName(location)) : undefined,
      subscription: spec?.hasProvider ? extras.subscriptions?.[c.name] : undefined,
      bootFormat: format === 'script' ? 'ssh script' : format,
      ...(existing.length > 0 ? { existing } : {}),
      ...(links ? { links } : {}),
      ...(direct ? { direct } : {}),
      dnsName: spec?.dnsName !== undefined ? text(spec.dnsName) : undefined,
      hosts: [
        ...c.hosts.map((h, j): TopologyHost => {
          const hs = spec?.hosts[j];
          // What peers dial, when the user said; else where Terraform
          // connects; a direct-peering VM's own public name.
          const publicName = direct && hs ? driver?.wiring.hostPublicName?.(spec!, hs) : undefined;
          const dial = hs?.dialAddress ?? hs?.publicAddress ?? hs?.sshHost ?? publicName;
          const port = hs?.options?.ssh?.port;
          const ssh = hs?.sshHost !== undefined
            ? { host: text(hs.sshHost), port: typeof port === 'number' ? port : 22 }
            // The host's own address, or its NAT rule's recorded port.
            : sshNat && direct && publicName ? { host: publicName, port: 22 }
              : sshNat && h.sshPort !== undefined ? { port: h.sshPort } : undefined;
          return {
            name: h.name,
            bridgeAddress: text(h.bridgeAddress),
            role: h.bootstrap ? 'bootstrap' : 'observer',
            address: dial === undefined ? undefined : text(dial),
            ...(ssh ? { ssh } : {}),
            peers: h.peers.map(text),
            ...(spec && driver?.boot.statusListener?.(spec) ? { metricsPort: driver.boot.statusListener(spec)!.port } : {}),
          };
        }),
        ...(c.pool ? [poolBox(c.pool, text)] : []),
        ...retiredHosts(c.name),
      ],
    };
  });
  // Retired hosts of clusters that are gone entirely still hold addresses.
  const gone = [...new Set(retired.map((r) => r.cluster))].filter((n) => !plan.clusters.some((c) => c.name === n));
  for (const name of gone) clusters.push({ name, hosts: retiredHosts(name) });
  const range = (flag: string) => plan.commonLaunchArgs[plan.commonLaunchArgs.indexOf(flag) + 1];
  return {
    title: extras.title ?? plan.spec.path,
    subtitle: `ipalloc ${text(range('--ipalloc-range'))} · bridge ${text(plan.spec.bridgeRange)} · consensus ${plan.consensus}`,
    clusters,
  };
}

/** The first line of a cluster's header: name, kind and region. */
export function clusterCaption(c: TopologyCluster): string {
  return [c.name, c.kind ?? 'no longer declared', c.region].filter((x) => x !== undefined).join(' · ');
}

/** The lines of a cluster's header: its caption, then where it is deployed and how it boots, then what it reuses. */
export function clusterLines(c: TopologyCluster): string[] {
  const where = [c.subscription !== undefined ? `subscription ${c.subscription}` : undefined, c.bootFormat].filter((x) => x !== undefined);
  return [
    clusterCaption(c),
    ...(where.length > 0 ? [where.join(' · ')] : []),
    ...(c.links !== undefined ? [c.links] : []),
    ...(c.existing !== undefined && c.existing.length > 0 ? [`existing ${c.existing.join(', ')}`] : []),
  ];
}

/** How a host's SSH endpoint reads: `ssh host:port`, or the NAT port on its cluster's load balancer. */
export function sshLine(ssh: NonNullable<TopologyHost['ssh']>): string {
  if (ssh.host === undefined) return `ssh LB port ${ssh.port}`;
  return `ssh ${ssh.host.includes(':') ? `[${ssh.host}]` : ssh.host}:${ssh.port}`;
}

/**
 * The lines of a host box, first line its name. Every name a peer may dial
 * the host by is among them (its name, its dial address, and `also` for a
 * dedicated cluster's DNS name that resolves to it), so the picture needs no
 * label on the arrows.
 */
export function hostLines(h: TopologyHost, also: readonly string[] = []): string[] {
  if (h.pool) return poolLines({ ...h, pool: h.pool });
  const sshShowsAddress = h.ssh?.host !== undefined && h.ssh.host === h.address;
  return [
    h.name,
    `bridge ${h.bridgeAddress} · ${h.role}`,
    ...(h.address !== undefined && !sshShowsAddress ? [`dial ${h.address}`] : []),
    ...also.map((n) => `dns ${n}`),
    ...(h.ssh !== undefined ? [sshLine(h.ssh)] : []),
    ...(h.metricsPort !== undefined ? [`metrics :${h.metricsPort}`] : []),
  ];
}

/** What a dial string reaches, as both renderers draw it. */
export type DialTarget =
  | { readonly kind: 'host'; readonly cluster: number; readonly host: number }
  | { readonly kind: 'endpoint'; readonly cluster: number }
  | { readonly kind: 'external'; readonly value: string };

/**
 * Resolves a peer string: a host's name first, then a cluster's DNS name
 * (an Azure cluster's load balancer, a dedicated cluster's first host), then
 * a host's address; anything else is outside the network.
 */
export function dialTarget(view: TopologyView, peer: string): DialTarget {
  const find = (pred: (h: TopologyHost) => boolean): DialTarget | undefined => {
    for (const [ci, c] of view.clusters.entries()) {
      const hi = c.hosts.findIndex(pred);
      if (hi >= 0) return { kind: 'host', cluster: ci, host: hi };
    }
    return undefined;
  };
  const byName = find((h) => h.name === peer && h.role !== 'retired');
  if (byName) return byName;
  const ci = view.clusters.findIndex((c) => c.dnsName === peer);
  if (ci >= 0) {
    const c = view.clusters[ci];
    if (hasEndpoint(c)) return { kind: 'endpoint', cluster: ci };
    const first = c.hosts.findIndex((h) => h.role !== 'retired');
    if (first >= 0) return { kind: 'host', cluster: ci, host: first };
  }
  return find((h) => h.address === peer && h.role !== 'retired') ?? { kind: 'external', value: peer };
}

/** The DNS names of dedicated clusters that resolve to this host (its cluster's first active host). */
export function dnsNamesOf(view: TopologyView, cluster: number, host: number): string[] {
  const c = view.clusters[cluster];
  if (hasEndpoint(c) || c.dnsName === undefined) return [];
  const t = dialTarget(view, c.dnsName);
  return t.kind === 'host' && t.cluster === cluster && t.host === host ? [c.dnsName] : [];
}

/**
 * The lines of an Azure cluster's load balancer box: what it is, and its
 * DNS name, split after the label so that the box stays narrow.
 */
export function endpointLines(c: TopologyCluster): string[] {
  const dot = c.dnsName?.indexOf('.') ?? -1;
  const name = c.dnsName === undefined ? [] : dot > 0 ? [c.dnsName.slice(0, dot), c.dnsName.slice(dot)] : [c.dnsName];
  return ['load balancer (any host)', ...name];
}

/**
 * Whether the picture draws a cluster's load balancer box: a dial of the
 * cluster's DNS name reaches any of its hosts (its kind says so), not its
 * first host, and its hosts are not dialed directly.
 */
export function hasEndpoint(c: TopologyCluster): boolean {
  return c.kind !== undefined && !c.direct && kindDriver(c.kind)?.wiring.nameLeadsTo === 'any-host';
}

/** The caption of the group of dial targets the view does not declare. */
export const OUTSIDE_CAPTION = 'not in this network';

// Mermaid labels are quoted; keep them free of quotes and markup.
const label = (s: string) => s.replace(/["<>]/g, '');

/**
 * A Mermaid flowchart of a network, for reviewing how hosts will peer before
 * deploying. Shows the same facts as {@link renderTopologySvg}.
 * @param network - A view from {@link topologyView}, or a plan (mapped with default extras).
 * @param title - Replaces the view's title (`WeaveNetwork` passes its construct path); when omitted, the view's own title is used.
 */
export function renderMermaid(network: NetworkPlan | TopologyView, title?: string): string {
  const base = 'spec' in network ? topologyView(network) : network;
  const view = title === undefined ? base : { ...base, title };
  const lines = ['flowchart LR', `  %% ${label(view.title)}${view.subtitle ? `: ${label(view.subtitle)}` : ''}`];
  // Node ids come from positions, not names: names such as `web.1` and
  // `web-1` are both valid and must stay two nodes.
  const hostId = (ci: number, hi: number) => `h${ci}_${hi}`;
  const endpointId = (ci: number) => `lb${ci}`;
  const targets = view.clusters.flatMap((c) => c.hosts.flatMap((h) => h.peers.map((p) => dialTarget(view, p))));
  const outside = [...new Set(targets.flatMap((t) => (t.kind === 'external' ? [t.value] : [])))];
  const retired: string[] = [];
  const br = (ls: readonly string[]) => ls.map(label).join('<br/>');
  for (const [ci, c] of view.clusters.entries()) {
    lines.push(`  subgraph c${ci}["${br(clusterLines(c))}"]`);
    if (hasEndpoint(c)) lines.push(`    ${endpointId(ci)}(["${br(endpointLines(c))}"])`);
    for (const [hi, h] of c.hosts.entries()) {
      lines.push(`    ${hostId(ci, hi)}["${br(hostLines(h, dnsNamesOf(view, ci, hi)))}"]`);
      if (h.role === 'retired') retired.push(hostId(ci, hi));
    }
    lines.push('  end');
  }
  if (outside.length > 0) {
    lines.push(`  subgraph outside["${OUTSIDE_CAPTION}"]`);
    for (const [i, v] of outside.entries()) lines.push(`    x_${i}["${label(v)}"]`);
    lines.push('  end');
  }
  for (const [ci, c] of view.clusters.entries()) {
    for (const [hi, h] of c.hosts.entries()) {
      for (const p of h.peers) {
        const t = dialTarget(view, p);
        const from = hostId(ci, hi);
        if (t.kind === 'external') lines.push(`  ${from} --> x_${outside.indexOf(t.value)}`);
        else if (t.kind === 'endpoint') lines.push(`  ${from} -->|"${label(p)}"| ${endpointId(t.cluster)}`);
        else if (view.clusters[t.cluster].hosts[t.host].name === p) lines.push(`  ${from} --> ${hostId(t.cluster, t.host)}`);
        else lines.push(`  ${from} -->|"${label(p)}"| ${hostId(t.cluster, t.host)}`);
      }
    }
  }
  if (retired.length > 0) {
    lines.push('  classDef retired stroke-dasharray: 4 3', `  class ${retired.join(',')} retired`);
  }
  return `${lines.join('\n')}\n`;
}
