// Pools (kind `scale-set`) in the pure core: what a pool's plan says (an
// observer that dials what it can reach, a bridge block the record keeps),
// that a pool never bootstraps nor becomes the root, that the record keeps
// its block through growth, and every check on a pool with the input that
// trips it and a control that passes. The collision-freedom of the derived
// addresses is the property in pool-properties.test.ts.
import { poolBridgeAddress } from '../lib/core/allocation/pools';
import { parseAllocationFile, serializeAllocationFile, withNetworkRecord } from '../lib/core/allocation/record';
import { diffAllocation, describeAllocationChanges } from '../lib/core/allocation/changes';
import { Cidr, ipToInt, parseCidr } from '../lib/core/common/cidr';
import { WeaveConfigError } from '../lib/core/check/problems';
import type { ClusterSpec, NetworkSpec } from '../lib/core/declare/network';
import type { WeavePoolOptions } from '../lib/core/declare/scale-set';
import { deriveNetwork } from '../lib/core/derive/derive';
import { PlanOptions, planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';
import { ED25519 } from './fixtures/ssh-keys';

const CLUSTER_01 = 'cluster-01.westeurope.cloudapp.azure.com';

/** A pool cluster as the constructs declare it. */
function pool(name = 'workers', options: Partial<WeavePoolOptions> = {}, extra: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    path: `seed/weave/${name}`, name, kind: 'scale-set', hasProvider: true, location: 'westeurope', vnetCidr: '172.16.2.0/24',
    sshPublicKey: ED25519, ...extra, options: { pool: { min: 2, max: 20, ...options }, ...extra.options }, hosts: extra.hosts ?? [],
  };
}

/** The seed (its Azure hosts with keys, so the resource checks pass) with clusters added. */
function seedWith(clusters: ClusterSpec[], at: 'end' | 'start' = 'end', overrides: Partial<NetworkSpec> = {}): NetworkSpec {
  const seed = seedSpec(overrides);
  const keyed = seed.clusters.map((c) => ({ ...c, hosts: c.hosts.map((h) => ({ ...h, hasSshPublicKey: c.kind === 'azure' })) }));
  return { ...seed, clusters: at === 'end' ? [...keyed, ...clusters] : [...clusters, ...keyed] };
}

function problemsOf(spec: NetworkSpec, options: PlanOptions = {}) {
  try {
    deriveNetwork(spec, options);
  } catch (e) {
    if (e instanceof WeaveConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('a pool beside the seed', () => {
  const plan = planNetwork(seedWith([pool()]));
  const p = plan.pools[0];

  it('joins as an observer with the root cluster\'s public DNS name as its peer', () => {
    expect(p.ipallocInit).toBe('observer');
    expect(p.peers).toEqual([CLUSTER_01]);
    expect(p.dials).toEqual([{ address: CLUSTER_01, via: 'public-dns', cluster: 0 }]);
    const i = p.launchArgs.indexOf('--ipalloc-init');
    expect(p.launchArgs.slice(i, i + 2)).toEqual(['--ipalloc-init', 'observer']);
    expect(p.launchArgs[p.launchArgs.length - 1]).toBe(CLUSTER_01);
  });

  it('never joins the bootstrap consensus: the seed keeps consensus=5 and every host its value', () => {
    const seed = planNetwork(seedSpec());
    expect(plan.consensus).toBe(5);
    expect(plan.hosts.map((h) => [h.name, h.ipallocInit, h.bridgeAddress, h.peers])).toEqual(seed.hosts.map((h) => [h.name, h.ipallocInit, h.bridgeAddress, h.peers]));
  });

  it('gets a bridge block as large as its subnet, at the top of the bridge range, in the record', () => {
    expect(p.subnet).toBe('172.16.2.0/24');
    expect(p.bridgeBlock).toBe('10.1.255.0/24');
    expect(plan.allocation.record.pools).toEqual({ workers: { block: '10.1.255.0/24' } });
    expect(Object.fromEntries(p.hostEnv)).toMatchObject({ WEAVE_PEERS: CLUSTER_01, WEAVE_IPALLOC_INIT: 'observer', WEAVE_POOL_SUBNET: '172.16.2.0/24', WEAVE_POOL_BLOCK: '10.1.255.0/24', WEAVE_BRIDGE_PREFIX: '16', WEAVE_LEAVE_TIMEOUT: '20' });
  });

  it('reports its maximum size for the mesh: the cluster\'s maxHosts and the network\'s maxPeers', () => {
    expect(plan.clusters.map((c) => c.maxHosts)).toEqual([2, 2, 1, 20]);
    expect(plan.maxPeers).toBe(25);
    expect(plan.hosts).toHaveLength(5);
  });

  it('is never the root, even declared first (the first cluster with hosts is)', () => {
    const first = planNetwork(seedWith([pool()], 'start'));
    expect(first.rootCluster).toBe('cluster-01');
    expect(first.pools[0].peers).toEqual([CLUSTER_01]);
    expect(first.hosts.find((h) => h.name === 'azure-prd-01')!.peers).toEqual([]);
  });

  it('dials the VNet-sharing cluster\'s anchor by VM name, and the root\'s DNS name', () => {
    const subnet = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/cluster-02-vnet/subnets/workers';
    const shared = planNetwork(seedWith([pool('workers', { sharesVnetWith: 'cluster-02' }, { options: { existingSubnet: subnet } })]));
    expect(shared.pools[0].dials).toEqual([
      { address: 'azure-prd-03', via: 'vm-name', cluster: 1, host: 2 },
      { address: CLUSTER_01, via: 'public-dns', cluster: 0 },
    ]);
  });

  it('an instance\'s bridge address is the block\'s address at its offset in the subnet', () => {
    const block = parseCidr('10.1.255.0/24') as Cidr;
    const subnet = parseCidr('172.16.2.0/24') as Cidr;
    expect(poolBridgeAddress(block, subnet, ipToInt('172.16.2.4'))).toBe(ipToInt('10.1.255.4'));
    expect(poolBridgeAddress(block, subnet, ipToInt('172.16.2.254'))).toBe(ipToInt('10.1.255.254'));
    // Azure never gives an instance these: the first four and the broadcast address.
    for (const reserved of ['172.16.2.0', '172.16.2.3', '172.16.2.255', '172.16.3.4']) expect(poolBridgeAddress(block, subnet, ipToInt(reserved))).toBeUndefined();
  });
});

describe('the record keeps a pool\'s block', () => {
  const first = planNetwork(seedWith([pool()]));
  const record = first.allocation.record;

  it('through growth of the rest of the network, and through reordering', () => {
    const grown = seedWith([pool()], 'start');
    const bigger = { ...grown, clusters: grown.clusters.map((c, i) => (i === 1 ? { ...c, hosts: [...c.hosts, { path: 'seed/weave/cluster-01/azure-prd-09', name: 'azure-prd-09', hasSshPublicKey: true }] } : c)) };
    const next = planNetwork(bigger, { record });
    expect(next.pools[0].bridgeBlock).toBe('10.1.255.0/24');
    expect(next.hosts.find((h) => h.name === 'azure-prd-09')!.bridgeAddress).toBe('10.1.0.6/16');
    expect(next.allocation.changes.filter((c) => c.scope === 'pool')).toEqual([]);
  });

  it('for a removed pool as retired, and gives it back when the pool returns', () => {
    const without = planNetwork(seedWith([]), { record });
    expect(without.allocation.record.pools).toEqual({ workers: { block: '10.1.255.0/24', retired: true } });
    expect(describeAllocationChanges(without.allocation.changes)).toContain('pool workers: retired; its block stays held until released');
    const back = planNetwork(seedWith([pool()]), { record: without.allocation.record });
    expect(back.pools[0].bridgeBlock).toBe('10.1.255.0/24');
  });

  it('gives a second pool the next block down, and new hosts never an address in a block', () => {
    const two = planNetwork(seedWith([pool(), pool('batch', {}, { vnetCidr: '172.16.3.0/24' })]), { record });
    expect(two.pools.map((x) => x.bridgeBlock)).toEqual(['10.1.255.0/24', '10.1.254.0/24']);
    expect(describeAllocationChanges(diffAllocation(record, two.allocation.record))).toEqual(['pool batch: new, instances take bridge addresses in 10.1.254.0/24']);
  });

  it('refuses a subnet of another size than the recorded block (control: the same size passes)', () => {
    const problems = problemsOf(seedWith([pool('workers', {}, { vnetCidr: '172.16.2.0/23' })]), { record });
    expect(problems.map((x) => [x.code, x.path])).toEqual([['allocation-pool-block', 'seed/weave/workers']]);
    expect(problems[0].fix).toMatch(/give the pool a \/24 subnet again/);
    expect(problemsOf(seedWith([pool('workers', {}, { vnetCidr: '172.16.4.0/24' })]), { record })).toEqual([]);
  });

  it('refuses a pinned host address inside a block (control: outside it passes)', () => {
    const pinned = (address: string) => {
      const s = seedWith([pool()]);
      return { ...s, clusters: s.clusters.map((c, i) => (i === 0 ? { ...c, hosts: [...c.hosts, { path: 'seed/weave/cluster-01/pinned', name: 'pinned', hasSshPublicKey: true, bridgeAddress: address }] } : c)) };
    };
    expect(problemsOf(pinned('10.1.255.9'), { record }).map((x) => [x.code, x.path])).toEqual([['bridge-address-pool-block', 'seed/weave/cluster-01/pinned']]);
    expect(problemsOf(pinned('10.1.254.9'), { record })).toEqual([]);
  });

  it('stops when the bridge range has no free block left (control: a smaller subnet fits)', () => {
    const tight = (vnetCidr: string) => seedWith([pool('workers', { max: 2 }, { vnetCidr })], 'end', { bridgeRange: '10.1.0.0/28' });
    expect(problemsOf(tight('172.16.2.0/29')).map((x) => x.code)).toEqual([]);
    const p = problemsOf({ ...tight('172.16.2.0/29'), clusters: [...tight('172.16.2.0/29').clusters, pool('batch', { max: 2 }, { vnetCidr: '172.16.3.0/29' })] });
    expect(p.map((x) => x.code)).toEqual(['pool-block-no-room']);
  });

  it('writes version 2 only when a network has pools; a file without pools stays version 1', () => {
    const withPool = serializeAllocationFile(withNetworkRecord(undefined, 'seed/weave', record));
    expect(withPool).toMatch(/^{\n {2}"version": 2,/);
    expect(withPool).toContain('"pools": {\n        "workers": { "block": "10.1.255.0/24" }\n      },');
    expect(parseAllocationFile(withPool).file!.networks['seed/weave'].pools).toEqual({ workers: { block: '10.1.255.0/24' } });
    const plain = serializeAllocationFile(withNetworkRecord(undefined, 'seed/weave', planNetwork(seedSpec()).allocation.record));
    expect(plain).toMatch(/^{\n {2}"version": 1,/);
    expect(plain).not.toContain('pools');
  });

  it('refuses a record whose block holds a host\'s address or overlaps another\'s (control: the written record passes)', () => {
    const bad = { ...record, pools: { workers: { block: '10.1.0.0/24' } } };
    expect(problemsOf(seedWith([pool()]), { record: bad }).map((x) => [x.code, x.field])).toContainEqual(['allocation-record-invalid', 'allocation.pools["workers"].block']);
    const overlap = { ...record, pools: { workers: { block: '10.1.255.0/24' }, batch: { block: '10.1.255.128/25' } } };
    expect(problemsOf(seedWith([pool()]), { record: overlap }).map((x) => x.message)).toContainEqual(expect.stringMatching(/overlaps pool batch's block/));
    expect(problemsOf(seedWith([pool()]), { record })).toEqual([]);
  });
});

interface Case {
  readonly name: string;
  readonly spec: NetworkSpec;
  readonly code: string;
  readonly path: string;
  readonly fix: RegExp;
  /** The same network with the input fixed, which must pass. */
  readonly control: NetworkSpec;
}

const SUBNET_ID = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/workers';
const onlyPool = (c: ClusterSpec): NetworkSpec => ({ ...seedSpec(), clusters: [c] });
/** The seed and a pool, with a host added to cluster-01. */
function withHost(name: string): NetworkSpec {
  const s = seedWith([pool()]);
  return { ...s, clusters: s.clusters.map((c, i) => (i === 0 ? { ...c, hosts: [...c.hosts, { path: `seed/weave/cluster-01/${name}`, name, hasSshPublicKey: true }] } : c)) };
}
/** The seed with one of its clusters given options. */
function withOptions(index: number, options: ClusterSpec['options']): NetworkSpec {
  const s = seedWith([]);
  return { ...s, clusters: s.clusters.map((c, i) => (i === index ? { ...c, options } : c)) };
}

/** Four pools of 62: 248 peers at most, beside the seed's five hosts. */
const fourPools = () => [0, 1, 2, 3].map((i) => pool(`workers-${i}`, { max: 62 }, { vnetCidr: `172.16.${10 + i}.0/24` }));

const cases: Case[] = [
  { name: 'a network of pools alone', spec: onlyPool(pool()), code: 'pool-only-network', path: 'seed/weave', fix: /kind "azure" or "dedicated"/, control: seedWith([pool()]) },
  { name: 'a host declared in a pool', spec: seedWith([pool('workers', {}, { hosts: [{ path: 'seed/weave/workers/w1', name: 'w1' }] })]), code: 'pool-host-declared', path: 'seed/weave/workers/w1', fix: /pool\.min and pool\.max/, control: seedWith([pool()]) },
  { name: 'bootstrapHosts on a pool', spec: seedWith([pool('workers', {}, { bootstrapHosts: 0 })]), code: 'pool-bootstrap-hosts', path: 'seed/weave/workers', fix: /remove bootstrapHosts/, control: seedWith([pool()]) },
  { name: 'a pool name that cannot prefix host names', spec: seedWith([pool('Workers_1')]), code: 'pool-name-invalid', path: 'seed/weave/Workers_1', fix: /"workers"/, control: seedWith([pool('workers-1')]) },
  { name: 'a pool name too long for a 63-character host name', spec: seedWith([pool('w'.repeat(58))]), code: 'pool-name-invalid', path: `seed/weave/${'w'.repeat(58)}`, fix: /"workers"/, control: seedWith([pool('w'.repeat(57))]) },
  { name: 'a pool without its size', spec: seedWith([{ ...pool(), options: {} }]), code: 'pool-size-missing', path: 'seed/weave/workers', fix: /min: 2, max: 20/, control: seedWith([pool()]) },
  { name: 'min above max', spec: seedWith([pool('workers', { min: 5, max: 3 })]), code: 'pool-size-invalid', path: 'seed/weave/workers', fix: /min <= initial <= max/, control: seedWith([pool('workers', { min: 3, max: 3 })]) },
  { name: 'initial outside min and max', spec: seedWith([pool('workers', { initial: 30 })]), code: 'pool-size-invalid', path: 'seed/weave/workers', fix: /min <= initial <= max/, control: seedWith([pool('workers', { initial: 20 })]) },
  { name: 'more instances than one outbound IP serves', spec: seedWith([pool('workers', { max: 63 })]), code: 'pool-too-large', path: 'seed/weave/workers', fix: /lower pool\.max to 62/, control: seedWith([pool('workers', { max: 62 })]) },
  { name: 'an existing subnet without its range', spec: seedWith([pool('workers', {}, { vnetCidr: undefined, options: { existingSubnet: SUBNET_ID } })]), code: 'pool-subnet-unknown', path: 'seed/weave/workers', fix: /range of existingSubnet/, control: seedWith([pool('workers', {}, { options: { existingSubnet: SUBNET_ID } })]) },
  { name: 'a /30 subnet', spec: seedWith([pool('workers', { min: 1, max: 1 }, { vnetCidr: '172.16.2.0/30' })]), code: 'pool-subnet-size', path: 'seed/weave/workers', fix: /\/29/, control: seedWith([pool('workers', { min: 1, max: 1 }, { vnetCidr: '172.16.2.0/29' })]) },
  { name: 'a subnet as large as the bridge range', spec: seedWith([pool('workers', {}, { vnetCidr: '172.16.0.0/16' })]), code: 'pool-subnet-size', path: 'seed/weave/workers', fix: /larger bridgeRange|\/24/, control: seedWith([pool('workers', {}, { vnetCidr: '172.16.0.0/17' })]) },
  { name: 'more instances than the subnet has addresses', spec: seedWith([pool('workers', { min: 1, max: 4 }, { vnetCidr: '172.16.2.0/29' })]), code: 'pool-subnet-too-small', path: 'seed/weave/workers', fix: /lower pool\.max to 3/, control: seedWith([pool('workers', { min: 1, max: 3 }, { vnetCidr: '172.16.2.0/29' })]) },
  { name: 'a host named like a pool instance', spec: withHost('workers00000a'), code: 'pool-host-name-clash', path: 'seed/weave/cluster-01/workers00000a', fix: /rename the host, or the pool/, control: withHost('workers-00000a') },
  { name: 'sharesVnetWith a cluster that is not declared', spec: seedWith([pool('workers', { sharesVnetWith: 'cluster-09' }, { options: { existingSubnet: SUBNET_ID } })]), code: 'pool-vnet-cluster-unknown', path: 'seed/weave/workers', fix: /"cluster-01"/, control: seedWith([pool('workers', { sharesVnetWith: 'cluster-01' }, { options: { existingSubnet: SUBNET_ID } })]) },
  { name: 'sharesVnetWith a dedicated cluster', spec: seedWith([pool('workers', { sharesVnetWith: 'cluster-03' }, { options: { existingSubnet: SUBNET_ID } })]), code: 'pool-vnet-cluster-kind', path: 'seed/weave/workers', fix: /kind "azure"/, control: seedWith([pool('workers', { sharesVnetWith: 'cluster-02' }, { options: { existingSubnet: SUBNET_ID } })]) },
  { name: 'sharesVnetWith without an existing subnet', spec: seedWith([pool('workers', { sharesVnetWith: 'cluster-01' })]), code: 'pool-vnet-needs-subnet', path: 'seed/weave/workers', fix: /set existingSubnet/, control: seedWith([pool('workers', { sharesVnetWith: 'cluster-01' }, { options: { existingSubnet: SUBNET_ID } })]) },
  { name: 'pool options on an Azure cluster', spec: withOptions(1, { pool: { min: 1, max: 2 } }), code: 'pool-option-misplaced', path: 'seed/weave/cluster-02', fix: /kind: "scale-set"/, control: seedWith([]) },
  { name: 'a DNS label on a pool', spec: seedWith([pool('workers', {}, { options: { dnsLabel: 'workers' } })]), code: 'pool-option-unsupported', path: 'seed/weave/workers', fix: /remove dnsLabel/, control: seedWith([pool()]) },
  { name: 'one availability zone on a pool', spec: seedWith([pool('workers', {}, { options: { availabilityZone: '1' } })]), code: 'pool-option-unsupported', path: 'seed/weave/workers', fix: /pool\.zones/, control: seedWith([pool('workers', { zones: ['1'] })]) },
  { name: 'zone 4', spec: seedWith([pool('workers', { zones: ['1', '4'] })]), code: 'pool-zones-invalid', path: 'seed/weave/workers', fix: /"1", "2", "3"/, control: seedWith([pool('workers', { zones: ['1', '3'] })]) },
  { name: 'zone balance over one zone', spec: seedWith([pool('workers', { zones: ['1'], zoneBalance: true })]), code: 'pool-zones-invalid', path: 'seed/weave/workers', fix: /two or more/, control: seedWith([pool('workers', { zones: ['1', '2'], zoneBalance: true })]) },
  { name: 'a Spot eviction policy Azure does not have', spec: seedWith([pool('workers', { spot: { evictionPolicy: 'Stop' as 'Delete' } })]), code: 'pool-spot-invalid', path: 'seed/weave/workers', fix: /"Deallocate"/, control: seedWith([pool('workers', { spot: { evictionPolicy: 'Deallocate' } })]) },
  { name: 'a Spot price of zero', spec: seedWith([pool('workers', { spot: { maxPrice: 0 } })]), code: 'pool-spot-invalid', path: 'seed/weave/workers', fix: /0\.05, or -1/, control: seedWith([pool('workers', { spot: { maxPrice: 0.05 } })]) },
  { name: 'the Automatic upgrade mode', spec: seedWith([pool('workers', { upgrade: { mode: 'Automatic' as 'Rolling' } })]), code: 'pool-upgrade-all-at-once', path: 'seed/weave/workers', fix: /"Rolling"/, control: seedWith([pool('workers', { upgrade: { mode: 'Manual' } })]) },
  { name: 'batches of 100 %', spec: seedWith([pool('workers', { upgrade: { maxBatchPercent: 100 } })]), code: 'pool-upgrade-invalid', path: 'seed/weave/workers', fix: /e\.g\. 20/, control: seedWith([pool('workers', { upgrade: { maxBatchPercent: 50 } })]) },
  { name: 'autoscale without a rule', spec: seedWith([pool('workers', { autoscale: {} })]), code: 'pool-autoscale-invalid', path: 'seed/weave/workers', fix: /scaleOutAbove: 70/, control: seedWith([pool('workers', { autoscale: { cpu: { scaleOutAbove: 70, scaleInBelow: 25 } } })]) },
  { name: 'a CPU rule that scales in above where it scales out', spec: seedWith([pool('workers', { autoscale: { cpu: { scaleOutAbove: 50, scaleInBelow: 60 } } })]), code: 'pool-autoscale-invalid', path: 'seed/weave/workers', fix: /scaleInBelow: 25/, control: seedWith([pool('workers', { autoscale: { cpu: { scaleOutAbove: 60, scaleInBelow: 50 } } })]) },
  { name: 'a metric rule without a gap', spec: seedWith([pool('workers', { autoscale: { metric: { name: 'weave_connections', namespace: 'weave', scaleOutAbove: 10, scaleInBelow: 10 } } })]), code: 'pool-autoscale-invalid', path: 'seed/weave/workers', fix: /does not flap/, control: seedWith([pool('workers', { autoscale: { metric: { name: 'weave_connections', namespace: 'weave', scaleOutAbove: 10, scaleInBelow: 5 } } })]) },
  { name: 'a termination notice Azure does not allow', spec: seedWith([pool('workers', { terminationNoticeMinutes: 20 })]), code: 'pool-leave-invalid', path: 'seed/weave/workers', fix: /e\.g\. 5/, control: seedWith([pool('workers', { terminationNoticeMinutes: 15 })]) },
  { name: 'a leave timeout longer than a Spot notice', spec: seedWith([pool('workers', { spot: {}, leaveTimeoutSeconds: 26 })]), code: 'pool-leave-invalid', path: 'seed/weave/workers', fix: /e\.g\. 20/, control: seedWith([pool('workers', { spot: {}, leaveTimeoutSeconds: 25 })]) },
  // Shared with Azure VMs, reported at the pool's path.
  { name: 'a pool without a provider', spec: seedWith([pool('workers', {}, { hasProvider: false })]), code: 'azure-no-provider', path: 'seed/weave/workers', fix: /AzurermProvider/, control: seedWith([pool()]) },
  { name: 'a pool without an SSH key', spec: seedWith([pool('workers', {}, { sshPublicKey: undefined })]), code: 'azure-no-ssh-key', path: 'seed/weave/workers', fix: /sshPublicKey on the pool or the network/, control: seedWith([pool()]) },
  { name: 'a pool VM size that is no size', spec: seedWith([pool('workers', { vmSize: 'D2s_v5' })]), code: 'vm-size-invalid', path: 'seed/weave/workers', fix: /Standard_D2s_v5/, control: seedWith([pool('workers', { vmSize: 'Standard_D2s_v5' })]) },
  { name: 'pools whose max puts the mesh past the connection limit (a pool counts at its max)', spec: seedWith(fourPools()), code: 'mesh-conn-limit', path: 'seed/weave', fix: /connLimit to at least 252/, control: seedWith(fourPools(), 'end', { connLimit: 300 }) },
  { name: 'direct peering on a pool', spec: seedWith([pool('workers', {}, { options: { peering: 'direct' } })]), code: 'pool-option-unsupported', path: 'seed/weave/workers', fix: /remove peering/, control: seedWith([pool()]) },
  { name: 'a NAT gateway on a pool', spec: seedWith([pool('workers', {}, { options: { natGateway: {} } })]), code: 'pool-option-unsupported', path: 'seed/weave/workers', fix: /remove natGateway/, control: seedWith([pool()]) },
  { name: 'trustVnet on a pool', spec: seedWith([pool('workers', {}, { options: { trustVnet: true } })]), code: 'pool-option-unsupported', path: 'seed/weave/workers', fix: /remove trustVnet/, control: seedWith([pool()]) },
  { name: 'metrics on a pool', spec: seedWith([pool('workers', {}, { options: { metrics: { sources: ['172.16.9.0/24'] } } })]), code: 'pool-option-unsupported', path: 'seed/weave/workers', fix: /remove metrics/, control: seedWith([pool()]) },
  { name: 'a pool VM size Azure does not offer', spec: seedWith([pool('workers', { vmSize: 'Standard_D2s_v9' })]), code: 'vm-size-unknown', path: 'seed/weave/workers', fix: /set pool\.vmSizeUnchecked: true/, control: seedWith([pool('workers', { vmSize: 'Standard_D2s_v9', vmSizeUnchecked: true })]) },
  { name: 'a pool Arm64 VM size', spec: seedWith([pool('workers', { vmSize: 'Standard_D2ps_v5' })]), code: 'vm-size-arm64', path: 'seed/weave/workers', fix: /Standard_D2s_v5/, control: seedWith([pool('workers', { vmSize: 'Standard_D2s_v5' })]) },
  { name: 'a pool VM size that boots Generation 1 images only', spec: seedWith([pool('workers', { vmSize: 'Standard_A2_v2' })]), code: 'vm-size-generation', path: 'seed/weave/workers', fix: /Generation 2/, control: seedWith([pool('workers', { vmSize: 'Standard_B2s_v2' })]) },
];

describe('checks on pools', () => {
  it.each(cases.map((c) => [c.name, c]))('%s', (_, c) => {
    const problems = problemsOf(c.spec);
    const p = problems.find((x) => x.code === c.code);
    expect(p).toBeDefined();
    expect(p!.path).toBe(c.path);
    expect(p!.fix).toMatch(c.fix);
    // Control: the same network with the input fixed passes.
    expect(problemsOf(c.control).map((x) => x.code)).toEqual([]);
  });

  it('reports a pool-only network once, not also as empty', () => {
    expect(problemsOf(onlyPool(pool())).map((x) => x.code)).toEqual(['pool-only-network']);
  });

  it('reports a misplaced shared option once (a location on a dedicated cluster)', () => {
    const s = seedWith([pool()]);
    const misplaced = { ...s, clusters: s.clusters.map((c) => (c.kind === 'dedicated' ? { ...c, options: { location: 'westeurope' } } : c)) };
    expect(problemsOf(misplaced).map((x) => x.code)).toEqual(['dedicated-azure-option']);
  });
});
