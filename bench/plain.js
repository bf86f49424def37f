'use strict';
// Reference cases: the same resource graph the library synthesizes (per
// cluster: group, VNet, subnet, NSG and its rules, public IP, load balancer
// with pool, probe, rules and outbound rule; per host: NIC, pool membership,
// VM, an output), written as plain cdktf code with literal boot data and no
// planning. The difference between a library case and its plain twin is what
// the library itself costs; the rest is cdktf's price for that many resources.
const SHAPES = {
  'plain-seed': { clusters: 2, hostsPerCluster: 2, dedicated: 1 },
  'plain-1000': { clusters: 50, hostsPerCluster: 20, dedicated: 0 },
};

function buildPlainStack(app, id, { clusters, hostsPerCluster, dedicated }) {
  const { TerraformStack, TerraformVariable, TerraformOutput } = require('cdktf');
  const az = (m) => require(`@cdktf/provider-azurerm/lib/${m}`);
  const { AzurermProvider } = az('provider');
  const { ResourceGroup } = az('resource-group');
  const { VirtualNetwork } = az('virtual-network');
  const { Subnet } = az('subnet');
  const { NetworkSecurityGroup } = az('network-security-group');
  const { NetworkSecurityRule } = az('network-security-rule');
  const { SubnetNetworkSecurityGroupAssociation } = az('subnet-network-security-group-association');
  const { PublicIp } = az('public-ip');
  const { Lb } = az('lb');
  const { LbBackendAddressPool } = az('lb-backend-address-pool');
  const { LbProbe } = az('lb-probe');
  const { LbRule } = az('lb-rule');
  const { LbOutboundRule } = az('lb-outbound-rule');
  const { NetworkInterface } = az('network-interface');
  const { NetworkInterfaceBackendAddressPoolAssociation } = az('network-interface-backend-address-pool-association');
  const { LinuxVirtualMachine } = az('linux-virtual-machine');

  const stack = new TerraformStack(app, id);
  const key = new TerraformVariable(stack, 'ssh_public_key', { type: 'string' }).stringValue;
  const bootData = Buffer.from('#cloud-config\n' + 'x'.repeat(4400)).toString('base64');
  const pips = [];
  for (let c = 0; c < clusters; c++) {
    const sub = new TerraformVariable(stack, `subscription_id_${c}`, { type: 'string' }).stringValue;
    const provider = new AzurermProvider(stack, `azurerm-${c}`, { alias: `sub${c}`, subscriptionId: sub, features: [{}] });
    const tags = { 'weave-cluster': `cluster-${c}` };
    const rg = new ResourceGroup(stack, `c${c}-rg`, { provider, name: `cluster-${c}-rg`, location: 'westeurope', tags });
    const rgName = rg.name;
    const vnet = new VirtualNetwork(stack, `c${c}-vnet`, { provider, name: `cluster-${c}-vnet`, location: 'westeurope', resourceGroupName: rgName, addressSpace: ['172.16.1.0/24'], tags });
    const subnet = new Subnet(stack, `c${c}-subnet`, { provider, name: 'hosts', resourceGroupName: rgName, virtualNetworkName: vnet.name, addressPrefixes: ['172.16.1.0/24'], defaultOutboundAccessEnabled: false });
    const nsg = new NetworkSecurityGroup(stack, `c${c}-nsg`, { provider, name: `cluster-${c}-nsg`, location: 'westeurope', resourceGroupName: rgName, tags });
    new SubnetNetworkSecurityGroupAssociation(stack, `c${c}-nsg-assoc`, { provider, subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    const pip = new PublicIp(stack, `c${c}-pip`, { provider, name: `cluster-${c}-pip`, location: 'westeurope', resourceGroupName: rgName, sku: 'Standard', allocationMethod: 'Static', domainNameLabel: `cluster-${c}`, tags });
    pips.push(pip.ipAddress);
    const nsgName = nsg.name;
    for (const [name, priority, protocol, port] of [['weave-tcp', 100, 'Tcp', '6783'], ['weave-udp', 110, 'Udp', '6783-6784'], ['weave-esp', 120, 'Esp', '*']]) {
      new NetworkSecurityRule(stack, `c${c}-${name}`, {
        provider, name, priority, protocol, resourceGroupName: rgName, networkSecurityGroupName: nsgName,
        direction: 'Inbound', access: 'Allow', sourcePortRange: '*', destinationPortRange: port,
        sourceAddressPrefixes: pips.slice(0, -1).length ? pips.slice(0, -1) : ['203.0.113.1'], destinationAddressPrefix: '*',
      });
    }
    const lb = new Lb(stack, `c${c}-lb`, { provider, name: `cluster-${c}-lb`, location: 'westeurope', resourceGroupName: rgName, sku: 'Standard', frontendIpConfiguration: [{ name: 'weave', publicIpAddressId: pip.id }], tags });
    const lbId = lb.id;
    const pool = new LbBackendAddressPool(stack, `c${c}-pool`, { provider, name: 'hosts', loadbalancerId: lbId });
    const poolId = pool.id;
    const probe = new LbProbe(stack, `c${c}-probe`, { provider, name: 'weave-tcp', loadbalancerId: lbId, protocol: 'Tcp', port: 6783 });
    const probeId = probe.id;
    for (const [protocol, port] of [['Tcp', 6783], ['Udp', 6783], ['Udp', 6784]]) {
      new LbRule(stack, `c${c}-rule-${protocol}-${port}`, { provider, name: `weave-${protocol}-${port}`, loadbalancerId: lbId, frontendIpConfigurationName: 'weave', protocol, frontendPort: port, backendPort: port, backendAddressPoolIds: [poolId], probeId, loadDistribution: 'SourceIP', disableOutboundSnat: true });
    }
    new LbOutboundRule(stack, `c${c}-outbound`, { provider, name: 'egress', loadbalancerId: lbId, protocol: 'All', backendAddressPoolId: poolId, frontendIpConfiguration: [{ name: 'weave' }] });
    new TerraformOutput(stack, `c${c}-dns`, { value: pip.fqdn });
    new TerraformOutput(stack, `c${c}-ip`, { value: pip.ipAddress });
    const subnetId = subnet.id;
    const location = rg.location;
    for (let h = 0; h < hostsPerCluster; h++) {
      const name = `c${c}-h${h}`;
      const nic = new NetworkInterface(stack, `${name}-nic`, { provider, name: `${name}-nic`, location, resourceGroupName: rgName, ipConfiguration: [{ name: 'primary', subnetId, privateIpAddressAllocation: 'Dynamic' }], tags });
      const nicId = nic.id;
      const member = new NetworkInterfaceBackendAddressPoolAssociation(stack, `${name}-pool`, { provider, networkInterfaceId: nicId, ipConfigurationName: 'primary', backendAddressPoolId: poolId });
      new LinuxVirtualMachine(stack, `${name}-vm`, {
        provider, name, computerName: name, location, resourceGroupName: rgName, tags, size: 'Standard_D2s_v5',
        adminUsername: 'core', disablePasswordAuthentication: true, adminSshKey: [{ username: 'core', publicKey: key }],
        networkInterfaceIds: [nicId], osDisk: { caching: 'ReadWrite', storageAccountType: 'StandardSSD_LRS' },
        sourceImageReference: { publisher: 'kinvolk', offer: 'flatcar-container-linux-corevm-amd64', sku: 'stable-gen2', version: 'latest' },
        customData: bootData, userData: 'V0VBVkVfUEVFUlM9Cg==', bootDiagnostics: {}, dependsOn: [member],
      });
      new TerraformOutput(stack, `${name}-bridge`, { value: `10.1.${c}.${h + 1}/16` });
    }
  }
  if (dedicated) {
    const { NullProvider } = require('@cdktf/provider-null/lib/provider');
    const { Resource } = require('@cdktf/provider-null/lib/resource');
    new NullProvider(stack, 'null');
    const addr = new TerraformVariable(stack, 'dedicated_address', { type: 'string' }).stringValue;
    new Resource(stack, 'ded', {
      triggers: { config: 'x' }, connection: { type: 'ssh', host: addr, user: 'core', agent: 'true' },
      provisioners: [{ type: 'file', content: bootData, destination: '/var/tmp/x' }, { type: 'remote-exec', inline: ['true'] }],
    });
  }
  return stack;
}

module.exports = { SHAPES, buildPlainStack };
