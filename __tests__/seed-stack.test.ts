import 'cdktf/lib/testing/adapters/jest'; // types for the cdktf matchers
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { LbRule } from '@cdktf/provider-azurerm/lib/lb-rule';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { SeedStack } from '../stacks/seed';
import { SEED_RECORD } from './fixtures/seed-record';
import { byName, decodeBootDocument, dependencies, TfJson, valueResources, vmToVmDependencies } from './support/synth';
import { addClusterToSeed, declareOneClusterNetwork } from './support/example-networks';

const VM = 'azurerm_linux_virtual_machine';

/** The deployed seed (its first allocation record in memory), with `props`. */
function synthSeed(props: ConstructorParameters<typeof SeedStack>[2] = {}): TfJson {
  const app = Testing.app();
  const stack = new SeedStack(app, 'weave-seed', { ...props, network: { allocationRecord: SEED_RECORD, ...props?.network } });
  return JSON.parse(Testing.synth(stack));
}

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
});

describe('growth by a whole cluster', () => {
  it('appending a cluster changes no existing VM, not even its user data, and the new hosts observe', () => {
    const app = Testing.app();
    const stack = new SeedStack(app, 'weave-seed', { network: { allocationRecord: SEED_RECORD } });
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

describe('upgrading to the day-two release (CHANGELOG "Breaking: upgrading replaces cloud-config VMs")', () => {
  it('Ignition VMs: the boot generation holds the settings digest main computed before (2638006), so none is replaced', () => {
    const tf = synthSeed({ network: { bootFormat: 'ignition' } });
    const settings = (resources: TfJson) => (resources.resource as Record<string, Record<string, Record<string, any>>>).terraform_data.weave_boot_generation.triggers_replace.settings;
    expect(settings(tf)).toContain('"900cfd23c4bd348b75b482b4120a052c2e3409d8cc04bcacf492870274307732"');
    // Control: a registry login is part of what they boot with, so setting one moves it.
    const withLogin = synthSeed({ network: { bootFormat: 'ignition', registry: { login: { username: 'pull' } } } });
    expect(settings(withLogin)).not.toBe(settings(tf));
  });

  it('cloud-config VMs: the escape hatch CHANGELOG gives synthesizes as ignore_changes on custom_data', () => {
    const app = Testing.app();
    const stack = new SeedStack(app, 'weave-seed', { network: { allocationRecord: SEED_RECORD } });
    const vms = stack.node.findAll().filter((c): c is LinuxVirtualMachine => c instanceof LinuxVirtualMachine);
    expect(vms).toHaveLength(4);
    for (const vm of vms) vm.addOverride('lifecycle.ignore_changes', ['custom_data']);
    const tf = JSON.parse(Testing.synth(stack)) as TfJson;
    for (const vm of Object.values(byName(tf, VM))) expect(vm.lifecycle).toEqual({ ignore_changes: ['custom_data'] });
  });
});

describe('every VM can be created in parallel', () => {
  it.each([['cloud-config', {}], ['ignition', { network: { bootFormat: 'ignition' as const } }], ['grown by a cluster', undefined]] as const)(
    'seed (%s): no VM depends on another VM, through any reference, local or terraform_data',
    (_, props) => {
      let tf: TfJson;
      if (props === undefined) {
        const stack = new SeedStack(Testing.app(), 'weave-seed');
        addClusterToSeed(stack);
        tf = JSON.parse(Testing.synth(stack));
      } else tf = synthSeed(props);
      expect(vmToVmDependencies(tf)).toEqual([]);
      for (const vm of Object.keys(tf.resource[VM])) expect(dependencies(tf, `${VM}.${vm}`).size).toBeGreaterThan(3);
    },
  );
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
