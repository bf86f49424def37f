// Every boot document the library writes is one today's Flatcar reads
// without dropping a key: cloud-config decoded as flatcar/coreos-cloudinit's
// yaml tags decode it, Ignition as spec 3.3.0 defines it, both refusing any
// key the target would drop. __tests__/setup.ts also runs these decoders on
// every document any test file renders; this file covers the stacks and
// networks users declare, and shows the decoders failing on wrong input.
import { App, TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork, WeaveUnit } from '../lib';
import { weaveBootDocument as buildBootConfig } from '../lib/core/boot/weave';
import { planNetwork } from '../lib/core/plan/plan';
import { renderCloudConfig, renderIgnition } from '../lib/core/render';
import { BesideWeaveStack } from '../stacks/beside-weave';
import { SeedStack } from '../stacks/seed';
import { CloudConfigError, decodeCloudConfig } from './support/flatcar-cloud-config';
import { decodeIgnition, IgnitionConfigError } from './support/ignition-33';
import { KEYVAULT_STACKS } from './support/keyvault-stacks';
import { generatedNetwork } from './support/random-network';
import { strictChecks, strictCloudConfigModule, strictIgnitionModule, strictTemplatesModule } from './support/strict-boot-docs';
import { byName, decodeBootDocument, TfJson } from './support/synth';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqhdR+Lro+o9SsvhjTty5CkgsNPHf2PZW2grJw0w4nd test';

/** Each Azure VM's boot document (its static text, placeholders left in). */
function vmDocuments(stack: TerraformStack): [string, string][] {
  const tf = JSON.parse(Testing.synth(stack)) as TfJson;
  return Object.entries(byName(tf, 'azurerm_linux_virtual_machine')).map(([name, vm]) => [name, decodeBootDocument(vm.custom_data as string)]);
}

function decodeAny(text: string) {
  return text.startsWith('#cloud-config') ? decodeCloudConfig(text).units : decodeIgnition(text).units.map((u) => ({ name: u.name, drop_ins: (u.dropins ?? []).map((d) => ({ name: d.name, content: d.contents ?? '' })) }));
}

const STACKS: [string, (app: App) => TerraformStack][] = [
  ['seed (cloud-config)', (app) => new SeedStack(app, 'weave-seed')],
  ['seed (Ignition)', (app) => new SeedStack(app, 'weave-seed', { network: { bootFormat: 'ignition' } })],
  ['beside Weave', (app) => new BesideWeaveStack(app, 'beside-weave')],
  ...KEYVAULT_STACKS,
];

describe('every VM of the example and Key Vault stacks', () => {
  it.each(STACKS)('%s: every custom data decodes strictly, and docker.service keeps its drop-in', (_, make) => {
    const docs = vmDocuments(make(Testing.app()));
    expect(docs.length).toBeGreaterThan(0);
    for (const [name, text] of docs) {
      const docker = decodeAny(text).find((u) => u.name === 'docker.service');
      expect([name, docker?.drop_ins.map((d) => d.name)]).toEqual([name, expect.arrayContaining(['10-weave-min-api.conf'])]);
      expect(docker!.drop_ins.find((d) => d.name === '10-weave-min-api.conf')!.content).toContain('DOCKER_MIN_API_VERSION=1.24');
    }
  });
});

describe('random networks', () => {
  it('every host\'s cloud-config and Ignition decode strictly', () => {
    for (const gen of fc.sample(generatedNetwork, { numRuns: 15, seed: 1802 })) {
      const plan = planNetwork(gen.spec);
      for (const i of gen.sample) {
        const host = plan.hosts[i];
        if (host.kind !== 'azure') continue;
        decodeCloudConfig(renderCloudConfig(buildBootConfig(plan, host, { hostEnvSource: 'azure-imds' })).text);
        decodeIgnition(renderIgnition(buildBootConfig(plan, host, { hostEnvSource: 'file' })).text);
      }
    }
  });
});

describe('users\' content at all three levels, in both formats', () => {
  // A unit named at a more specific level replaces the earlier one whole, so
  // each level amends a different unit the host already has.
  const AMENDS: Record<string, string> = { network: 'docker.service', cluster: 'containerd.service', host: 'systemd-journald.service' };
  const dropIn = (level: string): WeaveUnit => ({ name: AMENDS[level], dropIns: [{ name: `30-${level}.conf`, contents: `[Service]\nEnvironment=LEVEL_${level.toUpperCase()}=1\n` }] });
  const unit = (level: string): WeaveUnit => ({
    name: `${level}-app.service`,
    contents: `[Unit]\nAfter=weave-network.target\n\n[Service]\nExecStart=/usr/bin/true\n\n[Install]\nWantedBy=multi-user.target\n`,
    enable: true,
    start: true,
    dropIns: [{ name: '10-limits.conf', contents: '[Service]\nLimitNOFILE=65536\n' }],
  });

  it.each(['cloud-config', 'ignition'] as const)('%s: network, cluster and host drop-ins and units all survive decoding', (bootFormat) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
    const net = new WeaveNetwork(stack, 'mesh', {
      sshPublicKey: KEY,
      bootFormat,
      units: [dropIn('network'), unit('network')],
      files: [{ path: '/etc/network-level.conf', content: 'yes\n', mode: 0o640, owner: 'core:core' }],
    });
    const cluster = new WeaveCluster(net, 'cl-01', { provider, location: 'westeurope', units: [dropIn('cluster'), unit('cluster')] });
    new WeaveHost(cluster, 'cl-a', { units: [dropIn('host'), unit('host')] });
    new WeaveHost(cluster, 'cl-b');
    const docs = Object.fromEntries(vmDocuments(stack));
    const a = decodeAny(docs['cl-a']);
    expect(a.find((u) => u.name === 'docker.service')!.drop_ins.map((d) => d.name)).toEqual(['10-weave-min-api.conf', '30-network.conf']);
    expect(a.find((u) => u.name === 'containerd.service')!.drop_ins.map((d) => d.name)).toEqual(['30-cluster.conf']);
    expect(a.find((u) => u.name === 'systemd-journald.service')!.drop_ins.map((d) => d.name)).toEqual(['30-host.conf']);
    for (const level of ['network', 'cluster', 'host']) expect(a.find((u) => u.name === `${level}-app.service`)!.drop_ins.map((d) => d.name)).toEqual(['10-limits.conf']);
    const b = decodeAny(docs['cl-b']);
    expect(b.find((u) => u.name === 'containerd.service')!.drop_ins.map((d) => d.name)).toEqual(['30-cluster.conf']);
    expect(b.find((u) => u.name === 'systemd-journald.service')).toBeUndefined();
    if (bootFormat === 'cloud-config') {
      const file = decodeCloudConfig(docs['cl-a']).write_files.find((f) => f.path === '/etc/network-level.conf')!;
      expect(file).toMatchObject({ permissions: '0640', owner: 'core:core' });
      expect(decodeCloudConfig(docs['cl-a']).units.find((u) => u.name === 'host-app.service')).toMatchObject({ enable: true, command: 'start' });
    }
  });
});

describe('negative controls: the decoders refuse what Flatcar would drop', () => {
  const seedText = () => vmDocuments(new SeedStack(Testing.app(), 'weave-seed'))[0][1];

  it('today\'s `drop-ins` spelling (the renderer before the fix) is refused with the key Flatcar reads', () => {
    const old = seedText().replace(/\bdrop_ins:/g, 'drop-ins:');
    expect(() => decodeCloudConfig(old)).toThrow(CloudConfigError);
    expect(() => decodeCloudConfig(old)).toThrow(/coreos\.units\[0\]\.drop-ins: unknown key; Flatcar drops it \(coreos-cloudinit reads "drop_ins"/);
  });

  it('a misspelled unit key (Ignition\'s `enabled`) is refused; so are a wrong bool, a bad command and an ambiguous mode', () => {
    const text = seedText();
    expect(() => decodeCloudConfig(text.replace('enable: true', 'enabled: true'))).toThrow(/\.enabled: unknown key/);
    expect(() => decodeCloudConfig(text.replace('enable: true', 'enable: yes'))).toThrow(/\.enable: expected true or false/);
    expect(() => decodeCloudConfig(text.replace('command: start', 'command: begin'))).toThrow(/\.command: "begin" does not match/);
    expect(() => decodeCloudConfig(text.replace('permissions: "0600"', 'permissions: 0600'))).toThrow(/permissions: plain "0600"/);
    expect(() => decodeCloudConfig(text.replace('write_files:', 'write-files:'))).toThrow(/write-files: unknown key.*reads "write_files"/);
    expect(() => decodeCloudConfig(text.replace('#cloud-config', '#cloud-config-x'))).toThrow(/first line/);
    expect(() => decodeCloudConfig(text)).not.toThrow();
  });

  it('Ignition: `enable`, `dropIns` and a file key of another spec are refused; the seed\'s own config is not', () => {
    const text = vmDocuments(new SeedStack(Testing.app(), 'weave-seed', { network: { bootFormat: 'ignition' } }))[0][1];
    expect(() => decodeIgnition(text)).not.toThrow();
    expect(() => decodeIgnition(text.replace('"enabled":true', '"enable":true'))).toThrow(/systemd\.units\[\d+\]\.enable: unknown key/);
    expect(() => decodeIgnition(text.replace('"dropins":', '"dropIns":'))).toThrow(IgnitionConfigError);
    expect(() => decodeIgnition(text.replace('"overwrite":true', '"overwrite":true,"filesystem":"root"'))).toThrow(/storage\.files\[0\]\.filesystem: unknown key/);
    expect(() => decodeIgnition(text.replace('"version":"3.3.0"', '"version":"3.4.0"'))).toThrow(/ignition\.version/);
    expect(() => decodeIgnition(text.replace('"mode":420', '"mode":"0644"'))).toThrow(/mode: expected int/);
  });

  it('the renderer wrappers that support/setup-libs.ts installs are live and throw on a bad document', () => {
    expect(strictChecks.cloudConfig).toBeGreaterThan(0);
    expect(strictChecks.ignition).toBeGreaterThan(0);
    const bad = { format: 'cloud-config' as const, text: '#cloud-config\ncoreos:\n  units:\n    - name: a.service\n      drop-ins: []\n', slots: [] };
    const cc = strictCloudConfigModule({ renderCloudConfig: () => bad } as any);
    expect(() => cc.renderCloudConfig({} as any)).toThrow(/drop-ins: unknown key/);
    const templates = strictTemplatesModule({ cloudConfigByName: () => () => bad } as any);
    expect(() => (templates.cloudConfigByName as any)({})({})).toThrow(/drop-ins: unknown key/);
    const ign = strictIgnitionModule({ renderIgnition: () => ({ ...bad, format: 'ignition', text: '{"ignition":{"version":"3.3.0"},"systemd":{"units":[{"name":"a.service","enable":true}]}}' }) } as any);
    expect(() => ign.renderIgnition({} as any)).toThrow(/enable: unknown key/);
  });
});

describe('what the seed enables runs on the first boot too', () => {
  type U = { name: string; enable: boolean; content: string; command: string };
  /**
   * Enabled units that do not run on a cloud-config VM's first boot.
   * coreos-cloudinit applies the config while the boot is under way, after
   * systemd chose what this boot starts, so on the first boot only what the
   * config starts (`command: start`) runs, with what that pulls in: units
   * wanted by a started target ([Install] WantedBy=/RequiredBy= of the
   * shipped units) and the Requires=/Wants= of started units. Later boots
   * also start everything multi-user.target pulls in.
   */
  function notStartedOnFirstBoot(units: readonly U[]): string[] {
    const pulls = new Map<string, string[]>();
    const add = (from: string, to: string) => pulls.set(from, [...(pulls.get(from) ?? []), to]);
    for (const u of units) {
      for (const m of u.content.matchAll(/^(?:WantedBy|RequiredBy)=(.+)$/gm)) for (const t of m[1].trim().split(/\s+/)) add(t, u.name);
      for (const m of u.content.matchAll(/^(?:Requires|Wants)=(.+)$/gm)) for (const t of m[1].trim().split(/\s+/)) add(u.name, t);
    }
    const started = new Set<string>();
    const visit = (n: string) => { if (started.has(n)) return; started.add(n); for (const c of pulls.get(n) ?? []) visit(c); };
    units.filter((u) => u.command === 'start').forEach((u) => visit(u.name));
    return units.filter((u) => u.enable && !started.has(u.name)).map((u) => u.name);
  }

  it('every enabled unit of every seed VM, the node service included, is started when coreos-cloudinit applies the config', () => {
    for (const [name, text] of vmDocuments(new SeedStack(Testing.app(), 'weave-seed'))) {
      const units = decodeCloudConfig(text).units;
      expect(units.map((u) => u.name)).toContain('node-mesh-ready.service');
      expect([name, notStartedOnFirstBoot(units)]).toEqual([name, []]);
    }
  });

  it('negative controls: without the shipped kubernetes.node.target, or with it only enabled, the node service does not run on the first boot (what booting the seed found)', () => {
    const units = decodeCloudConfig(vmDocuments(new SeedStack(Testing.app(), 'weave-seed'))[0][1]).units;
    expect(notStartedOnFirstBoot(units.filter((u) => u.name !== 'kubernetes.node.target'))).toEqual(['node-mesh-ready.service']);
    expect(notStartedOnFirstBoot(units.map((u) => (u.name === 'kubernetes.node.target' ? { ...u, command: '' } : u)))).toEqual(['kubernetes.node.target', 'node-mesh-ready.service']);
  });
});
