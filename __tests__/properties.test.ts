// Property-based tests: random valid networks in, the wiring rules checked on
// every one of them.
//
// Part of the fast tier (`npm test`, 40 s on 2 cores with everything else;
// timing is measured by the bench and the tier runs, never asserted here):
// the planner property runs on 500 networks of up to 30 × 40 hosts (about
// 180k hosts in all). Every host's user data and launch values are checked,
// but only a sample of hosts per network is rendered. The synth property
// (properties-synth.test.ts, a file of its own so the two run on both cores)
// builds the real constructs for 12 networks capped at 100 hosts.
// Seeds: one per run, printed at the start, replayed with WEAVE_FC_SEED
// (support/property-seed.ts).
import fc from 'fast-check';
import { NetworkPlan, planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';
import {
  SynthJson,
  checkBridgeAddresses,
  checkEnvReferences,
  checkHostDataPlain,
  checkHostEnv,
  checkHostNames,
  checkIpalloc,
  checkPeerGraph,
  checkPlanPeers,
  checkDialingRule,
  checkFirstSshPorts,
  checkReachability,
  checkRouterFlags,
  checkSampledDocuments,
  documentTexts,
  embeddedDocument,
  firstHosts,
  renderHost,
  terraformRefs,
  unreachableFrom,
  vmToVmReferences,
} from './support/network-checks';
import {
  GeneratedNetwork,
  MAX_CLUSTERS,
  MAX_HOSTS_PER_CLUSTER,
  generatedNetwork,
} from './support/random-network';

const NETWORK_RUNS = 500;
const JEST_TIMEOUT_MS = 90_000;

function expectNoViolations(violations: readonly string[]): void {
  if (violations.length > 0) {
    const shown = violations.slice(0, 15).map((v) => `  - ${v}`).join('\n');
    throw new Error(`${violations.length} violation(s):\n${shown}`);
  }
}

/** Everything the planner promises about one network. */
function planViolations(gen: GeneratedNetwork, plan: NetworkPlan): string[] {
  return [
    ...checkHostNames(plan),
    ...checkPlanPeers(plan),
    ...checkDialingRule(plan),
    ...checkReachability(plan),
    ...checkIpalloc(plan, gen.bootstrapFlags),
    ...checkBridgeAddresses(plan, gen.pinned, gen.bootstrapFlags),
    ...checkHostEnv(plan),
    ...checkHostDataPlain(plan),
    ...checkSampledDocuments(plan, gen.sample, gen.azureBootFormat),
    ...checkFirstSshPorts(plan),
    ...checkRouterFlags(plan),
  ];
}

describe('planner properties over random networks', () => {
  it(`holds for ${NETWORK_RUNS} random networks of 1-${MAX_CLUSTERS} clusters x 1-${MAX_HOSTS_PER_CLUSTER} hosts`, () => {
    // What the runs covered, to catch a generator that stopped producing the
    // interesting cases (checked only once the property passed).
    const seen = {
      maxHosts: 0, mixed: 0, dedicatedFirst: 0, pinned: 0, observers: 0, clusterBootstrap: 0, withoutDns: 0,
      // Dedicated clusters of several servers, one placed first without a
      // dnsName, one placed later, and later servers dialing by each kind of address.
      dedicatedSeveral: 0, dedicatedFirstNoName: 0, dedicatedLater: 0, dialsIpv4: 0, dialsDialName: 0, dialsEntry: 0,
      // Direct peering: a direct cluster first (others dial its first VM's
      // own name), later ones, and mixed with load-balanced ones; SSH ports; router flags.
      directFirst: 0, directLater: 0, directMixed: 0, sshPorts: 0, connLimit: 0, trustVnet: 0,
    };
    fc.assert(
      fc.property(generatedNetwork, (gen) => {
        const plan = planNetwork(gen.spec);
        expectNoViolations(planViolations(gen, plan));
        seen.maxHosts = Math.max(seen.maxHosts, gen.hostCount);
        if (new Set(gen.spec.clusters.map((c) => c.kind)).size === 2) seen.mixed++;
        if (gen.spec.clusters[0].kind === 'dedicated') seen.dedicatedFirst++;
        if (gen.pinned.size > 0) seen.pinned++;
        if (plan.consensus < gen.hostCount) seen.observers++;
        if (gen.spec.clusters.some((c) => c.bootstrapHosts !== undefined)) seen.clusterBootstrap++;
        if (gen.spec.dnsDomain === false) seen.withoutDns++;
        const ded = gen.spec.clusters.filter((c) => c.kind === 'dedicated');
        if (ded.some((c) => c.hosts.length > 1)) seen.dedicatedSeveral++;
        if (gen.spec.clusters[0].kind === 'dedicated' && !gen.spec.clusters[0].dnsName && gen.spec.clusters.length > 1) seen.dedicatedFirstNoName++;
        if (gen.spec.clusters.slice(1).some((c) => c.kind === 'dedicated' && c.hosts.length > 1)) seen.dedicatedLater++;
        const laterServers = plan.hosts.filter((h) => h.kind === 'dedicated' && h.indexInCluster > 0);
        if (laterServers.some((h) => h.dials[0].via === 'ipv4')) seen.dialsIpv4++;
        if (laterServers.some((h) => h.dials[0].via === 'public-dns' && h.dials[0].cluster === h.clusterIndex)) seen.dialsDialName++;
        if (laterServers.some((h) => h.dials[0].cluster !== h.clusterIndex)) seen.dialsEntry++;
        const direct = gen.spec.clusters.map((c) => c.options?.peering === 'direct');
        if (direct[0] && gen.spec.clusters.length > 1) seen.directFirst++;
        if (direct.slice(1).some(Boolean)) seen.directLater++;
        if (direct.some(Boolean) && gen.spec.clusters.some((c, i) => c.kind === 'azure' && !direct[i])) seen.directMixed++;
        if (plan.hosts.some((h) => h.sshPort !== undefined)) seen.sshPorts++;
        if (gen.spec.connLimit !== undefined) seen.connLimit++;
        if (plan.clusters.some((c) => c.launchArgs.length > 0)) seen.trustVnet++;
      }),
      { numRuns: NETWORK_RUNS },
    );
    expect(seen.maxHosts).toBeGreaterThan(800);
    for (const k of ['mixed', 'dedicatedFirst', 'pinned', 'observers', 'clusterBootstrap', 'withoutDns', 'dedicatedSeveral', 'dedicatedFirstNoName', 'dedicatedLater', 'dialsIpv4', 'dialsDialName', 'dialsEntry',
      'directFirst', 'directLater', 'directMixed', 'sshPorts', 'connLimit', 'trustVnet'] as const) {
      expect(seen[k]).toBeGreaterThan(NETWORK_RUNS / 20);
    }
  }, JEST_TIMEOUT_MS);
});

describe('the property checkers reject broken inputs', () => {
  const plan = planNetwork(seedSpec());
  const all5 = firstHosts(5, 5);
  const seedGen: GeneratedNetwork = {
    spec: plan.spec,
    hostCount: plan.hosts.length,
    pinned: new Map(),
    sshHosts: new Map(),
    constructsOnly: false,
    azureBootFormat: 'cloud-config',
    bootstrapFlags: all5,
    sample: plan.hosts.map((h) => h.index),
  };
  /** The seed plan with some hosts replaced. */
  const withHosts = (change: (hosts: NetworkPlan['hosts'][number][]) => void): NetworkPlan => {
    const hosts = plan.hosts.map((h) => ({ ...h }));
    change(hosts);
    return { ...plan, hosts };
  };

  it('accepts the seed network', () => {
    expectNoViolations(planViolations(seedGen, plan));
  });

  it('reachability rejects a disconnected graph', () => {
    expect(unreachableFrom(0, 4, [[1, 0], [3, 2]])).toEqual([2, 3]);
    expect(unreachableFrom(0, 4, [[1, 0], [2, 1], [3, 0]])).toEqual([]);
  });

  it('the peer-graph check rejects forward links, strangers, extra peers and islands', () => {
    const dns = new Map([['first.example.net', 0]]);
    const ok = [
      { name: 'a', peers: [] },
      { name: 'b', peers: ['a'] },
      { name: 'c', peers: ['first.example.net'] },
      { name: 'd', peers: ['c'] },
    ];
    expect(checkPeerGraph(ok, dns)).toEqual([]);
    // c and d only dial each other: an island, and c dials forward.
    const island = [ok[0], ok[1], { name: 'c', peers: ['d'] }, { name: 'd', peers: ['c'] }];
    const islandProblems = checkPeerGraph(island, dns);
    expect(islandProblems.join('\n')).toMatch(/not declared before it/);
    expect(islandProblems.join('\n')).toMatch(/2 host\(s\) unreachable from host 0/);
    expect(checkPeerGraph([ok[0], { name: 'b', peers: ['nobody'] }], dns).join('\n')).toMatch(/neither a known DNS name nor a host/);
    expect(checkPeerGraph([ok[0], { name: 'b', peers: ['a', 'a'] }], dns).join('\n')).toMatch(/exactly one peer/);
    expect(checkPeerGraph([{ name: 'a', peers: ['b'] }, { name: 'b', peers: ['a'] }], dns).join('\n')).toMatch(/host 0 \(a\) should dial nobody/);
    // The seed plan with azure-prd-03 dialing itself.
    const selfDial = withHosts((hs) => { hs[2] = { ...hs[2], peers: ['azure-prd-03'] }; });
    expect(checkPlanPeers(selfDial).join('\n')).toMatch(/azure-prd-03.*not declared before it/);
    // A valid tree that breaks the seed's rule: cluster-02's first host dialing azure-prd-02.
    const wrongTarget = withHosts((hs) => { hs[2] = { ...hs[2], peers: ['azure-prd-02'] }; });
    expect(checkPlanPeers(wrongTarget)).toEqual([]);
    expect(checkDialingRule(wrongTarget).join('\n')).toMatch(/azure-prd-03 dials \["azure-prd-02"\], expected \["cluster-01\.westeurope\.cloudapp\.azure\.com"\]/);
    expect(checkDialingRule(planNetwork(seedSpec()))).toEqual([]);
    // The slip: a dedicated cluster's second server dialing the first by bare name.
    const ded = planNetwork(seedSpec({ clusters: [...seedSpec().clusters, {
      path: 'seed/weave/dc', name: 'dc', kind: 'dedicated',
      hosts: [{ path: 'seed/weave/dc/ded-a', name: 'ded-a', sshHost: '203.0.113.10' }, { path: 'seed/weave/dc/ded-b', name: 'ded-b', sshHost: '198.51.100.7' }],
    }] }));
    expect(checkDialingRule(ded)).toEqual([]);
    expect(ded.hosts.at(-1)!.peers).toEqual(['203.0.113.10']);
    const byName = { ...ded, hosts: ded.hosts.map((h) => (h.name === 'ded-b' ? { ...h, peers: ['ded-a'] } : h)) };
    expect(checkDialingRule(byName).join('\n')).toMatch(/ded-b dials \["ded-a"\], expected \["203\.0\.113\.10"\]/);
  });

  it('the reachability check rejects unreachable peers, load-balancer dials into unconnected clusters and wrong dial metadata', () => {
    expect(checkReachability(plan)).toEqual([]);
    type Dial = NetworkPlan['hosts'][number]['dials'][number];
    const dialing = (i: number, dials: Dial[]) => withHosts((hs) => { hs[i] = { ...hs[i], peers: dials.map((d) => d.address), dials }; });
    // The slip of the issue: a dedicated server dialing another by bare name.
    expect(checkReachability(dialing(4, [{ address: 'azure-prd-01', via: 'vm-name', cluster: 0, host: 0 }])).join('\n'))
      .toMatch(/ded-prd-01 cannot reach its peer "azure-prd-01": an Azure VM name outside the dialer's own VNet/);
    // An Azure VM dialing a VM of another VNet by name.
    expect(checkReachability(dialing(2, [{ address: 'azure-prd-01', via: 'vm-name', cluster: 0, host: 0 }])).join('\n'))
      .toMatch(/azure-prd-03 cannot reach its peer "azure-prd-01"/);
    expect(checkReachability(dialing(4, [{ address: 'ded-prd-01.internal', via: 'public-dns', cluster: 0 }])).join('\n'))
      .toMatch(/nothing declared by that name/);
    // azure-prd-02 dials nobody: the load balancer of cluster-01 may send
    // cluster-02 and the dedicated server to it, so none of them is surely connected.
    const lost = checkReachability(dialing(1, [])).join('\n');
    expect(lost).toMatch(/4 host\(s\) not connected to azure-prd-01, e\.g\. azure-prd-02, azure-prd-03, azure-prd-04, ded-prd-01/);
    // The plan's own account of where a dial leads must match the model.
    expect(checkReachability(dialing(2, [{ address: 'cluster-01.westeurope.cloudapp.azure.com', via: 'public-dns', cluster: 0, host: 1 }])).join('\n'))
      .toMatch(/the plan says cluster-01\.westeurope\.cloudapp\.azure\.com leads to hosts \[1\], the model says \[0,1\]/);
    // Private addresses reach only their own cluster.
    const privateEntry = planNetwork(seedSpec({ clusters: [
      { path: 'p/dc', name: 'dc', kind: 'dedicated', hosts: [
        { path: 'p/dc/a', name: 'a', sshHost: '203.0.113.10', dialAddress: '10.0.0.5' },
        { path: 'p/dc/b', name: 'b', sshHost: '203.0.113.11' },
      ] },
    ] }));
    expect(checkReachability(privateEntry)).toEqual([]);
    const cross = { ...privateEntry, spec: { ...privateEntry.spec, clusters: [privateEntry.spec.clusters[0], { ...privateEntry.spec.clusters[0], name: 'dc2', path: 'p/dc2', hosts: [{ path: 'p/dc2/c', name: 'c', sshHost: '203.0.113.12' }] }] } };
    const c: NetworkPlan['hosts'][number] = { ...privateEntry.hosts[1], name: 'c', index: 2, clusterIndex: 1, indexInCluster: 0, cluster: 'dc2' };
    expect(checkReachability({ ...cross, hosts: [...privateEntry.hosts, c] }).join('\n'))
      .toMatch(/c cannot reach its peer "10\.0\.0\.5": a private address of cluster 0/);
  });

  it('the ipalloc check rejects a wrong mode, a wrong count and launch args that disagree', () => {
    expect(checkIpalloc(plan, all5)).toEqual([]);
    const four = checkIpalloc(plan, firstHosts(4, 5)).join('\n');
    expect(four).toMatch(/plan.consensus is 5, expected 4/);
    expect(four).toMatch(/host 4 \(ded-prd-01\) has ipallocInit consensus=5, expected observer/);
    // Per-cluster pins: cluster-02 keeps only azure-prd-03, so azure-prd-04 is an observer.
    expect(checkIpalloc(plan, [true, true, true, false, true]).join('\n')).toMatch(/azure-prd-04\) has ipallocInit consensus=5, expected observer/);
    const observer = withHosts((hs) => { hs[0] = { ...hs[0], ipallocInit: 'observer' }; });
    expect(checkIpalloc(observer, all5).join('\n')).toMatch(/ipallocInit observer, expected consensus=5/);
    const staleArgs = withHosts((hs) => {
      hs[1] = { ...hs[1], launchArgs: hs[1].launchArgs.map((a) => (a === 'consensus=5' ? 'consensus=4' : a)) };
    });
    expect(checkIpalloc(staleArgs, all5).join('\n')).toMatch(/launches with --ipalloc-init \["consensus=4"\]/);
  });

  it('the bridge check rejects duplicates, reserved addresses, wrong prefixes, ignored pins and gaps', () => {
    expect(checkBridgeAddresses(plan, new Map(), all5)).toEqual([]);
    const set = (i: number, bridgeAddress: string) => withHosts((hs) => { hs[i] = { ...hs[i], bridgeAddress }; });
    expect(checkBridgeAddresses(set(1, '10.1.0.1/16'), new Map(), all5).join('\n')).toMatch(/also azure-prd-01's/);
    expect(checkBridgeAddresses(set(4, '10.1.0.0/16'), new Map(), all5).join('\n')).toMatch(/network address/);
    expect(checkBridgeAddresses(set(4, '10.1.255.255/16'), new Map(), all5).join('\n')).toMatch(/broadcast address/);
    expect(checkBridgeAddresses(set(4, '10.1.0.5/24'), new Map(), all5).join('\n')).toMatch(/range prefix/);
    expect(checkBridgeAddresses(set(4, '10.3.0.5/16'), new Map(), all5).join('\n')).toMatch(/outside/);
    expect(checkBridgeAddresses(plan, new Map([['ded-prd-01', '10.1.9.9']]), all5).join('\n')).toMatch(/pinned 10\.1\.9\.9/);
    expect(checkBridgeAddresses(set(4, '10.1.0.9/16'), new Map(), all5).join('\n')).toMatch(/next free address is 10\.1\.0\.5/);
    // Were azure-prd-02 a late joiner, bootstrap hosts would come first: azure-prd-03 would get 10.1.0.2.
    expect(checkBridgeAddresses(plan, new Map(), [true, false, true, true, true]).join('\n'))
      .toMatch(/azure-prd-03 \(host 2, bootstrap\) got 10\.1\.0\.3, the next free address is 10\.1\.0\.2/);
  });

  it('the name and env-file checks reject duplicates and borrowed env files', () => {
    const twin = withHosts((hs) => { hs[3] = { ...hs[3], name: 'azure-prd-01' }; });
    expect(checkHostNames(twin).join('\n')).toMatch(/azure-prd-01 is used twice/);
    const borrowed = withHosts((hs) => { hs[1] = { ...hs[1], hostEnvPath: '/etc/weave.azure-prd-01.env' }; });
    expect(checkHostEnv(borrowed).join('\n')).toMatch(/azure-prd-02: env file is \/etc\/weave\.azure-prd-01\.env/);

    // azure-prd-01's rendered document judged as if it were azure-prd-02's.
    const names = new Set(plan.hosts.map((h) => h.name));
    const texts = documentTexts(renderHost(plan, plan.hosts[0], 'cloud-config'));
    expect(checkEnvReferences(plan.hosts[0], texts, names)).toEqual([]);
    const wrong = checkEnvReferences(plan.hosts[1], texts, names).join('\n');
    expect(wrong).toMatch(/references azure-prd-01's env file/);
    expect(wrong).toMatch(/never references its own env file/);
    // The script for the dedicated host carries its env file in base64; the check decodes it.
    const script = documentTexts(renderHost(plan, plan.hosts[4], 'cloud-config'));
    expect(script.some((t) => t.includes('WEAVE_PEERS=cluster-01.westeurope.cloudapp.azure.com'))).toBe(true);
  });

  it('the Terraform-reference checks catch expressions in boot data and VM-to-VM references', () => {
    expect(terraformRefs('x', ['WEAVE_PEERS=${azurerm_public_ip.x.fqdn}']).length).toBe(1);
    // A cdktf token, and a lower-case reference after a shell expansion, are still caught.
    expect(terraformRefs('x', ['a=${TfToken[TOKEN.1]}']).length).toBe(1);
    expect(terraformRefs('x', ['v=${WEAVE_VERSION:-2.9.0} p=${var.password}']).length).toBe(1);
    expect(terraformRefs('x', ['v=${WEAVE_VERSION:-2.9.0} h=${HOME}'])).toEqual([]);
    const peerToken = withHosts((hs) => { hs[2] = { ...hs[2], peers: ['${azurerm_public_ip.pip.fqdn}'] }; });
    expect(checkHostDataPlain(peerToken).join('\n')).toMatch(/azure-prd-03 user data: contains a Terraform expression/);
    const json: SynthJson = {
      resource: {
        azurerm_linux_virtual_machine: {
          a: { name: 'a', depends_on: ['azurerm_network_interface_backend_address_pool_association.a'] },
          b: { name: 'b', depends_on: ['azurerm_linux_virtual_machine.a'] },
          c: { name: 'c', user_data: '${base64encode(azurerm_linux_virtual_machine.a.private_ip_address)}' },
        },
      },
    };
    expect(embeddedDocument('${base64encode(replace(base64decode("aGkK"), "__WEAVE_SECRET_0__", var.p))}')).toBe('hi\n');
    expect(embeddedDocument('${azurerm_linux_virtual_machine.a.custom_data}')).toBeUndefined();
    const found = vmToVmReferences(json);
    expect(found).toEqual([
      'azurerm_linux_virtual_machine.b references azurerm_linux_virtual_machine.a',
      'azurerm_linux_virtual_machine.c references azurerm_linux_virtual_machine.a',
    ]);
    // Through a local, and through a terraform_data that replaces the VM: both still make it wait.
    const indirect = {
      locals: { peer_ip: '${azurerm_linux_virtual_machine.a.private_ip_address}' },
      resource: {
        azurerm_linux_virtual_machine: {
          a: { name: 'a' },
          viaLocal: { name: 'l', custom_data: '${base64encode(local.peer_ip)}' },
          viaData: { name: 'd', lifecycle: { replace_triggered_by: ['terraform_data.gen'] } },
        },
        terraform_data: { gen: { triggers_replace: { peer: '${azurerm_linux_virtual_machine.a.id}' } } },
      },
    } as unknown as SynthJson;
    expect(vmToVmReferences(indirect)).toEqual([
      'azurerm_linux_virtual_machine.viaLocal references azurerm_linux_virtual_machine.a',
      'azurerm_linux_virtual_machine.viaData references azurerm_linux_virtual_machine.a',
    ]);
  });
});
