import 'cdktf/lib/testing/adapters/jest'; // types for the cdktf matchers
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { LbRule } from '@cdktf/provider-azurerm/lib/lb-rule';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { USER_DATA_HEADER } from '../lib/core/boot/weave';
import { planNetwork } from '../lib/core/plan/plan';
import { SeedStack } from '../stacks/seed';
import { seedSpec } from './fixtures/seed-spec';
import { byName, decodeBootDocument, dedicatedProvisioners, readStack, references, synthApp, TfJson, valueResources } from './support/synth';
import { addClusterToSeed, declareOneClusterNetwork } from './support/example-networks';

const VM = 'azurerm_linux_virtual_machine';

function synthSeed(props: ConstructorParameters<typeof SeedStack>[2] = {}): TfJson {
  const app = Testing.app();
  const stack = new SeedStack(app, 'weave-seed', props);
  return JSON.parse(Testing.synth(stack));
}

describe('seed stack synthesized by the app (what `cdktf synth` runs)', () => {
  const PASSWORD = 'Known-Pa55word-4-test!';
  // The way a user supplies it: TF_VAR_weave_password in the environment.
  const outdir = synthApp({ TF_VAR_weave_password: PASSWORD });
  const tf = readStack(outdir, 'weave-seed');
  const vms = byName(tf, VM);
  const plan = planNetwork(seedSpec());

  it('has four Flatcar VMs and one provisioner for the dedicated server, which needs no null provider', () => {
    expect(Object.keys(vms)).toHaveLength(4);
    expect(Object.keys(dedicatedProvisioners(tf))).toHaveLength(1);
    expect(tf.resource.null_resource).toBeUndefined();
    expect(Object.keys(tf.terraform?.required_providers as object)).toEqual(['azurerm']);
    for (const vm of Object.values(vms)) {
      expect(vm.source_image_reference).toEqual({
        publisher: 'kinvolk', offer: 'flatcar-container-linux-corevm-amd64', sku: 'stable-gen2', version: 'latest',
      });
      expect(vm.plan).toBeUndefined();
      expect(vm.admin_username).toBe('core');
      expect(vm.admin_ssh_key).toEqual([{ username: 'core', public_key: '${var.ssh_public_key}' }]);
      expect(vm.disable_password_authentication).toBe(true);
    }
  });

  it.each(plan.hosts.filter((h) => h.kind === 'azure').map((h) => [h.name, h]))(
    '%s: decoded boot data carries exactly its own plan',
    (name, host) => {
      const vm = vms[name];
      expect(vm.name).toBe(name);
      expect(vm.computer_name).toBe(name);
      const userData = Buffer.from(vm.user_data as string, 'base64').toString();
      expect(userData).toBe(
        `${USER_DATA_HEADER}\nWEAVE_PEERS=${host.peers.join(' ')}\nWEAVE_IPALLOC_INIT=${host.ipallocInit}\nWEAVE_BRIDGE_ADDRESS=${host.bridgeAddress}\n`,
      );
      const cloudConfig = decodeBootDocument(vm.custom_data as string);
      expect(cloudConfig.startsWith('#cloud-config\n')).toBe(true);
      const cfg = parse(cloudConfig);
      const units = Object.fromEntries(cfg.coreos.units.map((u: { name: string; content?: string }) => [u.name, u.content ?? '']));
      expect(units['weave.service']).toContain(`EnvironmentFile=/etc/weave.${name}.env`);
      expect(units['weave-host-env.service']).toContain(`/etc/weave.${name}.env`);
      // No other host's name anywhere in this host's boot data.
      for (const other of plan.hosts.filter((h) => h.name !== name)) {
        expect(cloudConfig).not.toContain(other.name);
        expect(userData.includes(`/etc/weave.${other.name}.env`)).toBe(false);
      }
    },
  );

  it('gives the dedicated server its own script, re-run when the config hash changes', () => {
    const ded = Object.values(dedicatedProvisioners(tf))[0];
    expect(ded.connection).toMatchObject({ type: 'ssh', host: '${var.dedicated_address}', user: 'core' });
    expect(ded.triggers_replace.config).toMatch(/^\$\{sha256\(/);
    const file = ded.provisioner.find((p: Record<string, unknown>) => 'file' in p).file;
    const script = decodeBootDocument(file.content);
    expect(script).toContain("put /etc/weave.ded-prd-01.env 0600 <<'WEAVE_B64'");
    const envB64 = script.split("put /etc/weave.ded-prd-01.env 0600 <<'WEAVE_B64'\n")[1].split('\n')[0];
    expect(Buffer.from(envB64, 'base64').toString()).toBe(
      'WEAVE_PEERS=cluster-01.westeurope.cloudapp.azure.com\nWEAVE_IPALLOC_INIT=consensus=5\nWEAVE_BRIDGE_ADDRESS=10.1.0.5/16\n',
    );
    // Staged in a private directory, removed afterwards.
    expect(JSON.stringify(ded.provisioner)).toContain('mkdir -m 0700 /var/tmp/weave-deploy');
  });

  it('moves the null_resource earlier releases made for the dedicated server onto its terraform_data (same logical id), so the script does not run again', () => {
    const ids = Object.keys(dedicatedProvisioners(tf));
    // The id releases with null_resource gave it (the construct path's hash, not the type's).
    expect(ids).toEqual(['weave_cluster-03_ded-prd-01_provision_05197ABA']);
    expect((tf as Record<string, unknown>).moved).toEqual([{ from: `null_resource.${ids[0]}`, to: `terraform_data.${ids[0]}` }]);
  });

  it('declares two azurerm providers with distinct aliases and binds each cluster to its own', () => {
    const providers = tf.provider.azurerm;
    expect(providers.map((p) => p.alias).sort()).toEqual(['sub1', 'sub2']);
    expect(providers.map((p) => p.subscription_id).sort()).toEqual(['${var.subscription_id_1}', '${var.subscription_id_2}']);
    for (const p of providers) expect(p.features).toEqual([{}]);
    let checked = 0;
    for (const [type, resources] of Object.entries(tf.resource)) {
      if (!type.startsWith('azurerm_')) continue;
      for (const r of Object.values(resources)) {
        const path = (r['//'] as { metadata: { path: string } }).metadata.path;
        const expected = path.includes('/cluster-01/') ? 'azurerm.sub1' : path.includes('/cluster-02/') ? 'azurerm.sub2' : 'none';
        expect([path, r.provider]).toEqual([path, expected]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('lets Terraform create every VM in parallel: no VM reaches another VM through references', () => {
    const all = new Map<string, Record<string, unknown>>();
    for (const [type, resources] of Object.entries(tf.resource)) {
      for (const [name, r] of Object.entries(resources)) all.set(`${type}.${name}`, r);
    }
    for (const start of Object.keys(tf.resource[VM]).map((n) => `${VM}.${n}`)) {
      const seen = new Set<string>();
      const queue = references(all.get(start)).filter((r) => r !== start);
      while (queue.length) {
        const ref = queue.pop()!;
        if (seen.has(ref)) continue;
        seen.add(ref);
        expect([start, ref.startsWith(`${VM}.`)]).toEqual([start, false]);
        queue.push(...references(all.get(ref)));
      }
      expect(seen.size).toBeGreaterThan(3); // it does depend on its NIC, pool membership, group …
    }
  });

  it('never writes the password: not in cdk.tf.json, not anywhere in the output', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(outdir);
    expect(files.some((f) => f.endsWith('cdk.tf.json'))).toBe(true);
    for (const f of files) expect([f, readFileSync(f, 'utf8').includes(PASSWORD)]).toEqual([f, false]);
    expect(tf.variable!.weave_password.sensitive).toBe(true);
    // user_data is readable by any process on the VM: no password reference there either.
    for (const vm of Object.values(vms)) expect(Buffer.from(vm.user_data as string, 'base64').toString()).not.toMatch(/PASSWORD/);
    // The password enters only through one local, built from the sensitive variable.
    const locals = (tf as unknown as { locals: Record<string, string> }).locals;
    expect(locals.weave_shared_env_b64).toMatch(/^\$\{base64encode\(join\("", \[".*WEAVE_PASSWORD=", var\.weave_password, "\\n"\]\)\)\}$/);
    for (const vm of Object.values(vms)) expect(vm.custom_data).toMatch(/"__WEAVE_SECRET_0__", local\.weave_shared_env_b64\)\)\}$/);
  });

  it('outputs each host\'s bridge address and each cluster\'s DNS name', () => {
    const out = tf.output!;
    expect(out['weave_azure-prd-01_bridge_address'].value).toBe('10.1.0.1/16');
    expect(out['weave_ded-prd-01_bridge_address'].value).toBe('10.1.0.5/16');
    expect(out['weave_cluster-01_dns_name'].value).toMatch(/^\$\{azurerm_public_ip\..*\.fqdn\}$/);
    expect(out['weave_cluster-02_dns_name'].value).toMatch(/\.fqdn\}$/);
  });
});

describe('growth', () => {
  const REPLACING = ['custom_data', 'computer_name', 'source_image_reference', 'admin_ssh_key', 'size', 'name'];
  const before = byName(synthSeed(), VM);
  const grown = synthSeed({ extraCluster01Hosts: ['azure-prd-05'] });
  const after = byName(grown, VM);

  it('adds the new VM as an observer dialing its cluster\'s first host', () => {
    expect(Object.keys(after)).toHaveLength(5);
    const vm = after['azure-prd-05'];
    expect(Buffer.from(vm.user_data as string, 'base64').toString()).toContain(
      'WEAVE_PEERS=azure-prd-01\nWEAVE_IPALLOC_INIT=observer\nWEAVE_BRIDGE_ADDRESS=10.1.0.6/16\n',
    );
    expect(grown.output!['weave_ded-prd-01_bridge_address'].value).toBe('10.1.0.5/16');
  });

  it.each(Object.keys(before))('VM %s: even the in-place user data stays the same (bootstrap hosts pinned per cluster)', (name) => {
    expect(after[name].user_data).toBe(before[name].user_data);
  });

  it.each(Object.keys(before))('VM %s: every replacement-forcing attribute stays byte-identical', (path) => {
    for (const attr of REPLACING) {
      expect([attr, JSON.stringify(after[path][attr])]).toEqual([attr, JSON.stringify(before[path][attr])]);
    }
  });
});

describe('DNS label prefix', () => {
  it('renames the public IP labels and the name later clusters dial', () => {
    const tf = synthSeed({ dnsLabelPrefix: 'acme-' });
    const labels = Object.values(tf.resource.azurerm_public_ip).map((p) => p.domain_name_label).sort();
    expect(labels).toEqual(['acme-cluster-01', 'acme-cluster-02']);
    const vm = byName(tf, VM)['azure-prd-03'];
    expect(Buffer.from(vm.user_data as string, 'base64').toString()).toContain('WEAVE_PEERS=acme-cluster-01.westeurope.cloudapp.azure.com\n');
  });

  it('main.ts takes it from WEAVE_DNS_LABEL_PREFIX', () => {
    const tf = readStack(synthApp({ WEAVE_DNS_LABEL_PREFIX: 'zz-' }), 'weave-seed');
    expect(Object.values(tf.resource.azurerm_public_ip).map((p) => p.domain_name_label).sort()).toEqual(['zz-cluster-01', 'zz-cluster-02']);
  });
});

describe('growth by a whole cluster', () => {
  it('appending a cluster changes no existing VM, not even its user data, and the new hosts observe', () => {
    const app = Testing.app();
    const stack = new SeedStack(app, 'weave-seed');
    addClusterToSeed(stack);
    const grown = byName(JSON.parse(Testing.synth(stack)), VM);
    const before = byName(synthSeed(), VM);
    for (const [name, vm] of Object.entries(before)) {
      expect([name, grown[name].custom_data, grown[name].user_data]).toEqual([name, vm.custom_data, vm.user_data]);
    }
    expect(Buffer.from(grown['azure-prd-06'].user_data as string, 'base64').toString()).toContain(
      'WEAVE_PEERS=cluster-01.westeurope.cloudapp.azure.com\nWEAVE_IPALLOC_INIT=observer\nWEAVE_BRIDGE_ADDRESS=10.1.0.6/16\n',
    );
  });
});

describe('cdktf matchers and snapshots', () => {
  it('seed stack matches its snapshot', () => {
    const app = Testing.app();
    expect(Testing.synth(new SeedStack(app, 'weave-seed'))).toMatchSnapshot();
  });

  it('load balancer keeps each peer on one host; NSG admits only other clusters', () => {
    const app = Testing.app();
    const synth = Testing.synth(new SeedStack(app, 'weave-seed'));
    expect(synth).toHaveResourceWithProperties(LbRule, { protocol: 'Udp', frontend_port: 6784, load_distribution: 'SourceIP', disable_outbound_snat: true });
    expect(synth).toHaveResourceWithProperties(LbRule, { protocol: 'Tcp', frontend_port: 6783, load_distribution: 'SourceIP' });
    expect(synth).toHaveResourceWithProperties(PublicIp, { sku: 'Standard', allocation_method: 'Static', domain_name_label: 'cluster-01' });
    expect(synth).toHaveResourceWithProperties(NetworkSecurityRule, {
      name: 'weave-esp',
      protocol: 'Esp',
      source_address_prefixes: [expect.stringMatching(/cluster-02_public-ip.*ip_address/), '${var.dedicated_address}'],
    });
    expect(synth).not.toHaveResourceWithProperties(NetworkSecurityRule, { destination_port_range: '22' });
    expect(synth).toHaveResourceWithProperties(LinuxVirtualMachine, { name: 'azure-prd-03', provider: 'azurerm.sub2' });
  });

  it('one-cluster network (synthScope) matches its snapshot and has no inter-cluster rules', () => {
    const synth = Testing.synthScope(declareOneClusterNetwork);
    expect(synth).toMatchSnapshot();
    const tf = JSON.parse(synth);
    const rules = Object.values(tf.resource.azurerm_network_security_rule) as Record<string, unknown>[];
    expect(rules.filter((r) => String(r.name).startsWith('weave-')).every((r) => r.count === 0)).toBe(true);
    expect(synth).toHaveResourceWithProperties(NetworkSecurityRule, { name: 'ssh', destination_port_range: '22', source_address_prefixes: ['198.51.100.0/24'] });
    expect(synth).toHaveResourceWithProperties(LinuxVirtualMachine, { name: 'solo-2', size: 'Standard_D4s_v5' });
    expect(tf.output['mesh_solo-2_ssh'].value).toMatch(/^ssh -p 50002 core@\$\{azurerm_public_ip\./);
  });

  it('ignition boot format keeps user data empty, ignores growth, and is replaced on a new password', () => {
    const tf = synthSeed({ network: { bootFormat: 'ignition' } });
    const generations = valueResources(tf);
    // One network-wide generation, and one per VM for its users' content.
    expect(Object.keys(generations).sort()).toEqual([
      'weave_azure-prd-01_user_content', 'weave_azure-prd-02_user_content', 'weave_azure-prd-03_user_content', 'weave_azure-prd-04_user_content',
      'weave_boot_generation',
    ]);
    expect(generations.weave_boot_generation.triggers_replace.settings).toMatch(/^\$\{sha256\(join\("\|", \["[0-9a-f]{64}", local\.weave_shared_env_b64\]\)\)\}$/);
    for (const vm of Object.values(byName(tf, VM))) {
      expect(vm.user_data).toBeUndefined();
      // Plain addresses: Terraform rejects an interpolation here.
      expect(vm.lifecycle).toEqual({
        ignore_changes: ['custom_data'],
        replace_triggered_by: ['terraform_data.weave_boot_generation', `terraform_data.weave_${vm.name}_user_content`],
      });
      const ign = JSON.parse(decodeBootDocument(vm.custom_data as string));
      expect(ign.ignition.version).toBe('3.3.0');
    }
    // Growth leaves the generation alone; a network-wide change moves it.
    const generationOf = (t: TfJson) => (t.resource as Record<string, Record<string, Record<string, any>>>).terraform_data.weave_boot_generation.triggers_replace.settings;
    expect(generationOf(synthSeed({ network: { bootFormat: 'ignition' }, extraCluster01Hosts: ['azure-prd-05'] }))).toBe(generationOf(tf));
    expect(generationOf(synthSeed({ network: { bootFormat: 'ignition', release: { version: '2.9.1' } } }))).not.toBe(generationOf(tf));
  });
});

describe('App-level synth failure writes nothing', () => {
  it('throws before any stack is written when the network is invalid', () => {
    const { mkdtempSync, existsSync } = require('node:fs') as typeof import('node:fs');
    const outdir = mkdtempSync(join(require('node:os').tmpdir(), 'weave-bad-'));
    const app = new App({ outdir });
    new SeedStack(app, 'good'); // a valid stack declared first
    new SeedStack(app, 'bad', { network: { ipallocRange: '10.2.0.1/16' } });
    expect(() => app.synth()).toThrow(/10\.2\.0\.0\/16/);
    expect(existsSync(join(outdir, 'stacks', 'good', 'cdk.tf.json'))).toBe(false);
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });
});
