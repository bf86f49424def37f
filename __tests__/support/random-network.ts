// Random but valid Weave network declarations for the property tests.
//
// The arbitrary produces a small "raw" description (label characters, cluster
// and host counts, picks in [0, 2^31)); `toGenerated` turns it into a
// NetworkSpec deterministically. Everything that has to be globally consistent
// (unique host names, unique DNS labels, unique pinned bridge addresses that
// fit the range, disjoint ranges) is settled in that second step, so every
// generated value, shrunk or not, is a valid declaration.
import fc from 'fast-check';
import { DEFAULT_RELEASE } from '../../lib/core/defaults';
import { ClusterKind, ClusterSpec, HostSpec, NetworkSpec } from '../../lib/core/declare/network';

export const MAX_CLUSTERS = 30;
export const MAX_HOSTS_PER_CLUSTER = 40;
/** Dedicated clusters are a few servers each, as real ones are. */
export const MAX_DEDICATED_SERVERS = 5;
export const LOCATIONS = ['westeurope', 'northeurope', 'eastus2', 'uksouth', 'southeastasia'] as const;
export const WANTED_BY = ['multi-user.target', 'kubernetes.master.target', 'kubernetes.node.target', 'docker.service'] as const;
export const NETWORK_PATH = 'props/weave';
export type AzureBootFormat = 'cloud-config' | 'ignition';

/** How a dedicated server's SSH address is written. */
export type SshForm = 'public-ip' | 'private-ip' | 'name';
/** What a dedicated server's `publicAddress` is, if set. */
export type PublicForm = 'none' | 'ip' | 'ip32' | 'block';
/** What a dedicated server's `dialAddress` is, if set. */
export type DialForm = 'none' | 'public-ip' | 'private-ip' | 'dns';

export interface RawHost {
  readonly stem: string;
  /** Present on the (rare) hosts with a pinned bridge address. */
  readonly pin?: { readonly at: number; readonly withPrefix: boolean };
  /** Address forms, used when the host is in a dedicated cluster. */
  readonly ssh: SshForm;
  readonly publicAddress: PublicForm;
  readonly dial: DialForm;
  /** First octet of the host's public addresses. */
  readonly octetPick: number;
}

export interface RawCluster {
  readonly kind: ClusterKind;
  readonly label: string;
  readonly location: (typeof LOCATIONS)[number];
  /** Used as the dnsName of a dedicated cluster (always for the first one). */
  readonly dedicatedDns: string;
  readonly dedicatedHasDns: boolean;
  readonly vnetPick: number;
  /** Per-cluster bootstrap pin, used when the network is in `clusters` bootstrap mode. */
  readonly bootstrapPick?: number;
  /** Azure: how other sites reach it, and its egress (a NAT gateway only behind the load balancer). */
  readonly peering: 'load-balancer' | 'direct';
  readonly natGateway: boolean;
  /** Azure: SSH NAT rules (sshSourceCidr), and --trusted-subnets for its VNet. */
  readonly sshNat: boolean;
  readonly trustVnet: boolean;
  readonly hosts: readonly RawHost[];
}

export type RawBootstrap =
  | { readonly kind: 'default' }
  | { readonly kind: 'one' }
  | { readonly kind: 'all' }
  | { readonly kind: 'pick'; readonly at: number }
  /** Per-cluster `bootstrapHosts`; the network's bootstrapSize left out or set to their sum. */
  | { readonly kind: 'clusters'; readonly withSize: boolean };

export interface RawNetwork {
  readonly clusters: readonly RawCluster[];
  readonly bridgePrefixPick: number;
  readonly bridgeBlockPick: number;
  readonly ipallocPrefix: number;
  readonly ipallocBlockPick: number;
  readonly bootstrap: RawBootstrap;
  readonly dnsDomain: string | false;
  readonly proxy: boolean;
  readonly plugin: boolean;
  readonly wantedBy: readonly string[];
  readonly azureBootFormat: AzureBootFormat;
  readonly samplePicks: readonly number[];
  /** Router settings: a connection limit (always set past Weave's default of 200), an MTU, an extra flag. */
  readonly connLimit: boolean;
  readonly mtu: 'none' | 1376 | 1412;
  readonly extraArgs: boolean;
}

/** A planner input plus what the checks need to know about how it was made. */
export interface GeneratedNetwork {
  readonly spec: NetworkSpec;
  readonly hostCount: number;
  /** Host name → bridge address exactly as it was pinned. */
  readonly pinned: ReadonlyMap<string, string>;
  /** Host name → SSH address, for dedicated hosts. */
  readonly sshHosts: ReadonlyMap<string, string>;
  /** Whether dedicated hosts use only what the constructs pass today (ssh.host as an IPv4 address, the cluster's dnsName). */
  readonly constructsOnly: boolean;
  readonly azureBootFormat: AzureBootFormat;
  /**
   * Which hosts (global declaration order) were there at bootstrap, worked
   * out here independently of the planner: the first `bootstrapSize` hosts
   * (all by default), or each cluster's first `bootstrapHosts` when pinned.
   */
  readonly bootstrapFlags: readonly boolean[];
  /** Host indexes whose boot documents get rendered and inspected. */
  readonly sample: readonly number[];
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `${LETTERS}0123456789`;
const letter = fc.constantFrom(...LETTERS);
const alnum = fc.constantFrom(...ALNUM);
const inner = fc.constantFrom(...ALNUM, '-');
const pick = fc.nat({ max: 0x7fffffff });

/** One DNS label: `[a-z0-9]([a-z0-9-]*[a-z0-9])?`, 1 to 20 characters. */
const hostLabel = fc
  .tuple(alnum, fc.option(fc.tuple(fc.string({ unit: inner, maxLength: 18 }), alnum), { nil: undefined }))
  .map(([a, rest]) => (rest ? a + rest[0] + rest[1] : a));

/** Host name stem: one to three labels, at most 62 characters. */
const hostStem = fc.array(hostLabel, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('.'));

/** Azure public IP DNS label: `^[a-z][a-z0-9-]{1,61}[a-z0-9]$`, kept short. */
const dnsLabel = fc
  .tuple(letter, fc.string({ unit: inner, minLength: 1, maxLength: 14 }), alnum)
  .map(([a, m, z]) => a + m + z);

/** A public DNS name: one or two random labels under a real top-level domain (never a special-use one). */
const domainName = fc
  .tuple(fc.array(hostLabel, { minLength: 1, maxLength: 2 }), fc.constantFrom('net', 'com', 'org', 'io', 'de'))
  .map(([ls, tld]) => [...ls, tld].join('.'));

const rawHost: fc.Arbitrary<RawHost> = fc.record({
  stem: hostStem,
  // About one host in twenty pins its bridge address.
  pin: fc.oneof(
    { weight: 19, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ at: pick, withPrefix: fc.boolean() }) },
  ),
  ssh: fc.constantFrom<SshForm>('public-ip', 'private-ip', 'name'),
  publicAddress: fc.constantFrom<PublicForm>('none', 'none', 'ip', 'ip32', 'block'),
  dial: fc.constantFrom<DialForm>('none', 'none', 'public-ip', 'private-ip', 'dns'),
  octetPick: pick,
});

/** `dedicatedWeight` in 8 clusters are dedicated. */
function rawClusterWith(minHosts: number, dedicatedWeight: number): fc.Arbitrary<RawCluster> {
  return fc.record({
    kind: fc.oneof(
      { weight: 8 - dedicatedWeight, arbitrary: fc.constant<ClusterKind>('azure') },
      { weight: dedicatedWeight, arbitrary: fc.constant<ClusterKind>('dedicated') },
    ),
    label: dnsLabel,
    location: fc.constantFrom(...LOCATIONS),
    dedicatedDns: domainName,
    dedicatedHasDns: fc.boolean(),
    vnetPick: pick,
    // Unset (every host of the cluster) one time in three.
    bootstrapPick: fc.option(pick, { freq: 3, nil: undefined }),
    peering: fc.constantFrom<'load-balancer' | 'direct'>('load-balancer', 'load-balancer', 'load-balancer', 'direct'),
    natGateway: fc.constantFrom(false, false, false, false, true),
    sshNat: fc.constantFrom(false, false, true),
    trustVnet: fc.constantFrom(false, false, false, true),
    hosts: fc.array(rawHost, { minLength: minHosts, maxLength: MAX_HOSTS_PER_CLUSTER, size: 'max' }),
  }).map((c) => (c.kind === 'dedicated' ? { ...c, hosts: c.hosts.slice(0, MAX_DEDICATED_SERVERS) } : c));
}

function rawNetworkWith(minClusters: number, minHostsPerCluster: number, dedicatedWeight: number): fc.Arbitrary<RawNetwork> {
  return fc.record({
    clusters: fc.array(rawClusterWith(minHostsPerCluster, dedicatedWeight), { minLength: minClusters, maxLength: MAX_CLUSTERS, size: 'max' }),
    bridgePrefixPick: pick,
    bridgeBlockPick: pick,
    ipallocPrefix: fc.integer({ min: 12, max: 24 }),
    ipallocBlockPick: pick,
    bootstrap: fc.oneof(
      fc.constant<RawBootstrap>({ kind: 'default' }),
      fc.constant<RawBootstrap>({ kind: 'one' }),
      fc.constant<RawBootstrap>({ kind: 'all' }),
      pick.map<RawBootstrap>((at) => ({ kind: 'pick', at })),
      fc.boolean().map<RawBootstrap>((withSize) => ({ kind: 'clusters', withSize })),
    ),
    dnsDomain: fc.oneof(fc.constant<false>(false), fc.constant('weave.local.'), domainName.map((d) => `${d}.`)),
    proxy: fc.boolean(),
    plugin: fc.boolean(),
    wantedBy: fc.subarray([...WANTED_BY], { minLength: 1 }),
    azureBootFormat: fc.constantFrom<AzureBootFormat>('cloud-config', 'ignition'),
    samplePicks: fc.array(pick, { minLength: 1, maxLength: 3 }),
    connLimit: fc.constantFrom(false, false, false, true),
    mtu: fc.constantFrom<RawNetwork['mtu']>('none', 'none', 'none', 1376, 1412),
    extraArgs: fc.constantFrom(false, false, false, true),
  });
}

/**
 * Any network within the limits (half its clusters dedicated, of 1-5 servers;
 * sums cluster around 150-250 hosts), plus one in ten drawn from the large end
 * (mostly Azure, about 500 to 1,100 hosts).
 */
export const rawNetwork: fc.Arbitrary<RawNetwork> = fc.oneof(
  { weight: 9, arbitrary: rawNetworkWith(1, 1, 4) },
  // Dedicated clusters hold at most 5 servers, so the large networks are mostly Azure.
  { weight: 1, arbitrary: rawNetworkWith(22, 25, 1) },
);

// --- address helpers (independent of lib/core/cidr) -------------------------

export function ipText(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export function ipValue(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

/** Smallest prefix length whose block holds `hosts` usable addresses (and at most /30). */
export function tightestPrefix(hosts: number): number {
  return Math.min(30, 32 - Math.ceil(Math.log2(hosts + 2)));
}

const TEN = 10 * 2 ** 24;

function blockIn10(prefix: number, blockPick: number): number {
  const blocks = 2 ** (prefix - 8);
  return TEN + (blockPick % blocks) * 2 ** (32 - prefix);
}

// --- raw → spec -------------------------------------------------------------

/** Trims `stem` so that `stem + suffix` is a valid name of at most 63 characters. */
function withSuffix(stem: string, suffix: string): string {
  return stem.slice(0, 63 - suffix.length).replace(/[-.]+$/, '') + suffix;
}

/** Public first octets for dedicated servers' addresses (none private, reserved or multicast). */
const PUBLIC_FIRST_OCTETS = [23, 45, 81, 145, 185];

/**
 * A dedicated server's address forms: as drawn, or only what the constructs
 * pass today (an IPv4 ssh.host, nothing else); with `publicFirst`, forms
 * that give the server a public dial address.
 */
function dedicatedForms(h: RawHost, constructsOnly: boolean, publicFirst: boolean): { ssh: SshForm; publicAddress: PublicForm; dial: DialForm } {
  let forms = constructsOnly
    ? { ssh: h.ssh === 'name' ? ('private-ip' as const) : h.ssh, publicAddress: 'none' as const, dial: 'none' as const }
    : { ssh: h.ssh, publicAddress: h.publicAddress, dial: h.dial };
  if (publicFirst) {
    const hasPublic = forms.dial === 'public-ip' || forms.dial === 'dns'
      || (forms.dial === 'none' && (forms.publicAddress === 'ip' || forms.publicAddress === 'ip32' || forms.ssh === 'public-ip'));
    if (!hasPublic) forms = forms.dial === 'private-ip' ? { ...forms, dial: 'public-ip' } : { ...forms, ssh: 'public-ip', publicAddress: 'none' };
  }
  return forms;
}

/** The Azure options a raw cluster asks for, as a user gives them. */
function azureOptions(c: RawCluster, vnet: string): NonNullable<ClusterSpec['options']> {
  const direct = c.peering === 'direct';
  return {
    location: c.location,
    vnetCidr: vnet,
    ...(direct ? { peering: 'direct' as const } : {}),
    ...(!direct && c.natGateway ? { natGateway: { publicIpCount: 1 } } : {}),
    ...(c.sshNat ? { sshSourceCidr: '198.51.100.0/24' } : {}),
    ...(c.trustVnet ? { trustVnet: true } : {}),
  };
}

export interface GenerateOptions {
  /**
   * Dedicated hosts only use what the constructs pass to the planner today
   * (an IPv4 `ssh.host`, the cluster's `dnsName`), so that a synthesized stack
   * plans exactly like the generated spec.
   * @default false
   */
  readonly constructsOnly?: boolean;
}

export function toGenerated(raw: RawNetwork, options: GenerateOptions = {}): GeneratedNetwork {
  const hostCount = raw.clusters.reduce((n, c) => n + c.hosts.length, 0);

  // Bridge range: /16 up to the tightest block that still fits every host, in 10.0.0.0/8.
  const tight = tightestPrefix(hostCount);
  const bridgePrefix =
    raw.bridgePrefixPick % 3 === 0 ? tight : 16 + (Math.floor(raw.bridgePrefixPick / 3) % (tight - 15));
  const bridgeNetwork = blockIn10(bridgePrefix, raw.bridgeBlockPick);
  const bridgeSize = 2 ** (32 - bridgePrefix);

  // IPAM range: /12 to /24 in 10.0.0.0/8, moved to the other half of the /8 on overlap.
  // (Both blocks are at most a /9, so each lies within one half.)
  let ipallocNetwork = blockIn10(raw.ipallocPrefix, raw.ipallocBlockPick);
  const ipallocSize = 2 ** (32 - raw.ipallocPrefix);
  if (ipallocNetwork <= bridgeNetwork + bridgeSize - 1 && bridgeNetwork <= ipallocNetwork + ipallocSize - 1) {
    ipallocNetwork = ipallocNetwork >= TEN + 2 ** 23 ? ipallocNetwork - 2 ** 23 : ipallocNetwork + 2 ** 23;
  }

  // Cluster names / DNS labels, unique within the network.
  const labels = new Set<string>();
  const clusterNames = raw.clusters.map((c, i) => {
    let label = c.label;
    for (let k = 0; labels.has(label); k++) label = `${c.label}-${i}${k ? `x${k}` : ''}`;
    labels.add(label);
    return label;
  });
  const dnsNames = raw.clusters.map((c, i) => {
    if (c.kind === 'azure') return c.peering === 'direct' ? undefined : `${clusterNames[i]}.${c.location}.cloudapp.azure.com`;
    return c.dedicatedHasDns ? `${clusterNames[i]}.${c.dedicatedDns}` : undefined;
  });

  // Bootstrap membership: per-cluster pins (at least one bootstrap host in
  // all), or a prefix of the declaration order.
  const b = raw.bootstrap;
  let clusterPins: (number | undefined)[] | undefined;
  let bootstrapFlags: boolean[];
  let bootstrapSize: number | undefined;
  if (b.kind === 'clusters') {
    clusterPins = raw.clusters.map((c) => (c.bootstrapPick === undefined ? undefined : c.bootstrapPick % (c.hosts.length + 1)));
    // Once any cluster pins, an unpinned cluster counts as added after
    // bootstrap (0 bootstrap hosts); keep at least one bootstrap host.
    const anyPinned = clusterPins.some((p) => p !== undefined);
    if (anyPinned && clusterPins.every((p) => (p ?? 0) === 0)) clusterPins[0] = 1;
    bootstrapFlags = raw.clusters.flatMap((c, ci) => c.hosts.map((_, i) => i < (anyPinned ? clusterPins![ci] ?? 0 : c.hosts.length)));
    bootstrapSize = b.withSize ? bootstrapFlags.filter(Boolean).length : undefined;
  } else {
    bootstrapSize =
      b.kind === 'default' ? undefined : b.kind === 'one' ? 1 : b.kind === 'all' ? hostCount : 1 + (b.at % hostCount);
    const n = bootstrapSize ?? hostCount;
    bootstrapFlags = Array.from({ length: hostCount }, (_, i) => i < n);
  }

  // Host names, unique across the network and never equal to a cluster DNS name.
  const taken = new Set<string>(dnsNames.filter((d): d is string => d !== undefined));
  const usable = bridgeSize - 2;
  const pinnedOffsets = new Set<number>();
  const pinned = new Map<string, string>();
  const sshHosts = new Map<string, string>();
  const constructsOnly = options.constructsOnly ?? false;
  // DNS labels per region: the load-balanced clusters' own, then the direct-peering VMs'.
  const claimed = new Set<string>(raw.clusters.flatMap((c, ci) => (c.kind === 'azure' && c.peering !== 'direct' ? [`${clusterNames[ci]}.${c.location}`] : [])));
  let index = 0;
  const clusters: ClusterSpec[] = raw.clusters.map((c, ci) => {
    const clusterPath = `${NETWORK_PATH}/${clusterNames[ci]}`;
    // The first cluster is what every later cluster dials, and its first
    // server is what its other servers dial: without a dnsName that server
    // needs a public address, so give it one (the planner refuses otherwise,
    // and the validation tests cover that refusal).
    const needsPublicFirst = ci === 0 && c.kind === 'dedicated' && !dnsNames[0] && (raw.clusters.length > 1 || c.hosts.length > 1);
    const hosts: HostSpec[] = c.hosts.map((h, hi) => {
      const i = index++;
      let name = /^\d+$/.test(h.stem) ? `h${h.stem}` : h.stem;
      for (let k = 0; taken.has(name); k++) name = withSuffix(h.stem, `-${i}${k ? `x${k}` : ''}`);
      taken.add(name);
      let bridgeAddress: string | undefined;
      if (h.pin) {
        // Offsets 1 … usable: never the network (0) or broadcast (size - 1) address.
        let offset = 1 + (h.pin.at % usable);
        while (pinnedOffsets.has(offset)) offset = (offset % usable) + 1;
        pinnedOffsets.add(offset);
        bridgeAddress = ipText(bridgeNetwork + offset) + (h.pin.withPrefix ? `/${bridgePrefix}` : '');
        pinned.set(name, bridgeAddress);
      }
      const spec: HostSpec = { path: `${clusterPath}/${name}`, name, bridgeAddress };
      if (c.kind === 'azure' && c.peering === 'direct') {
        // Its own public IP's label: derived unless too long or already claimed in the region.
        const derived = `${clusterNames[ci]}-${name.replace(/\./g, '-')}`;
        let label = derived;
        for (let k = 0; label.length > 63 || claimed.has(`${label}.${c.location}`); k++) label = `${clusterNames[ci]}-h${i}${k ? `x${k}` : ''}`;
        claimed.add(`${label}.${c.location}`);
        return label === derived ? spec : { ...spec, options: { dnsLabel: label } };
      }
      if (c.kind !== 'dedicated') return spec;
      let forms = dedicatedForms(h, constructsOnly, needsPublicFirst && hi === 0);
      // Addresses unique per host and form: the host index fills the middle octets.
      const publicIp = (form: number) => `${PUBLIC_FIRST_OCTETS[h.octetPick % PUBLIC_FIRST_OCTETS.length]}.${(i >>> 8) & 255}.${i & 255}.${10 + form}`;
      const privateIp = (form: number) => `192.168.${(i >>> 6) & 255}.${((i & 63) << 2) + form}`;
      const sshHost = forms.ssh === 'public-ip' ? publicIp(0) : forms.ssh === 'private-ip' ? privateIp(0) : `${name.split('.')[0]}-ssh`;
      sshHosts.set(name, sshHost);
      // Azure NSGs admit dedicated servers by the public IPv4 address their
      // traffic arrives from: with an Azure cluster in the network, a server
      // known only by name or by a private address needs one.
      const hasAzure = raw.clusters.some((x) => x.kind === 'azure');
      if (hasAzure && forms.publicAddress === 'none' && forms.dial !== 'public-ip' && forms.ssh !== 'public-ip') {
        forms = { ...forms, publicAddress: 'ip' };
      }
      const publicAddress =
        forms.publicAddress === 'ip' ? publicIp(1) : forms.publicAddress === 'ip32' ? `${publicIp(1)}/32` : forms.publicAddress === 'block' ? `${publicIp(0).replace(/\.\d+$/, '.0')}/24` : undefined;
      let dialAddress: string | undefined;
      if (forms.dial === 'public-ip') dialAddress = publicIp(2);
      else if (forms.dial === 'private-ip') dialAddress = privateIp(2);
      else if (forms.dial === 'dns') {
        dialAddress = `${name.split('.')[0]}.dial-${i}.${c.dedicatedDns}`;
        taken.add(dialAddress);
      }
      return {
        ...spec,
        sshHost,
        ...(publicAddress !== undefined ? { publicAddress } : {}),
        ...(dialAddress !== undefined ? { dialAddress } : {}),
      };
    });
    const azure = c.kind === 'azure';
    const bootstrapHosts = clusterPins ? clusterPins[ci] : undefined;
    const vnet = `172.${16 + ((c.vnetPick >>> 8) % 16)}.${c.vnetPick & 255}.0/24`;
    return {
      path: clusterPath,
      name: clusterNames[ci],
      kind: c.kind,
      dnsName: dnsNames[ci],
      dnsLabel: azure ? clusterNames[ci] : undefined,
      vnetCidr: azure ? vnet : undefined,
      location: azure ? c.location : undefined,
      hasProvider: azure,
      ...(bootstrapHosts !== undefined ? { bootstrapHosts } : {}),
      ...(azure ? { options: azureOptions(c, vnet) } : {}),
      hosts,
    };
  });

  const spec: NetworkSpec = {
    path: NETWORK_PATH,
    ipallocRange: `${ipText(ipallocNetwork)}/${raw.ipallocPrefix}`,
    bridgeRange: `${ipText(bridgeNetwork)}/${bridgePrefix}`,
    dnsDomain: raw.dnsDomain,
    release: DEFAULT_RELEASE,
    bootstrapSize,
    wantedBy: raw.wantedBy,
    proxy: raw.proxy,
    plugin: raw.plugin,
    // Past Weave's default of 200 the planner insists on a limit; leave room for growth.
    ...(raw.connLimit || hostCount > 201 ? { connLimit: hostCount + 49 } : {}),
    ...(raw.mtu !== 'none' ? { mtu: raw.mtu } : {}),
    ...(raw.extraArgs ? { extraLaunchArgs: ['--log-level=debug'] } : {}),
    clusters,
  };

  // Sample: the first and the last host, the first Azure and the first
  // dedicated host, and up to three random ones.
  const kinds = clusters.flatMap((c) => c.hosts.map(() => c.kind));
  const sample = new Set<number>([0, hostCount - 1]);
  const firstDedicated = kinds.indexOf('dedicated');
  const firstAzure = kinds.indexOf('azure');
  if (firstDedicated >= 0) sample.add(firstDedicated);
  if (firstAzure >= 0) sample.add(firstAzure);
  for (const p of raw.samplePicks) sample.add(p % hostCount);

  const generated: GeneratedNetwork = {
    spec,
    hostCount,
    pinned,
    sshHosts,
    constructsOnly,
    azureBootFormat: raw.azureBootFormat,
    bootstrapFlags,
    sample: [...sample].sort((x, y) => x - y),
  };
  Object.defineProperty(generated, fc.toStringMethod, { value: () => describeNetwork(generated) });
  return generated;
}

/**
 * Shrinks a raw network to at most `maxHosts` hosts for the synth property:
 * every cluster keeps its first `floor(maxHosts / clusters)` hosts (at least
 * one), and clusters beyond `maxHosts` are dropped.
 */
export function capHosts(raw: RawNetwork, maxHosts: number): RawNetwork {
  const clusters = raw.clusters.slice(0, maxHosts);
  const perCluster = Math.max(1, Math.floor(maxHosts / clusters.length));
  return { ...raw, clusters: clusters.map((c) => ({ ...c, hosts: c.hosts.slice(0, perCluster) })) };
}

/**
 * How fast-check prints a counterexample: a summary line per cluster, and the
 * full spec only when it is small (a shrunk one usually is). The seed and
 * path fast-check prints alongside replay any of them exactly.
 */
export function describeNetwork(gen: GeneratedNetwork): string {
  const s = gen.spec;
  const clusters = s.clusters.map((c) =>
    `${c.kind} ${c.name} x${c.hosts.length}${c.bootstrapHosts !== undefined ? ` bootstrapHosts=${c.bootstrapHosts}` : ''}${c.dnsName ? ` dns=${c.dnsName}` : ''}`);
  const head = `${gen.hostCount} hosts; bridge ${s.bridgeRange}, ipalloc ${s.ipallocRange}, bootstrapSize ${s.bootstrapSize ?? '(default)'}, ` +
    `${gen.pinned.size} pinned, azure boot ${gen.azureBootFormat}, sample ${JSON.stringify(gen.sample)}`;
  const full = gen.hostCount <= 40 ? `\nspec: ${JSON.stringify(s)}` : '';
  return `GeneratedNetwork(${head}\n  ${clusters.join('\n  ')}${full})`;
}

export const generatedNetwork: fc.Arbitrary<GeneratedNetwork> = rawNetwork.map(toGenerated);
