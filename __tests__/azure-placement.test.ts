// Clusters in existing Azure networks, ordinary VM options with per-host
// overrides, tags merged with the library's, and NSG rule priorities
// (configurable, and checked against users' rules on the same NSG).
import { TerraformStack, Testing } from 'cdktf';
import { DataAzurermResourceGroup } from '@cdktf/provider-azurerm/lib/data-azurerm-resource-group';
import { DataAzurermSubnet } from '@cdktf/provider-azurerm/lib/data-azurerm-subnet';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule, NetworkSecurityRuleConfig } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { WeaveCluster, WeaveClusterProps, WeaveConfigError, WeaveHost, WeaveHostProps, WeaveNetwork } from '../lib';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqhdR+Lro+o9SsvhjTty5CkgsNPHf2PZW2grJw0w4nd test';
const SUBNET_ID = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/platform/providers/Microsoft.Network/virtualNetworks/platform/subnets/k8s';
type Resources = Record<string, Record<string, Record<string, any>>>;

interface Setup {
  stack: TerraformStack;
  provider: AzurermProvider;
}

/** One stack, one network; `declare` adds the user's own resources and the clusters. */
function synth(declare: (s: Setup, net: WeaveNetwork) => void): Resources {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'mesh', { sshPublicKey: KEY });
  declare({ stack, provider }, net);
  return JSON.parse(Testing.synth(stack)).resource;
}

const cluster = (net: WeaveNetwork, provider: AzurermProvider, id: string, props: WeaveClusterProps = {}, hosts: [string, WeaveHostProps?][] = [[`${id}-1`]]) => {
  const c = new WeaveCluster(net, id, { provider, location: 'westeurope', ...props });
  for (const [h, p] of hosts) new WeaveHost(c, h, p);
  return c;
};

/**
 * Construct paths (below the stack) of a type's resources under a construct
 * path, from their logical ids (`mesh_mesh-b_nsg_ABCD1234` is mesh/mesh-b/nsg).
 */
const under = (r: Resources, type: string, prefix: string) => {
  const idPrefix = prefix.replace(/^stack\//, '').replace(/\//g, '_');
  return Object.keys(r[type] ?? {}).filter((k) => k.startsWith(idPrefix)).map((k) => `stack/${k.replace(/_[0-9A-F]{8}$/, '').replace(/_/g, '/')}`).sort();
};

describe('a cluster in an existing resource group and subnet, given by id', () => {
  const r = synth(({ provider }, net) => {
    cluster(net, provider, 'mesh-a');
    cluster(net, provider, 'mesh-b', { existingResourceGroup: 'platform', existingSubnet: SUBNET_ID, vnetCidr: '172.16.8.0/24' });
  });

  it('creates no group, VNet, subnet or subnet association for it, only what it must', () => {
    for (const type of ['azurerm_resource_group', 'azurerm_virtual_network', 'azurerm_subnet', 'azurerm_subnet_network_security_group_association']) {
      expect([type, under(r, type, 'stack/mesh/mesh-b/')]).toEqual([type, []]);
      // Control: the default cluster still creates its own.
      expect(under(r, type, 'stack/mesh/mesh-a/')).toHaveLength(1);
    }
    expect(under(r, 'azurerm_public_ip', 'stack/mesh/mesh-b/')).toHaveLength(1);
    expect(under(r, 'azurerm_lb', 'stack/mesh/mesh-b/')).toHaveLength(1);
    expect(under(r, 'azurerm_network_security_group', 'stack/mesh/mesh-b/')).toEqual(['stack/mesh/mesh-b/nsg']);
  });

  it('puts its resources in the group, its NICs in the subnet, and its NSG on each NIC', () => {
    const nic = Object.values(r.azurerm_network_interface).find((n) => n.name === 'mesh-b-1-nic')!;
    expect(nic.resource_group_name).toBe('platform');
    expect(nic.ip_configuration[0].subnet_id).toBe(SUBNET_ID);
    const nsg = Object.values(r.azurerm_network_security_group).find((n) => n.name === 'mesh-b-nsg')!;
    expect(nsg.resource_group_name).toBe('platform');
    const assoc = Object.values(r.azurerm_network_interface_security_group_association);
    expect(assoc).toHaveLength(1);
    expect(assoc[0].network_interface_id).toMatch(/^\$\{azurerm_network_interface\.mesh_mesh-b_mesh-b-1_nic_[0-9A-F]+\.id\}$/);
    expect(assoc[0].network_security_group_id).toMatch(/^\$\{azurerm_network_security_group\.mesh_mesh-b_nsg_[0-9A-F]+\.id\}$/);
    const vm = Object.values(r.azurerm_linux_virtual_machine).find((v) => v.name === 'mesh-b-1')!;
    expect(vm.location).toBe('westeurope');
    expect(vm.resource_group_name).toBe('platform');
  });
});

describe('a cluster in the user\'s own resource group, subnet and NSG, given as constructs', () => {
  const r = synth(({ stack, provider }, net) => {
    const rg = new ResourceGroup(stack, 'platform-rg', { provider, name: 'platform', location: 'westeurope' });
    const vnet = new VirtualNetwork(stack, 'platform-vnet', { provider, name: 'platform', resourceGroupName: rg.name, location: 'westeurope', addressSpace: ['172.16.8.0/22'] });
    const subnet = new Subnet(stack, 'platform-subnet', { provider, name: 'k8s', resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: ['172.16.8.0/24'] });
    const nsg = new NetworkSecurityGroup(stack, 'platform-nsg', { provider, name: 'k8s', resourceGroupName: rg.name, location: 'westeurope' });
    cluster(net, provider, 'mesh-a', { existingResourceGroup: rg, existingSubnet: subnet, existingSecurityGroup: nsg, vnetCidr: '172.16.8.0/24' });
    const drg = new DataAzurermResourceGroup(stack, 'other-rg', { provider, name: 'other' });
    const dsn = new DataAzurermSubnet(stack, 'other-subnet', { provider, name: 'hosts', virtualNetworkName: 'other', resourceGroupName: 'other' });
    cluster(net, provider, 'mesh-b', { existingResourceGroup: drg, existingSubnet: dsn });
  });

  it('adds its rules to the given NSG and creates no NSG or association of its own', () => {
    expect(under(r, 'azurerm_network_security_group', 'stack/mesh/mesh-a/')).toEqual([]);
    expect(under(r, 'azurerm_network_interface_security_group_association', 'stack/mesh/mesh-a/')).toEqual([]);
    expect(under(r, 'azurerm_subnet_network_security_group_association', 'stack/mesh/')).toEqual([]);
    const rules = Object.entries(r.azurerm_network_security_rule).filter(([k]) => k.startsWith('mesh_mesh-a_')).map(([, x]) => x);
    expect(rules.map((x) => x.name).sort()).toEqual(['weave-esp', 'weave-tcp', 'weave-udp']);
    for (const rule of rules) {
      expect(rule.network_security_group_name).toBe('${azurerm_network_security_group.platform-nsg.name}');
      expect(rule.resource_group_name).toBe('${azurerm_network_security_group.platform-nsg.resource_group_name}');
    }
    const nic = Object.values(r.azurerm_network_interface).find((n) => n.name === 'mesh-a-1-nic')!;
    expect(nic.ip_configuration[0].subnet_id).toBe('${azurerm_subnet.platform-subnet.id}');
    expect(nic.resource_group_name).toBe('${azurerm_resource_group.platform-rg.name}');
  });

  it('takes data sources as well', () => {
    const nic = Object.values(r.azurerm_network_interface).find((n) => n.name === 'mesh-b-1-nic')!;
    expect(nic.ip_configuration[0].subnet_id).toBe('${data.azurerm_subnet.other-subnet.id}');
    expect(nic.resource_group_name).toBe('${data.azurerm_resource_group.other-rg.name}');
    expect(under(r, 'azurerm_network_interface_security_group_association', 'stack/mesh/mesh-b/')).toEqual(['stack/mesh/mesh-b/mesh-b-1/nic-nsg']);
  });
});

describe('VM options per cluster, overridden per host', () => {
  const r = synth(({ provider }, net) => {
    cluster(net, provider, 'mesh-a', {
      adminUsername: 'ops', availabilityZone: '2', acceleratedNetworking: true, osDiskType: 'Premium_LRS', tags: { team: 'platform', env: 'prd' }, sshSourceCidr: '198.51.100.0/24',
    }, [
      ['a-1'],
      ['a-2', { adminUsername: 'kube', availabilityZone: '3', acceleratedNetworking: false, osDiskType: 'StandardSSD_ZRS', tags: { env: 'stg', role: 'master' } }],
    ]);
    cluster(net, provider, 'mesh-b');
  });
  const vm = (n: string) => Object.values(r.azurerm_linux_virtual_machine).find((v) => v.name === n)!;
  const nic = (n: string) => Object.values(r.azurerm_network_interface).find((v) => v.name === `${n}-nic`)!;

  it('applies the cluster\'s options to its hosts', () => {
    expect(vm('a-1')).toMatchObject({ admin_username: 'ops', zone: '2', admin_ssh_key: [{ username: 'ops', public_key: KEY }], os_disk: { storage_account_type: 'Premium_LRS' } });
    expect(nic('a-1').accelerated_networking_enabled).toBe(true);
  });

  it('lets a host override each of them', () => {
    expect(vm('a-2')).toMatchObject({ admin_username: 'kube', zone: '3', admin_ssh_key: [{ username: 'kube' }], os_disk: { storage_account_type: 'StandardSSD_ZRS' } });
    expect(nic('a-2').accelerated_networking_enabled).toBe(false);
  });

  it('keeps the defaults where nothing is given', () => {
    expect(vm('mesh-b-1')).toMatchObject({ admin_username: 'core', os_disk: { storage_account_type: 'StandardSSD_LRS' } });
    expect(vm('mesh-b-1').zone).toBeUndefined();
    expect(nic('mesh-b-1').accelerated_networking_enabled).toBeUndefined();
  });

  it('merges tags with the library\'s, which always stay', () => {
    const rg = Object.values(r.azurerm_resource_group).find((g) => g.name === 'mesh-a-rg')!;
    expect(rg.tags).toEqual({ team: 'platform', env: 'prd', 'weave-network': 'stack/mesh', 'weave-cluster': 'mesh-a' });
    expect(vm('a-1').tags).toEqual(rg.tags);
    expect(vm('a-2').tags).toEqual({ team: 'platform', env: 'stg', role: 'master', 'weave-network': 'stack/mesh', 'weave-cluster': 'mesh-a' });
    expect(nic('a-2').tags).toEqual(vm('a-2').tags);
    expect(vm('mesh-b-1').tags).toEqual({ 'weave-network': 'stack/mesh', 'weave-cluster': 'mesh-b' });
  });

  it('logs in as the admin user in the SSH output', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
    const net = new WeaveNetwork(stack, 'mesh', { sshPublicKey: KEY });
    cluster(net, provider, 'mesh-a', { adminUsername: 'ops', sshSourceCidr: '198.51.100.0/24' });
    const out = JSON.parse(Testing.synth(stack)).output;
    expect(out['mesh_mesh-a-1_ssh'].value).toMatch(/^ssh -p 50001 ops@\$\{azurerm_public_ip\./);
  });
});

describe('NSG rule priorities', () => {
  /** Rule name → priority of the rules whose logical id starts with `prefix`. */
  const rules = (r: Resources, prefix: string) =>
    Object.fromEntries(Object.entries(r.azurerm_network_security_rule).filter(([k]) => k.startsWith(prefix)).map(([, x]) => [x.name, x.priority]));

  it('default to 100/110/120/200 and can be moved per cluster', () => {
    const r = synth(({ provider }, net) => {
      cluster(net, provider, 'mesh-a', { sshSourceCidr: '198.51.100.0/24' });
      cluster(net, provider, 'mesh-b', { sshSourceCidr: '198.51.100.0/24', nsgPriorities: { weaveTcp: 1000, weaveUdp: 1010, weaveEsp: 1020, ssh: 1100 } });
    });
    expect(rules(r, 'mesh_mesh-a_')).toEqual({ 'weave-tcp': 100, 'weave-udp': 110, 'weave-esp': 120, ssh: 200 });
    expect(rules(r, 'mesh_mesh-b_')).toEqual({ 'weave-tcp': 1000, 'weave-udp': 1010, 'weave-esp': 1020, ssh: 1100 });
  });

  const userRule = (priority: number, direction = 'Inbound'): Omit<NetworkSecurityRuleConfig, 'networkSecurityGroupName' | 'resourceGroupName'> => ({
    name: `user-${priority}`, priority, direction, access: 'Allow', protocol: 'Tcp', sourcePortRange: '*', destinationPortRange: '443', sourceAddressPrefix: '*', destinationAddressPrefix: '*',
  });

  const problems = (declare: (s: Setup, net: WeaveNetwork) => void) => {
    try {
      synth(declare);
    } catch (e) {
      if (e instanceof WeaveConfigError) return e.problems;
      throw e;
    }
    return [];
  };

  it('reports a user rule on the library\'s NSG that takes a library priority in the same direction', () => {
    const found = problems(({ stack, provider }, net) => {
      const c = cluster(net, provider, 'mesh-a');
      cluster(net, provider, 'mesh-b');
      new NetworkSecurityRule(stack, 'https', { provider, ...userRule(110), networkSecurityGroupName: c.azure!.securityGroup!.name, resourceGroupName: c.azure!.resourceGroup!.name });
    });
    expect(found.map((p) => [p.code, p.path, p.value])).toEqual([['nsg-priority-clash', 'stack/mesh/mesh-a', 110]]);
    expect(found[0].message).toMatch(/library's weave-udp rule and by your Inbound rule stack\/https/);
    expect(found[0].fix).toMatch(/nsgPriorities: \{ weaveUdp: <free priority> \}/);
  });

  it('leaves rules alone that differ in priority or direction, or sit on another NSG (negative controls)', () => {
    expect(problems(({ stack, provider }, net) => {
      const a = cluster(net, provider, 'mesh-a');
      const b = cluster(net, provider, 'mesh-b', { nsgPriorities: { weaveTcp: 300 } });
      const onA = { networkSecurityGroupName: a.azure!.securityGroup!.name, resourceGroupName: a.azure!.resourceGroup!.name };
      new NetworkSecurityRule(stack, 'https', { provider, ...userRule(150), ...onA });
      new NetworkSecurityRule(stack, 'egress', { provider, ...userRule(100, 'Outbound'), ...onA });
      // 100 is free on mesh-b, whose TCP rule moved to 300.
      new NetworkSecurityRule(stack, 'on-b', { provider, ...userRule(100), networkSecurityGroupName: b.azure!.securityGroup!.name, resourceGroupName: b.azure!.resourceGroup!.name });
    })).toEqual([]);
  });

  it('sees user rules on an existing NSG, by reference or by literal name and group', () => {
    const found = problems(({ stack, provider }, net) => {
      const nsg = new NetworkSecurityGroup(stack, 'platform-nsg', { provider, name: 'k8s', resourceGroupName: 'platform', location: 'westeurope' });
      cluster(net, provider, 'mesh-a', { existingSecurityGroup: nsg });
      cluster(net, provider, 'mesh-b', { existingSecurityGroup: { id: '/subscriptions/x/resourceGroups/platform/providers/Microsoft.Network/networkSecurityGroups/shared', name: 'shared', resourceGroupName: 'platform' } });
      new NetworkSecurityRule(stack, 'by-ref', { provider, ...userRule(100), networkSecurityGroupName: nsg.name, resourceGroupName: 'platform' });
      new NetworkSecurityRule(stack, 'by-name', { provider, ...userRule(120), networkSecurityGroupName: 'shared', resourceGroupName: 'platform' });
      // Same NSG name in another group: a different NSG.
      new NetworkSecurityRule(stack, 'elsewhere', { provider, ...userRule(110), networkSecurityGroupName: 'shared', resourceGroupName: 'other' });
    });
    expect(found.map((p) => [p.code, p.path, p.value]).sort()).toEqual([
      ['nsg-priority-clash', 'stack/mesh/mesh-a', 100],
      ['nsg-priority-clash', 'stack/mesh/mesh-b', 120],
    ]);
  });

  it('refuses an existing NSG with inline rules, and checks their priorities too', () => {
    const found = problems(({ stack, provider }, net) => {
      const nsg = new NetworkSecurityGroup(stack, 'platform-nsg', {
        provider, name: 'k8s', resourceGroupName: 'platform', location: 'westeurope',
        securityRule: [{ ...userRule(120), sourcePortRanges: [], destinationPortRanges: [], sourceAddressPrefixes: [], destinationAddressPrefixes: [], description: '' } as never],
      });
      cluster(net, provider, 'mesh-a', { existingSecurityGroup: nsg });
      cluster(net, provider, 'mesh-b');
    });
    expect(found.map((p) => p.code).sort()).toEqual(['nsg-inline-rules', 'nsg-priority-clash']);
    expect(found.find((p) => p.code === 'nsg-inline-rules')!.value).toBe('stack/platform-nsg');
  });
});
