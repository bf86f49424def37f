// Slips that used to pass silently or crash (issue 23), each with its
// control: Azure names that collide across an app, literal passwords, a
// dedicated server known by a private address, a Key Vault location typo,
// VM sizes, a partial allocation record, a moved Ignition anchor, secrets
// in messages, and props of the wrong type. The one-line cases are in
// validation.test.ts's table; these need more than one stack or a look at
// what was synthesized.
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import {
  Problem, WeaveCluster, WeaveClusterProps, WeaveConfigError, WeaveHost, WeaveHostProps, WeaveNetwork, WeaveNetworkProps, formatProblem,
} from '../lib';
import { AZURE_VM_SIZES, isKnownVmSize, vmSizeFeatures } from '../lib/core/kinds/azure/vm-sizes';
import { VM_SIZE_RE } from '../lib/core/kinds/azure/regions';
import { ED25519, FAKE_PRIVATE_KEY, FAKE_PRIVATE_KEY_BODY } from './fixtures/ssh-keys';

const SUB_A = '00000000-0000-0000-0000-00000000000a';
const SUB_B = '00000000-0000-0000-0000-00000000000b';

interface ClusterDecl {
  id: string;
  props?: Partial<WeaveClusterProps>;
  hosts: (string | [string, WeaveHostProps])[];
}

/** A stack with one provider per subscription given (by alias `sub<i>`) and the networks declared. */
function stackWith(app: App, id: string, subscriptions: string[], networks: { id: string; props?: WeaveNetworkProps; clusters: ClusterDecl[] }[]) {
  const stack = new TerraformStack(app, id);
  const providers = subscriptions.map((sub, i) => new AzurermProvider(stack, `azurerm-${i}`, { alias: `sub${i}`, features: [{}], subscriptionId: sub }));
  const nets = networks.map((n) => {
    const net = new WeaveNetwork(stack, n.id, { sshPublicKey: ED25519, ...n.props });
    for (const c of n.clusters) {
      const azure = (c.props?.kind ?? 'azure') === 'azure';
      const cluster = new WeaveCluster(net, c.id, azure ? { provider: providers[0], location: 'westeurope', dnsLabel: `mesh-${n.id}-${c.id}`, ...c.props } : { ...c.props });
      for (const h of c.hosts) {
        const [hid, props] = typeof h === 'string' ? [h, azure ? {} : { ssh: { host: '203.0.113.10' } }] : h;
        new WeaveHost(cluster, hid, props);
      }
    }
    return net;
  });
  return { stack, providers, nets };
}

/** Every problem one synth of the app reports (none when it synthesizes). */
function problemsOf(app: App, stacks: TerraformStack[]): readonly Problem[] {
  try {
    for (const s of stacks) Testing.synth(s);
  } catch (e) {
    if (e instanceof WeaveConfigError) return e.problems;
    throw e;
  }
  void app;
  return [];
}

const summary = (ps: readonly Problem[]) => ps.map((p) => [p.code, p.path, p.field, p.value]);

describe('Azure names collide anywhere in an app', () => {
  it('two networks of a stack with a cluster of one name: the resource group and the DNS label, not their consequences', () => {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [
      { id: 'net-a', clusters: [{ id: 'web', props: { dnsLabel: 'acme-web' }, hosts: ['web-1'] }] },
      { id: 'net-b', clusters: [{ id: 'web', props: { dnsLabel: 'acme-web' }, hosts: ['web-2'] }] },
    ]);
    const p = problemsOf(app, [stack]);
    expect(summary(p)).toEqual([
      ['azure-name-duplicate', 'site/net-b/web', 'resourceGroupName', 'web-rg'],
      ['dns-label-duplicate', 'site/net-b/web', 'dnsLabel', 'acme-web'],
    ]);
    // The VNet, NSG, public IP and load balancer in the two groups are consequences, said once.
    expect(formatProblem(p[0])).toMatch(/also the resource group name of site\/net-a\/web in subscription [0-9-]+a \(provider sub0 of site\).*Fix: give one of them its own resourceGroupName/);
    expect(formatProblem(p[1])).toMatch(/in westeurope \(acme-web\.westeurope\.cloudapp\.azure\.com\).*its own dnsLabel/);
  });

  it('two clusters of one name in one existing resource group: their VNet, NSG, public IP and load balancer in one line', () => {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [
      { id: 'net-a', clusters: [{ id: 'web', props: { existingResourceGroup: 'shared' }, hosts: ['web-1'] }] },
      { id: 'net-b', clusters: [{ id: 'web', props: { existingResourceGroup: 'shared' }, hosts: ['web-2'] }] },
    ]);
    const p = problemsOf(app, [stack]);
    expect(summary(p)).toEqual([['azure-name-duplicate', 'site/net-b/web', 'name', 'web-vnet, web-nsg, web-pip, web-lb']]);
    expect(formatProblem(p[0])).toMatch(/are also the names of site\/net-a\/web's virtual network, network security group, public IP, load balancer in resource group shared.*Fix: rename one of the clusters/);
  });

  it('controls: other cluster names, or another subscription and label, synthesize', () => {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A, SUB_B], [
      { id: 'net-a', clusters: [{ id: 'web', hosts: ['web-1'] }] },
      { id: 'net-b', clusters: [{ id: 'web2', hosts: ['web-2'] }] },
    ]);
    expect(problemsOf(app, [stack])).toEqual([]);
    const app2 = Testing.app();
    const s2 = new TerraformStack(app2, 'site');
    const [pa, pb] = [SUB_A, SUB_B].map((sub, i) => new AzurermProvider(s2, `p${i}`, { alias: `sub${i}`, features: [{}], subscriptionId: sub }));
    for (const [id, provider] of [['net-a', pa], ['net-b', pb]] as const) {
      const net = new WeaveNetwork(s2, id, { sshPublicKey: ED25519 });
      new WeaveHost(new WeaveCluster(net, 'web', { provider, location: 'westeurope', dnsLabel: `acme-${id}` }), `${id}-h1`);
    }
    expect(problemsOf(app2, [s2])).toEqual([]);
  });

  it('VMs and NICs of two networks in one existing resource group', () => {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [
      { id: 'net-a', clusters: [{ id: 'a', props: { existingResourceGroup: 'platform' }, hosts: ['node-1'] }] },
      { id: 'net-b', clusters: [{ id: 'b', props: { existingResourceGroup: 'Platform' }, hosts: ['node-1', 'node-2'] }] },
    ]);
    const p = problemsOf(app, [stack]);
    // The NIC and the VM of one host, said in one line.
    expect(summary(p)).toEqual([['azure-name-duplicate', 'site/net-b/b/node-1', 'hostName', 'node-1-nic, node-1']]);
    expect(p[0].message).toMatch(/are also the names of site\/net-a\/a\/node-1's network interface, virtual machine in resource group Platform of subscription/);
    // Control: one group shared on purpose by hosts of their own names.
    const app2 = Testing.app();
    const ok = stackWith(app2, 'site', [SUB_A], [
      { id: 'net-a', clusters: [{ id: 'a', props: { existingResourceGroup: 'platform' }, hosts: ['node-1'] }] },
      { id: 'net-b', clusters: [{ id: 'b', props: { existingResourceGroup: 'platform' }, hosts: ['node-2'] }] },
    ]);
    expect(problemsOf(app2, [ok.stack])).toEqual([]);
  });

  /** Two stacks, each with one network of cluster `web`, subscriptions by the variable names given. */
  function twoStacks(varA: string, varB: string, props: { alternative?: boolean; locationB?: string } = {}) {
    const app = Testing.app();
    const stacks = [['one', varA], ['two', varB]].map(([id, v]) => {
      const stack = new TerraformStack(app, id);
      const sub = new TerraformVariable(stack, v, { type: 'string' });
      return { stack, provider: new AzurermProvider(stack, 'azurerm', { alias: 'sub', features: [{}], subscriptionId: sub.stringValue }) };
    });
    const nets: WeaveNetwork[] = [];
    stacks.forEach(({ stack, provider }, i) => {
      const net = new WeaveNetwork(stack, 'weave', { sshPublicKey: ED25519, ...(props.alternative && i === 1 ? { alternativeTo: nets[0] } : {}) });
      nets.push(net);
      new WeaveHost(new WeaveCluster(net, 'web', { provider, location: i === 1 && props.locationB ? props.locationB : 'westeurope', dnsLabel: 'acme-web' }), 'web-1');
    });
    return problemsOf(app, stacks.map((s) => s.stack));
  }

  it('across stacks that read one subscription variable: group, names in it, label; the fix names alternativeTo', () => {
    const p = twoStacks('subscription_id', 'subscription_id');
    expect(p.map((x) => [x.code, x.path, x.value])).toEqual([
      ['azure-name-duplicate', 'two/weave/web', 'web-rg'],
      ['dns-label-duplicate', 'two/weave/web', 'acme-web'],
    ]);
    expect(p[0].message).toContain('in subscription ${var.subscription_id}');
    expect(p[0].fix).toMatch(/another stack; if the two stacks are alternatives.*set alternativeTo on one network/);
  });

  it('across stacks: another subscription variable still collides on the DNS label (global per region); another region is fine', () => {
    expect(twoStacks('sub_one', 'sub_two').map((x) => x.code)).toEqual(['dns-label-duplicate']);
    expect(twoStacks('sub_one', 'sub_two', { locationB: 'northeurope' })).toEqual([]);
  });

  it('stacks that are alternatives (alternativeTo) may share every name (control)', () => {
    expect(twoStacks('subscription_id', 'subscription_id', { alternative: true })).toEqual([]);
  });

  it('alternativeTo does not excuse a collision within one stack', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'site');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: SUB_A });
    const a = new WeaveNetwork(stack, 'net-a', { sshPublicKey: ED25519 });
    new WeaveHost(new WeaveCluster(a, 'web', { provider, location: 'westeurope', dnsLabel: 'acme-a' }), 'a-1');
    const b = new WeaveNetwork(stack, 'net-b', { sshPublicKey: ED25519, alternativeTo: a });
    new WeaveHost(new WeaveCluster(b, 'web', { provider, location: 'westeurope', dnsLabel: 'acme-b' }), 'b-1');
    expect(problemsOf(app, [stack]).map((x) => x.code)).toEqual(['azure-name-duplicate']);
  });

  it('the repository app: its two seed stacks are alternatives, so they synthesize together', () => {
    const { SeedStack } = require('../stacks/seed') as typeof import('../stacks/seed');
    const app = Testing.app();
    const seed = new SeedStack(app, 'weave-seed');
    const kv = new SeedStack(app, 'weave-seed-keyvault', { keyVault: { rotation: 1 }, network: { alternativeTo: seed.network } });
    expect(problemsOf(app, [seed, kv])).toEqual([]);
    // Control: without alternativeTo the same two stacks collide, group by group.
    const app2 = Testing.app();
    const seed2 = new SeedStack(app2, 'weave-seed');
    const kv2 = new SeedStack(app2, 'weave-seed-keyvault', { keyVault: { rotation: 1 } });
    const p = problemsOf(app2, [seed2, kv2]);
    expect(p.filter((x) => x.code === 'azure-name-duplicate').map((x) => x.value)).toEqual(expect.arrayContaining(['cluster-01-rg', 'cluster-02-rg']));
    expect(p.filter((x) => x.code === 'dns-label-duplicate').map((x) => x.value)).toEqual(['cluster-01', 'cluster-02']);
  });
});

describe('a literal password', () => {
  function synthWith(password: string) {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [{ id: 'net', props: { password }, clusters: [{ id: 'web', hosts: ['web-1'] }] }]);
    try {
      return { json: JSON.parse(Testing.synth(stack)), problems: [] as readonly Problem[] };
    } catch (e) {
      if (e instanceof WeaveConfigError) return { json: undefined, problems: e.problems };
      throw e;
    }
  }

  it('with `$`, `${`, `%{` and a `#` is written so cdk.tf.json stays valid: the env local is plain base64, decoding to the exact file', () => {
    const password = 'a$b${x}%{y}#z!~0';
    const { json, problems } = synthWith(password);
    expect(problems).toEqual([]);
    const local = json.locals.net_shared_env_b64 as string;
    // No interpolation or directive Terraform could read: a plain string.
    expect(local).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(Buffer.from(local, 'base64').toString()).toMatch(new RegExp(`\\nWEAVE_PASSWORD=${password.replace(/[$^{}%#!~]/g, '\\$&')}\\n$`));
  });

  it.each([
    ['11 characters', 'abcdefghijk', /is 11 characters, fewer than 12/],
    ['257 characters', 'a'.repeat(257), /is 257 characters, more than 256/],
    ['a tab', 'abcdefgh\tijklmn', /contains whitespace/],
    ['a single quote', "abcdefgh'ijklmn", /contains a quote/],
    ['a backslash', 'abcdefgh\\ijklmn', /contains a backslash/],
    ['a non-ASCII letter', 'abcdéfghijklmn', /outside printable ASCII/],
  ])('refuses %s, without showing it', (_, password, message) => {
    const { problems } = synthWith(password);
    expect(problems.map((p) => p.code)).toEqual(['password-invalid']);
    expect(problems[0].message).toMatch(message);
    expect(JSON.stringify(problems)).not.toContain(password);
  });

  it.each([['12 characters', 'abcdefghijkl'], ['256 characters', 'b'.repeat(256)]])('accepts %s (control)', (_, password) => {
    expect(synthWith(password).problems).toEqual([]);
  });

  it('a token password keeps its expression, and Key Vault mode reports a literal once, as key-vault-password-literal', () => {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [{ id: 'net', clusters: [{ id: 'web', hosts: ['web-1'] }] }]);
    expect(JSON.parse(Testing.synth(stack)).locals.net_shared_env_b64).toMatch(/^\$\{base64encode\(join\("", \[.*var\.net_password/);
    const app2 = Testing.app();
    const s2 = new TerraformStack(app2, 'site');
    const provider = new AzurermProvider(s2, 'azurerm', { features: [{}], subscriptionId: SUB_A });
    const net = new WeaveNetwork(s2, 'net', { sshPublicKey: ED25519, password: 'x', keyVault: { provider, create: { name: 'acme-weave-kv', location: 'westeurope' } } });
    new WeaveHost(new WeaveCluster(net, 'web', { provider, location: 'westeurope', dnsLabel: 'acme-web' }), 'web-1');
    expect(problemsOf(app2, [s2]).map((p) => p.code)).toEqual(['key-vault-password-literal']);
  });
});

describe('a Key Vault location', () => {
  function kvProblems(create: { location: string; locationUnchecked?: boolean }) {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'site');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: SUB_A });
    const net = new WeaveNetwork(stack, 'net', { sshPublicKey: ED25519, keyVault: { provider, create: { name: 'acme-weave-kv', ...create } } });
    new WeaveHost(new WeaveCluster(net, 'web', { provider, location: 'westeurope', dnsLabel: 'acme-web' }), 'web-1');
    return problemsOf(app, [stack]);
  }

  it('is checked against the clusters\' region list, with did-you-mean and the same escape hatch', () => {
    const p = kvProblems({ location: 'westeurop' });
    expect(summary(p)).toEqual([['key-vault-location-invalid', 'site/net', 'keyVault.create.location', 'westeurop']]);
    expect(p[0].fix).toMatch(/did you mean "westeurope"\? .*set keyVault\.create\.locationUnchecked/);
  });

  it('controls: a display name, and an unlisted region with locationUnchecked', () => {
    expect(kvProblems({ location: 'West Europe' })).toEqual([]);
    expect(kvProblems({ location: 'marscentral', locationUnchecked: true })).toEqual([]);
  });
});

describe('a dedicated server and the address Azure NSGs admit', () => {
  function nsgSources(host: WeaveHostProps, withAzure = true) {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [{
      id: 'net',
      clusters: [...(withAzure ? [{ id: 'web', hosts: ['web-1'] }] : []), { id: 'dc', props: { kind: 'dedicated', dnsName: 'dc.example.net' }, hosts: [['ded-1', host] as [string, WeaveHostProps]] }],
    }]);
    try {
      const json = JSON.parse(Testing.synth(stack));
      const rules = Object.values(json.resource?.azurerm_network_security_rule ?? {}) as { name: string; source_address_prefixes: string[] }[];
      return { problems: [] as string[], sources: rules.find((r) => r.name === 'weave-tcp')?.source_address_prefixes ?? [] };
    } catch (e) {
      if (e instanceof WeaveConfigError) return { problems: e.problems.map((p) => p.code), sources: [] };
      throw e;
    }
  }

  it('a private ssh.host alone is refused beside Azure clusters', () => {
    expect(nsgSources({ ssh: { host: '192.168.1.20' } }).problems).toEqual(['public-address-private']);
  });

  it('controls: a publicAddress (public, or private on purpose), and no Azure cluster, are accepted', () => {
    expect(nsgSources({ ssh: { host: '192.168.1.20' }, publicAddress: '198.51.100.20' })).toEqual({ problems: [], sources: ['198.51.100.20'] });
    expect(nsgSources({ ssh: { host: '192.168.1.20' }, publicAddress: '192.168.1.20' })).toEqual({ problems: [], sources: ['192.168.1.20'] });
    expect(nsgSources({ ssh: { host: '192.168.1.20' } }, false).problems).toEqual([]);
  });

  it('a private dialAddress (for its own cluster) beside a public ssh.host: the NSGs admit the public one', () => {
    expect(nsgSources({ ssh: { host: '198.51.100.30' }, dialAddress: '10.0.0.30' })).toEqual({ problems: [], sources: ['198.51.100.30'] });
  });
});

describe('VM sizes', () => {
  it('the list is the source\'s: 1,385 names whose lengths add up to its 68,244 characters, each shaped like a size', () => {
    // Each entry of the source file is `\t"Standard_X": {\n\t\tSize: "X",\n\t},\n` (2|X| + 32 characters) after a 90-character header, with `}\n` at the end.
    expect(AZURE_VM_SIZES).toHaveLength(1385);
    expect(new Set(AZURE_VM_SIZES).size).toBe(1385);
    expect(90 + 2 + AZURE_VM_SIZES.reduce((n, s) => n + 2 * (s.length - 'Standard_'.length) + 32, 0)).toBe(68244);
    expect(AZURE_VM_SIZES.filter((s) => !VM_SIZE_RE.test(s))).toEqual([]);
    for (const s of ['Standard_D2s_v5', 'Standard_B2s_v2', 'Standard_M416s_10_v2', 'Standard_ND128isr_GB300_v6', 'Standard_HB368-336rs_v5', 'Standard_F2-1amds_v7', 'Standard_DC1ds_v3', 'Standard_E2darm_V3', 'Standard_NC4as_T4_v3']) {
      expect([s, isKnownVmSize(s)]).toEqual([s, true]);
    }
    for (const s of ['Standard_D4s_v9', 'Standard_D64darm_V3', 'Standard_M8-2ms_v2', 'Standard_D2_v6', 'Basic_A1']) expect([s, isKnownVmSize(s)]).toEqual([s, false]);
  });

  it('features: Av2 has neither Accelerated Networking nor Generation 2; Bv1 has AN only from B12ms; the rest are not judged', () => {
    expect(vmSizeFeatures('Standard_A2_v2')).toEqual({ acceleratedNetworking: false, generation2: false });
    expect(vmSizeFeatures('Standard_B2s')).toEqual({ acceleratedNetworking: false, generation2: true });
    expect(vmSizeFeatures('Standard_B12ms')).toEqual({ acceleratedNetworking: true, generation2: true });
    expect(vmSizeFeatures('Standard_D2s_v5')).toEqual({ acceleratedNetworking: true, generation2: true });
  });

  function vmProblems(cluster: Partial<WeaveClusterProps>, host: WeaveHostProps) {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [{ id: 'net', clusters: [{ id: 'web', props: cluster, hosts: [['web-1', host]] }] }]);
    try {
      return { json: JSON.parse(Testing.synth(stack)), codes: [] as string[] };
    } catch (e) {
      if (e instanceof WeaveConfigError) return { json: undefined, codes: e.problems.map((p) => p.code) };
      throw e;
    }
  }

  it('vmSizeUnchecked lets a size newer than the list through, as given (the escape hatch)', () => {
    const { json, codes } = vmProblems({}, { vmSize: 'Standard_D4s_v9', vmSizeUnchecked: true });
    expect(codes).toEqual([]);
    expect(Object.values(json.resource.azurerm_linux_virtual_machine).map((vm) => (vm as { size: string }).size)).toEqual(['Standard_D4s_v9']);
    // It does not excuse a name that cannot be a size.
    expect(vmProblems({}, { vmSize: 'D4s_v9', vmSizeUnchecked: true }).codes).toEqual(['vm-size-invalid']);
  });

  it('accelerated networking: refused on B2s from the host or its cluster; a host false overrides; B12ms and D2s_v5 take it (controls)', () => {
    expect(vmProblems({}, { vmSize: 'Standard_B2s', acceleratedNetworking: true }).codes).toEqual(['accelerated-networking-unsupported']);
    expect(vmProblems({ acceleratedNetworking: true }, { vmSize: 'Standard_B2s', acceleratedNetworking: false }).codes).toEqual([]);
    expect(vmProblems({ acceleratedNetworking: true }, { vmSize: 'Standard_B12ms' }).codes).toEqual([]);
    expect(vmProblems({ acceleratedNetworking: true }, {}).codes).toEqual([]);
  });

  it('Arm64 sizes are refused (the Flatcar image is x86-64), their x86-64 namesakes pass (controls)', () => {
    for (const size of ['Standard_D2ps_v5', 'Standard_E4pds_v6', 'Standard_B2pts_v2']) expect(vmProblems({}, { vmSize: size }).codes).toEqual(['vm-size-arm64']);
    for (const size of ['Standard_D2s_v5', 'Standard_E4ds_v6', 'Standard_B2ts_v2', 'Standard_E4-2ds_v5']) expect(vmProblems({}, { vmSize: size }).codes).toEqual([]);
  });
});

describe('an allocation record given in memory', () => {
  function recordProblems(record: unknown) {
    const app = Testing.app();
    const { stack } = stackWith(app, 'site', [SUB_A], [{ id: 'net', props: { allocationRecord: record as never }, clusters: [{ id: 'web', hosts: ['web-1'] }] }]);
    return problemsOf(app, [stack]);
  }

  it('names each missing key or wrongly typed one, instead of a TypeError', () => {
    const p = recordProblems({ bridgeRange: '10.1.0.0/16', consensus: '1', hosts: null });
    expect(p.map((x) => [x.code, x.field])).toEqual([
      ['allocation-record-invalid', 'allocationRecord.consensus'],
      ['allocation-record-invalid', 'allocationRecord.root'],
      ['allocation-record-invalid', 'allocationRecord.anchors'],
      ['allocation-record-invalid', 'allocationRecord.hosts'],
      ['allocation-record-invalid', 'allocationRecord.retired'],
    ]);
    expect(formatProblem(p[1])).toMatch(/allocationRecord\.root \(not set\) is missing \(expected a cluster name\)\. Fix: pass the record as synth wrote it/);
    expect(formatProblem(p[0])).toMatch(/consensus "1" is not a number/);
  });

  it('a whole record is used (control)', () => {
    const app = Testing.app();
    const { nets, stack } = stackWith(app, 'site', [SUB_A], [{ id: 'net', clusters: [{ id: 'web', hosts: ['web-1'] }] }]);
    Testing.synth(stack);
    expect(recordProblems(nets[0].plan().allocation.record)).toEqual([]);
  });
});

describe('the dial anchor of an Ignition cluster removed', () => {
  /** The record of web-1, web-2, web-3, then a synth with the hosts given; the network's warnings. */
  function warningsAfter(bootFormat: 'ignition' | 'cloud-config', hosts: string[]) {
    const first = stackWith(Testing.app(), 'site', [SUB_A], [{ id: 'net', props: { bootFormat }, clusters: [{ id: 'web', hosts: ['web-1', 'web-2', 'web-3'] }] }]);
    Testing.synth(first.stack);
    const record = first.nets[0].plan().allocation.record;
    const next = stackWith(Testing.app(), 'site', [SUB_A], [{ id: 'net', props: { bootFormat, allocationRecord: record }, clusters: [{ id: 'web', hosts }] }]);
    Testing.synth(next.stack);
    return next.nets[0].node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data)).filter((m) => m.includes('anchor'));
  }

  it('warns that the remaining hosts keep dialing it, naming them and the -replace for each VM', () => {
    const w = warningsAfter('ignition', ['web-2', 'web-3', 'web-4']);
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/^\[anchor-moved-first-boot\] site\/net\/web: anchor "web-1" was the host the cluster's other hosts dial.*so web-2 takes over; but web-3 read their peers on first boot only \(Ignition\) and keep dialing web-1/);
    // web-2 is the new anchor (it dials nobody in the cluster) and web-4 is new: neither needs replacing.
    expect(w[0]).toMatch(/terraform apply -replace=azurerm_linux_virtual_machine\.net_web_web-3_vm_[0-9A-F]+; or declare web-1 again$/);
  });

  it('controls: cloud-config hosts follow the new anchor, and an anchor kept moves nothing', () => {
    expect(warningsAfter('cloud-config', ['web-2', 'web-3'])).toEqual([]);
    expect(warningsAfter('ignition', ['web-1', 'web-3'])).toEqual([]);
  });
});

describe('secrets are never echoed', () => {
  const PASSWORD = 'Never-echo "this" pw';
  /** Every 12-character piece of the key body and the password. */
  const pieces = [...Array.from({ length: FAKE_PRIVATE_KEY_BODY.length - 11 }, (_, i) => FAKE_PRIVATE_KEY_BODY.slice(i, i + 12)), PASSWORD, 'PRIVATE KEY-----\n'];
  const leaks = (text: string) => pieces.filter((p) => text.includes(p));

  it('the scan finds planted material (negative control)', () => {
    expect(leaks(`oops ${FAKE_PRIVATE_KEY}`).length).toBeGreaterThan(10);
    expect(leaks(`oops ${PASSWORD}`)).toEqual([PASSWORD]);
    expect(leaks('a harmless line')).toEqual([]);
  });

  it('in no problem of any declaration that carries a private key or a bad literal password', () => {
    const declarations: (() => void)[] = [
      // A private key as every sshPublicKey, and a bad literal password.
      () => {
        const { stack } = stackWith(Testing.app(), 'site', [SUB_A], [{ id: 'net', props: { sshPublicKey: FAKE_PRIVATE_KEY, password: PASSWORD }, clusters: [
          { id: 'web', props: { sshPublicKey: FAKE_PRIVATE_KEY }, hosts: [['web-1', { sshPublicKey: FAKE_PRIVATE_KEY }], 'web-2'] },
          // Misplaced options are reported with their values: ssh on an Azure host, a public key on a dedicated one.
          { id: 'web2', hosts: [['web-3', { ssh: { host: '203.0.113.5', privateKey: FAKE_PRIVATE_KEY } }]] },
          { id: 'dc', props: { kind: 'dedicated', sshPublicKey: FAKE_PRIVATE_KEY }, hosts: [['ded-1', { ssh: { host: '203.0.113.10', privateKey: FAKE_PRIVATE_KEY }, sshPublicKey: FAKE_PRIVATE_KEY }]] },
        ] }]);
        Testing.synth(stack);
      },
      // A numeric password: its type is shown, not its digits.
      () => { stackWith(Testing.app(), 'site', [SUB_A], [{ id: 'net', props: { password: 736251849302 as never }, clusters: [] }]); },
      // A private key in a context-like untyped value for a string prop.
      () => { stackWith(Testing.app(), 'site', [SUB_A], [{ id: 'net', props: { sshPublicKey: FAKE_PRIVATE_KEY.split('\n') as never }, clusters: [] }]); },
    ];
    const raised: string[] = [];
    for (const declare of declarations) {
      let error: WeaveConfigError | undefined;
      try {
        declare();
      } catch (e) {
        if (!(e instanceof WeaveConfigError)) throw e;
        error = e;
      }
      expect(error).toBeDefined();
      const texts = [error!.message, ...error!.problems.flatMap((p) => [formatProblem(p), JSON.stringify(p.value) ?? ''])];
      for (const t of texts) expect(leaks(t)).toEqual([]);
      expect(texts.join('\n')).not.toContain('736251849302');
      raised.push(...error!.problems.map((p) => p.code));
    }
    // The declarations really raised the problems that carry the material.
    expect([...new Set(raised)].sort()).toEqual(['azure-dedicated-option', 'dedicated-vm-option', 'password-invalid', 'prop-type-invalid', 'ssh-key-invalid', 'ssh-private-key-literal']);
  });
});

describe('props of the wrong type (untyped JavaScript, JSON, context values)', () => {
  const declare = (props: { network?: object; cluster?: object; host?: object }) => () => {
    const stack = new TerraformStack(Testing.app(), 'site');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: SUB_A });
    const net = new WeaveNetwork(stack, 'net', { sshPublicKey: ED25519, ...props.network } as WeaveNetworkProps);
    const cluster = new WeaveCluster(net, 'web', { provider, location: 'westeurope', ...props.cluster } as WeaveClusterProps);
    new WeaveHost(cluster, 'web-1', props.host as WeaveHostProps);
    Testing.synth(stack);
  };
  const codes = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      if (e instanceof WeaveConfigError) return e.problems.map((p) => [p.code, p.path, p.field, p.value]);
      throw e;
    }
    return [];
  };

  it.each([
    ['a number for location', { cluster: { location: 42 } }, [['prop-type-invalid', 'site/net/web', 'location', '(number)']]],
    ['a string for files', { network: { files: '/etc/x' } }, [['prop-type-invalid', 'site/net', 'files', '(string)']]],
    ['a null unit', { network: { units: [null] } }, [['prop-type-invalid', 'site/net', 'units', '(a list)']]],
    ['a number for a unit\'s contents', { network: { units: [{ name: 'a.service', contents: 5 }] } }, [['prop-type-invalid', 'site/net', 'units[0].contents', '(number)']]],
    ['a number for ssh.host', { host: { ssh: { host: 42 } } }, [['prop-type-invalid', 'site/net/web/web-1', 'ssh.host', '(number)']]],
    ['a string for wantedBy', { network: { wantedBy: 'multi-user.target' } }, [['prop-type-invalid', 'site/net', 'wantedBy', '(string)']]],
    ['null tags', { cluster: { tags: null } }, [['prop-type-invalid', 'site/net/web', 'tags', '(null)']]],
    ['an alternativeTo that is not a WeaveNetwork', { network: { alternativeTo: {} } }, [['prop-type-invalid', 'site/net', 'alternativeTo', 'object']]],
  ])('%s: a problem naming the prop, not a TypeError', (_, props, expected) => {
    expect(codes(declare(props))).toEqual(expected);
  });

  it('a null props object is no props (control), and right types synthesize', () => {
    expect(codes(declare({ host: null as never }))).toEqual([]);
    expect(codes(declare({ network: { files: [{ path: '/etc/x', content: 'x' }] }, cluster: { tags: { team: 'a' } }, host: { vmSize: 'Standard_D2s_v5' } }))).toEqual([]);
  });

  it('errors raised in constructors carry no stack trace (WEAVE_DEBUG unset)', () => {
    try {
      declare({ cluster: { location: 42 } })();
      throw new Error('not raised');
    } catch (e) {
      expect(e).toBeInstanceOf(WeaveConfigError);
      expect((e as Error).stack).not.toMatch(/\n\s+at /);
    }
  });
});
