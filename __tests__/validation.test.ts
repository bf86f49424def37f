import { TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import {
  WeaveCluster,
  WeaveClusterProps,
  WeaveConfigError,
  WeaveHost,
  WeaveHostProps,
  WeaveNetwork,
  WeaveNetworkProps,
} from '../lib';

interface Decl {
  network?: WeaveNetworkProps;
  clusters?: { id: string; props?: Partial<WeaveClusterProps>; hosts: (string | [string, WeaveHostProps])[] }[];
}

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest test';
const DED = { ssh: { host: '203.0.113.10' } };

/** A valid two-cluster network, unless the case says otherwise. */
function build(decl: Decl) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'net', { sshPublicKey: KEY, ...decl.network });
  const clusters = decl.clusters ?? [
    { id: 'c1', hosts: ['h1', 'h2'] },
    { id: 'c2', hosts: ['h3'] },
  ];
  for (const c of clusters) {
    const azure = (c.props?.kind ?? 'azure') === 'azure';
    const cluster = new WeaveCluster(net, c.id, azure ? { provider, location: 'westeurope', dnsLabel: `mesh-${c.id}`, ...c.props } : { ...c.props });
    for (const h of c.hosts) {
      const [id, props] = typeof h === 'string' ? [h, azure ? {} : DED] : h;
      new WeaveHost(cluster, id, props);
    }
  }
  return { app, stack, net };
}

function problemsOf(decl: Decl) {
  const { stack } = build(decl);
  try {
    Testing.synth(stack);
  } catch (e) {
    if (e instanceof WeaveConfigError) return { error: e, problems: e.problems };
    throw e;
  }
  throw new Error('synth succeeded, but the declaration is invalid');
}

interface Case {
  name: string;
  decl: Decl;
  code: string;
  path: string;
  value: string;
  fix: RegExp;
}

const dedicated = (props: Partial<WeaveClusterProps> = {}) => ({ kind: 'dedicated' as const, ...props });

const cases: Case[] = [
  { name: 'IPAM range with host bits set', decl: { network: { ipallocRange: '10.2.0.1/16' } }, code: 'range-host-bits', path: 'stack/net', value: '"10.2.0.1/16"', fix: /write 10\.2\.0\.0\/16/ },
  { name: 'IPAM range that is not a CIDR', decl: { network: { ipallocRange: '10.2.0.0' } }, code: 'range-invalid', path: 'stack/net', value: '"10.2.0.0"', fix: /10\.2\.0\.0\/16/ },
  { name: 'bridge range with host bits set', decl: { network: { bridgeRange: '10.1.2.3/16' } }, code: 'range-host-bits', path: 'stack/net', value: '"10.1.2.3/16"', fix: /write 10\.1\.0\.0\/16/ },
  { name: 'a /31 bridge range', decl: { network: { bridgeRange: '10.1.0.0/31' } }, code: 'range-too-small', path: 'stack/net', value: '"10.1.0.0/31"', fix: /\/30 or shorter/ },
  { name: 'overlapping allocation and bridge ranges', decl: { network: { ipallocRange: '10.0.0.0/8' } }, code: 'ranges-overlap', path: 'stack/net', value: '"10.1.0.0/16"', fix: /disjoint/ },
  { name: 'VNet overlapping the IPAM range', decl: { clusters: [{ id: 'c1', props: { vnetCidr: '10.2.128.0/24' }, hosts: ['h1'] }] }, code: 'vnet-overlap', path: 'stack/net/c1', value: '"10.2.128.0/24"', fix: /outside 10\.2\.0\.0\/16/ },
  { name: 'VNet overlapping the bridge range', decl: { clusters: [{ id: 'c1', props: { vnetCidr: '10.0.0.0/8' }, hosts: ['h1'] }] }, code: 'vnet-overlap', path: 'stack/net/c1', value: '"10.0.0.0/8"', fix: /outside 10\.(1|2)\.0\.0\/16/ },
  { name: 'VNet CIDR with host bits', decl: { clusters: [{ id: 'c1', props: { vnetCidr: '172.16.1.10/24' }, hosts: ['h1'] }] }, code: 'vnet-cidr-invalid', path: 'stack/net/c1', value: '"172.16.1.10/24"', fix: /172\.16\.1\.0\/24/ },
  { name: 'bridge range too small for the hosts', decl: { network: { bridgeRange: '10.1.0.0/30' }, clusters: [{ id: 'c1', hosts: ['h1', 'h2', 'h3'] }] }, code: 'bridge-range-too-small', path: 'stack/net', value: '"10.1.0.0/30"', fix: /shorter prefix/ },
  { name: 'bridge address outside the range', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.9.0.1' }]] }] }, code: 'bridge-address-outside', path: 'stack/net/c1/h1', value: '"10.9.0.1"', fix: /inside 10\.1\.0\.0\/16/ },
  { name: 'duplicated bridge address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.0.9' }], ['h2', { bridgeAddress: '10.1.0.9/16' }]] }] }, code: 'bridge-address-duplicate', path: 'stack/net/c1/h2', value: '"10.1.0.9/16"', fix: /its own address/ },
  { name: 'bridge address = network address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.0.0' }]] }] }, code: 'bridge-address-reserved', path: 'stack/net/c1/h1', value: '"10.1.0.0"', fix: /other than 10\.1\.0\.0 and 10\.1\.255\.255/ },
  { name: 'bridge address = broadcast address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.255.255/16' }]] }] }, code: 'bridge-address-reserved', path: 'stack/net/c1/h1', value: '"10.1.255.255/16"', fix: /e\.g\. 10\.1\.0\.1\/16/ },
  { name: 'bridge address with another prefix', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.0.7/24' }]] }] }, code: 'bridge-address-prefix', path: 'stack/net/c1/h1', value: '"10.1.0.7/24"', fix: /write 10\.1\.0\.7\/16/ },
  { name: 'bridge address that is not an address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: 'host-1' }]] }] }, code: 'bridge-address-invalid', path: 'stack/net/c1/h1', value: '"host-1"', fix: /inside 10\.1\.0\.0\/16/ },
  { name: 'duplicate host names across clusters', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'c2', hosts: [['x', { hostName: 'h1' }]] }] }, code: 'host-name-duplicate', path: 'stack/net/c2/x', value: '"h1"', fix: /its own name/ },
  { name: 'host name with an underscore', decl: { clusters: [{ id: 'c1', hosts: ['azure_prd_01'] }] }, code: 'host-name-invalid', path: 'stack/net/c1/azure_prd_01', value: '"azure_prd_01"', fix: /"azure-prd-01"/ },
  { name: 'host name longer than 63 characters', decl: { clusters: [{ id: 'c1', hosts: ['h'.repeat(70)] }] }, code: 'host-name-invalid', path: `stack/net/c1/${'h'.repeat(70)}`, value: `"${'h'.repeat(70)}"`, fix: /"h{63}"/ },
  { name: 'host name ending in a hyphen', decl: { clusters: [{ id: 'c1', hosts: ['web-'] }] }, code: 'host-name-invalid', path: 'stack/net/c1/web-', value: '"web-"', fix: /"web"/ },
  { name: 'invalid DNS label', decl: { clusters: [{ id: 'c1', props: { dnsLabel: 'Cluster_01' }, hosts: ['h1'] }] }, code: 'dns-label-invalid', path: 'stack/net/c1', value: '"Cluster_01"', fix: /"cluster-01"/ },
  { name: 'two clusters with the same DNS label', decl: { clusters: [{ id: 'c1', props: { dnsLabel: 'mesh-a' }, hosts: ['h1'] }, { id: 'c2', props: { dnsLabel: 'mesh-a' }, hosts: ['h2'] }] }, code: 'dns-label-duplicate', path: 'stack/net/c2', value: '"mesh-a"', fix: /its own dnsLabel/ },
  { name: 'a cluster with no hosts', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'c2', hosts: [] }] }, code: 'cluster-empty', path: 'stack/net/c2', value: '[]', fix: /add a WeaveHost/ },
  { name: 'a network with no hosts', decl: { clusters: [] }, code: 'network-empty', path: 'stack/net', value: '[]', fix: /add a WeaveCluster/ },
  { name: 'bootstrap size 0', decl: { network: { bootstrapSize: 0 } }, code: 'bootstrap-size', path: 'stack/net', value: '0', fix: /set it to 1/ },
  { name: 'bootstrap size above the host count', decl: { network: { bootstrapSize: 7 } }, code: 'bootstrap-size', path: 'stack/net', value: '7', fix: /set it to 3/ },
  { name: 'cluster bootstrapHosts above its host count', decl: { clusters: [{ id: 'c1', props: { bootstrapHosts: 3 }, hosts: ['h1'] }] }, code: 'cluster-bootstrap-hosts', path: 'stack/net/c1', value: '3', fix: /at most 1/ },
  { name: 'bootstrapSize disagreeing with cluster pins', decl: { network: { bootstrapSize: 3 }, clusters: [{ id: 'c1', props: { bootstrapHosts: 1 }, hosts: ['h1', 'h2'] }] }, code: 'bootstrap-size-mismatch', path: 'stack/net', value: '3', fix: /set bootstrapSize to 1/ },
  { name: 'first cluster (dedicated) has no DNS name for later clusters to dial', decl: { clusters: [{ id: 'd1', props: dedicated(), hosts: ['d-1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'peer-target-no-dns', path: 'stack/net/d1', value: '(not set)', fix: /give the first cluster a dnsName/ },
  { name: 'dedicated host without SSH connection info', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', {}]] }] }, code: 'dedicated-no-ssh', path: 'stack/net/d1/d-1', value: '(not set)', fix: /ssh: \{ host:/ },
  { name: 'dedicated host whose public address is a name', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: 'ded.example.com' } }]] }] }, code: 'public-address-invalid', path: 'stack/net/d1/d-1', value: '"ded.example.com"', fix: /publicAddress/ },
  { name: 'Azure option on a dedicated cluster', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated({ location: 'westeurope' }), hosts: ['d-1'] }] }, code: 'dedicated-azure-option', path: 'stack/net/d1', value: '"westeurope"', fix: /remove location/ },
  { name: 'VM option on a dedicated host', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ...DED, vmSize: 'Standard_D2s_v5' }]] }] }, code: 'dedicated-vm-option', path: 'stack/net/d1/d-1', value: '"Standard_D2s_v5"', fix: /remove vmSize/ },
  { name: 'SSH settings on an Azure host', decl: { clusters: [{ id: 'c1', hosts: [['h1', DED]] }] }, code: 'azure-dedicated-option', path: 'stack/net/c1/h1', value: '{"host":"203.0.113.10"}', fix: /load balancer/ },
  { name: 'Azure cluster without a provider', decl: { clusters: [{ id: 'c1', props: { provider: undefined }, hosts: ['h1'] }] }, code: 'azure-no-provider', path: 'stack/net/c1', value: '(not set)', fix: /AzurermProvider/ },
  { name: 'Azure cluster without a location', decl: { clusters: [{ id: 'c1', props: { location: undefined }, hosts: ['h1'] }] }, code: 'azure-no-location', path: 'stack/net/c1', value: '(not set)', fix: /westeurope/ },
  { name: 'Azure host without an SSH key', decl: { network: { sshPublicKey: undefined } as WeaveNetworkProps, clusters: [{ id: 'c1', hosts: ['h1'] }] }, code: 'azure-no-ssh-key', path: 'stack/net/c1/h1', value: '(not set)', fix: /set sshPublicKey/ },
  { name: 'SSH open to the internet', decl: { clusters: [{ id: 'c1', props: { sshSourceCidr: '0.0.0.0/0' }, hosts: ['h1'] }] }, code: 'ssh-source-open', path: 'stack/net/c1', value: '"0.0.0.0/0"', fix: /range you administer from/ },
  { name: 'malformed sha256', decl: { network: { release: { sha256: 'abc123' } } }, code: 'sha256-invalid', path: 'stack/net', value: '"abc123"', fix: /sha256sum weave/ },
  { name: 'Weave version latest', decl: { network: { release: { version: 'latest' } } }, code: 'version-latest', path: 'stack/net', value: '"latest"', fix: /pin a release, e\.g\. "2\.9\.0"/ },
  { name: 'script URL following latest_release', decl: { network: { release: { scriptUrl: 'https://github.com/weaveworks/weave/releases/download/latest_release/weave' } } }, code: 'script-url-latest', path: 'stack/net', value: '"https://github.com/weaveworks/weave/releases/download/latest_release/weave"', fix: /versioned release/ },
  { name: 'plain-http script URL', decl: { network: { release: { scriptUrl: 'http://example.com/weave' } } }, code: 'script-url-invalid', path: 'stack/net', value: '"http://example.com/weave"', fix: /https:\/\// },
  { name: 'DNS domain without trailing dot', decl: { network: { dnsDomain: 'weave.local' } }, code: 'dns-domain-invalid', path: 'stack/net', value: '"weave.local"', fix: /"weave\.local\."/ },
  { name: 'wantedBy that is not a unit', decl: { network: { wantedBy: ['kubernetes node'] } }, code: 'wanted-by-invalid', path: 'stack/net', value: '"kubernetes node"', fix: /multi-user\.target/ },
  { name: 'boot data over the 64 KB custom data limit', decl: { network: { wantedBy: Array.from({ length: 2600 }, (_, i) => `app-${i}.target`) }, clusters: [{ id: 'c1', hosts: ['h1'] }] }, code: 'custom-data-too-large', path: 'stack/net/c1/h1', value: '"', fix: /shorten wantedBy/ },
  { name: 'unknown boot format', decl: { network: { bootFormat: 'cloud-init' as never } }, code: 'boot-format-unknown', path: 'stack/net', value: '"cloud-init"', fix: /"cloud-config" \(the default\) or "ignition"/ },
  { name: 'unknown Flatcar channel', decl: { clusters: [{ id: 'c1', hosts: [['h1', { flatcarChannel: 'lts' as never }]] }] }, code: 'flatcar-channel-unknown', path: 'stack/net/c1/h1', value: '"lts"', fix: /stable, beta, alpha/ },
  { name: 'OS disk smaller than the image', decl: { clusters: [{ id: 'c1', hosts: [['h1', { osDiskSizeGb: 8 }]] }] }, code: 'os-disk-size', path: 'stack/net/c1/h1', value: '8', fix: /e\.g\. 64/ },
  { name: 'a variable as the first cluster\'s DNS name', decl: { clusters: [{ id: 'd1', props: dedicated({ dnsName: '${var.dc_name}' }), hosts: ['d-1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'dns-name-token', path: 'stack/net/d1', value: '"${var.dc_name}"', fix: /as a literal string/ },
  { name: 'empty wantedBy', decl: { network: { wantedBy: [] } }, code: 'wanted-by-empty', path: 'stack/net', value: '[]', fix: /multi-user\.target/ },
  { name: 'more Azure hosts in one cluster than its outbound IP can serve', decl: { clusters: [{ id: 'c1', hosts: Array.from({ length: 63 }, (_, i) => `h${i}`) }] }, code: 'cluster-too-large', path: 'stack/net/c1', value: '"63 hosts"', fix: /at most 62/ },
  { name: 'SSH source that is not an address', decl: { clusters: [{ id: 'c1', props: { sshSourceCidr: '999.1.1.1/99' }, hosts: ['h1'] }] }, code: 'ssh-source-invalid', path: 'stack/net/c1', value: '"999.1.1.1/99"', fix: /198\.51\.100\.0\/24/ },
  { name: 'unknown cluster kind', decl: { clusters: [{ id: 'c1', props: { kind: 'onprem' as never }, hosts: [] }] }, code: 'cluster-kind-unknown', path: 'stack/net/c1', value: '"onprem"', fix: /"azure" or "dedicated"/ },
];

describe('synth-time validation', () => {
  it('covers at least 25 distinct bad inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c]))('%s', (_, c) => {
    const { error, problems } = problemsOf(c.decl);
    const p = problems.find((x) => x.code === c.code);
    expect(p).toBeDefined();
    expect(p!.path).toBe(c.path);
    expect(p!.fix).toMatch(c.fix);
    // The message a user sees names the path, the value and the fix.
    const line = error.message.split('\n').find((l) => l.includes(`[${c.code}] ${c.path}:`))!;
    expect(line).toBeDefined();
    expect(line).toContain(c.value);
    expect(line).toMatch(/ Fix: /);
    expect(error.message).toMatch(/nothing was synthesized/);
  });

  it('reports every problem at once, not just the first', () => {
    const { problems } = problemsOf({
      network: { ipallocRange: '10.2.0.1/16', release: { version: 'latest' } },
      clusters: [{ id: 'c1', hosts: ['bad_name'] }],
    });
    expect(problems.map((p) => p.code).sort()).toEqual(['host-name-invalid', 'range-host-bits', 'version-latest']);
  });

  it('accepts the valid baseline declaration', () => {
    const { stack } = build({});
    expect(() => Testing.synth(stack)).not.toThrow();
  });
});

describe('construction-time errors', () => {
  it('refuses a cluster outside a network, naming the path and the fix', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    expect(() => new WeaveCluster(stack as unknown as WeaveNetwork, 'c1', {})).toThrow(/WeaveCluster c1: its scope must be a WeaveNetwork, got stack\. Fix: new WeaveCluster\(network/);
  });

  it('refuses a host added after the network was planned', () => {
    const { stack, net } = build({});
    Testing.synth(stack);
    expect(() => new WeaveHost(WeaveCluster.of(net)[0], 'late', {})).toThrow(/after the network was planned.*Fix: declare every cluster and host before synth/);
  });
});

describe('password given as a literal', () => {
  it('warns with the safer way, naming the construct path', () => {
    const { stack } = build({ network: { password: 'hunter2hunter2' } });
    const synth = Testing.synth(stack);
    expect(synth).toContain('hunter2hunter2'); // the reason for the warning
    const net = stack.node.findChild('net');
    const messages = net.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^stack\/net: password is a plain string.*Fix: leave password unset to get a sensitive variable/);
  });

  it('does not warn for a token', () => {
    const { stack } = build({});
    const net = stack.node.findChild('net');
    expect(net.node.metadata.filter((m) => m.type === '@cdktf/warn')).toHaveLength(0);
  });
});

describe('the validation table in docs/validation.md', () => {
  it('lists every check code the library can raise', () => {
    const { readFileSync, readdirSync } = require('node:fs') as typeof import('node:fs');
    const { join } = require('node:path') as typeof import('node:path');
    const doc = readFileSync(join(__dirname, '..', 'docs', 'validation.md'), 'utf8');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const codes = new Set<string>();
    for (const f of sources(join(__dirname, '..', 'lib'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:problems\.add\(\s*|code: |\? |: )'([a-z0-9]+(?:-[a-z0-9]+)+)'/g)) codes.add(m[1]);
    }
    expect(codes.size).toBeGreaterThan(40);
    const notChecks = new Set(['flatcar-container-linux-corevm-amd64', 'azure-imds']);
    const missing = [...codes].filter((c) => !notChecks.has(c) && !doc.includes(`\`${c}\``) && /^(range|vnet|bridge|host|dns|cluster|network|bootstrap|peer|dedicated|public|ssh|azure|sha256|version|script|image|wanted|boot|flatcar|os|custom|key|terraform)-/.test(c));
    expect(missing).toEqual([]);
  });
});
