// The allocation record: the rules one by one on the seed network, pins that
// contradict the record, corrupt files, the file format, frozen mode, and a
// property over random networks grown by random operations.
import fc from 'fast-check';
import { describeAllocationChanges, diffAllocation, frozenAllocationProblem } from '../lib/core/allocation/changes';
import { AllocationRecord, parseAllocationFile, serializeAllocationFile, withNetworkRecord } from '../lib/core/allocation/record';
import { Problem, WeaveConfigError, formatProblem } from '../lib/core/check/problems';
import { deriveNetwork as buildNetwork } from '../lib/core/derive/derive';
import { renderMermaid, topologyView } from '../lib/core/diagram/diagram';
import { NetworkPlan, planNetwork } from '../lib/core/plan/plan';
import { ClusterSpec, HostSpec, NetworkSpec } from '../lib/core/declare/network';
import { DEFAULT_RELEASE } from '../lib/core/defaults';
import { seedSpec } from './fixtures/seed-spec';
import {
  GrowthNames,
  applyGrowthOp,
  checkAnchoredPeers,
  checkGrowthStep,
  growthOps,
  prepareForGrowth,
  withoutBootstrapPins,
} from './support/growth-ops';
import { checkHostEnv, checkHostNames, checkKeptSshPorts } from './support/network-checks';
import { capHosts, rawNetwork, toGenerated } from './support/random-network';
import { checkRetirements } from './support/retirement-checks';

const CLUSTER01 = 'cluster-01.westeurope.cloudapp.azure.com';
const CLUSTER02 = 'cluster-02.westeurope.cloudapp.azure.com';

type Clusters = { -readonly [K in keyof ClusterSpec]: K extends 'hosts' ? HostSpec[] : ClusterSpec[K] }[];
/** The seed network with its clusters edited (copies, so the edit cannot leak). */
function seedWith(edit: (clusters: Clusters) => Clusters | void, overrides: Partial<NetworkSpec> = {}): NetworkSpec {
  const spec = seedSpec(overrides);
  const clusters = spec.clusters.map((c) => ({ ...c, hosts: [...c.hosts] })) as Clusters;
  return { ...spec, clusters: edit(clusters) ?? clusters };
}
const host = (cluster: string, name: string, extra: Partial<HostSpec> = {}): HostSpec => ({ path: `seed/weave/${cluster}/${name}`, name, ...extra });
const azureCluster = (name: string, hosts: HostSpec[]): Clusters[number] => ({
  path: `seed/weave/${name}`, name, kind: 'azure', hasProvider: true, location: 'westeurope',
  dnsLabel: name, dnsName: `${name}.westeurope.cloudapp.azure.com`, vnetCidr: '172.16.9.0/24', hosts,
});
const find = (cs: Clusters, name: string) => cs.find((c) => c.name === name)!;

/** The seed's first record, as the first synth writes it. */
const seedPlan = planNetwork(seedSpec());
const seedRecord = seedPlan.allocation.record;

/** Per host, everything a boot document is made of. */
const bootValues = (plan: NetworkPlan) =>
  Object.fromEntries(plan.hosts.map((h) => [h.name, { bridge: h.bridgeAddress, init: h.ipallocInit, bootstrap: h.bootstrap, peers: h.peers, env: h.hostEnv, args: h.launchArgs }]));

function problemsOf(fn: () => unknown): Problem[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof WeaveConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a WeaveConfigError, but planning succeeded');
}

describe('the first record (no record given)', () => {
  it('comes from today\'s order-based rules: consensus=5 and 10.1.0.1 … 10.1.0.5 for the seed', () => {
    expect(seedPlan.allocation.seeded).toBe(true);
    expect(seedPlan.consensus).toBe(5);
    expect(serializeAllocationFile(withNetworkRecord(undefined, 'weave-seed/weave', seedRecord))).toBe(`{
  "version": 1,
  "networks": {
    "weave-seed/weave": {
      "bridgeRange": "10.1.0.0/16",
      "consensus": 5,
      "root": "cluster-01",
      "anchors": {
        "cluster-01": "azure-prd-01",
        "cluster-02": "azure-prd-03",
        "cluster-03": "ded-prd-01"
      },
      "hosts": {
        "azure-prd-01": { "bridgeAddress": "10.1.0.1/16", "role": "bootstrap", "cluster": "cluster-01" },
        "azure-prd-02": { "bridgeAddress": "10.1.0.2/16", "role": "bootstrap", "cluster": "cluster-01" },
        "azure-prd-03": { "bridgeAddress": "10.1.0.3/16", "role": "bootstrap", "cluster": "cluster-02" },
        "azure-prd-04": { "bridgeAddress": "10.1.0.4/16", "role": "bootstrap", "cluster": "cluster-02" },
        "ded-prd-01": { "bridgeAddress": "10.1.0.5/16", "role": "bootstrap", "cluster": "cluster-03" }
      },
      "retired": {}
    }
  }
}
`);
  });

  it('lists every recorded value as a change, so frozen mode refuses a missing record', () => {
    expect(describeAllocationChanges(seedPlan.allocation.changes)).toEqual([
      'network: bridgeRange (none) -> 10.1.0.0/16; consensus (none) -> 5; root (none) -> cluster-01',
      'cluster cluster-01: anchor (none) -> azure-prd-01',
      'cluster cluster-02: anchor (none) -> azure-prd-03',
      'cluster cluster-03: anchor (none) -> ded-prd-01',
      'host azure-prd-01: new bootstrap at 10.1.0.1/16 in cluster-01',
      'host azure-prd-02: new bootstrap at 10.1.0.2/16 in cluster-01',
      'host azure-prd-03: new bootstrap at 10.1.0.3/16 in cluster-02',
      'host azure-prd-04: new bootstrap at 10.1.0.4/16 in cluster-02',
      'host ded-prd-01: new bootstrap at 10.1.0.5/16 in cluster-03',
    ]);
  });

  it('records bootstrapSize and bootstrapHosts pins as roles, which then hold without the pins', () => {
    const pinned = planNetwork(seedSpec({ bootstrapSize: 3 }));
    expect(pinned.allocation.record.consensus).toBe(3);
    const roles = Object.fromEntries(Object.entries(pinned.allocation.record.hosts).map(([n, e]) => [n, e.role]));
    expect(roles).toEqual({ 'azure-prd-01': 'bootstrap', 'azure-prd-02': 'bootstrap', 'azure-prd-03': 'bootstrap', 'azure-prd-04': 'observer', 'ded-prd-01': 'observer' });
    const unpinned = planNetwork(seedSpec(), { record: pinned.allocation.record });
    expect(bootValues(unpinned)).toEqual(bootValues(pinned));
    expect(unpinned.allocation.changes).toEqual([]);
    // Negative control: without the record, dropping the pin makes all five bootstrap hosts.
    expect(planNetwork(seedSpec()).hosts.map((h) => h.ipallocInit)).toEqual(Array(5).fill('consensus=5'));
  });

  it('re-planning with the record it produced changes nothing', () => {
    const again = planNetwork(seedSpec(), { record: seedRecord });
    expect(again.allocation.seeded).toBe(false);
    expect(again.allocation.changes).toEqual([]);
    expect(again.allocation.record).toEqual(seedRecord);
    expect(bootValues(again)).toEqual(bootValues(seedPlan));
  });
});

describe('what changes when you…', () => {
  interface Row {
    name: string;
    spec: NetworkSpec;
    /** Existing hosts whose peers may move (their dial target was removed), with the new peers. */
    peersMoved?: Record<string, string[]>;
    /** New hosts: [ipallocInit, bridge address, peers]. */
    added?: Record<string, [string, string, string[]]>;
    retired?: string[];
    review: string[];
  }
  const rows: Row[] = [
    {
      name: 'add a host at the front of cluster-01',
      spec: seedWith((cs) => { cs[0].hosts.unshift(host('cluster-01', 'azure-prd-00')); }),
      added: { 'azure-prd-00': ['observer', '10.1.0.6/16', ['azure-prd-01']] },
      review: ['host azure-prd-00: new observer at 10.1.0.6/16 in cluster-01'],
    },
    {
      name: 'add a host in the middle of cluster-02',
      spec: seedWith((cs) => { cs[1].hosts.splice(1, 0, host('cluster-02', 'azure-prd-03b')); }),
      added: { 'azure-prd-03b': ['observer', '10.1.0.6/16', ['azure-prd-03']] },
      review: ['host azure-prd-03b: new observer at 10.1.0.6/16 in cluster-02'],
    },
    {
      name: 'add a cluster before the first one',
      spec: seedWith((cs) => [azureCluster('cluster-00', [host('cluster-00', 'azure-prd-00')]), ...cs]),
      added: { 'azure-prd-00': ['observer', '10.1.0.6/16', [CLUSTER01]] },
      review: ['cluster cluster-00: anchor (none) -> azure-prd-00', 'host azure-prd-00: new observer at 10.1.0.6/16 in cluster-00'],
    },
    {
      name: 'add a second dedicated server and cluster-01\'s azure-prd-05 (the README walkthrough)',
      spec: seedWith((cs) => {
        cs[0].hosts.push(host('cluster-01', 'azure-prd-05'));
        find(cs, 'cluster-03').hosts.push(host('cluster-03', 'ded-prd-02', { sshHost: '203.0.113.11' }));
      }),
      added: { 'azure-prd-05': ['observer', '10.1.0.6/16', ['azure-prd-01']], 'ded-prd-02': ['observer', '10.1.0.7/16', ['203.0.113.10']] },
      review: ['host azure-prd-05: new observer at 10.1.0.6/16 in cluster-01', 'host ded-prd-02: new observer at 10.1.0.7/16 in cluster-03'],
    },
    {
      name: 'remove a host',
      spec: seedWith((cs) => { cs[0].hosts.splice(1, 1); }),
      retired: ['azure-prd-02'],
      review: ['host azure-prd-02: retired; its address stays held until released'],
    },
    {
      name: 'remove a host and add one: the newcomer does not get the retired address',
      spec: seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'azure-prd-05')); }),
      added: { 'azure-prd-05': ['observer', '10.1.0.6/16', ['azure-prd-01']] },
      retired: ['azure-prd-02'],
      review: ['host azure-prd-02: retired; its address stays held until released', 'host azure-prd-05: new observer at 10.1.0.6/16 in cluster-01'],
    },
    {
      name: 'remove the host the rest of its cluster dials (the documented peer change)',
      spec: seedWith((cs) => { cs[1].hosts.splice(0, 1); }),
      peersMoved: { 'azure-prd-04': [CLUSTER01] },
      retired: ['azure-prd-03'],
      review: ['cluster cluster-02: anchor azure-prd-03 -> azure-prd-04', 'host azure-prd-03: retired; its address stays held until released'],
    },
    {
      name: 'remove the first cluster (the root): the next declared becomes root',
      spec: seedWith((cs) => cs.slice(1)),
      peersMoved: { 'azure-prd-03': [], 'ded-prd-01': [CLUSTER02] },
      retired: ['azure-prd-01', 'azure-prd-02'],
      review: [
        'network: root cluster-01 -> cluster-02',
        'cluster cluster-01: anchor azure-prd-01 -> (none)',
        'host azure-prd-01: retired; its address stays held until released',
        'host azure-prd-02: retired; its address stays held until released',
      ],
    },
    {
      name: 'reorder the clusters',
      spec: seedWith((cs) => [cs[2], cs[1], cs[0]]),
      review: [],
    },
    {
      name: 'reorder the hosts of a cluster',
      spec: seedWith((cs) => { cs[0].hosts.reverse(); }),
      review: [],
    },
  ];

  it.each(rows)('$name', (row) => {
    const after = planNetwork(row.spec, { record: seedRecord });
    const before = bootValues(seedPlan);
    const now = bootValues(after);
    for (const [name, b] of Object.entries(before)) {
      if (row.retired?.includes(name)) {
        expect(now[name]).toBeUndefined();
        expect(after.allocation.record.retired[name]).toEqual(seedRecord.hosts[name]);
        continue;
      }
      const moved = row.peersMoved?.[name];
      if (moved) {
        expect([name, now[name].peers]).toEqual([name, moved]);
        expect([name, now[name].bridge, now[name].init]).toEqual([name, b.bridge, b.init]);
      } else {
        // Everything the host boots from, launch arguments included.
        expect([name, now[name]]).toEqual([name, b]);
      }
    }
    for (const [name, [init, bridge, peers]] of Object.entries(row.added ?? {})) {
      expect([name, now[name].init, now[name].bridge, now[name].peers, now[name].bootstrap]).toEqual([name, init, bridge, peers, false]);
    }
    expect(Object.keys(now).sort()).toEqual([...Object.keys(before).filter((n) => !row.retired?.includes(n)), ...Object.keys(row.added ?? {})].sort());
    expect(after.consensus).toBe(5);
    expect(describeAllocationChanges(after.allocation.changes)).toEqual(row.review);
    expect(checkAnchoredPeers(after)).toEqual([]);
    // The rendered boot documents: byte-identical for every host whose dial target stayed.
    const withKeys = (spec: NetworkSpec): NetworkSpec => ({ ...spec, clusters: spec.clusters.map((c) => ({ ...c, hosts: c.hosts.map((h) => ({ ...h, hasSshPublicKey: true })) })) });
    const docs = (spec: NetworkSpec, record?: AllocationRecord) =>
      Object.fromEntries(buildNetwork(withKeys(spec), { record }).hosts.map((h) => [h.plan.name, [h.boot.text, h.userData]]));
    const docsBefore = docs(seedSpec());
    const docsAfter = docs(row.spec, seedRecord);
    for (const name of Object.keys(docsBefore)) {
      if (row.retired?.includes(name)) continue;
      if (row.peersMoved?.[name]) expect([name, docsAfter[name]]).not.toEqual([name, docsBefore[name]]);
      else expect([name, docsAfter[name]]).toEqual([name, docsBefore[name]]);
    }
  });

  it('marks retired hosts in the plan, per cluster and network-wide', () => {
    const plan = planNetwork(seedWith((cs) => cs.slice(0, 2).map((c, i) => (i === 1 ? { ...c, hosts: c.hosts.slice(1) } : c))), { record: seedRecord });
    expect(plan.retired.map((r) => [r.name, r.cluster, r.bridgeAddress, r.bootstrap])).toEqual([
      ['azure-prd-03', 'cluster-02', '10.1.0.3/16', true],
      ['ded-prd-01', 'cluster-03', '10.1.0.5/16', true],
    ]);
    // cluster-03 is gone: its retired host is only in the network-wide list.
    expect(plan.clusters.map((c) => [c.name, c.retired.map((r) => r.name)])).toEqual([['cluster-01', []], ['cluster-02', ['azure-prd-03']]]);
  });

  it('shows retired hosts in the topology picture without being told', () => {
    const plan = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1); }), { record: seedRecord });
    const roles = topologyView(plan).clusters.flatMap((c) => c.hosts.map((h) => `${c.name}/${h.name} ${h.role} ${h.bridgeAddress}`));
    expect(roles).toContain('cluster-01/azure-prd-02 retired 10.1.0.2/16');
    expect(renderMermaid(plan)).toMatch(/classDef retired/);
    // Negative control: the seed plan has none.
    expect(topologyView(seedPlan).clusters.flatMap((c) => c.hosts.map((h) => h.role))).not.toContain('retired');
  });

  it('hands out a released address again: delete the retired entry and the next new host takes it', () => {
    const removed = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1); }), { record: seedRecord }).allocation.record;
    const { 'azure-prd-02': released, ...retired } = removed.retired;
    expect(released.bridgeAddress).toBe('10.1.0.2/16');
    const grown = seedWith((cs) => { cs[2].hosts.push(host('cluster-03', 'ded-prd-02', { sshHost: '203.0.113.11' })); cs[0].hosts.splice(1, 1); });
    // Not released: the newcomer skips .2.
    expect(planNetwork(grown, { record: removed }).hosts.find((h) => h.name === 'ded-prd-02')!.bridgeAddress).toBe('10.1.0.6/16');
    // Released: it takes .2, the lowest free address.
    const plan = planNetwork(grown, { record: { ...removed, retired } });
    expect(plan.hosts.find((h) => h.name === 'ded-prd-02')!.bridgeAddress).toBe('10.1.0.2/16');
    expect(plan.hosts.find((h) => h.name === 'ded-prd-02')!.ipallocInit).toBe('observer');
  });

  it('gives a retired host declared again its recorded values back', () => {
    const removed = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1); cs[0].hosts.push(host('cluster-01', 'azure-prd-05')); }), { record: seedRecord });
    const back = planNetwork(seedWith((cs) => { cs[0].hosts.push(host('cluster-01', 'azure-prd-05')); }), { record: removed.allocation.record });
    const h = back.hosts.find((x) => x.name === 'azure-prd-02')!;
    expect([h.bridgeAddress, h.ipallocInit, h.peers]).toEqual(['10.1.0.2/16', 'consensus=5', ['azure-prd-01']]);
    expect(describeAllocationChanges(back.allocation.changes)).toEqual(['host azure-prd-02: declared again, back from retired with its recorded values']);
    expect(back.retired).toEqual([]);
  });

  it('never changes the consensus count, whoever leaves or joins', () => {
    const spec = seedWith((cs) => [
      { ...cs[0], hosts: [cs[0].hosts[0], host('cluster-01', 'azure-prd-05'), host('cluster-01', 'azure-prd-06')] },
      { ...cs[1], hosts: [host('cluster-02', 'azure-prd-07')] },
    ]);
    const plan = planNetwork(spec, { record: seedRecord });
    expect(plan.consensus).toBe(5);
    expect(plan.allocation.record.consensus).toBe(5);
    expect(plan.hosts.map((h) => [h.name, h.ipallocInit, h.bridgeAddress])).toEqual([
      ['azure-prd-01', 'consensus=5', '10.1.0.1/16'],
      ['azure-prd-05', 'observer', '10.1.0.6/16'],
      ['azure-prd-06', 'observer', '10.1.0.7/16'],
      ['azure-prd-07', 'observer', '10.1.0.8/16'],
    ]);
    // cluster-02's anchor is gone: its only host is now the anchor, dialing the root.
    expect(plan.hosts.find((h) => h.name === 'azure-prd-07')!.peers).toEqual([CLUSTER01]);
  });

  it('finds no record entry for a host named like an Object.prototype member', () => {
    const plan = planNetwork(seedWith((cs) => { cs[0].hosts.push(host('cluster-01', 'constructor')); }), { record: seedRecord });
    expect(plan.hosts.find((h) => h.name === 'constructor')!.ipallocInit).toBe('observer');
    expect(describeAllocationChanges(plan.allocation.changes)).toEqual(['host constructor: new observer at 10.1.0.6/16 in cluster-01']);
  });

  it('takes a new host\'s pinned address and fills the lowest free ones around it', () => {
    const spec = seedWith((cs) => {
      cs[0].hosts.push(host('cluster-01', 'azure-prd-05'), host('cluster-01', 'azure-prd-06', { bridgeAddress: '10.1.0.6' }), host('cluster-01', 'azure-prd-07'));
    });
    const plan = planNetwork(spec, { record: seedRecord });
    expect(plan.hosts.slice(2, 5).map((h) => [h.name, h.bridgeAddress])).toEqual([
      ['azure-prd-05', '10.1.0.7/16'], ['azure-prd-06', '10.1.0.6/16'], ['azure-prd-07', '10.1.0.8/16'],
    ]);
  });

  it('accepts pins that agree with the record, and a bootstrapSize above the hosts left', () => {
    const agreeing = seedWith((cs) => cs.map((c) => ({ ...c, bootstrapHosts: c.hosts.length, hosts: c.hosts.map((h) => ({ ...h, bridgeAddress: seedRecord.hosts[h.name].bridgeAddress })) })), { bootstrapSize: 5 });
    expect(bootValues(planNetwork(agreeing, { record: seedRecord }))).toEqual(bootValues(seedPlan));
    // Two bootstrap hosts retired, bootstrapSize still 5: right, the mesh bootstrapped with five.
    const shrunk = seedWith((cs) => { cs[0].hosts.splice(1, 1); cs[1].hosts.splice(1, 1); }, { bootstrapSize: 5 });
    expect(planNetwork(shrunk, { record: seedRecord }).consensus).toBe(5);
    // Negative control: without a record, 5 of 3 hosts is refused.
    expect(problemsOf(() => planNetwork(shrunk)).map((p) => p.code)).toEqual(['bootstrap-size']);
  });
});

describe('pins that contradict the record', () => {
  const retiredRecord = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1); }), { record: seedRecord }).allocation.record;
  const rows: { name: string; spec: NetworkSpec; record?: AllocationRecord; code: string; path: string; both: RegExp[]; fix: RegExp }[] = [
    {
      name: 'a bridgeAddress pin other than the recorded address',
      spec: seedWith((cs) => { cs[0].hosts[1] = { ...cs[0].hosts[1], bridgeAddress: '10.1.0.9' }; }),
      code: 'allocation-address-pin', path: 'seed/weave/cluster-01/azure-prd-02',
      both: [/bridgeAddress "10\.1\.0\.9\/16"/, /gives azure-prd-02 10\.1\.0\.2\/16/], fix: /remove bridgeAddress .*or write "10\.1\.0\.2\/16"/,
    },
    {
      name: 'a new host pinning a retired host\'s address',
      spec: seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'azure-prd-05', { bridgeAddress: '10.1.0.2/16' })); }),
      record: retiredRecord,
      code: 'allocation-address-held', path: 'seed/weave/cluster-01/azure-prd-05',
      both: [/"10\.1\.0\.2\/16"/, /held by azure-prd-02 \(retired\)/], fix: /weave rmpeer.*delete "azure-prd-02" from "retired"/,
    },
    {
      name: 'a new host pinning an active host\'s address',
      spec: seedWith((cs) => { cs[0].hosts.push(host('cluster-01', 'azure-prd-05', { bridgeAddress: '10.1.0.3/16' })); }),
      code: 'allocation-address-held', path: 'seed/weave/cluster-01/azure-prd-05',
      both: [/"10\.1\.0\.3\/16"/, /held by azure-prd-03 in/], fix: /pick another address/,
    },
    {
      name: 'bootstrapSize other than the recorded consensus',
      spec: seedSpec({ bootstrapSize: 4 }),
      code: 'allocation-consensus-pin', path: 'seed/weave',
      both: [/bootstrapSize 4 /, /consensus=5/], fix: /remove bootstrapSize .*or set it to 5/,
    },
    {
      name: 'bootstrapHosts making a recorded bootstrap host an observer',
      spec: seedWith((cs) => { cs[0].bootstrapHosts = 1; }),
      code: 'allocation-bootstrap-pin', path: 'seed/weave/cluster-01',
      both: [/bootstrapHosts 1 makes azure-prd-02 an observer/, /records it as a bootstrap host \(consensus=5\)/], fix: /remove bootstrapHosts/,
    },
    {
      name: 'bootstrapHosts making a new host a bootstrap host',
      spec: seedWith((cs) => { cs[0].hosts.unshift(host('cluster-01', 'azure-prd-00')); cs[0].bootstrapHosts = 1; }),
      code: 'allocation-bootstrap-pin', path: 'seed/weave/cluster-01',
      both: [/makes new host azure-prd-00 a bootstrap host/, /consensus=5/], fix: /remove bootstrapHosts/,
    },
    {
      name: 'a bridgeRange other than the recorded one',
      spec: seedSpec({ bridgeRange: '10.5.0.0/16' }),
      code: 'allocation-bridge-range', path: 'seed/weave',
      both: [/bridgeRange "10\.5\.0\.0\/16"/, /come from 10\.1\.0\.0\/16/], fix: /set bridgeRange back to 10\.1\.0\.0\/16.*delete the network's entry "seed\/weave"/,
    },
  ];

  it.each(rows)('$name', (row) => {
    const problems = problemsOf(() => planNetwork(row.spec, { record: row.record ?? seedRecord }));
    const p = problems.find((x) => x.code === row.code);
    expect(p).toBeDefined();
    expect(p!.path).toBe(row.path);
    const line = formatProblem(p!);
    for (const re of row.both) expect(line).toMatch(re);
    expect(p!.fix).toMatch(row.fix);
    // Negative control: the same declaration plans without the record (except the
    // contradictions that are wrong anyway, which never reach here).
    if (row.code !== 'allocation-address-held' || row.record === undefined) expect(() => planNetwork(row.spec)).not.toThrow();
  });

  it('reports a range the retired hosts have filled, and how to release them', () => {
    const small = planNetwork(seedSpec({ bridgeRange: '10.9.0.0/29' })).allocation.record; // 6 usable, 5 taken
    const removed = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1); }, { bridgeRange: '10.9.0.0/29' }), { record: small }).allocation.record;
    const grown = seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'a5'), host('cluster-01', 'a6')); }, { bridgeRange: '10.9.0.0/29' });
    const [p] = problemsOf(() => planNetwork(grown, { record: removed }));
    expect(formatProblem(p)).toMatch(/\[bridge-range-too-small\] seed\/weave: bridgeRange "10\.9\.0\.0\/29" has 1 free addresses for 2 new hosts: weave-allocation\.json holds 5 \(1 of them for retired hosts\)/);
    expect(p.fix).toMatch(/release retired hosts' addresses/);
    // One new host fits.
    const one = seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'a5')); }, { bridgeRange: '10.9.0.0/29' });
    expect(planNetwork(one, { record: removed }).hosts[1].bridgeAddress).toBe('10.9.0.6/29');
  });

  it('names the record as the caller calls it', () => {
    const [p] = problemsOf(() => planNetwork(seedSpec({ bootstrapSize: 4 }), { record: seedRecord, recordSource: 'infra/weave.lock.json' }));
    expect(p.message).toMatch(/contradicts infra\/weave\.lock\.json/);
  });

  it('refuses an inconsistent record passed in memory, and two clusters with one name', () => {
    const twin = { ...seedRecord, hosts: { ...seedRecord.hosts, 'azure-prd-02': { ...seedRecord.hosts['azure-prd-02'], bridgeAddress: '10.1.0.1/16' } } };
    const [p] = problemsOf(() => planNetwork(seedSpec(), { record: twin }));
    expect([p.code, p.path, p.field, p.value]).toEqual(['allocation-record-invalid', 'seed/weave', 'allocation.hosts["azure-prd-02"].bridgeAddress', '10.1.0.1/16']);
    expect(p.message).toMatch(/also recorded for azure-prd-01/);
    const dup = problemsOf(() => planNetwork(seedWith((cs) => { cs[1] = { ...cs[1], name: 'cluster-01' }; })));
    expect(dup.map((x) => [x.code, x.path])).toContainEqual(['cluster-name-duplicate', 'seed/weave/cluster-02']);
  });

  it('a plan against the record refuses a contradicting pin, and a consistent one reproduces the record', () => {
    expect(problemsOf(() => planNetwork(seedSpec({ bootstrapSize: 4 }), { record: seedRecord })).map((p) => p.code)).toEqual(['allocation-consensus-pin']);
    const ok = planNetwork(seedSpec(), { record: seedRecord });
    expect(ok.allocation.record).toEqual(seedRecord);
    expect(ok.hosts.map((h) => [h.name, h.bridgeAddress, h.ipallocInit])[4]).toEqual(['ded-prd-01', '10.1.0.5/16', 'consensus=5']);
    expect([ok.allocation.record.root, ok.allocation.record.anchors]).toEqual(['cluster-01', seedRecord.anchors]);
  });
});

describe('the record file', () => {
  const text = serializeAllocationFile(withNetworkRecord(undefined, 'weave-seed/weave', seedRecord));

  it('round-trips: parse(serialize(x)) is x, and serialize(parse(text)) is text', () => {
    const parsed = parseAllocationFile(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.file!.networks['weave-seed/weave']).toEqual(seedRecord);
    expect(serializeAllocationFile(parsed.file!)).toBe(text);
  });

  it('is sorted whatever order the record was built in, one host per line, with a trailing newline', () => {
    const reversed = (o: object) => Object.fromEntries(Object.entries(o).reverse());
    const shuffled: AllocationRecord = { ...seedRecord, anchors: reversed(seedRecord.anchors), hosts: reversed(seedRecord.hosts) };
    const file = withNetworkRecord(withNetworkRecord(undefined, 'z-stack/weave', shuffled), 'a-stack/weave', shuffled);
    const out = serializeAllocationFile(file);
    expect(out).toBe(serializeAllocationFile(withNetworkRecord(withNetworkRecord(undefined, 'a-stack/weave', seedRecord), 'z-stack/weave', seedRecord)));
    expect(out.indexOf('"a-stack/weave"')).toBeLessThan(out.indexOf('"z-stack/weave"'));
    expect(out.endsWith('}\n')).toBe(true);
    const hostLines = out.split('\n').filter((l) => l.includes('"bridgeAddress"'));
    expect(hostLines).toHaveLength(10);
    for (const l of hostLines) expect(l).toMatch(/^ {8}"[^"]+": \{ "bridgeAddress": "[0-9./]+", "role": "(bootstrap|observer)", "cluster": "[^"]+" \},?$/);
    // Negative control: the order check can fail.
    expect(serializeAllocationFile(file)).not.toBe(JSON.stringify(file, null, 2));
  });

  it('sorts by code point, not by locale', () => {
    const hosts = { b: seedRecord.hosts['azure-prd-01'], B: seedRecord.hosts['azure-prd-02'], a: seedRecord.hosts['azure-prd-03'] };
    const out = serializeAllocationFile(withNetworkRecord(undefined, 'n', { ...seedRecord, hosts }));
    expect(out.match(/^ {8}"(\w)"/gm)!.map((l) => l.trim())).toEqual(['"B"', '"a"', '"b"']);
  });

  it('changes by one line when a host is added, and moves a line when one retires', () => {
    const grown = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'azure-prd-05')); }), { record: seedRecord }).allocation.record;
    const after = serializeAllocationFile(withNetworkRecord(undefined, 'weave-seed/weave', grown)).split('\n');
    const before = text.split('\n');
    const removedLines = before.filter((l) => !after.includes(l));
    const addedLines = after.filter((l) => !before.includes(l));
    expect(removedLines.map((l) => l.trim())).toEqual([
      '"azure-prd-02": { "bridgeAddress": "10.1.0.2/16", "role": "bootstrap", "cluster": "cluster-01" },',
      '"retired": {}',
    ]);
    expect(addedLines.map((l) => l.trim())).toEqual([
      '"azure-prd-05": { "bridgeAddress": "10.1.0.6/16", "role": "observer", "cluster": "cluster-01" },',
      '"retired": {',
      '"azure-prd-02": { "bridgeAddress": "10.1.0.2/16", "role": "bootstrap", "cluster": "cluster-01" }',
      '}',
    ]);
  });

  it('keeps the other networks when one is replaced', () => {
    const two = withNetworkRecord(withNetworkRecord(undefined, 'a/weave', seedRecord), 'b/weave', seedRecord);
    const replaced = withNetworkRecord(two, 'b/weave', { ...seedRecord, consensus: 7 });
    expect(replaced.networks['a/weave']).toBe(seedRecord);
    expect(replaced.networks['b/weave'].consensus).toBe(7);
  });

  const corrupt: { name: string; text: string; code: string; field: string; message: RegExp }[] = [
    { name: 'not JSON (a merge conflict)', text: text.replace('"retired": {}', '<<<<<<< HEAD\n"retired": {}'), code: 'allocation-file-invalid', field: '(file)', message: /is not valid JSON/ },
    { name: 'an array', text: '[]', code: 'allocation-file-invalid', field: '(file)', message: /is not a JSON object/ },
    // Version 2 (SSH ports, pools' blocks) is read too; 3 is newer than this library.
    { name: 'a newer version', text: text.replace('"version": 1', '"version": 3'), code: 'allocation-file-version', field: 'version', message: /reads versions 1 and 2/ },
    { name: 'no version', text: '{ "networks": {} }', code: 'allocation-file-version', field: 'version', message: /reads versions 1 and 2/ },
    { name: 'no networks', text: '{ "version": 1 }', code: 'allocation-file-invalid', field: 'networks', message: /not an object/ },
    { name: 'an unknown top-level key', text: '{ "version": 1, "networks": {}, "extra": 1 }', code: 'allocation-file-invalid', field: 'extra', message: /not a known key/ },
    {
      name: 'a host without bridgeAddress',
      text: text.replace('"bridgeAddress": "10.1.0.1/16", ', ''),
      code: 'allocation-file-invalid', field: 'networks["weave-seed/weave"].hosts["azure-prd-01"].bridgeAddress', message: /is not a string/,
    },
    {
      name: 'a misspelt host key',
      text: text.replace('"role": "bootstrap", "cluster": "cluster-02" },\n        "azure-prd-04"', '"rol": "bootstrap", "cluster": "cluster-02" },\n        "azure-prd-04"'),
      code: 'allocation-file-invalid', field: 'networks["weave-seed/weave"].hosts["azure-prd-03"].rol', message: /not a known key/,
    },
    {
      name: 'an unknown role',
      text: text.replace('"role": "bootstrap", "cluster": "cluster-03"', '"role": "leader", "cluster": "cluster-03"'),
      code: 'allocation-file-invalid', field: 'networks["weave-seed/weave"].hosts["ded-prd-01"].role', message: /neither "bootstrap" nor "observer"/,
    },
    {
      name: 'two hosts with one address',
      text: text.replace('"10.1.0.4/16"', '"10.1.0.3/16"'),
      code: 'allocation-record-invalid', field: 'networks["weave-seed/weave"].hosts["azure-prd-04"].bridgeAddress', message: /also recorded for azure-prd-03/,
    },
    {
      name: 'an address outside the recorded range',
      text: text.replace('"10.1.0.4/16"', '"10.7.0.4/16"'),
      code: 'allocation-record-invalid', field: 'networks["weave-seed/weave"].hosts["azure-prd-04"].bridgeAddress', message: /not a host address of the record's bridgeRange 10\.1\.0\.0\/16/,
    },
    {
      name: 'fewer consensus than bootstrap hosts',
      text: text.replace('"consensus": 5', '"consensus": 4'),
      code: 'allocation-record-invalid', field: 'networks["weave-seed/weave"].consensus', message: /smaller than the 5 hosts recorded as "bootstrap"/,
    },
    {
      name: 'a host both active and retired',
      text: text.replace('"retired": {}', '"retired": { "azure-prd-01": { "bridgeAddress": "10.1.0.9/16", "role": "observer", "cluster": "cluster-01" } }'),
      code: 'allocation-record-invalid', field: 'networks["weave-seed/weave"].retired["azure-prd-01"]', message: /both an active and a retired host/,
    },
    { name: 'a bad range', text: text.replace('"bridgeRange": "10.1.0.0/16"', '"bridgeRange": "10.1.0.1/16"'), code: 'allocation-record-invalid', field: 'networks["weave-seed/weave"].bridgeRange', message: /not a usable IPv4 block/ },
  ];

  it.each(corrupt)('refuses $name, naming the file, the JSON path and a fix', (row) => {
    const parsed = parseAllocationFile(row.text, 'weave-allocation.json');
    expect(parsed.file).toBeUndefined();
    const p = parsed.problems.find((x) => x.field === row.field);
    expect(parsed.problems.map((x) => [x.code, x.field])).toContainEqual([row.code, row.field]);
    expect([p!.code, p!.path]).toEqual([row.code, 'weave-allocation.json']);
    expect(p!.message).toMatch(row.message);
    expect(p!.fix.length).toBeGreaterThan(20);
  });

  it('suggests upgrading for a newer file, and restoring from version control for a broken one', () => {
    expect(parseAllocationFile(text.replace('"version": 1', '"version": 3')).problems[0].fix).toMatch(/upgrade cdktf-weave-azure/);
    expect(parseAllocationFile('{').problems[0].fix).toMatch(/git checkout -- weave-allocation\.json/);
  });
});

describe('frozen mode', () => {
  it('passes when nothing would change', () => {
    expect(frozenAllocationProblem('seed/weave', planNetwork(seedSpec(), { record: seedRecord }).allocation.changes)).toBeUndefined();
  });

  it('fails listing every host and value that would change, and how to accept them', () => {
    const plan = planNetwork(seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'azure-prd-05')); }), { record: seedRecord });
    const p = frozenAllocationProblem('weave-seed/weave', plan.allocation.changes, { switchName: 'WEAVE_ALLOCATION_FROZEN=1' })!;
    expect(p.code).toBe('allocation-frozen');
    const text = formatProblem(p);
    expect(text).toContain('weave-seed/weave: allocation "weave-allocation.json" would change, but WEAVE_ALLOCATION_FROZEN=1 freezes it (2 changes');
    expect(text).toContain('host azure-prd-02: retired; its address stays held until released');
    expect(text).toContain('host azure-prd-05: new observer at 10.1.0.6/16 in cluster-01');
    expect(p.fix).toMatch(/synthesize once without WEAVE_ALLOCATION_FROZEN=1 .* commit weave-allocation\.json/);
  });

  it('diffs any two records field by field', () => {
    const moved: AllocationRecord = { ...seedRecord, hosts: { ...seedRecord.hosts, 'ded-prd-01': { ...seedRecord.hosts['ded-prd-01'], bridgeAddress: '10.1.0.9/16', cluster: 'cluster-04' } } };
    expect(diffAllocation(seedRecord, moved)).toEqual([
      { scope: 'host', name: 'ded-prd-01', field: 'bridgeAddress', before: '10.1.0.5/16', after: '10.1.0.9/16' },
      { scope: 'host', name: 'ded-prd-01', field: 'cluster', before: 'cluster-03', after: 'cluster-04' },
    ]);
    expect(describeAllocationChanges(diffAllocation(seedRecord, moved))).toEqual(['host ded-prd-01: bridgeAddress 10.1.0.5/16 -> 10.1.0.9/16; cluster cluster-03 -> cluster-04']);
  });
});

// Budget: 100 networks capped at 50 hosts, each planned once to seed the
// record, once without its pins and then once per operation (5-8): about
// 900 plans of at most ~70 hosts, 2-4 s on a busy 2-core machine (strict
// address parsing through ipaddr.js is most of it).
const GROWTH_RUNS = 100;
const GROWTH_MAX_HOSTS = 50;

describe('growth property: random networks, random operations', () => {
  it(`keeps every existing host's values through >= 5 random operations (${GROWTH_RUNS} networks)`, () => {
    const seen = {
      ops: { 'add-host': 0, 'add-cluster': 0, 'remove-host': 0, 'remove-cluster': 0, 'reorder-clusters': 0, 'reorder-hosts': 0 },
      skipped: 0, peersMoved: 0, bootstrapRetired: 0, rootMoved: 0, pinnedSeeds: 0, portsKept: 0, directRoot: 0, reclaimBesideNew: 0,
    };
    const growable = rawNetwork.map((raw) => prepareForGrowth(toGenerated(capHosts(raw, GROWTH_MAX_HOSTS))));
    fc.assert(
      fc.property(growable, growthOps, (gen0, ops) => {
        const first = planNetwork(gen0.spec);
        if (gen0.spec.bootstrapSize !== undefined || gen0.spec.clusters.some((c) => c.bootstrapHosts !== undefined)) seen.pinnedSeeds++;
        // Once recorded, the hand pins can go: the record alone reproduces the plan.
        let gen = withoutBootstrapPins(gen0);
        let plan = planNetwork(gen.spec, { record: first.allocation.record });
        expect(plan.allocation.changes).toEqual([]);
        expect(bootValues(plan)).toEqual(bootValues(first));
        const names = new GrowthNames(gen.spec);
        const usable = 2 ** (32 - Number(gen.spec.bridgeRange.split('/')[1])) - 2;
        const log: string[] = [];
        for (const op of ops) {
          const record = plan.allocation.record;
          const room = usable - Object.keys(record.hosts).length - Object.keys(record.retired).length;
          const step = applyGrowthOp(gen, op, names, room);
          log.push(step.description);
          if (!step.applied) {
            seen.skipped++;
            continue;
          }
          seen.ops[op.kind]++;
          const next = planNetwork(step.gen.spec, { record });
          const violations = [
            ...checkGrowthStep(plan, next, step),
            ...checkAnchoredPeers(next),
            ...checkHostNames(next),
            ...checkHostEnv(next),
            // rmpeer exactly once per retired host, from a host of the old record still declared.
            ...checkRetirements(record, next),
            ...checkKeptSshPorts(plan, next),
          ];
          if (violations.length > 0) throw new Error(`after ${log.join(' | ')}:\n  - ${violations.slice(0, 10).join('\n  - ')}`);
          // The record survives its own file format.
          const file = withNetworkRecord(undefined, gen.spec.path, next.allocation.record);
          expect(parseAllocationFile(serializeAllocationFile(file)).file).toEqual(file);
          if (step.removed.some((r) => record.hosts[r].role === 'bootstrap')) seen.bootstrapRetired++;
          if (next.rootCluster !== plan.rootCluster) seen.rootMoved++;
          if (next.retirements.length > 0 && step.added.length > 0) seen.reclaimBesideNew++;
          // Hosts that kept an SSH port through an insert, removal or reorder in their cluster.
          if (op.kind !== 'add-cluster' && next.hosts.some((h) => h.sshPort !== undefined && plan.hosts.some((b) => b.name === h.name && b.sshPort === h.sshPort))) seen.portsKept++;
          if (next.spec.clusters.find((c) => c.name === next.rootCluster)?.options?.peering === 'direct') seen.directRoot++;
          if (next.hosts.some((h) => { const b = plan.hosts.find((x) => x.name === h.name); return b && b.peers.join() !== h.peers.join(); })) seen.peersMoved++;
          gen = step.gen;
          plan = next;
        }
      }),
      { numRuns: GROWTH_RUNS },
    );
    // The runs covered every operation and the interesting outcomes.
    for (const [kind, n] of Object.entries(seen.ops)) expect([kind, n > (kind === 'remove-cluster' ? GROWTH_RUNS / 5 : GROWTH_RUNS / 2)]).toEqual([kind, true]);
    expect(seen.bootstrapRetired).toBeGreaterThan(GROWTH_RUNS / 10);
    expect(seen.peersMoved).toBeGreaterThan(GROWTH_RUNS / 20);
    expect(seen.rootMoved).toBeGreaterThan(0);
    expect(seen.pinnedSeeds).toBeGreaterThan(GROWTH_RUNS / 4);
    // Retirements planned in the same change that added hosts: the case where a new host could be picked.
    expect(seen.reclaimBesideNew).toBeGreaterThan(GROWTH_RUNS / 10);
    expect(seen.portsKept).toBeGreaterThan(GROWTH_RUNS / 4);
    expect(seen.directRoot).toBeGreaterThan(GROWTH_RUNS / 20);
  }, 60_000);

  it('the growth checks catch a moved address, a reused retired address, a promoted newcomer and a stray peer change', () => {
    const spec = seedWith((cs) => { cs[0].hosts.splice(1, 1, host('cluster-01', 'azure-prd-05')); });
    const after = planNetwork(spec, { record: seedRecord });
    const step = { gen: undefined as never, op: { kind: 'add-host', clusterPick: 0, positionPick: 0 } as const, description: 'test', added: ['azure-prd-05'], removed: ['azure-prd-02'], applied: true };
    expect(checkGrowthStep(seedPlan, after, step)).toEqual([]);
    const tamper = (change: (h: NetworkPlan['hosts'][number]) => NetworkPlan['hosts'][number]) => ({ ...after, hosts: after.hosts.map(change) });
    expect(checkGrowthStep(seedPlan, tamper((h) => (h.name === 'azure-prd-03' ? { ...h, bridgeAddress: '10.1.0.7/16' } : h)), step).join('\n'))
      .toMatch(/azure-prd-03: bridgeAddress moved from 10\.1\.0\.3\/16 to 10\.1\.0\.7\/16/);
    expect(checkGrowthStep(seedPlan, tamper((h) => (h.name === 'azure-prd-05' ? { ...h, bridgeAddress: '10.1.0.2/16' } : h)), step).join('\n'))
      .toMatch(/azure-prd-05 took 10\.1\.0\.2\/16, held by retired azure-prd-02/);
    expect(checkGrowthStep(seedPlan, tamper((h) => (h.name === 'azure-prd-05' ? { ...h, bootstrap: true, ipallocInit: 'consensus=5' } : h)), step).join('\n'))
      .toMatch(/new host azure-prd-05 is not an observer/);
    expect(checkGrowthStep(seedPlan, tamper((h) => (h.name === 'azure-prd-04' ? { ...h, peers: [CLUSTER01] } : h)), step).join('\n'))
      .toMatch(/azure-prd-04: peers moved .* though azure-prd-03 is still there/);
    expect(checkGrowthStep(seedPlan, { ...after, consensus: 6 }, step).join('\n')).toMatch(/consensus moved from 5 to 6/);
    const selfDial = (h: NetworkPlan['hosts'][number]) => ({ ...h, peers: [h.name], dials: [{ address: h.name, via: 'vm-name' as const, cluster: h.clusterIndex, host: h.index }] });
    expect(checkAnchoredPeers(tamper((h) => (h.name === 'azure-prd-04' ? selfDial(h) : h))).join('\n'))
      .toMatch(/azure-prd-04 dials \["azure-prd-04"\], which leads to azure-prd-04, expected azure-prd-03/);
    expect(checkAnchoredPeers(tamper((h) => (h.name === 'azure-prd-04' ? { ...h, peers: ['azure-prd-04'] } : h))).join('\n'))
      .toMatch(/azure-prd-04: peers and dials disagree/);
  });
});

describe('the retirement check rejects wrong survivors (controls)', () => {
  // cluster-01: a1 (recorded), a2 (removed), a3 (new in this change).
  const spec = (hosts: string[]) => seedLike(hosts);
  const before = planNetwork(spec(['a1', 'a2'])).allocation.record;
  const after = planNetwork(spec(['a1', 'a3']), { record: before });

  it('accepts the planner\'s choice: a2 reclaimed once, from a1', () => {
    expect(after.retirements).toEqual([{ peer: 'a2', survivor: 'a1', survivorIndex: 0 }]);
    expect(checkRetirements(before, after)).toEqual([]);
  });

  it('rejects a new host, a retired host, a missing and a doubled reclaim', () => {
    expect(checkRetirements(before, after, [{ peer: 'a2', survivor: 'a3', survivorIndex: 1 }])).toEqual([expect.stringMatching(/a host new in this change/)]);
    expect(checkRetirements(before, after, [{ peer: 'a2', survivor: 'a2', survivorIndex: 0 }]).join()).toMatch(/retired host a2/);
    expect(checkRetirements(before, after, [])).toEqual(['retired a2 is reclaimed 0 times']);
    expect(checkRetirements(before, after, [...after.retirements, ...after.retirements])).toEqual(['retired a2 is reclaimed 2 times']);
  });

  it('plans nothing without a record or without a surviving recorded host', () => {
    expect(planNetwork(spec(['a1'])).retirements).toEqual([]);
    expect(planNetwork(spec(['a3']), { record: planNetwork(spec(['a1'])).allocation.record }).retirements).toEqual([]);
  });
});

/** One Azure cluster with the given hosts. */
function seedLike(hosts: string[]): NetworkSpec {
  return {
    path: 'r/weave', ipallocRange: '10.2.0.0/16', bridgeRange: '10.1.0.0/16', dnsDomain: 'weave.local.', release: DEFAULT_RELEASE,
    wantedBy: ['multi-user.target'], proxy: true, plugin: true,
    clusters: [{ path: 'r/weave/c1', name: 'c1', kind: 'azure', hasProvider: true, location: 'westeurope', dnsLabel: 'mesh-c1', dnsName: 'mesh-c1.westeurope.cloudapp.azure.com',
      hosts: hosts.map((name) => ({ path: `r/weave/c1/${name}`, name })) }],
  };
}
