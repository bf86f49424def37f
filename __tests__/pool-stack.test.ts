// A pool beside the seed, synthesized (every stack is also checked against
// the azurerm 4.55.0 schema by the synth collector): the Uniform scale set
// and its edge, its one boot document, autoscale, Spot and zones, upgrades
// that roll by the scale set's policy, Key Vault grants for its identity,
// and the static hosts left exactly as they were.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork, WeavePoolOptions } from '../lib';
import { topologyView } from '../lib/core/diagram/diagram';
import { renderTopologySvg } from '../lib/core/diagram/diagram-svg';
import { SeedStack } from '../stacks/seed';
import { SEED_RECORD } from './fixtures/seed-record';
import { ED25519 } from './fixtures/ssh-keys';
import { TfJson, decodeBootDocument } from './support/synth';

const VMSS = 'azurerm_linux_virtual_machine_scale_set';
const POOL: WeavePoolOptions = { min: 2, max: 20, autoscale: { cpu: { scaleOutAbove: 70, scaleInBelow: 25 } } };

function synthSeed(props: ConstructorParameters<typeof SeedStack>[2] = {}): { tf: TfJson; stack: SeedStack } {
  const app = Testing.app();
  const stack = new SeedStack(app, 'weave-seed', { ...props, network: { allocationRecord: SEED_RECORD, ...props?.network } });
  return { tf: JSON.parse(Testing.synth(stack)), stack };
}

const one = (tf: TfJson, type: string): Record<string, any> => {
  const all = Object.values(tf.resource[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0] as Record<string, any>;
};
const named = (tf: TfJson, type: string, name: string): Record<string, any> =>
  Object.values(tf.resource[type] ?? {}).find((r) => (r as { name?: string }).name === name) as Record<string, any>;

describe('the seed with a pool of 2 to 20 instances', () => {
  const { tf, stack } = synthSeed({ pool: POOL });
  const vmss = one(tf, VMSS);
  const doc = decodeBootDocument(vmss.custom_data);

  it('is a Uniform scale set of Flatcar instances that never overprovision', () => {
    expect(vmss).toMatchObject({
      name: 'workers', computer_name_prefix: 'workers', sku: 'Standard_D2s_v5', instances: 2, overprovision: false,
      disable_password_authentication: true, admin_username: 'core',
      source_image_reference: { publisher: 'kinvolk', offer: 'flatcar-container-linux-corevm-amd64', sku: 'stable-gen2', version: 'latest' },
      tags: { 'weave-network': 'weave-seed/weave', 'weave-cluster': 'workers' },
    });
    expect(tf.resource.azurerm_orchestrated_virtual_machine_scale_set).toBeUndefined();
    expect(vmss.network_interface[0].ip_configuration[0].load_balancer_backend_address_pool_ids).toEqual([expect.stringMatching(/^\$\{azurerm_lb_backend_address_pool\.weave_workers_lb-pool_\w+\.id\}$/)]);
    expect(vmss.network_interface[0].ip_configuration[0].subnet_id).toMatch(/azurerm_subnet\.weave_workers_subnet/);
  });

  it('rolls upgrades by batches of 20 %, gated on the load balancer probe on TCP 6783, new instances first', () => {
    expect(vmss.upgrade_mode).toBe('Rolling');
    const probe = Object.entries(tf.resource.azurerm_lb_probe).find(([, r]) => (r as { loadbalancer_id: string }).loadbalancer_id.includes('weave_workers_lb'))!;
    expect(vmss.health_probe_id).toBe(`\${azurerm_lb_probe.${probe[0]}.id}`);
    expect(probe[1]).toMatchObject({ protocol: 'Tcp', port: 6783 });
    expect(vmss.rolling_upgrade_policy).toEqual({
      max_batch_instance_percent: 20, max_unhealthy_instance_percent: 20, max_unhealthy_upgraded_instance_percent: 20,
      pause_time_between_batches: 'PT1M', maximum_surge_instances_enabled: true,
    });
    // The probe serves Weave's load balancer rules, and the instances wait for egress.
    expect(vmss.depends_on.some((d: string) => d.startsWith('azurerm_lb_outbound_rule.weave_workers'))).toBe(true);
    expect(vmss.depends_on.filter((d: string) => d.startsWith('azurerm_lb_rule.weave_workers'))).toHaveLength(3);
  });

  it('gives every instance its Terminate notice and never force-deletes it', () => {
    expect(vmss.termination_notification).toEqual({ enabled: true, timeout: 'PT5M' });
    expect(vmss.scale_in).toEqual({ rule: 'Default', force_deletion_enabled: false });
  });

  it('scales on CPU between min and max, and leaves the count to autoscale', () => {
    const a = one(tf, 'azurerm_monitor_autoscale_setting');
    expect(a.target_resource_id).toMatch(/azurerm_linux_virtual_machine_scale_set\.weave_workers_scale-set_\w+\.id/);
    expect(a.profile[0].capacity).toEqual({ minimum: 2, maximum: 20, default: 2 });
    expect(a.profile[0].rule.map((r: any) => [r.metric_trigger.metric_name, r.metric_trigger.operator, r.metric_trigger.threshold, r.scale_action.direction])).toEqual([
      ['Percentage CPU', 'GreaterThan', 70, 'Increase'], ['Percentage CPU', 'LessThan', 25, 'Decrease'],
    ]);
    expect(vmss.lifecycle).toEqual({ ignore_changes: ['instances'] });
  });

  it('gives each instance 1,024 SNAT ports, and the other clusters\' NSGs admit its egress address', () => {
    const outbound = Object.values(tf.resource.azurerm_lb_outbound_rule).find((r: any) => r.loadbalancer_id.includes('weave_workers')) as Record<string, any>;
    expect(outbound.allocated_outbound_ports).toBe(1024);
    const poolIp = Object.keys(tf.resource.azurerm_public_ip).find((k) => k.startsWith('weave_workers_public-ip'))!;
    const otherTcp = Object.values(tf.resource.azurerm_network_security_rule).filter((r: any) => r.name === 'weave-tcp' && !r.network_security_group_name.includes('workers'));
    expect(otherTcp).toHaveLength(2);
    for (const r of otherTcp) expect((r as any).source_address_prefixes).toContain(`\${azurerm_public_ip.${poolIp}.ip_address}`);
    const own = Object.values(tf.resource.azurerm_network_security_rule).find((r: any) => r.name === 'weave-tcp' && r.network_security_group_name.includes('workers')) as Record<string, any>;
    expect(own.source_address_prefixes).toHaveLength(3);
    expect(tf.output!['weave_workers_public_address'].value).toBe(`\${azurerm_public_ip.${poolIp}.ip_address}`);
  });

  it('boots one document: an observer launch line, its env file, the address and leave units', () => {
    expect(doc).toMatch(/^#cloud-config\n/);
    expect(doc).toContain('ExecStartPre=/opt/bin/weave launch --no-restart --ipalloc-range 10.2.0.0/16 --dns-domain weave.local. --ipalloc-init $WEAVE_IPALLOC_INIT $WEAVE_PEERS');
    expect(doc).toContain('WEAVE_PEERS=cluster-01.westeurope.cloudapp.azure.com\n      WEAVE_IPALLOC_INIT=observer\n      WEAVE_POOL_SUBNET=172.16.2.0/24\n      WEAVE_POOL_BLOCK=10.1.255.0/24\n');
    for (const unit of ['weave-pool-address.service', 'weave-pool-events.service', 'weave-pool-reclaim.service']) expect(doc).toContain(`name: ${unit}`);
    expect(doc).toContain('EnvironmentFile=/run/weave-pool.env');
    expect(doc).toContain('ConditionPathExists=!/run/weave-pool-leaving');
    // The watcher is not PartOf the target, whose restart (after weave reset removed the router) would kill it mid-leave; the address unit is.
    const unitText = (name: string) => doc.split(`- name: ${name}`)[1].split('\n    - name: ')[0];
    expect(unitText('weave-pool-events.service')).not.toContain('PartOf=');
    expect(unitText('weave-pool-address.service')).toContain('PartOf=weave-network.target');
    expect(doc).not.toMatch(/WEAVE_BRIDGE_ADDRESS=\d/);
  });

  it('keeps no password literal: the secret slot is filled from the password variable\'s local', () => {
    expect(doc).not.toContain('WEAVE_PASSWORD');
    expect(vmss.custom_data).toContain('"__WEAVE_SECRET_0__", local.weave_shared_env_b64)');
    expect(JSON.stringify((tf as { locals?: object }).locals)).toContain('var.weave_password');
  });

  it('records the pool\'s block, and draws the pool with its size range', () => {
    expect(stack.network.plan().allocation.record.pools).toEqual({ workers: { block: '10.1.255.0/24' } });
    const svg = renderTopologySvg(topologyView(stack.network.plan()));
    expect(svg).toContain('scale set · 2–20 instances');
    expect(svg).toContain('bridge block 10.1.255.0/24 · observer');
    expect(svg).toMatch(/<polyline class="edge" data-from="workers\*" data-to="cluster-01"/);
  });
});

describe('a pool leaves the static hosts alone', () => {
  const base = synthSeed().tf;
  const withPool = synthSeed({ pool: POOL }).tf;
  const changed = synthSeed({ pool: { ...POOL, leaveTimeoutSeconds: 10 }, network: { allocationRecord: SEED_RECORD } }).tf;
  const staticTypes = ['azurerm_linux_virtual_machine', 'azurerm_network_interface', 'terraform_data', 'azurerm_lb', 'azurerm_public_ip'];

  it.each(staticTypes)('adding a pool leaves every %s of the seed as it was', (type) => {
    for (const [id, r] of Object.entries(base.resource[type] ?? {})) expect(withPool.resource[type][id]).toEqual(r);
  });

  it('changing the pool\'s boot data changes its custom data only, which rolls by the upgrade policy', () => {
    const a = one(withPool, VMSS);
    const b = one(changed, VMSS);
    expect(b.custom_data).not.toBe(a.custom_data);
    expect({ ...b, custom_data: '' }).toEqual({ ...a, custom_data: '' });
    expect(b.lifecycle?.replace_triggered_by).toBeUndefined();
    for (const type of staticTypes) {
      for (const [id, r] of Object.entries(withPool.resource[type] ?? {})) {
        if (!id.startsWith('weave_workers')) expect(changed.resource[type][id]).toEqual(r);
      }
    }
  });
});

describe('pool options', () => {
  it('are type-checked when declared, nested ones too (control: README\'s pool declares)', () => {
    const declare = (pool: unknown) => () => new SeedStack(Testing.app(), 'weave-seed', { pool: pool as WeavePoolOptions, network: { allocationRecord: SEED_RECORD } });
    const problems = (pool: unknown) => {
      try { declare(pool)(); } catch (e) { return ((e as { problems?: { code: string; field: string; value: unknown }[] }).problems ?? []).map((p) => [p.code, p.field, p.value]); }
      return [];
    };
    expect(problems({ min: '2', max: 20 })).toEqual([['prop-type-invalid', 'pool.min', '(string)']]);
    expect(problems({ ...POOL, autoscale: { cpu: { scaleOutAbove: '70', scaleInBelow: 25 } } })).toEqual([['prop-type-invalid', 'pool.autoscale.cpu.scaleOutAbove', '(string)']]);
    expect(problems(POOL)).toEqual([]);
  });

  it('Spot with eviction policy and price, zones, and the Manual mode (one instance reimaged at a time)', () => {
    const { tf } = synthSeed({ pool: { min: 0, max: 6, initial: 3, spot: { evictionPolicy: 'Deallocate', maxPrice: 0.05 }, zones: ['1', '2', '3'], zoneBalance: true, upgrade: { mode: 'Manual' }, terminationNoticeMinutes: 10 } });
    const vmss = one(tf, VMSS);
    expect(vmss).toMatchObject({ priority: 'Spot', eviction_policy: 'Deallocate', max_bid_price: 0.05, zones: ['1', '2', '3'], zone_balance: true, upgrade_mode: 'Manual', instances: 3 });
    expect(vmss.termination_notification).toEqual({ enabled: true, timeout: 'PT10M' });
    expect(vmss.health_probe_id).toBeUndefined();
    expect(vmss.rolling_upgrade_policy).toBeUndefined();
    // No autoscale: Terraform keeps `initial`, and owns the count.
    expect(tf.resource.azurerm_monitor_autoscale_setting).toBeUndefined();
    expect(vmss.lifecycle).toBeUndefined();
  });

  it('scales on the user\'s own metric (read from the scale set unless told otherwise), with the step, cooldown and window given', () => {
    const metric = { name: 'weave_connections', namespace: 'weave', scaleOutAbove: 40, scaleInBelow: 10, statistic: 'Max' as const, perInstance: true };
    const { tf } = synthSeed({ pool: { min: 1, max: 8, autoscale: { metric, step: 2, cooldownMinutes: 10, windowMinutes: 15 } } });
    const rules = one(tf, 'azurerm_monitor_autoscale_setting').profile[0].rule;
    expect(rules).toHaveLength(2);
    expect(rules[0]).toEqual({
      metric_trigger: {
        metric_name: 'weave_connections', metric_namespace: 'weave', metric_resource_id: expect.stringMatching(/azurerm_linux_virtual_machine_scale_set\.weave_workers_scale-set_\w+\.id/),
        operator: 'GreaterThan', statistic: 'Max', threshold: 40, time_aggregation: 'Average', time_grain: 'PT1M', time_window: 'PT15M', divide_by_instance_count: true,
      },
      scale_action: { direction: 'Increase', type: 'ChangeCount', value: 2, cooldown: 'PT10M' },
    });
    expect([rules[1].metric_trigger.operator, rules[1].metric_trigger.threshold, rules[1].scale_action.direction]).toEqual(['LessThan', 10, 'Decrease']);
    // Control: another resource id is read as given; no CPU rule unless asked for.
    const other = synthSeed({ pool: { min: 1, max: 8, autoscale: { metric: { ...metric, resourceId: '/subscriptions/s/x' } } } }).tf;
    const r2 = one(other, 'azurerm_monitor_autoscale_setting').profile[0].rule;
    expect(r2.map((r: any) => [r.metric_trigger.metric_name, r.metric_trigger.metric_resource_id])).toEqual([['weave_connections', '/subscriptions/s/x'], ['weave_connections', '/subscriptions/s/x']]);
  });

  it('Key Vault mode grants the pool\'s identity, and its document fetches the password instead of carrying it', () => {
    const { tf } = synthSeed({ pool: POOL, keyVault: { rotation: 1 } });
    const vmss = one(tf, VMSS);
    const identity = tf.resource.azurerm_user_assigned_identity['weave_workers_identity'];
    expect(identity).toMatchObject({ name: 'workers-weave' });
    expect(vmss.identity).toEqual({ type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.weave_workers_identity.id}'] });
    expect(tf.resource.azurerm_role_assignment['weave_workers_secrets_user']).toMatchObject({
      role_definition_name: 'Key Vault Secrets User', principal_id: '${azurerm_user_assigned_identity.weave_workers_identity.principal_id}',
    });
    const doc = decodeBootDocument(vmss.custom_data);
    expect(doc).toContain('name: weave-keyvault.service');
    expect(doc).not.toContain('__WEAVE_SECRET_');
    expect(vmss.custom_data).toContain('azurerm_user_assigned_identity.weave_workers_identity.client_id');
    expect(vmss.custom_data).not.toContain('shared_env');
  });

  it('pull from an Azure Container Registry with the pool\'s identity, without Key Vault mode: AcrPull for it, its client id filled in', () => {
    const acr = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/reg/providers/Microsoft.ContainerRegistry/registries/acmeweave';
    const build = (registry: boolean) => {
      const stack = new TerraformStack(Testing.app(), 'mesh');
      const west = new AzurermProvider(stack, 'west', { alias: 'west', subscriptionId: '00000000-0000-0000-0000-000000000001', features: [{}] });
      const mesh = new WeaveNetwork(stack, 'mesh', {
        sshPublicKey: ED25519,
        ...(registry ? { release: { imageOwner: 'acmeweave.azurecr.io/weave' }, registry: { azureContainerRegistry: { id: acr, provider: west } } } : {}),
      });
      new WeaveHost(new WeaveCluster(mesh, 'mesh-west', { provider: west, location: 'westeurope', dnsLabel: 'acme-mesh-west' }), 'west-1');
      new WeaveCluster(mesh, 'workers', { kind: 'scale-set', provider: west, location: 'westeurope', vnetCidr: '172.16.2.0/24', pool: { min: 1, max: 4 } });
      return JSON.parse(Testing.synth(stack)) as TfJson;
    };
    const tf = build(true);
    const vmss = one(tf, VMSS);
    expect(tf.resource.azurerm_role_assignment.mesh_workers_acr_pull).toMatchObject({ role_definition_name: 'AcrPull', scope: acr, principal_id: '${azurerm_user_assigned_identity.mesh_workers_identity.principal_id}' });
    expect(vmss.identity).toEqual({ type: 'UserAssigned', identity_ids: ['${azurerm_user_assigned_identity.mesh_workers_identity.id}'] });
    expect(vmss.custom_data).toContain('"__WEAVE_IDENTITY_CLIENT_ID__", azurerm_user_assigned_identity.mesh_workers_identity.client_id)');
    expect(decodeBootDocument(vmss.custom_data)).toContain('WEAVE_IDENTITY_CLIENT_ID=');
    // Control: without a registry the pool has no identity and nothing to fill.
    const plain = one(build(false), VMSS);
    expect(plain.identity).toBeUndefined();
    expect(plain.custom_data).not.toContain('__WEAVE_IDENTITY_CLIENT_ID__');
  });

  it('Ignition instances get the same units, read once per instance (every instance is provisioned fresh)', () => {
    const { tf } = synthSeed({ pool: POOL, network: { bootFormat: 'ignition', allocationRecord: SEED_RECORD } });
    const ign = JSON.parse(decodeBootDocument(one(tf, VMSS).custom_data));
    expect(ign.ignition.version).toBe('3.3.0');
    expect(ign.systemd.units.map((u: { name: string }) => u.name)).toEqual(expect.arrayContaining(['weave-pool-address.service', 'weave-pool-events.service', 'weave.service']));
  });

  it('an existing subnet in an Azure cluster\'s VNet: the NIC carries the pool\'s NSG, the instances dial that cluster\'s first VM by name', () => {
    const subnet = '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/cluster-02-vnet/subnets/workers';
    const app = Testing.app();
    const stack = new SeedStack(app, 'weave-seed', { network: { allocationRecord: SEED_RECORD } });
    const net = stack.network;
    // Declared beside the seed's clusters, as a user's own stack would.
    const { WeaveCluster } = require('../lib') as typeof import('../lib');
    const provider = stack.node.findChild('azurerm-sub2') as never;
    new WeaveCluster(net, 'workers', { kind: 'scale-set', provider, location: 'westeurope', existingSubnet: subnet, vnetCidr: '172.16.9.0/24', pool: { min: 1, max: 4, sharesVnetWith: 'cluster-02' } });
    const tf: TfJson = JSON.parse(Testing.synth(stack));
    const vmss = one(tf, VMSS);
    expect(vmss.network_interface[0].ip_configuration[0].subnet_id).toBe(subnet);
    expect(vmss.network_interface[0].network_security_group_id).toMatch(/azurerm_network_security_group\.weave_workers_nsg/);
    expect(decodeBootDocument(vmss.custom_data)).toContain('WEAVE_PEERS="azure-prd-03 cluster-01.westeurope.cloudapp.azure.com"');
    expect(Object.keys(tf.resource.azurerm_virtual_network).filter((k) => k.startsWith('weave_workers'))).toEqual([]);
    expect(Object.keys(tf.resource.azurerm_subnet ?? {}).filter((k) => k.startsWith('weave_workers'))).toEqual([]);
    expect(named(tf, 'azurerm_network_security_group', 'workers-nsg')).toBeDefined();
  });
});

describe('README\'s worked example', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const section = readme.split(/^## Pools: instances that come and go$/m)[1].split(/^## /m)[0];

  it('declares the pool this test builds', () => {
    expect(section).toContain("kind: 'scale-set', provider: west, location: 'westeurope', vnetCidr: '172.16.2.0/24',");
    expect(section).toContain('pool: { min: 2, max: 20, autoscale: { cpu: { scaleOutAbove: 70, scaleInBelow: 25 } } },');
  });

  it('says what the synth derives for it: peers, block, an instance\'s address', () => {
    // README's first network (its clusters as README declares them), plus the pool.
    const stack = new TerraformStack(Testing.app(), 'mesh');
    const west = new AzurermProvider(stack, 'west', { alias: 'west', subscriptionId: '00000000-0000-0000-0000-000000000001', features: [{}] });
    const north = new AzurermProvider(stack, 'north', { alias: 'north', subscriptionId: '00000000-0000-0000-0000-000000000002', features: [{}] });
    const mesh = new WeaveNetwork(stack, 'mesh', { ipallocRange: '10.2.0.0/16', bridgeRange: '10.1.0.0/16', sshPublicKey: ED25519 });
    const westCluster = new WeaveCluster(mesh, 'mesh-west', { provider: west, location: 'westeurope', dnsLabel: 'acme-mesh-west', sshSourceCidr: '192.0.2.0/24' });
    new WeaveHost(westCluster, 'west-1');
    new WeaveHost(westCluster, 'west-2', { vmSize: 'Standard_D4s_v5' });
    const northCluster = new WeaveCluster(mesh, 'mesh-north', { provider: north, location: 'northeurope', dnsLabel: 'acme-mesh-north', sshSourceCidr: '192.0.2.0/24' });
    new WeaveHost(northCluster, 'north-1');
    const dc = new WeaveCluster(mesh, 'dc', { kind: 'dedicated' });
    new WeaveHost(dc, 'ded-a', { ssh: { host: '203.0.113.10', user: 'core' } });
    new WeaveHost(dc, 'ded-b', { ssh: { host: '198.51.100.7', user: 'core' } });
    new WeaveCluster(mesh, 'workers', {
      kind: 'scale-set', provider: west, location: 'westeurope', vnetCidr: '172.16.2.0/24',
      pool: { min: 2, max: 20, autoscale: { cpu: { scaleOutAbove: 70, scaleInBelow: 25 } } },
    });
    Testing.synth(stack);
    const p = mesh.plan().pools[0];
    expect(section).toContain(`dial\n\`${p.peers[0]}\``);
    expect(p.bridgeBlock).toBe('10.1.255.0/24');
    expect(section).toContain(`(\`${p.bridgeBlock}\`: 172.16.2.77 gets`);
    expect(mesh.plan().consensus).toBe(5);
  });
});
