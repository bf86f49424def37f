// The reachability model (lib/core/reach.ts), the Azure name checks
// (lib/core/azure.ts), and the topology of issue 9 end to end through the
// constructs: every host dials something it can reach.
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../lib';
import { renderMermaid } from '../lib/core/diagram/diagram';
import { planNetwork } from '../lib/core/plan/plan';
import { AZURE_REGIONS, VM_SIZE_RE, isAzureRegion, nearestRegion, suggestVmSize } from '../lib/core/kinds/azure/regions';
import { reachable } from '../lib/core/plan/reach';
import { classifyDialAddress, ipv4Scope, publicDnsNameProblem } from '../lib/core/wiring/addresses';
import { seedSpec } from './fixtures/seed-spec';
import { ED25519 } from './fixtures/ssh-keys';
import { checkDialingRule, checkReachability, documentTexts } from './support/network-checks';
import { decodeBootDocument, dedicatedProvisioners } from './support/synth';

describe('what an address is', () => {
  it.each([
    ['203.0.113.10', 'public'], ['8.8.8.8', 'public'], ['198.51.100.7', 'public'],
    ['10.0.0.5', 'private'], ['172.31.255.1', 'private'], ['192.168.1.10', 'private'], ['100.64.0.1', 'private'], ['169.254.169.254', 'private'],
    ['172.32.0.1', 'public'], ['127.0.0.1', 'unusable'], ['0.0.0.0', 'unusable'], ['224.0.0.1', 'unusable'], ['255.255.255.255', 'unusable'],
  ])('%s is %s', (ip, scope) => {
    expect(ipv4Scope(ip)).toBe(scope);
  });

  it.each([
    ['edge.example.com', undefined],
    ['Edge.Example.COM.', undefined],
    ['cluster-01.westeurope.cloudapp.azure.com', undefined],
    ['edge.example.com; rm -rf /', /not a DNS name/],
    ['ded-a', /bare host name/],
    ['ded-a.local', /special-use name "\.local"/],
    ['nas.home.arpa', /special-use name "\.home\.arpa"/],
    ['db.internal', /special-use/],
    ['a.123', /all-digit label/],
    ['-bad.example.com', /not a DNS name/],
    [`${'a'.repeat(64)}.example.com`, /not a DNS name/],
    [`${'a.'.repeat(127)}com`, /at most 253/],
    ['', /empty/],
  ])('%j as a public DNS name: %s', (name, problem) => {
    const got = publicDnsNameProblem(name);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });

  it('classifies declared dial addresses', () => {
    expect(classifyDialAddress('203.0.113.10')).toEqual({ form: 'ipv4', scope: 'public' });
    expect(classifyDialAddress('10.0.0.5')).toEqual({ form: 'ipv4', scope: 'private' });
    expect(classifyDialAddress('ded-a.example.net')).toEqual({ form: 'public-dns' });
    expect(classifyDialAddress('010.1.1.1')).toMatchObject({ form: 'invalid', reason: expect.stringMatching(/not a valid IPv4 address/) });
    expect(classifyDialAddress('10.0.0.256')).toMatchObject({ form: 'invalid' });
    expect(classifyDialAddress('1.2.3.4/32')).toMatchObject({ form: 'invalid' });
  });
});

describe('who reaches what', () => {
  const azure0 = { kind: 'azure' as const, cluster: 0 };
  const azure1 = { kind: 'azure' as const, cluster: 1 };
  const ded1 = { kind: 'dedicated' as const, cluster: 1 };

  it('an Azure VM resolves VM names of its own VNet only', () => {
    expect(reachable(azure0, { form: 'vm-name', text: 'a', cluster: 0 }).ok).toBe(true);
    expect(reachable(azure1, { form: 'vm-name', text: 'a', cluster: 0 })).toMatchObject({ ok: false, why: expect.stringMatching(/only inside their own VNet/) });
  });

  it('a dedicated server resolves no VM names at all', () => {
    expect(reachable(ded1, { form: 'vm-name', text: 'a', cluster: 1 })).toMatchObject({ ok: false, why: expect.stringMatching(/resolves only public DNS names/) });
  });

  it('everyone reaches public names and public addresses; private addresses only from their own cluster', () => {
    for (const from of [azure0, azure1, ded1]) {
      expect(reachable(from, { form: 'public-dns', text: 'edge.example.com' }).ok).toBe(true);
      expect(reachable(from, { form: 'ipv4', text: '203.0.113.10', scope: 'public', cluster: 0 }).ok).toBe(true);
    }
    expect(reachable(ded1, { form: 'ipv4', text: '10.0.0.5', scope: 'private', cluster: 1 }).ok).toBe(true);
    expect(reachable(azure0, { form: 'ipv4', text: '10.0.0.5', scope: 'private', cluster: 1 })).toMatchObject({ ok: false, why: expect.stringMatching(/private address of another cluster/) });
  });
});

describe('Azure names', () => {
  it('knows the public regions, by programmatic and display name', () => {
    expect(AZURE_REGIONS.length).toBeGreaterThan(55);
    for (const r of ['westeurope', 'West Europe', 'East US 2', 'swedencentral', 'newzealandnorth', 'Germany West Central']) expect(isAzureRegion(r)).toBe(true);
    for (const r of ['westeurop', 'europe-west', 'chinanorth', 'usgovvirginia', 'west europe 2', '']) expect(isAzureRegion(r)).toBe(false);
  });

  it('suggests the nearest region for a typo, and nothing for a name nowhere near', () => {
    expect(nearestRegion('westeurop')).toBe('westeurope');
    expect(nearestRegion('West Eruope')).toBe('westeurope');
    expect(nearestRegion('eastus3')).toMatch(/^eastus2?$/);
    expect(nearestRegion('uk-south')).toBe('uksouth');
    expect(nearestRegion('mars-north-1')).toBeUndefined();
  });

  it('checks VM size names by shape and offers the canonical spelling', () => {
    for (const ok of ['Standard_D2s_v5', 'Standard_M8-2ms_v2', 'Standard_NC4as_T4_v3', 'Standard_ND96isr_H100_v5', 'Standard_B1s', 'Standard_DS1_v2', 'Basic_A0', 'Standard_E4-2ads_v5']) {
      expect([ok, VM_SIZE_RE.test(ok)]).toEqual([ok, true]);
    }
    for (const bad of ['D2s_v5', 'Standard D2s v5', 'standard_d2s_v5', 'Standard_D2s-v5', 'Standard_', 'Standard_D2s_v5 ', '']) {
      expect([bad, VM_SIZE_RE.test(bad)]).toEqual([bad, false]);
    }
    expect(suggestVmSize('standard_d2s_v5')).toBe('Standard_D2s_v5');
    expect(suggestVmSize('D4s_v5')).toBe('Standard_D4s_v5');
    expect(suggestVmSize('Standard D2s v5')).toBe('Standard_D2s_v5');
    expect(suggestVmSize('big')).toBeUndefined();
  });
});

describe('the topology of issue 9: three Azure clusters in three subscriptions and regions, then two dedicated servers', () => {
  function build(dedicated: { a: object; b: object; cluster?: object }) {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'newuser');
    const sub = (name: string) => new TerraformVariable(stack, name, { type: 'string' }).stringValue;
    const provider = (alias: string) => new AzurermProvider(stack, alias, { alias, subscriptionId: sub(`sub_${alias}`), features: [{}] });
    const net = new WeaveNetwork(stack, 'mesh', { sshPublicKey: sub('ssh_key') });
    const regions = [['west', 'westeurope'], ['north', 'northeurope'], ['us', 'eastus2']] as const;
    for (const [alias, location] of regions) {
      const c = new WeaveCluster(net, `mesh-${alias}`, { provider: provider(alias), location, dnsLabel: `acme-mesh-${alias}` });
      new WeaveHost(c, `${alias}-1`);
      new WeaveHost(c, `${alias}-2`);
    }
    const dc = new WeaveCluster(net, 'dc', { kind: 'dedicated', ...dedicated.cluster });
    new WeaveHost(dc, 'ded-a', dedicated.a);
    new WeaveHost(dc, 'ded-b', dedicated.b);
    return { stack, net };
  }

  it('ded-b dials the address the user gave for ded-a, and every host reaches its peer', () => {
    const { stack, net } = build({ a: { ssh: { host: '203.0.113.10' } }, b: { ssh: { host: '198.51.100.7' } } });
    const tf = JSON.parse(Testing.synth(stack));
    const plan = net.plan();
    const peers = Object.fromEntries(plan.hosts.map((h) => [h.name, h.peers]));
    expect(peers).toEqual({
      'west-1': [],
      'west-2': ['west-1'],
      'north-1': ['acme-mesh-west.westeurope.cloudapp.azure.com'],
      'north-2': ['north-1'],
      'us-1': ['acme-mesh-west.westeurope.cloudapp.azure.com'],
      'us-2': ['us-1'],
      'ded-a': ['acme-mesh-west.westeurope.cloudapp.azure.com'],
      'ded-b': ['203.0.113.10'],
    });
    expect(checkReachability(plan)).toEqual([]);
    expect(checkDialingRule(plan)).toEqual([]);
    // What ded-b's provisioner pushes carries that peer.
    const provision = Object.entries(dedicatedProvisioners(tf) as Record<string, { provisioner: { file?: { content: string } }[] }>)
      .find(([id]) => id.includes('ded-b'))![1];
    const script = decodeBootDocument(provision.provisioner.find((p) => p.file)!.file!.content);
    expect(documentTexts({ format: 'script', text: script, slots: [] }).some((t) => t.includes('WEAVE_PEERS=203.0.113.10\n'))).toBe(true);
  });

  it('with the dedicated cluster first, the Azure clusters dial ded-a\'s address too', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'dcfirst');
    const net = new WeaveNetwork(stack, 'mesh', { sshPublicKey: ED25519 });
    const dc = new WeaveCluster(net, 'dc', { kind: 'dedicated' });
    new WeaveHost(dc, 'ded-a', { ssh: { host: '203.0.113.10' } });
    new WeaveHost(dc, 'ded-b', { ssh: { host: '198.51.100.7' } });
    const c = new WeaveCluster(net, 'mesh-west', { provider: new AzurermProvider(stack, 'az', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' }), location: 'westeurope', dnsLabel: 'acme-mesh-west' });
    new WeaveHost(c, 'west-1');
    Testing.synth(stack);
    const plan = net.plan();
    expect(plan.hosts.map((h) => [h.name, h.peers])).toEqual([['ded-a', []], ['ded-b', ['203.0.113.10']], ['west-1', ['203.0.113.10']]]);
    expect(checkReachability(plan)).toEqual([]);
  });

  it('refuses ded-b when ded-a has only an SSH name and nothing reaches it', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'dcfirst');
    const net = new WeaveNetwork(stack, 'mesh', {});
    const dc = new WeaveCluster(net, 'dc', { kind: 'dedicated' });
    new WeaveHost(dc, 'ded-a', { ssh: { host: 'ded-a.lan' }, publicAddress: '192.168.1.10' });
    new WeaveHost(dc, 'ded-b', { ssh: { host: '198.51.100.7' } });
    expect(() => Testing.synth(stack)).toThrow(/\[dedicated-no-dial-address\] dcfirst\/mesh\/dc\/ded-a: dialAddress \(not set\) is needed: the cluster's other servers \(ded-b\) dial ded-a.*Fix: set dialAddress on ded-a/);
  });
});

describe('the examples of docs/reachability.md and the README paragraph (planNetwork, the pure planner)', () => {
  const azureAfter = (dc: object, ...hosts: object[]) => {
    const spec = seedSpec();
    return planNetwork({ ...spec, clusters: [
      { path: 'x/dc', name: 'dc', kind: 'dedicated', ...dc, hosts: hosts.map((h, i) => ({ path: `x/dc/ded-${'ab'[i]}`, name: `ded-${'ab'[i]}`, ...h })) } as never,
      { ...spec.clusters[0], hosts: [spec.clusters[0].hosts[0]] },
    ] });
  };
  const peersOf = (plan: ReturnType<typeof planNetwork>) => Object.fromEntries(plan.hosts.map((h) => [h.name, h.peers]));

  it('a private dialAddress serves its own site, the cluster dnsName everyone else', () => {
    const plan = azureAfter({ dnsName: 'edge.example.com' }, { sshHost: 'ded-a.lan', dialAddress: '10.0.0.5' }, { sshHost: '198.51.100.7' });
    expect(peersOf(plan)).toEqual({ 'ded-a': [], 'ded-b': ['10.0.0.5'], 'azure-prd-01': ['edge.example.com'] });
    expect(checkReachability(plan)).toEqual([]);
  });

  it('dialAddress wins over publicAddress and ssh.host', () => {
    const plan = azureAfter({}, { sshHost: 'ded-a.vpn.acme.internal', publicAddress: '203.0.113.10', dialAddress: 'ded-a.acme.com' }, { sshHost: '198.51.100.7' });
    expect(peersOf(plan)).toEqual({ 'ded-a': [], 'ded-b': ['ded-a.acme.com'], 'azure-prd-01': ['ded-a.acme.com'] });
    const noDial = azureAfter({}, { sshHost: 'ded-a.vpn.acme.internal', publicAddress: '203.0.113.10/32' }, { sshHost: '198.51.100.7' });
    expect(peersOf(noDial)['ded-b']).toEqual(['203.0.113.10']);
    expect(checkReachability(noDial)).toEqual([]);
  });

  it('a later dedicated cluster whose first server has no address joins through the first cluster', () => {
    const spec = seedSpec();
    const plan = planNetwork({ ...spec, clusters: [...spec.clusters.slice(0, 2), { ...spec.clusters[2], hosts: [
      { path: 'x/ded-a', name: 'ded-a', sshHost: 'ded-a.lan' }, { path: 'x/ded-b', name: 'ded-b', sshHost: '192.168.1.11' },
    ] }] });
    expect(peersOf(plan)['ded-b']).toEqual(['cluster-01.westeurope.cloudapp.azure.com']);
    expect(checkReachability(plan)).toEqual([]);
  });
});

describe('the diagram follows the dials', () => {
  it('draws an address arrow from a later dedicated server to its first server, and the load balancer arrow to the cluster', () => {
    const spec = seedSpec();
    const clusters = [...spec.clusters.slice(0, 2), { ...spec.clusters[2], hosts: [...spec.clusters[2].hosts, { path: 'seed/weave/cluster-03/ded-prd-02', name: 'ded-prd-02', sshHost: '198.51.100.7' }] }];
    const m = renderMermaid(planNetwork({ ...spec, clusters }));
    expect(m).toContain('h2_1 -->|"203.0.113.10"| h2_0');
    expect(m).toContain('h2_0 -->|"cluster-01.westeurope.cloudapp.azure.com"| lb0');
    expect(m).toContain('h1_1 --> h1_0');
  });
});
