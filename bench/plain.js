'use strict';
// Plain-cdktf twins of the library's cases: the same Terraform written by
// hand with literal boot data and no planning, so that a library case minus
// its twin is what the library itself costs, and the twin alone is cdktf's
// price for that many resources.
//
// Two kinds of twin:
//  - nested (`plain-seed`, `plain-1000`): the construct tree and ids the
//    library synthesizes: stack / `weave` / `cluster-NN` / host, with the
//    library's resource ids and overrideLogicalId calls, so every Terraform
//    address (type + logical id) and metadata path is the library's. cdktf's
//    cost grows with construct depth (longer paths and logical ids, resolved
//    at every level), so this is the twin the targets compare against.
//    `node bench/twin-check.js` proves the addresses are identical.
//  - flat (`plain-flat-seed`, `plain-flat-1000`): the same resources directly
//    under the stack with short ids, as someone writing them by hand might.
//    Kept as a reference for what construct depth itself costs.
const SHAPES = {
  // stacks/seed.ts: 2 Azure clusters x 2 VMs + 1 dedicated server. Its
  // boot documents are longer: the seed adds a unit of its own.
  'plain-seed': { kind: 'nested', stack: 'weave-seed', seed: true, vmTextBase: 5023, scriptTextBase: 5823 },
  // bench/network.js net-1000: 50 Azure clusters x 20 VMs.
  'plain-1000': { kind: 'nested', stack: 'weave-net', clusters: 50, hostsPerCluster: 20, vmTextBase: 4590 },
  // bench/network.js net-100: 20 Azure clusters x 5 VMs.
  'plain-100': { kind: 'nested', stack: 'weave-net', clusters: 20, hostsPerCluster: 5, vmTextBase: 4590 },
  'plain-flat-seed': { kind: 'flat', stack: 'plain', clusters: 2, hostsPerCluster: 2, dedicated: 1 },
  'plain-flat-1000': { kind: 'flat', stack: 'plain', clusters: 50, hostsPerCluster: 20, dedicated: 0 },
};

function buildPlainStack(app, shape) {
  return shape.kind === 'nested' ? buildNestedStack(app, shape) : buildFlatStack(app, shape.stack, shape);
}

// ------------------------------------------------------------------ nested

// Sizes of the library's rendered boot documents (dist/ of 2026-11-28,
// commit ab634e3): a VM's cloud-config is `vmTextBase` characters plus its
// host name 5 times; a dedicated server's script `scriptTextBase` plus its
// name twice (the bases are per shape, in SHAPES). Each holds one secret
// slot. twin-check.js compares the synthesized lengths, so drift shows.
const VM_TEXT_NAMES = 5;
const SCRIPT_TEXT_NAMES = 2;
const SECRET_SLOT = '__WEAVE_SECRET_0__';

const FILLER_LINE = '# literal text standing in for the units and files the library renders\n';
const filler = (n) => FILLER_LINE.repeat(Math.ceil(n / FILLER_LINE.length)).slice(0, n);

/** A per-host cloud-config of the library's length, with one secret slot. */
function vmText(host, base) {
  const head =
    `#cloud-config\nwrite_files:\n  - path: /etc/weave.env\n    permissions: "0600"\n    encoding: b64\n    content: ${SECRET_SLOT}\n` +
    `  - path: /etc/weave.${host}.env\n# ${host}\n# ${host}\n# ${host}\n# ${host}\n`;
  return head + filler(base + VM_TEXT_NAMES * host.length - head.length);
}

/** A per-host setup script of the library's length, with one secret slot. */
function scriptText(host, base) {
  const head = `#!/bin/bash\n# Weave Net setup for ${host}.\nset -euo pipefail\nput /etc/weave.env 0600 <<'WEAVE_B64'\n${SECRET_SLOT}\nWEAVE_B64\n# ${host}\n`;
  return head + filler(base + SCRIPT_TEXT_NAMES * host.length - head.length);
}

/** The library's expression shape: a base64 literal with its slot replaced by the shared-env local. */
const slotExpr = (text, sharedEnvRef) =>
  `replace(base64decode("${Buffer.from(text, 'utf8').toString('base64')}"), "${SECRET_SLOT}", ${sharedEnvRef})`;

/** The host env file the library puts in user data (no secrets). */
const hostEnv = (peers, consensus, bridge) =>
  Buffer.from(
    '#!/bin/false weave host settings (read by weave-host-env.service, never executed)\n' +
      `WEAVE_PEERS=${peers}\nWEAVE_IPALLOC_INIT=consensus=${consensus}\nWEAVE_BRIDGE_ADDRESS=${bridge}\n`,
  ).toString('base64');

/** n-th address after 10.1.0.0, as the planner hands out bridge addresses in declaration order. */
const bridgeAddress = (n) => `10.1.${n >> 8}.${n & 255}/16`;

const pad2 = (n) => String(n).padStart(2, '0');

/** The azurerm classes both twins use, loaded by deep path as the library loads them. */
function azurermClasses() {
  const az = (m) => require(`@cdktf/provider-azurerm/lib/${m}`);
  return {
    AzurermProvider: az('provider').AzurermProvider,
    ResourceGroup: az('resource-group').ResourceGroup,
    VirtualNetwork: az('virtual-network').VirtualNetwork,
    Subnet: az('subnet').Subnet,
    NetworkSecurityGroup: az('network-security-group').NetworkSecurityGroup,
    NetworkSecurityRule: az('network-security-rule').NetworkSecurityRule,
    SubnetNetworkSecurityGroupAssociation: az('subnet-network-security-group-association').SubnetNetworkSecurityGroupAssociation,
    PublicIp: az('public-ip').PublicIp,
    Lb: az('lb').Lb,
    LbBackendAddressPool: az('lb-backend-address-pool').LbBackendAddressPool,
    LbProbe: az('lb-probe').LbProbe,
    LbRule: az('lb-rule').LbRule,
    LbOutboundRule: az('lb-outbound-rule').LbOutboundRule,
    NetworkInterface: az('network-interface').NetworkInterface,
    NetworkInterfaceBackendAddressPoolAssociation: az('network-interface-backend-address-pool-association').NetworkInterfaceBackendAddressPoolAssociation,
    LinuxVirtualMachine: az('linux-virtual-machine').LinuxVirtualMachine,
  };
}

function buildNestedStack(app, shape) {
  const { TerraformStack, TerraformVariable, TerraformOutput, TerraformLocal, Fn } = require('cdktf');
  const { Construct } = require('constructs');
  const {
    AzurermProvider, ResourceGroup, VirtualNetwork, Subnet, NetworkSecurityGroup, NetworkSecurityRule,
    SubnetNetworkSecurityGroupAssociation, PublicIp, Lb, LbBackendAddressPool, LbProbe, LbRule, LbOutboundRule,
    NetworkInterface, NetworkInterfaceBackendAddressPoolAssociation, LinuxVirtualMachine,
  } = azurermClasses();

  const stack = new TerraformStack(app, shape.stack);
  const variable = (id, description, sensitive = false) =>
    new TerraformVariable(stack, id, { type: 'string', description, sensitive, nullable: false }).stringValue;

  // Declaration: clusters of hosts, and the stack-level variables/providers
  // exactly as stacks/seed.ts and bench/network.js create them.
  let clusters;
  let sshKey;
  let dedicatedAddress;
  if (shape.seed) {
    const sub1 = variable('subscription_id_1', 'Azure subscription of cluster-01');
    const sub2 = variable('subscription_id_2', 'Azure subscription of cluster-02');
    sshKey = variable('ssh_public_key', 'SSH public key for the core user on every Azure VM');
    dedicatedAddress = variable('dedicated_address', 'Public IPv4 address of the dedicated server ded-prd-01');
    const p1 = new AzurermProvider(stack, 'azurerm-sub1', { alias: 'sub1', subscriptionId: sub1, features: [{}] });
    const p2 = new AzurermProvider(stack, 'azurerm-sub2', { alias: 'sub2', subscriptionId: sub2, features: [{}] });
    clusters = [
      { id: 'cluster-01', provider: p1, hosts: ['azure-prd-01', 'azure-prd-02'] },
      { id: 'cluster-02', provider: p2, hosts: ['azure-prd-03', 'azure-prd-04'] },
      { id: 'cluster-03', dedicated: true, hosts: ['ded-prd-01'] },
    ];
  } else {
    sshKey = new TerraformVariable(stack, 'ssh_public_key', {
      type: 'string', description: 'SSH public key for the core user on every Azure VM', nullable: false,
    }).stringValue;
    clusters = [];
    for (let c = 1; c <= shape.clusters; c++) {
      const sub = new TerraformVariable(stack, `subscription_id_${c}`, {
        type: 'string', description: `Azure subscription of cluster-${pad2(c)}`, nullable: false,
      }).stringValue;
      const provider = new AzurermProvider(stack, `azurerm-sub${c}`, { alias: `sub${c}`, subscriptionId: sub, features: [{}] });
      const hosts = [];
      for (let h = 1; h <= shape.hostsPerCluster; h++) hosts.push(`azure-c${pad2(c)}-h${pad2(h)}`);
      clusters.push({ id: `cluster-${pad2(c)}`, provider, hosts });
    }
  }
  const consensus = clusters.reduce((n, c) => n + c.hosts.length, 0);

  // The network scope: password variable, shared-env local, consensus output.
  const net = new Construct(stack, 'weave');
  const password = new TerraformVariable(net, 'password', {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: `Weave Net password of network ${net.node.path}; every host must share it.`,
    validation: [{
      condition: '${length(var.weave_password) >= 12 && length(var.weave_password) <= 256 && can(regex("^[!-~]+$", var.weave_password)) && !can(regex("[\\"\'\\\\\\\\]", var.weave_password))}',
      errorMessage: 'The Weave password must be 12-256 printable ASCII characters without spaces, quotes or backslashes.',
    }],
  });
  password.overrideLogicalId('weave_password');
  const sharedEnv = new TerraformLocal(net, 'shared-env', Fn.base64encode(Fn.join('', [
    'WEAVE_VERSION=2.9.0\nDOCKERHUB_USER=rajchaudhuri\nCHECKPOINT_DISABLE=1\nWEAVE_PASSWORD=', password.stringValue, '\n',
  ])));
  sharedEnv.overrideLogicalId('weave_shared_env_b64');
  const sharedEnvRef = 'local.weave_shared_env_b64';
  new TerraformOutput(net, 'consensus', {
    value: consensus,
    description: `IPAM consensus count (bootstrap hosts) of Weave network ${net.node.path}`,
  }).overrideLogicalId('weave_consensus');

  const firstDns = `${clusters[0].id}.westeurope.cloudapp.azure.com`;
  let hostIndex = 0;
  const built = [];
  for (const cl of clusters) {
    const scope = new Construct(net, cl.id);
    const entry = { scope, cl };
    built.push(entry);
    if (cl.dedicated) {
      // terraform_data as a plain TerraformResource, as the library writes it:
      // cdktf's DataResource would run `terraform version` at every synth.
      const { TerraformResource } = require('cdktf');
      class TerraformData extends TerraformResource {
        constructor(sc, id, config) {
          super(sc, id, { terraformResourceType: 'terraform_data', terraformGeneratorMetadata: { providerName: 'terraform' }, connection: config.connection, provisioners: config.provisioners });
          this.triggersReplace = config.triggersReplace;
        }
        synthesizeAttributes() { return { triggers_replace: this.triggersReplace }; }
      }
      const moved = [];
      for (const host of cl.hosts) {
        const hostScope = new Construct(scope, host);
        const expr = slotExpr(scriptText(host, shape.scriptTextBase), sharedEnvRef);
        const dir = '/var/tmp/weave-deploy';
        const provision = new TerraformData(hostScope, 'provision', {
          triggersReplace: { host: dedicatedAddress, config: `\${sha256(${expr})}` },
          connection: { type: 'ssh', host: dedicatedAddress, user: 'core', port: 22, agent: 'true' },
          provisioners: [
            { type: 'remote-exec', inline: [`rm -rf ${dir}`, `mkdir -m 0700 ${dir}`] },
            { type: 'file', content: `\${${expr}}`, destination: `${dir}/apply.sh` },
            { type: 'remote-exec', inline: [`if [ "$(id -u)" = 0 ]; then bash ${dir}/apply.sh; else sudo -n bash ${dir}/apply.sh; fi; rc=$?; rm -rf ${dir}; exit $rc`] },
          ],
        });
        moved.push({ from: `null_resource.${provision.friendlyUniqueId}`, to: `terraform_data.${provision.friendlyUniqueId}` });
        stack.addOverride('moved', [...moved]);
        stack.addOverride('terraform.required_version', '>= 1.9.0');
        hostIndex++;
        new TerraformOutput(hostScope, 'bridge-address', {
          value: bridgeAddress(hostIndex),
          description: `Weave bridge address of host ${host}`,
        }).overrideLogicalId(`weave_${host}_bridge_address`);
      }
      continue;
    }
    const provider = cl.provider;
    const name = cl.id;
    const tags = { 'weave-network': net.node.path, 'weave-cluster': name };
    const base = { provider, location: 'westeurope', tags };
    const rg = new ResourceGroup(scope, 'resource-group', { ...base, name: `${name}-rg` });
    const rgName = rg.name;
    const vnet = new VirtualNetwork(scope, 'vnet', { ...base, resourceGroupName: rgName, name: `${name}-vnet`, addressSpace: ['172.16.1.0/24'] });
    const subnet = new Subnet(scope, 'subnet', {
      provider, resourceGroupName: rgName, name: 'hosts', virtualNetworkName: vnet.name, addressPrefixes: ['172.16.1.0/24'], defaultOutboundAccessEnabled: false,
    });
    const nsg = new NetworkSecurityGroup(scope, 'nsg', { ...base, resourceGroupName: rgName, name: `${name}-nsg` });
    entry.nsgName = nsg.name;
    entry.rgName = rgName;
    new SubnetNetworkSecurityGroupAssociation(scope, 'subnet-nsg', { provider, subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    const pip = new PublicIp(scope, 'public-ip', {
      ...base, resourceGroupName: rgName, name: `${name}-pip`, sku: 'Standard', allocationMethod: 'Static', domainNameLabel: name,
    });
    const lb = new Lb(scope, 'lb', {
      ...base, resourceGroupName: rgName, name: `${name}-lb`, sku: 'Standard',
      frontendIpConfiguration: [{ name: 'weave', publicIpAddressId: pip.id }],
    });
    const lbId = lb.id;
    const poolId = new LbBackendAddressPool(scope, 'lb-pool', { provider, name: 'hosts', loadbalancerId: lbId }).id;
    const probeId = new LbProbe(scope, 'lb-probe', { provider, name: 'weave-tcp', loadbalancerId: lbId, protocol: 'Tcp', port: 6783 }).id;
    for (const [protocol, port] of [['Tcp', 6783], ['Udp', 6783], ['Udp', 6784]]) {
      const proto = protocol.toLowerCase();
      new LbRule(scope, `lb-rule-${proto}-${port}`, {
        provider, name: `weave-${proto}-${port}`, loadbalancerId: lbId, frontendIpConfigurationName: 'weave', protocol,
        frontendPort: port, backendPort: port, backendAddressPoolIds: [poolId], probeId, loadDistribution: 'SourceIP', disableOutboundSnat: true,
      });
    }
    new LbOutboundRule(scope, 'lb-outbound', {
      provider, name: 'egress', loadbalancerId: lbId, protocol: 'All', backendAddressPoolId: poolId,
      frontendIpConfiguration: [{ name: 'weave' }], allocatedOutboundPorts: 1024,
    });
    entry.publicAddress = pip.ipAddress;
    new TerraformOutput(scope, 'dns-name', {
      value: pip.fqdn, description: `DNS name of Weave cluster ${scope.node.path}`,
    }).overrideLogicalId(`weave_${name}_dns_name`);
    new TerraformOutput(scope, 'public-address', {
      value: entry.publicAddress, description: `Public (ingress and egress) address of Weave cluster ${scope.node.path}`,
    }).overrideLogicalId(`weave_${name}_public_address`);

    const location = rg.location;
    const subnetId = subnet.id;
    cl.hosts.forEach((host, k) => {
      const hostScope = new Construct(scope, host);
      const nicId = new NetworkInterface(hostScope, 'nic', {
        ...base, location, resourceGroupName: rgName, name: `${host}-nic`,
        ipConfiguration: [{ name: 'primary', subnetId, privateIpAddressAllocation: 'Dynamic' }],
      }).id;
      const member = new NetworkInterfaceBackendAddressPoolAssociation(hostScope, 'lb-pool-assoc', {
        provider, networkInterfaceId: nicId, ipConfigurationName: 'primary', backendAddressPoolId: poolId,
      });
      hostIndex++;
      const peers = k > 0 ? cl.hosts[0] : cl === clusters[0] ? '' : firstDns;
      new LinuxVirtualMachine(hostScope, 'vm', {
        ...base, location, resourceGroupName: rgName, name: host, computerName: host, size: 'Standard_D2s_v5',
        adminUsername: 'core', disablePasswordAuthentication: true, adminSshKey: [{ username: 'core', publicKey: sshKey }],
        networkInterfaceIds: [nicId], osDisk: { caching: 'ReadWrite', storageAccountType: 'StandardSSD_LRS' },
        sourceImageReference: { publisher: 'kinvolk', offer: 'flatcar-container-linux-corevm-amd64', sku: 'stable-gen2', version: 'latest' },
        bootDiagnostics: {}, dependsOn: [member],
        customData: `\${base64encode(${slotExpr(vmText(host, shape.vmTextBase), sharedEnvRef)})}`,
        userData: hostEnv(peers, consensus, bridgeAddress(hostIndex)),
      });
      new TerraformOutput(hostScope, 'bridge-address', {
        value: bridgeAddress(hostIndex), description: `Weave bridge address of host ${host}`,
      }).overrideLogicalId(`weave_${host}_bridge_address`);
    });
  }

  // NSG rules admit every other cluster's egress address (and dedicated
  // servers), so they come once every cluster exists.
  const ruleSpecs = [
    ['weave-tcp', 100, 'Tcp', '6783', 'Weave control plane from other clusters'],
    ['weave-udp', 110, 'Udp', '6783-6784', 'Weave sleeve and fast datapath from other clusters'],
    ['weave-esp', 120, 'Esp', '*', 'Encrypted fast datapath (ESP) from other clusters'],
  ];
  for (const e of built) {
    if (e.cl.dedicated) continue;
    const sources = [
      ...built.filter((o) => o !== e && !o.cl.dedicated).map((o) => o.publicAddress),
      ...built.filter((o) => o.cl.dedicated).map(() => dedicatedAddress),
    ];
    for (const [id, priority, protocol, port, description] of ruleSpecs) {
      new NetworkSecurityRule(e.scope, id, {
        provider: e.cl.provider, resourceGroupName: e.rgName, networkSecurityGroupName: e.nsgName, name: id, description, priority,
        direction: 'Inbound', access: 'Allow', protocol, sourcePortRange: '*', destinationPortRange: port,
        sourceAddressPrefixes: sources, destinationAddressPrefix: '*',
      }).addOverride('count', sources.length > 0 ? 1 : 0);
    }
  }
  return stack;
}

// ------------------------------------------------------------------ flat

// The earlier twin: the same kinds of resources directly under the stack,
// short ids, one shared boot literal for every VM.
function buildFlatStack(app, id, { clusters, hostsPerCluster, dedicated }) {
  const { TerraformStack, TerraformVariable, TerraformOutput } = require('cdktf');
  const {
    AzurermProvider, ResourceGroup, VirtualNetwork, Subnet, NetworkSecurityGroup, NetworkSecurityRule,
    SubnetNetworkSecurityGroupAssociation, PublicIp, Lb, LbBackendAddressPool, LbProbe, LbRule, LbOutboundRule,
    NetworkInterface, NetworkInterfaceBackendAddressPoolAssociation, LinuxVirtualMachine,
  } = azurermClasses();

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
    const { DataResource } = require('cdktf');
    const addr = new TerraformVariable(stack, 'dedicated_address', { type: 'string' }).stringValue;
    new DataResource(stack, 'ded', {
      triggersReplace: { config: 'x' }, connection: { type: 'ssh', host: addr, user: 'core', agent: 'true' },
      provisioners: [{ type: 'file', content: bootData, destination: '/var/tmp/x' }, { type: 'remote-exec', inline: ['true'] }],
    });
  }
  return stack;
}

module.exports = { SHAPES, buildPlainStack };
