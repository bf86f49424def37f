// Checkers for the property tests. Each returns a list of violations (empty
// when the property holds) instead of throwing, so the sanity tests can show
// that every checker rejects a broken input.
import { weaveBootDocument as buildBootConfig, renderEnv, renderUserData } from '../../lib/core/boot/weave';
import { SHARED_ENV_PATH } from '../../lib/core/defaults';
import { HostPlan, NetworkPlan } from '../../lib/core/plan/plan';
import { RenderedBoot, renderBoot } from '../../lib/core/render';
import { ClusterSpec, HostSpec, NetworkSpec } from '../../lib/core/declare/network';
import { fillSecrets } from '../../lib/core/render/rendered';
import { AzureBootFormat, ipText, ipValue } from './random-network';
import { vmToVmDependencies } from './synth';

export interface PeerNode {
  readonly name: string;
  readonly peers: readonly string[];
}

/**
 * Host indexes not reachable from `root` when every edge is treated as a
 * bidirectional connection (weave connections are).
 */
export function unreachableFrom(root: number, nodeCount: number, edges: readonly (readonly [number, number])[]): number[] {
  const adjacent: number[][] = Array.from({ length: nodeCount }, () => []);
  for (const [a, b] of edges) {
    adjacent[a].push(b);
    adjacent[b].push(a);
  }
  const seen = new Uint8Array(nodeCount);
  const queue = [root];
  seen[root] = 1;
  for (let q = 0; q < queue.length; q++) {
    for (const next of adjacent[queue[q]]) {
      if (!seen[next]) {
        seen[next] = 1;
        queue.push(next);
      }
    }
  }
  const out: number[] = [];
  for (let i = 0; i < nodeCount; i++) if (!seen[i]) out.push(i);
  return out;
}

/**
 * The peer graph: host → the host it dials. A DNS name in `dnsTargets`
 * resolves to the host index it maps to (the first cluster's name → host 0);
 * any other peer must be a host name. Checks that the directed graph is a
 * tree rooted at host 0 (host 0 dials nobody, every other host dials exactly
 * one host declared before it) and, independently, that the undirected
 * graph reaches every host from host 0.
 */
export function checkPeerGraph(hosts: readonly PeerNode[], dnsTargets: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  const byName = new Map<string, number>();
  hosts.forEach((h, i) => byName.set(h.name, i));
  const edges: [number, number][] = [];
  hosts.forEach((h, i) => {
    const targets: number[] = [];
    for (const peer of h.peers) {
      const viaDns = dnsTargets.get(peer);
      const viaName = byName.get(peer);
      if (viaDns !== undefined && viaName !== undefined && viaDns !== viaName) {
        out.push(`host ${i} (${h.name}) dials ${peer}, which is both a DNS name and another host's name`);
      }
      const target = viaDns ?? viaName;
      if (target === undefined) {
        out.push(`host ${i} (${h.name}) dials ${JSON.stringify(peer)}, which is neither a known DNS name nor a host`);
        continue;
      }
      targets.push(target);
      edges.push([i, target]);
    }
    if (i === 0) {
      if (h.peers.length !== 0) out.push(`host 0 (${h.name}) should dial nobody, dials ${JSON.stringify(h.peers)}`);
    } else if (h.peers.length !== 1) {
      out.push(`host ${i} (${h.name}) should dial exactly one peer, dials ${JSON.stringify(h.peers)}`);
    } else if (targets.length === 1 && !(targets[0] < i)) {
      out.push(`host ${i} (${h.name}) dials ${h.peers[0]} (host ${targets[0]}), which is not declared before it`);
    }
  });
  if (hosts.length > 0) {
    const lost = unreachableFrom(0, hosts.length, edges);
    if (lost.length) {
      out.push(`${lost.length} host(s) unreachable from host 0, e.g. ${lost.slice(0, 5).map((i) => hosts[i].name).join(', ')}`);
    }
  }
  return out;
}

// --- the reachability model, written from docs/reachability.md ---------------
//
// Independent of lib/core/reach.ts and peers.ts: its own address
// classification and its own reading of what each declared name or address
// leads to, taken from the declaration (the spec), never from the planner's
// PeerDial metadata (which it checks instead).

const PRIVATE_BLOCKS = ([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16], ['100.64.0.0', 10], ['169.254.0.0', 16], ['198.18.0.0', 15]] as const)
  .map(([a, prefix]) => [ipValue(a)!, prefix] as const);

/** `public`, `private` or `unusable`, for a dotted quad; undefined when the text is not one. */
export function addressScope(text: string): 'public' | 'private' | 'unusable' | undefined {
  const v = ipValue(text);
  if (v === undefined) return undefined;
  const first = Math.floor(v / 2 ** 24);
  if (first === 0 || first === 127 || first >= 224) return 'unusable';
  for (const [net, prefix] of PRIVATE_BLOCKS) {
    if (Math.floor(v / 2 ** (32 - prefix)) === Math.floor(net / 2 ** (32 - prefix))) return 'private';
  }
  return 'public';
}

/** A name public resolvers could answer: two or more LDH labels, a non-numeric last label, no special-use suffix. */
export function isPublicName(name: string): boolean {
  const labels = name.replace(/\.$/, '').split('.');
  return labels.length >= 2
    && labels.every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l))
    && !/^\d+$/.test(labels[labels.length - 1])
    && !['local', 'localhost', 'test', 'invalid', 'example', 'onion', 'internal'].includes(labels[labels.length - 1].toLowerCase())
    && !/\.home\.arpa$/i.test(name.replace(/\.$/, ''));
}

/**
 * A direct-peering Azure VM's public name, by the documented rule
 * (docs/peering.md): its own dnsLabel, else `<cluster dnsLabel>-<host name>`
 * with the name's dots as hyphens, under `<region>.cloudapp.azure.com`.
 */
export function directVmName(c: ClusterSpec, h: HostSpec): string | undefined {
  if (c.kind !== 'azure' || c.options?.peering !== 'direct' || !c.location) return undefined;
  const label = h.options?.dnsLabel ?? (c.dnsLabel ? `${c.dnsLabel}-${h.name.split('.').join('-')}` : undefined);
  return label && `${label}.${c.location.toLowerCase().replace(/\s+/g, '')}.cloudapp.azure.com`;
}

/** The address a dedicated host is dialed at, by the documented rule: dialAddress, else a public IPv4 publicAddress (or /32), else a public IPv4 ssh.host. */
export function documentedDialAddress(h: HostSpec): string | undefined {
  if (h.dialAddress !== undefined) return h.dialAddress;
  const pub = h.publicAddress?.replace(/\/32$/, '');
  if (pub !== undefined && addressScope(pub) === 'public') return pub;
  if (h.sshHost !== undefined && addressScope(h.sshHost) === 'public') return h.sshHost;
  return undefined;
}

interface Landing {
  /** Hosts (global indexes) the address may lead to; more than one for a load balancer. */
  readonly hosts: readonly number[];
  /** Whether the dialer can reach it, and if not why. */
  readonly why?: string;
}

/**
 * What a peer address leads to when a host dials it, under the model: an
 * Azure cluster's FQDN → any host of the cluster (load balancer); a dedicated
 * cluster's dnsName → its first server; a host's declared IPv4 address or
 * dial name → that host (a private address only from its own cluster); an
 * Azure VM name → that VM, only from an Azure host of the same cluster.
 * Anything else is unreachable. Built once per spec; `(from, peer)` lookups.
 */
export function landings(spec: NetworkSpec): (from: number, peer: string) => Landing {
  const hosts: { h: HostSpec; cluster: number; kind: ClusterSpec['kind'] }[] = [];
  spec.clusters.forEach((c, ci) => c.hosts.forEach((h) => hosts.push({ h, cluster: ci, kind: c.kind })));
  /** Each answer depends on the dialer: (cluster, kind) → Landing. */
  type Answer = (cluster: number, kind: ClusterSpec['kind']) => Landing;
  const byName = new Map<string, Answer[]>();
  const add = (name: string, a: Answer) => byName.set(name, [...(byName.get(name) ?? []), a]);
  const scoped = (address: string, owner: number, ownerCluster: number): Answer => {
    const scope = addressScope(address);
    return (cluster) => ({
      hosts: [owner],
      why: scope === 'public' || (scope === 'private' && cluster === ownerCluster) ? undefined : `a ${scope} address of cluster ${ownerCluster}`,
    });
  };
  let index = 0;
  spec.clusters.forEach((c, ci) => {
    const first = index;
    const members = c.hosts.map((_, k) => first + k);
    if (c.kind === 'azure' && c.dnsLabel && c.location) {
      add(`${c.dnsLabel}.${c.location.toLowerCase().replace(/\s+/g, '')}.cloudapp.azure.com`, () => ({ hosts: members }));
    }
    if (c.kind === 'dedicated' && c.dnsName !== undefined && c.hosts.length > 0) {
      const name = c.dnsName;
      add(name, addressScope(name) !== undefined ? scoped(name, first, ci)
        : () => ({ hosts: [first], why: isPublicName(name) ? undefined : 'a dedicated cluster name that public DNS does not answer' }));
    }
    c.hosts.forEach((h, k) => {
      const i = first + k;
      if (c.kind === 'azure') {
        add(h.name, (cluster, kind) => ({ hosts: [i], why: kind === 'azure' && cluster === ci ? undefined : 'an Azure VM name outside the dialer\'s own VNet' }));
        // Direct peering: the VM's own public IP, by its public DNS name, from anywhere.
        const publicName = directVmName(c, h);
        if (publicName) add(publicName, () => ({ hosts: [i] }));
        return;
      }
      const declared = new Set([h.dialAddress, h.publicAddress?.replace(/\/32$/, ''), h.sshHost].filter((a): a is string => a !== undefined));
      for (const a of declared) {
        if (addressScope(a) !== undefined) add(a, scoped(a, i, ci));
        else if (a === h.dialAddress) add(a, () => ({ hosts: [i], why: isPublicName(a) ? undefined : 'a dial name that public DNS does not answer' }));
        else add(a, () => ({ hosts: [i], why: 'an SSH name, which only the machine running Terraform resolves' }));
      }
    });
    index += c.hosts.length;
  });
  return (from, peer) => {
    const answers = byName.get(peer) ?? [];
    if (answers.length === 0) return { hosts: [], why: 'nothing declared by that name or address' };
    if (answers.length > 1) return { hosts: [], why: `ambiguous: ${answers.length} declared things answer to it` };
    return answers[0](hosts[from].cluster, hosts[from].kind);
  };
}

/**
 * The reachability property: every host's every peer is reachable from that
 * host, and the dials connect every host to host 0. A dial through a load
 * balancer only counts once every host it may land on is connected, so the
 * result holds whichever host the balancer picks. Also checks that the
 * planner's own account of each dial (`dials`) agrees with the model.
 */
export function checkReachability(plan: NetworkPlan): string[] {
  const out: string[] = [];
  const spec = plan.spec;
  const landing = landings(spec);
  const targets: (readonly number[])[][] = plan.hosts.map((h, i) =>
    h.peers.map((peer, k) => {
      const l = landing(i, peer);
      if (l.why) out.push(`${h.name} cannot reach its peer ${JSON.stringify(peer)}: ${l.why}`);
      const d = h.dials[k];
      if (!d || d.address !== peer) {
        out.push(`${h.name}: dials[${k}] is ${JSON.stringify(d)}, peer is ${peer}`);
      } else if (l.hosts.length > 0) {
        const said = d.host !== undefined ? [d.host] : plan.hosts.flatMap((x) => (x.clusterIndex === d.cluster ? [x.index] : []));
        if (JSON.stringify(said) !== JSON.stringify(l.hosts)) out.push(`${h.name}: the plan says ${peer} leads to hosts ${JSON.stringify(said)}, the model says ${JSON.stringify(l.hosts)}`);
      }
      return l.why ? [] : l.hosts;
    }),
  );
  if (plan.hosts.length === 0) return out;
  const connected = plan.hosts.map((_, i) => i === 0);
  for (let changed = true; changed; ) {
    changed = false;
    targets.forEach((peers, i) => {
      for (const lands of peers) {
        // i dialed lands: if every landing host is connected, so is i; if i is
        // connected and the dial leads to exactly one host, that host is too.
        if (!connected[i] && lands.length > 0 && lands.every((t) => connected[t])) connected[i] = changed = true;
        if (connected[i] && lands.length === 1 && !connected[lands[0]]) connected[lands[0]] = changed = true;
      }
    });
  }
  const lost = plan.hosts.filter((_, i) => !connected[i]).map((h) => h.name);
  if (lost.length) out.push(`${lost.length} host(s) not connected to ${plan.hosts[0].name}, e.g. ${lost.slice(0, 5).join(', ')}`);
  return out;
}

/**
 * The peer-graph check for a plan: every declared address stands for the
 * host it belongs to, an Azure cluster's DNS name for the cluster's first host.
 */
export function checkPlanPeers(plan: NetworkPlan): string[] {
  const dns = new Map<string, number>();
  let index = 0;
  for (const c of plan.spec.clusters) {
    const first = index;
    if (c.dnsName) dns.set(c.dnsName, first);
    for (const h of c.hosts) {
      const publicName = directVmName(c, h);
      if (publicName) dns.set(publicName, index);
      if (c.kind === 'dedicated') {
        for (const a of [h.dialAddress, h.publicAddress?.replace(/\/32$/, ''), h.sshHost]) if (a !== undefined) dns.set(a, index);
      }
      index++;
    }
  }
  return checkPeerGraph(plan.hosts, dns);
}

/**
 * The exact dialing rule of docs/reachability.md, not just "some tree": the
 * first host of the first cluster dials nobody; the first host of every later
 * cluster dials the first cluster's entry (its dnsName, else its first
 * server's dial address, or with direct peering its first VM's public
 * name); a later host of an Azure cluster dials its first
 * host by name; a later server of a dedicated cluster dials its first
 * server's dial address, else the cluster's dnsName, else the entry.
 */
export function checkDialingRule(plan: NetworkPlan): string[] {
  const problems: string[] = [];
  const clusters = plan.spec.clusters;
  const first = clusters[0];
  const entry = first && (first.dnsName ?? (first.kind === 'dedicated' && first.hosts[0] ? documentedDialAddress(first.hosts[0])
    : first.hosts[0] ? directVmName(first, first.hosts[0]) : undefined));
  for (const h of plan.hosts) {
    const c = clusters[h.clusterIndex];
    let expected: (string | undefined)[];
    if (h.indexInCluster === 0) expected = h.clusterIndex === 0 ? [] : [entry];
    else if (c.kind === 'azure') expected = [c.hosts[0].name];
    else expected = [documentedDialAddress(c.hosts[0]) ?? c.dnsName ?? entry];
    if (JSON.stringify(h.peers) !== JSON.stringify(expected)) {
      problems.push(`${h.name} dials ${JSON.stringify(h.peers)}, expected ${JSON.stringify(expected)}`);
    }
  }
  return problems;
}

/** The first `n` of `hostCount` hosts: bootstrap membership when no cluster pins its own. */
export function firstHosts(n: number, hostCount: number): boolean[] {
  return Array.from({ length: hostCount }, (_, i) => i < n);
}

/**
 * Every bootstrap host is a consensus peer of N = the number of bootstrap
 * hosts, in its plan and in its launch arguments; every other host is an
 * observer.
 */
export function checkIpalloc(plan: NetworkPlan, bootstrapFlags: readonly boolean[]): string[] {
  const out: string[] = [];
  const n = bootstrapFlags.filter(Boolean).length;
  if (plan.consensus !== n) out.push(`plan.consensus is ${plan.consensus}, expected ${n}`);
  if (plan.hosts.length !== bootstrapFlags.length) out.push(`plan has ${plan.hosts.length} hosts, expected ${bootstrapFlags.length}`);
  plan.hosts.forEach((h, i) => {
    const bootstrap = bootstrapFlags[i];
    const want = bootstrap ? `consensus=${n}` : 'observer';
    if (h.ipallocInit !== want) out.push(`host ${i} (${h.name}) has ipallocInit ${h.ipallocInit}, expected ${want}`);
    if (h.bootstrap !== bootstrap) out.push(`host ${i} (${h.name}) has bootstrap=${h.bootstrap}, expected ${bootstrap}`);
    const flags = h.launchArgs.flatMap((a, k) => (a === '--ipalloc-init' ? [h.launchArgs[k + 1]] : []));
    if (flags.length !== 1 || flags[0] !== want) {
      out.push(`host ${i} (${h.name}) launches with --ipalloc-init ${JSON.stringify(flags)}, expected [${want}]`);
    }
  });
  return out;
}

/**
 * Bridge addresses: `a.b.c.d/<range prefix>`, inside the range, never its
 * network or broadcast address, unique, pinned ones as pinned, and the
 * others the lowest free addresses, handed out to bootstrap hosts first and
 * then to late joiners, each in declaration order.
 */
export function checkBridgeAddresses(
  plan: NetworkPlan,
  pinned: ReadonlyMap<string, string>,
  bootstrapFlags: readonly boolean[],
): string[] {
  const out: string[] = [];
  const [rangeIp, rangePrefixText] = plan.spec.bridgeRange.split('/');
  const prefix = Number(rangePrefixText);
  const network = ipValue(rangeIp)!;
  const broadcast = network + 2 ** (32 - prefix) - 1;
  const owners = new Map<number, string>();
  const pinnedValues = new Set<number>();
  for (const given of pinned.values()) pinnedValues.add(ipValue(given.split('/')[0])!);
  const unpinned: { ip: number; index: number }[] = [];
  for (const h of plan.hosts) {
    const m = /^([0-9.]+)\/(\d+)$/.exec(h.bridgeAddress ?? '');
    const ip = m ? ipValue(m[1]) : undefined;
    if (!m || ip === undefined) {
      out.push(`${h.name}: bridge address ${JSON.stringify(h.bridgeAddress)} is not a.b.c.d/n`);
      continue;
    }
    if (Number(m[2]) !== prefix) out.push(`${h.name}: bridge address ${h.bridgeAddress} does not carry the range prefix /${prefix}`);
    if (ip < network || ip > broadcast) out.push(`${h.name}: bridge address ${h.bridgeAddress} is outside ${plan.spec.bridgeRange}`);
    if (ip === network) out.push(`${h.name}: bridge address ${h.bridgeAddress} is the network address`);
    if (ip === broadcast) out.push(`${h.name}: bridge address ${h.bridgeAddress} is the broadcast address`);
    const owner = owners.get(ip);
    if (owner !== undefined) out.push(`${h.name}: bridge address ${h.bridgeAddress} is also ${owner}'s`);
    owners.set(ip, h.name);
    const pin = pinned.get(h.name);
    if (pin !== undefined) {
      if (ip !== ipValue(pin.split('/')[0])) out.push(`${h.name}: pinned ${pin}, got ${h.bridgeAddress}`);
    } else {
      unpinned.push({ ip, index: h.index });
    }
  }
  // Next-free allocation: the unpinned hosts get the lowest addresses not
  // pinned by anyone, bootstrap hosts first, each group in declaration order.
  const order = [...unpinned].sort(
    (a, b) => Number(bootstrapFlags[b.index]) - Number(bootstrapFlags[a.index]) || a.index - b.index,
  );
  let expected = network + 1;
  for (const u of order) {
    while (pinnedValues.has(expected)) expected++;
    if (u.ip !== expected) {
      const h = plan.hosts[u.index];
      out.push(`${h.name} (host ${u.index}, ${bootstrapFlags[u.index] ? 'bootstrap' : 'late joiner'}) got ${ipText(u.ip)}, the next free address is ${ipText(expected)}`);
      break;
    }
    expected++;
  }
  return out;
}

/** Host names unique and in declaration order. */
export function checkHostNames(plan: NetworkPlan): string[] {
  const out: string[] = [];
  const declared = plan.spec.clusters.flatMap((c) => c.hosts.map((h) => h.name));
  const seen = new Set<string>();
  for (const h of plan.hosts) {
    if (seen.has(h.name)) out.push(`host name ${h.name} is used twice`);
    seen.add(h.name);
  }
  if (plan.hosts.length !== declared.length || plan.hosts.some((h, i) => h.name !== declared[i] || h.index !== i)) {
    out.push('plan hosts are not the declared hosts in declaration order');
  }
  return out;
}

/** Every host's env file is named after it and holds its own settings. */
export function checkHostEnv(plan: NetworkPlan): string[] {
  const out: string[] = [];
  for (const h of plan.hosts) {
    if (h.hostEnvPath !== `/etc/weave.${h.name}.env`) out.push(`${h.name}: env file is ${h.hostEnvPath}`);
    if (h.sharedEnvPath !== SHARED_ENV_PATH) out.push(`${h.name}: shared env file is ${h.sharedEnvPath}`);
    const env = new Map(h.hostEnv);
    if (env.get('WEAVE_PEERS') !== h.peers.join(' ')) out.push(`${h.name}: WEAVE_PEERS is ${env.get('WEAVE_PEERS')}, peers are ${h.peers.join(' ')}`);
    if (env.get('WEAVE_IPALLOC_INIT') !== h.ipallocInit) out.push(`${h.name}: WEAVE_IPALLOC_INIT disagrees with ipallocInit`);
    if (env.get('WEAVE_BRIDGE_ADDRESS') !== h.bridgeAddress) out.push(`${h.name}: WEAVE_BRIDGE_ADDRESS disagrees with bridgeAddress`);
  }
  return out;
}

/**
 * Strings that must be plain text: a `${` would be a Terraform expression,
 * unless it is a shell or systemd expansion of an upper-case variable
 * (`${WEAVE_VERSION:-2.9.0}`, `${HOME}`), which the library's own scripts use.
 */
export function terraformRefs(where: string, texts: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    const at = t.search(/\$\{(?![A-Z_][A-Z0-9_]*[:}])/);
    if (at >= 0) out.push(`${where}: contains a Terraform expression near ${JSON.stringify(t.slice(Math.max(0, at - 20), at + 40))}`);
  }
  return out;
}

/** The per-host values every VM's boot data is made of, checked for every host. */
export function checkHostDataPlain(plan: NetworkPlan): string[] {
  const out: string[] = [];
  for (const h of plan.hosts) {
    const userData = renderUserData(h);
    out.push(...terraformRefs(`${h.name} user data`, [userData, ...h.peers, ...h.launchArgs, h.bridgeAddress]));
    if (!userData.endsWith(renderEnv(h.hostEnv))) out.push(`${h.name}: user data does not end with its env file`);
  }
  return out;
}

/** How WeaveNetwork renders one host: Azure VMs in the network's format, dedicated hosts as a script. */
export function renderHost(plan: NetworkPlan, host: HostPlan, azureFormat: AzureBootFormat): RenderedBoot {
  const azure = host.kind === 'azure';
  const format = azure ? azureFormat : 'script';
  const source = azure && format === 'cloud-config' ? 'azure-imds' : 'file';
  return renderBoot(buildBootConfig(plan, host, { hostEnvSource: source }), format);
}

const B64 = '[A-Za-z0-9+/=]';

/**
 * Every text a rendered document carries: the document itself, its secret
 * slots' fixed parts, and the decoded base64 payloads (script heredocs,
 * Ignition data URLs, cloud-config `encoding: b64` files).
 */
export function documentTexts(rendered: RenderedBoot): string[] {
  const filled = fillSecrets(rendered, 'password-for-tests');
  const payloads = [
    ...filled.matchAll(new RegExp(`<<'WEAVE_B64'\\n(${B64}*)\\nWEAVE_B64`, 'g')),
    ...filled.matchAll(new RegExp(`data:;base64,(${B64}*)`, 'g')),
    ...filled.matchAll(new RegExp(`encoding: b64\\n\\s*content: (${B64}+)`, 'g')),
  ].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
  return [rendered.text, ...rendered.slots.flatMap((s) => [s.content.before, s.content.after]), ...payloads];
}

/**
 * Env-file references in a host's boot document: its own path must appear,
 * and the only `/etc/weave.*` paths allowed are the shared file, its own
 * file and its own `.new` staging file, never another host's.
 */
export function checkEnvReferences(host: HostPlan, texts: readonly string[], otherHostNames: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const own = host.hostEnvPath;
  const allowed = new Set([SHARED_ENV_PATH, own, `${own}.new`]);
  let ownSeen = false;
  for (const t of texts) {
    for (const m of t.matchAll(/\/etc\/weave\.[A-Za-z0-9.-]*/g)) {
      const ref = m[0];
      if (ref === own) ownSeen = true;
      if (allowed.has(ref)) continue;
      const stem = ref.replace(/^\/etc\/weave\./, '').replace(/\.env(\.new)?$/, '');
      out.push(otherHostNames.has(stem) && stem !== host.name
        ? `${host.name}'s boot document references ${stem}'s env file ${ref}`
        : `${host.name}'s boot document references unexpected path ${ref}`);
    }
  }
  if (!ownSeen) out.push(`${host.name}'s boot document never references its own env file ${own}`);
  return out;
}

/** Render the sampled hosts and check their documents. */
export function checkSampledDocuments(plan: NetworkPlan, sample: readonly number[], azureFormat: AzureBootFormat): string[] {
  const out: string[] = [];
  const names = new Set(plan.hosts.map((h) => h.name));
  for (const i of sample) {
    const host = plan.hosts[i];
    const rendered = renderHost(plan, host, azureFormat);
    const texts = documentTexts(rendered);
    out.push(...checkEnvReferences(host, texts, names));
    out.push(...terraformRefs(`${host.name} boot document`, texts));
    // A host that writes its own env file writes exactly its own settings.
    const usesFile = host.kind === 'dedicated' || azureFormat === 'ignition';
    if (usesFile && !texts.some((t) => t === renderEnv(host.hostEnv))) {
      out.push(`${host.name}'s boot document does not carry its env file contents`);
    }
  }
  return out;
}

// --- synthesized JSON -------------------------------------------------------

export type SynthJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };

/**
 * The static document inside a synthesized boot-data expression
 * (`…base64decode("<base64>")…`, the password slots being the only other
 * parts), or the value itself when it is plain text.
 */
export function embeddedDocument(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /base64decode\("([A-Za-z0-9+/=]*)"\)/.exec(value);
  if (m) return Buffer.from(m[1], 'base64').toString('utf8');
  return value.includes('${') ? undefined : value;
}

/**
 * VMs that depend on another VM, by any path Terraform follows: expressions,
 * depends_on and replace_triggered_by, through locals, terraform_data and
 * data sources (support/synth.ts `dependencies`).
 */
export function vmToVmReferences(json: SynthJson): string[] {
  return vmToVmDependencies(json as Parameters<typeof vmToVmDependencies>[0]).map((d) => `${d.split(' → ')[0]} references ${d.split(' → ')[1]}`);
}

// --- SSH ports and router flags ---------------------------------------------

/** Whether an Azure cluster has SSH NAT rules: SSH admitted, and a load balancer to hold them. */
export function hasSshNat(c: ClusterSpec): boolean {
  return c.kind === 'azure' && c.options?.sshSourceCidr !== undefined && c.options?.peering !== 'direct';
}

/**
 * SSH ports of a first plan (no record): a host of a cluster with SSH NAT
 * rules has 50001 + its position in the cluster (what the library gave
 * before ports were recorded, so upgrading moves none); no other host has one.
 */
export function checkFirstSshPorts(plan: NetworkPlan): string[] {
  const out: string[] = [];
  for (const h of plan.hosts) {
    const c = plan.spec.clusters[h.clusterIndex];
    const want = hasSshNat(c) ? 50001 + h.indexInCluster : undefined;
    if (h.sshPort !== want) out.push(`${h.name}: SSH port ${h.sshPort}, expected ${want}`);
    if (plan.allocation.record.hosts[h.name]?.sshPort !== want) out.push(`${h.name}: recorded SSH port ${plan.allocation.record.hosts[h.name]?.sshPort}, expected ${want}`);
  }
  return out;
}

/**
 * SSH ports after a plan against a record: a host still in the cluster it
 * was recorded in keeps its recorded port; ports are unique within a
 * cluster, retired hosts' included, and in 50001-65534; a host of a cluster
 * with SSH NAT rules has one, and the plan shows only those.
 */
export function checkKeptSshPorts(before: NetworkPlan, after: NetworkPlan): string[] {
  const out: string[] = [];
  const prev = before.allocation.record;
  const next = after.allocation.record;
  for (const [name, e] of Object.entries(next.hosts)) {
    const was = prev.hosts[name] ?? prev.retired[name];
    if (was?.sshPort !== undefined && was.cluster === e.cluster && e.sshPort !== was.sshPort) out.push(`${name}: SSH port moved from ${was.sshPort} to ${e.sshPort}`);
  }
  const owners = new Map<string, string>();
  for (const [name, e] of [...Object.entries(next.hosts), ...Object.entries(next.retired)]) {
    if (e.sshPort === undefined) continue;
    if (e.sshPort < 50001 || e.sshPort > 65534) out.push(`${name}: SSH port ${e.sshPort} is outside 50001-65534`);
    const key = `${e.cluster}:${e.sshPort}`;
    if (owners.has(key)) out.push(`${name} and ${owners.get(key)} share SSH port ${e.sshPort} in ${e.cluster}`);
    owners.set(key, name);
  }
  for (const h of after.hosts) {
    const nat = hasSshNat(after.spec.clusters[h.clusterIndex]);
    if (nat && h.sshPort === undefined) out.push(`${h.name}: no SSH port, though its cluster has SSH NAT rules`);
    if (!nat && h.sshPort !== undefined) out.push(`${h.name}: SSH port ${h.sshPort} shown, though its cluster has no SSH NAT rules`);
    if (h.sshPort !== undefined && h.sshPort !== next.hosts[h.name]?.sshPort) out.push(`${h.name}: the plan's SSH port ${h.sshPort} is not the recorded ${next.hosts[h.name]?.sshPort}`);
  }
  return out;
}

/**
 * Router flags, written from declare/weave.ts and docs/scale.md: the
 * connection limit on every host's launch line iff set, and covering the
 * mesh; `--trusted-subnets=<vnet>` iff the host's Azure cluster trusts its
 * VNet; extra flags as given; `WEAVE_MTU` in the shared env iff set.
 */
export function checkRouterFlags(plan: NetworkPlan): string[] {
  const out: string[] = [];
  const spec = plan.spec;
  if (spec.connLimit === undefined ? plan.hosts.length - 1 > 200 : plan.hosts.length - 1 > spec.connLimit) {
    out.push(`the mesh of ${plan.hosts.length} hosts exceeds the connection limit ${spec.connLimit ?? 200}, yet it was planned`);
  }
  const mtu = plan.sharedEnv.find(([k]) => k === 'WEAVE_MTU')?.[1];
  if (mtu !== (spec.mtu === undefined ? undefined : String(spec.mtu))) out.push(`WEAVE_MTU is ${mtu}, mtu is ${spec.mtu}`);
  for (const h of plan.hosts) {
    const c = spec.clusters[h.clusterIndex];
    const limits = h.launchArgs.filter((a) => a.startsWith('--conn-limit'));
    const wantLimit = spec.connLimit === undefined ? [] : [`--conn-limit=${spec.connLimit}`];
    if (JSON.stringify(limits) !== JSON.stringify(wantLimit)) out.push(`${h.name} launches with ${JSON.stringify(limits)}, expected ${JSON.stringify(wantLimit)}`);
    const trusted = h.launchArgs.filter((a) => a.startsWith('--trusted-subnets'));
    const wantTrusted = c.kind === 'azure' && c.options?.trustVnet ? [`--trusted-subnets=${c.options.vnetCidr ?? c.vnetCidr}`] : [];
    if (JSON.stringify(trusted) !== JSON.stringify(wantTrusted)) out.push(`${h.name} launches with ${JSON.stringify(trusted)}, expected ${JSON.stringify(wantTrusted)}`);
    for (const a of spec.extraLaunchArgs ?? []) if (!h.launchArgs.includes(a)) out.push(`${h.name} does not launch with ${a}`);
    // Everything before the IPAM mode is flags; the peers come last, untouched.
    const at = h.launchArgs.indexOf('--ipalloc-init');
    if (JSON.stringify(h.launchArgs.slice(at + 2)) !== JSON.stringify(h.peers)) out.push(`${h.name}'s launch line does not end with its peers`);
  }
  return out;
}
