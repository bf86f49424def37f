// Issue 21 through the constructs: pinned images from the user's registry
// (every check and its control), the registry logins, the metrics option,
// and the retirement steps, on stacks the schema check sees (every stack a
// test synthesizes is checked against the azurerm 4.55.0 schema).
import { TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveConfigError, WeaveHost, WeaveNetwork, WeaveNetworkProps, WeaveClusterProps } from '../lib';
import { imagePulls, pullScript } from '../lib/core/boot/images';
import { DEFAULT_RELEASE } from '../lib/core/defaults';
import { AllocationRecord } from '../lib/core/allocation/record';
import { renderMermaid, topologyView } from '../lib/core/diagram/diagram';
import { renderTopologySvg } from '../lib/core/diagram/diagram-svg';
import { planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';
import { ED25519 } from './fixtures/ssh-keys';
import { Decl, build } from './support/declared-network';
import { dedicatedProvisioners, teardownSteps } from './support/synth';

type Json = Record<string, any>;
const SUB = '00000000-0000-0000-0000-000000000000';
const ACR_ID = `/subscriptions/${SUB}/resourceGroups/reg/providers/Microsoft.ContainerRegistry/registries/acmeweave`;
const D = (c: string) => `sha256:${c.repeat(64)}`;
const DIGESTS = { weave: D('a'), weaveexec: D('b'), weavedb: D('c') };

/** The problems a declaration's synth reports; none when it synthesizes. */
const problemsOf = (decl: Decl) => {
  try { return void Testing.synth(build(decl).stack), []; } catch (e) { if (e instanceof WeaveConfigError) return e.problems; throw e; }
};

/** A stack with an Azure cluster and a dedicated cluster, the options given. */
function stack(network: Partial<WeaveNetworkProps> = {}, cluster: Partial<WeaveClusterProps> = {}, record?: AllocationRecord, hosts = ['w1', 'w2'], servers = ['d1']): Json {
  const app = Testing.app();
  const s = new TerraformStack(app, 's');
  const provider = new AzurermProvider(s, 'az', { features: [{}], subscriptionId: SUB });
  const net = new WeaveNetwork(s, 'mesh', {
    sshPublicKey: ED25519,
    ...(record ? { allocationRecord: record } : {}),
    ...network,
    ...(network.registry?.azureContainerRegistry ? { registry: { ...network.registry, azureContainerRegistry: { ...network.registry.azureContainerRegistry, provider } } } : {}),
  });
  const west = new WeaveCluster(net, 'west', { provider, location: 'westeurope', dnsLabel: 'acme-west', ...cluster });
  for (const h of hosts) new WeaveHost(west, h);
  if (servers.length) {
    const dc = new WeaveCluster(net, 'dc', { kind: 'dedicated' });
    servers.forEach((h, i) => new WeaveHost(dc, h, { ssh: { host: `203.0.113.${10 + i}` } }));
  }
  return JSON.parse(Testing.synth(s));
}

const decode = (expr: string): string => Buffer.from(/base64decode\("([^"]+)"\)/.exec(expr)![1], 'base64').toString('utf8');
const vmData = (tf: Json, host: string): string => decode(Object.entries(tf.resource.azurerm_linux_virtual_machine as Json).find(([id]) => id.includes(`_${host}_`))![1].custom_data);

describe('image checks (each with a control that passes)', () => {
  const cases: [string, Decl, string][] = [
    ['weavedb pinned to latest', { network: { release: { weavedbVersion: 'latest' } } }, 'weavedb-version-latest'],
    ['weavedb version that is not a tag', { network: { release: { weavedbVersion: '-2.9' } } }, 'weavedb-version-invalid'],
    ['a digest that is not sha256:<64 hex>', { network: { release: { digests: { ...DIGESTS, weave: 'sha256:abc' } } } }, 'image-digest-invalid'],
    ['digests for weave and weaveexec only leave weavedb unpinned', { network: { release: { digests: { weave: D('a'), weaveexec: D('b') } as never } } }, 'image-digests-partial'],
    ['an image owner with a space', { network: { release: { imageOwner: 'acme registry/weave' } } }, 'image-owner-invalid'],
    ['an image owner that is a Terraform expression', { network: { release: { imageOwner: '${azurerm_container_registry.r.login_server}/weave' } } }, 'image-owner-token'],
    ['ACR login with a Docker Hub owner', { network: { registry: { azureContainerRegistry: { id: ACR_ID, provider: {} as never } } } }, 'registry-acr-owner'],
    ['ACR login without a provider', { network: { release: { imageOwner: 'acmeweave.azurecr.io/weave' }, registry: { azureContainerRegistry: { id: ACR_ID } as never } } }, 'registry-acr-no-provider'],
    ['ACR id that is not a registry id', { network: { release: { imageOwner: 'acmeweave.azurecr.io/weave' }, registry: { azureContainerRegistry: { id: '/subscriptions/x/registries/y', provider: {} as never } } } }, 'registry-acr-id-invalid'],
    ['a registry password as a plain string', { network: { registry: { login: { username: 'pull', password: 'hunter2hunter2' } } } }, 'registry-password-literal'],
    ['a registry user name with a colon', { network: { registry: { login: { username: 'pull:er' } } } }, 'registry-username-invalid'],
    ['ACR identity login with dedicated servers and no registry.login', { network: { release: { imageOwner: 'acmeweave.azurecr.io/weave' }, registry: { azureContainerRegistry: { id: ACR_ID, provider: {} as never } } }, clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'dc', props: { kind: 'dedicated' }, hosts: ['d1'] }] }, 'registry-login-missing'],
    ['metrics admitting nobody', { clusters: [{ id: 'c1', props: { metrics: { sources: [] } }, hosts: ['h1'] }] }, 'metrics-sources-empty'],
    ['metrics open to the internet', { clusters: [{ id: 'c1', props: { metrics: { sources: ['0.0.0.0/0'] } }, hosts: ['h1'] }] }, 'metrics-source-open'],
    ['a metrics source that is not an address', { clusters: [{ id: 'c1', props: { metrics: { sources: ['prometheus.lan'] } }, hosts: ['h1'] }] }, 'metrics-source-invalid'],
    ['metrics on Weave\'s own port', { clusters: [{ id: 'c1', props: { metrics: { sources: ['172.16.9.0/24'], port: 6783 } }, hosts: ['h1'] }] }, 'metrics-port-invalid'],
  ];
  it.each(cases)('%s', (_, decl, code) => {
    const p = problemsOf(decl).filter((x) => x.code === code);
    expect(p).toHaveLength(1);
    expect(p[0].fix.length).toBeGreaterThan(10);
  });

  it('controls: pinned tags, a registry host with a port, three digests, an ACR owner, a token password, metrics from a subnet pass', () => {
    expect(problemsOf({ network: { release: { weavedbVersion: '2.9.0', imageOwner: 'mirror.example.com:5000/rajch' } } })).toEqual([]);
    expect(problemsOf({ network: { release: { digests: DIGESTS } } })).toEqual([]);
    expect(problemsOf({ network: { release: { imageOwner: 'acmeweave.azurecr.io/weave' }, registry: { azureContainerRegistry: { id: ACR_ID, provider: {} as never } } } })).toEqual([]);
    expect(problemsOf({ network: { registry: { login: { username: 'pull' } } } })).toEqual([]);
    expect(problemsOf({ network: { release: { imageOwner: 'acmeweave.azurecr.io/weave' }, registry: { azureContainerRegistry: { id: ACR_ID, provider: {} as never }, login: { username: 'weave-pull' } } }, clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'dc', props: { kind: 'dedicated' }, hosts: ['d1'] }] })).toEqual([]);
    expect(problemsOf({ clusters: [{ id: 'c1', props: { metrics: { sources: ['172.16.9.0/24', '10.9.0.4'], port: 9782 } }, hosts: ['h1'] }] })).toEqual([]);
  });
});

describe('pinned images', () => {
  it('pulls weavedb at the release version by default and tags it latest for the weave script (the seed default)', () => {
    expect(imagePulls(DEFAULT_RELEASE)).toEqual([
      { image: 'weave', source: 'rajchaudhuri/weave:2.9.0', local: 'rajchaudhuri/weave:2.9.0' },
      { image: 'weaveexec', source: 'rajchaudhuri/weaveexec:2.9.0', local: 'rajchaudhuri/weaveexec:2.9.0' },
      { image: 'weavedb', source: 'rajchaudhuri/weavedb:2.9.0', local: 'rajchaudhuri/weavedb:latest' },
    ]);
  });

  it('pulls by digest from the registry host and path when digests are given', () => {
    const pulls = imagePulls({ ...DEFAULT_RELEASE, imageOwner: 'acmeweave.azurecr.io/weave', digests: DIGESTS });
    expect(pulls.map((p) => p.source)).toEqual([`acmeweave.azurecr.io/weave/weave@${D('a')}`, `acmeweave.azurecr.io/weave/weaveexec@${D('b')}`, `acmeweave.azurecr.io/weave/weavedb@${D('c')}`]);
    expect(pulls.map((p) => p.local)).toEqual(['acmeweave.azurecr.io/weave/weave:2.9.0', 'acmeweave.azurecr.io/weave/weaveexec:2.9.0', 'acmeweave.azurecr.io/weave/weavedb:latest']);
  });

  it('logs in only in identity mode, and then never passes the token on a command line', () => {
    const plain = pullScript(DEFAULT_RELEASE, undefined);
    expect(plain).not.toMatch(/docker login|oauth2/);
    const acr = pullScript({ ...DEFAULT_RELEASE, imageOwner: 'acmeweave.azurecr.io/weave' }, 'identity');
    expect(acr).toContain('resource=https://containerregistry.azure.net');
    expect(acr).toContain('--password-stdin <"$work/refresh"');
    expect(acr).toContain('--data-binary @"$work/form"');
  });
});

describe('stacks with each option', () => {
  const tf = stack({
    release: { imageOwner: 'acmeweave.azurecr.io/weave', digests: DIGESTS },
    registry: { azureContainerRegistry: { id: ACR_ID } as never, login: { username: 'weave-pull' } },
  }, { metrics: { sources: ['172.16.9.0/24'] } });

  it('Azure VMs pull from ACR with their cluster identity: AcrPull on the registry, the client id in the install unit, no credential in boot data', () => {
    const pull = tf.resource.azurerm_role_assignment.mesh_west_acr_pull;
    expect(pull).toMatchObject({ role_definition_name: 'AcrPull', scope: ACR_ID, principal_type: 'ServicePrincipal', principal_id: '${azurerm_user_assigned_identity.mesh_west_identity.principal_id}' });
    const vm = Object.values(tf.resource.azurerm_linux_virtual_machine as Json)[0];
    expect(vm.identity).toEqual({ type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.mesh_west_identity.id}'] });
    expect(vm.custom_data).toContain('"__WEAVE_IDENTITY_CLIENT_ID__", azurerm_user_assigned_identity.mesh_west_identity.client_id)');
    expect(vmData(tf, 'w1')).not.toMatch(/refresh_token=|password=/i);
  });

  it('dedicated servers get the registry login only as an upload of an ephemeral value, re-pushed by its rotation number', () => {
    expect(tf.variable.mesh_registry_password).toMatchObject({ ephemeral: true, sensitive: true });
    const [prov] = Object.values(dedicatedProvisioners(tf));
    expect(prov.triggers_replace.registry).toBe('1');
    expect(JSON.stringify(prov.triggers_replace)).not.toContain('registry_password');
    const upload = prov.provisioner.find((p: Json) => p.file?.destination === '/var/tmp/weave-deploy/registry.json');
    expect(upload.file.content).toContain('var.mesh_registry_password');
    expect(upload.file.content).toContain('"acmeweave.azurecr.io"');
    expect(JSON.stringify(prov.provisioner)).toContain('chmod 0600 /etc/weave-registry/config.json.new');
    expect(tf.terraform.required_version).toBe('>= 1.10.0');
  });

  it('metrics: status on the VNet address from IMDS, an NSG allow from the sources and a deny for the rest, a scrape-target output', () => {
    const rules = tf.resource.azurerm_network_security_rule as Json;
    const allow = Object.values(rules).find((r: Json) => r.name === 'weave-metrics');
    const deny = Object.values(rules).find((r: Json) => r.name === 'weave-metrics-deny');
    expect(allow).toMatchObject({ access: 'Allow', priority: 130, destination_port_range: '6782', source_address_prefixes: ['172.16.9.0/24'], protocol: 'Tcp' });
    expect(deny).toMatchObject({ access: 'Deny', priority: 135, destination_port_range: '6782', source_address_prefix: '*' });
    expect(tf.output.mesh_west_metrics_targets.value).toEqual([
      expect.stringMatching(/^\$\{azurerm_network_interface\.mesh_west_w1_nic_[0-9A-F]+\.private_ip_address\}:6782$/),
      expect.stringMatching(/^\$\{azurerm_network_interface\.mesh_west_w2_nic_[0-9A-F]+\.private_ip_address\}:6782$/),
    ]);
    const data = vmData(tf, 'w1');
    expect(data).toContain('EnvironmentFile=/run/weave.status.env');
    expect(data).toContain('name: weave-status-addr.service');
    // The control: without metrics none of it is there.
    const off = stack({}, {});
    expect(off.output.mesh_west_metrics_targets).toBeUndefined();
    expect(vmData(off, 'w1')).not.toContain('weave.status.env');
  });
});

describe('retirement through the constructs', () => {
  const record: AllocationRecord = {
    bridgeRange: '10.1.0.0/16', consensus: 3, root: 'west', anchors: { west: 'w1', dc: 'd1' },
    hosts: {
      w1: { bridgeAddress: '10.1.0.1/16', role: 'bootstrap', cluster: 'west' },
      w2: { bridgeAddress: '10.1.0.2/16', role: 'bootstrap', cluster: 'west' },
      d1: { bridgeAddress: '10.1.0.3/16', role: 'bootstrap', cluster: 'dc' },
      d2: { bridgeAddress: '10.1.0.4/16', role: 'observer', cluster: 'dc' },
    },
    retired: {},
  };

  it('a removed Azure VM is reclaimed once from the dedicated survivor over SSH, named after the peer', () => {
    const tf = stack({}, {}, record, ['w1'], ['d1', 'd2']);
    const step = tf.resource.terraform_data.mesh_w2_reclaim;
    expect(step.triggers_replace).toEqual({ peer: 'w2' });
    expect(step.connection.host).toBe('203.0.113.10');
    expect(step.depends_on).toEqual([expect.stringMatching(/^terraform_data\.mesh_dc_d1_provision/)]);
    // Staged in a fresh 0700 directory (the step fails if someone else's is in the way), run as root, removed.
    expect(step.provisioner[0]['remote-exec'].inline).toEqual(['rm -rf /var/tmp/weave-deploy-reclaim', 'mkdir -m 0700 /var/tmp/weave-deploy-reclaim']);
    expect(step.provisioner[1].file.destination).toBe('/var/tmp/weave-deploy-reclaim/reclaim.sh');
    expect(step.provisioner[2]['remote-exec'].inline[0]).toMatch(/sudo -n bash \/var\/tmp\/weave-deploy-reclaim\/reclaim\.sh; fi; rc=\$\?; rm -rf \/var\/tmp\/weave-deploy-reclaim; exit \$rc$/);
    expect(step.provisioner[1].file.content).toContain('peer=w2');
    // Terraform reads the content as a template: the script's own `${` is escaped (retirement-terraform applies it).
    expect(step.provisioner[1].file.content).toContain('$${WEAVE_BIN:-/opt/bin/weave}');
    expect(step.provisioner[1].file.content).not.toMatch(/[^$]\$\{WEAVE_BIN/);
    expect(tf.resource.azurerm_virtual_machine_run_command).toBeUndefined();
    // An Azure VM leaves no teardown block; a new host is never the survivor.
    expect(teardownSteps(tf)).not.toHaveProperty('mesh_w2_teardown');
  });

  it('a removed dedicated server keeps its teardown block with count = 0, and an Azure-only survivor set reclaims by VM run command', () => {
    const azureOnly: AllocationRecord = { ...record, hosts: { w1: record.hosts.w1, w2: record.hosts.w2, d1: record.hosts.d1 } };
    const tf = stack({}, {}, azureOnly, ['w1', 'w2'], []);
    const stub = teardownSteps(tf).mesh_d1_teardown;
    expect(stub.count).toBe(0);
    expect(stub.provisioner[0]['remote-exec']).toMatchObject({ when: 'destroy', on_failure: 'continue' });
    expect(stub.connection.host).toBe('${self.input.host}');
    const run = tf.resource.azurerm_virtual_machine_run_command.mesh_d1_reclaim;
    expect(run.virtual_machine_id).toMatch(/^\$\{azurerm_linux_virtual_machine\.mesh_west_w1_vm_/);
    expect(run.lifecycle.ignore_changes).toEqual(['virtual_machine_id', 'location', 'source']);
    // Terraform takes the script literally: its shell expansions are escaped.
    expect(run.source.script).toContain('$${WEAVE_BIN:-/opt/bin/weave}');
    expect(run.source.script).not.toMatch(/[^$]\$\{WEAVE_BIN/);
  });

  it('a declared dedicated server has its teardown step (count = 1, address and user in state, no key)', () => {
    const tf = stack({}, {}, undefined, ['w1'], ['d1']);
    const step = teardownSteps(tf).mesh_d1_teardown;
    expect(step).toMatchObject({ count: 1, input: { host: '203.0.113.10', user: 'core', port: 22 } });
    expect(JSON.stringify(step)).not.toMatch(/private_key/);
    expect(tf.resource.terraform_data.mesh_w1_reclaim).toBeUndefined();
  });
});

describe('the diagram marks metrics-enabled hosts', () => {
  const base = seedSpec();
  const withMetrics = { ...base, clusters: base.clusters.map((c, i) => (i === 0 ? { ...c, options: { metrics: { sources: ['172.16.9.0/24'], port: 9782 } } } : c)) };

  it('each host of a cluster with metrics shows its port, in the Mermaid and the SVG picture; the others show none', () => {
    const view = topologyView(planNetwork(withMetrics));
    expect(view.clusters.map((c) => c.hosts.map((h) => h.metricsPort))).toEqual([[9782, 9782], [undefined, undefined], [undefined]]);
    const mermaid = renderMermaid(view);
    expect(mermaid.match(/metrics :9782/g)).toHaveLength(2);
    expect(renderTopologySvg(view).match(/metrics :9782/g)).toHaveLength(2);
  });

  it('control: without metrics no host is marked', () => {
    const view = topologyView(planNetwork(base));
    expect(view.clusters.flatMap((c) => c.hosts).some((h) => h.metricsPort !== undefined)).toBe(false);
    expect(renderMermaid(view)).not.toContain('metrics :');
  });
});
