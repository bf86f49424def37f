// Property-based tests: random valid networks in, the wiring rules checked on
// every one of them.
//
// Budget (2 cores, whole `npm test` < 60 s): the planner property runs on 500
// networks of up to 30 × 40 hosts (~150k hosts per run, a few seconds); the
// synth property builds the real constructs for a handful of networks with
// the host count capped, since one cdktf synth costs about a second.
import fc from 'fast-check';
import { Testing } from 'cdktf';
import { NetworkPlan, planNetwork, renderUserData } from '../lib/core';
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
  checkSampledDocuments,
  documentTexts,
  renderHost,
  terraformRefs,
  unreachableFrom,
  vmToVmReferences,
} from './support/network-checks';
import {
  GeneratedNetwork,
  MAX_CLUSTERS,
  MAX_HOSTS_PER_CLUSTER,
  capHosts,
  generatedNetwork,
  rawNetwork,
  toGenerated,
} from './support/random-network';
import { buildRandomStack } from './support/random-stack';

const NETWORK_RUNS = 500;
const SYNTH_RUNS = 10;
const SYNTH_MAX_HOSTS = 60;

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
    ...checkIpalloc(plan, gen.spec.bootstrapSize ?? gen.hostCount),
    ...checkBridgeAddresses(plan, gen.pinned),
    ...checkHostEnv(plan),
    ...checkHostDataPlain(plan),
    ...checkSampledDocuments(plan, gen.sample, gen.azureBootFormat),
  ];
}

describe('planner properties over random networks', () => {
  it(`holds for ${NETWORK_RUNS} random networks of 1-${MAX_CLUSTERS} clusters x 1-${MAX_HOSTS_PER_CLUSTER} hosts`, () => {
    // What the runs covered, to catch a generator that stopped producing the
    // interesting cases (checked only once the property passed).
    const seen = { maxHosts: 0, mixed: 0, dedicatedFirst: 0, pinned: 0, observers: 0, withoutDns: 0 };
    fc.assert(
      fc.property(generatedNetwork, (gen) => {
        const plan = planNetwork(gen.spec);
        expectNoViolations(planViolations(gen, plan));
        seen.maxHosts = Math.max(seen.maxHosts, gen.hostCount);
        if (new Set(gen.spec.clusters.map((c) => c.kind)).size === 2) seen.mixed++;
        if (gen.spec.clusters[0].kind === 'dedicated') seen.dedicatedFirst++;
        if (gen.pinned.size > 0) seen.pinned++;
        if (plan.consensus < gen.hostCount) seen.observers++;
        if (gen.spec.dnsDomain === false) seen.withoutDns++;
      }),
      { numRuns: NETWORK_RUNS },
    );
    expect(seen.maxHosts).toBeGreaterThan(400);
    for (const k of ['mixed', 'dedicatedFirst', 'pinned', 'observers', 'withoutDns'] as const) {
      expect(seen[k]).toBeGreaterThan(NETWORK_RUNS / 20);
    }
  }, 60_000);

  it(`synthesized VMs never reference another VM (${SYNTH_RUNS} networks, at most ${SYNTH_MAX_HOSTS} hosts)`, () => {
    const capped = rawNetwork.map((raw) => toGenerated(capHosts(raw, SYNTH_MAX_HOSTS)));
    fc.assert(
      fc.property(capped, fc.integer({ min: 1, max: 3 }), (gen, subscriptions) => {
        const saved = Error.prepareStackTrace;
        Error.prepareStackTrace = undefined;
        let json: SynthJson;
        try {
          const { stack } = buildRandomStack(gen, subscriptions);
          json = JSON.parse(Testing.synth(stack)) as SynthJson;
        } finally { Error.prepareStackTrace = saved; }
        const vms = Object.values(json.resource?.azurerm_linux_virtual_machine ?? {});
        const plan = planNetwork(gen.spec);
        const azureHosts = plan.hosts.filter((h) => h.kind === 'azure');
        // One VM per Azure host, so the walk below is not vacuous.
        expect(vms.map((vm) => vm.name).sort()).toEqual(azureHosts.map((h) => h.name).sort());
        expectNoViolations(vmToVmReferences(json));
        // The only network-dependent VM input is its user data (cloud-config)
        // and it is exactly the planner's plain text.
        const byName = new Map(vms.map((vm) => [vm.name as string, vm]));
        for (const h of azureHosts) {
          const userData = byName.get(h.name)!.user_data;
          if (gen.azureBootFormat === 'ignition') {
            expect(userData).toBeUndefined();
          } else {
            expect(Buffer.from(userData as string, 'base64').toString('utf8')).toBe(renderUserData(h));
          }
        }
      }),
      { numRuns: SYNTH_RUNS },
    );
  }, 60_000);
});

describe('the property checkers reject broken inputs', () => {
  const plan = planNetwork(seedSpec());
  const seedGen: GeneratedNetwork = {
    spec: plan.spec,
    hostCount: plan.hosts.length,
    pinned: new Map(),
    sshHosts: new Map(),
    azureBootFormat: 'cloud-config',
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
  });

  it('the ipalloc check rejects a wrong mode, a wrong count and launch args that disagree', () => {
    expect(checkIpalloc(plan, 5)).toEqual([]);
    expect(checkIpalloc(plan, 4).length).toBeGreaterThan(0);
    const observer = withHosts((hs) => { hs[0] = { ...hs[0], ipallocInit: 'observer' }; });
    expect(checkIpalloc(observer, 5).join('\n')).toMatch(/ipallocInit observer, expected consensus=5/);
    const staleArgs = withHosts((hs) => {
      hs[1] = { ...hs[1], launchArgs: hs[1].launchArgs.map((a) => (a === 'consensus=5' ? 'consensus=4' : a)) };
    });
    expect(checkIpalloc(staleArgs, 5).join('\n')).toMatch(/launches with --ipalloc-init \["consensus=4"\]/);
  });

  it('the bridge check rejects duplicates, reserved addresses, wrong prefixes, ignored pins and gaps', () => {
    expect(checkBridgeAddresses(plan, new Map())).toEqual([]);
    const set = (i: number, bridgeAddress: string) => withHosts((hs) => { hs[i] = { ...hs[i], bridgeAddress }; });
    expect(checkBridgeAddresses(set(1, '10.1.0.1/16'), new Map()).join('\n')).toMatch(/also azure-prd-01's/);
    expect(checkBridgeAddresses(set(4, '10.1.0.0/16'), new Map()).join('\n')).toMatch(/network address/);
    expect(checkBridgeAddresses(set(4, '10.1.255.255/16'), new Map()).join('\n')).toMatch(/broadcast address/);
    expect(checkBridgeAddresses(set(4, '10.1.0.5/24'), new Map()).join('\n')).toMatch(/range prefix/);
    expect(checkBridgeAddresses(set(4, '10.3.0.5/16'), new Map()).join('\n')).toMatch(/outside/);
    expect(checkBridgeAddresses(plan, new Map([['ded-prd-01', '10.1.9.9']])).join('\n')).toMatch(/pinned 10\.1\.9\.9/);
    expect(checkBridgeAddresses(set(4, '10.1.0.9/16'), new Map()).join('\n')).toMatch(/next free address is 10\.1\.0\.5/);
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
    const found = vmToVmReferences(json);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^azurerm_linux_virtual_machine\.b references/);
    expect(found[1]).toMatch(/^azurerm_linux_virtual_machine\.c references/);
  });
});
