// An Azure host: a Flatcar VM and its NIC, in the cluster's backend pool
// (and an SSH NAT rule, on the port the allocation record keeps, when the
// cluster admits SSH), or with direct peering carrying the VM's own public
// IP. The VM's custom data is its boot document; a cloud-config VM's user
// data its host env file, which updates in place as the network grows.
import { TerraformOutput, TerraformResource } from 'cdktf';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceBackendAddressPoolAssociation } from '@cdktf/provider-azurerm/lib/network-interface-backend-address-pool-association';
import type { LbNatRule } from '@cdktf/provider-azurerm/lib/lb-nat-rule';
import type { PublicIp, PublicIpConfig } from '@cdktf/provider-azurerm/lib/public-ip';
import { IDENTITY_CLIENT_ID_SLOT } from '../../../core/boot/slots';
import { DEFAULT_OS_DISK_TYPE, DEFAULT_VM_SIZE } from '../../../core/kinds/azure/facts';
import { hostDnsLabel } from '../../../core/kinds/azure/peering';
import { FLATCAR } from '../../../core/os/flatcar';
import { HostBinding } from '../../marks';
import type { WeaveHostProps } from '../../props';
import { bootExpression } from '../../terraform/boot-data';
import { templateText } from '../../terraform/expressions';
import { outputId } from '../../terraform/names';
import type { ClusterScope, HostPart, HostScope } from '../kind';
import type { AzureHostResources, ClusterRefs } from './resources';
import { userContentLifecycle } from './vm-lifecycle';

const IP_CONFIG = 'primary';

/** A host's SSH NAT rule and command output, whose port the allocation record decides at bind time. */
interface SshNat {
  readonly rule: LbNatRule;
  readonly output: TerraformOutput;
  readonly command: (port: number) => string;
}

/** The Azure kind's part of a host: its VM, when the cluster could create its resources. */
export function createHost(host: HostScope, props: WeaveHostProps, cluster: ClusterScope, refs: ClusterRefs | undefined): HostPart {
  const made = refs ? createVm(host, props, cluster, refs) : undefined;
  const azure = made?.resources;
  return {
    azure,
    bind: (binding) => {
      if (!azure) return;
      const port = binding.host.plan.sshPort;
      if (made?.ssh) {
        // The planner gives a port to every host of a cluster with SSH NAT rules (wiring.sshNatPorts).
        if (port === undefined) throw new Error(`${host.node.path}: the plan has no SSH port for a host with an SSH NAT rule`);
        made.ssh.rule.frontendPort = port;
        made.ssh.output.value = made.ssh.command(port);
      }
      bindVm(host, cluster.network.node.id, azure.virtualMachine, binding);
    },
    reclaim: (scope, id, logicalId, peer, script) => {
      if (!azure || !refs) return;
      // Through the Azure control plane (the VM agent's run command): no SSH
      // path from where Terraform runs is needed. It runs when created; the
      // script and the target are then ignored, so a later survivor change
      // or a new script text does not run it again.
      const { VirtualMachineRunCommand } = require('@cdktf/provider-azurerm/lib/virtual-machine-run-command') as typeof import('@cdktf/provider-azurerm/lib/virtual-machine-run-command');
      const run = new VirtualMachineRunCommand(scope, id, {
        provider: cluster.provider,
        name: `weave-reclaim-${peer}`,
        location: refs.location,
        virtualMachineId: azure.virtualMachine.id,
        source: { script: templateText(script) },
        lifecycle: { ignoreChanges: ['virtual_machine_id', 'location', 'source'] },
        timeouts: { create: '30m' },
      });
      run.overrideLogicalId(logicalId);
    },
  };
}

/** Fills in the VM's boot data, identity and lifecycle from its binding. */
function bindVm(host: HostScope, networkId: string, vm: LinuxVirtualMachine, binding: HostBinding): void {
  const { host: derived, sharedEnvRef } = binding;
  const kv = binding.keyVault;
  const identity = binding.identity;
  const expr = bootExpression(derived.boot, sharedEnvRef, {
    ...kv?.bootValues,
    ...(identity ? { [IDENTITY_CLIENT_ID_SLOT]: identity.clientId } : {}),
  });
  // The VM reads the password (Key Vault mode) and pulls images (an Azure
  // Container Registry) with its cluster's identity.
  const identityId = kv?.identityId ?? identity?.identityId;
  if (identityId) vm.putIdentity({ type: 'UserAssigned', identityIds: [identityId] });
  // Static per host: settings that change when the network grows are
  // kept out of it (see userData), so growth never replaces a VM.
  vm.customData = `\${base64encode(${expr})}`;
  // The host env file (peers, IPAM mode, bridge address): no secrets,
  // updated in place, re-read by weave-host-env.service on every start.
  // Ignition VMs get none: Ignition would read it instead of custom data.
  if (derived.userData !== undefined) vm.userData = derived.userData;
  if (derived.format === 'ignition') {
    // Ignition applies custom data on first boot only; a change could
    // only take effect by replacing the VM, which must be deliberate.
    // The network's boot generation replaces them when the password or
    // a network-wide setting changes.
    vm.lifecycle = { ignoreChanges: ['custom_data'], replaceTriggeredBy: [...binding.bootGenerations!] };
  }
  // Users' content: first-boot-only VMs are replaced when it changes;
  // content Terraform fills in is size-checked at plan time.
  userContentLifecycle(host, networkId, vm, derived);
}

/**
 * Creates a Flatcar VM with its NIC: in the cluster's backend pool, with an
 * SSH NAT rule when the cluster admits SSH; or with direct peering, with the
 * VM's own public IP.
 */
function createVm(host: HostScope, p: WeaveHostProps, cluster: ClusterScope, az: ClusterRefs): { resources: AzureHostResources; ssh?: SshNat } {
  const provider = cluster.provider;
  const network = cluster.network;
  const adminUser = p.adminUsername ?? az.vm.adminUsername ?? FLATCAR.defaultUser;
  const accelerated = p.acceleratedNetworking ?? az.vm.acceleratedNetworking;
  const zone = p.availabilityZone ?? az.vm.availabilityZone;
  const common = {
    provider,
    location: az.location,
    resourceGroupName: az.resourceGroupName,
    // A host's tags go over its cluster's, and the library's stay on top.
    tags: p.tags ? { ...cluster.tags, ...p.tags, 'weave-network': cluster.tags['weave-network'], 'weave-cluster': cluster.tags['weave-cluster'] } : cluster.tags,
  };
  const publicIp = az.direct ? createPublicIp(host, p, cluster, az, common) : undefined;
  const networkInterface = new NetworkInterface(host, 'nic', {
    ...common,
    name: `${host.hostName}-nic`,
    ipConfiguration: [{
      name: IP_CONFIG,
      subnetId: az.subnetId,
      privateIpAddressAllocation: 'Dynamic',
      ...(publicIp ? { publicIpAddressId: publicIp.id } : {}),
    }],
    ...(accelerated !== undefined ? { acceleratedNetworkingEnabled: accelerated } : {}),
  });
  const nicId = networkInterface.id;
  if (az.nicSecurityGroupId) {
    // An existing subnet keeps its own NSG association; Weave's rules reach this VM through its NIC.
    const { NetworkInterfaceSecurityGroupAssociation } = require('@cdktf/provider-azurerm/lib/network-interface-security-group-association') as typeof import('@cdktf/provider-azurerm/lib/network-interface-security-group-association');
    new NetworkInterfaceSecurityGroupAssociation(host, 'nic-nsg', { provider, networkInterfaceId: nicId, networkSecurityGroupId: az.nicSecurityGroupId });
  }
  // What the first boot needs before it downloads Weave: the way out.
  const outbound: TerraformResource[] = [...az.outboundReady];
  let ssh: SshNat | undefined;
  if (az.backendPoolId !== undefined && az.loadBalancerId !== undefined) {
    outbound.unshift(new NetworkInterfaceBackendAddressPoolAssociation(host, 'lb-pool-assoc', {
      provider,
      networkInterfaceId: nicId,
      ipConfigurationName: IP_CONFIG,
      backendAddressPoolId: az.backendPoolId,
    }));
    if (cluster.sshSourceCidr !== undefined) ssh = createSshNat(host, cluster, az, nicId, adminUser);
  } else if (cluster.sshSourceCidr !== undefined && publicIp) {
    // Direct peering: SSH reaches the VM's own address; the NSG admits sshSourceCidr.
    new TerraformOutput(host, 'ssh', {
      value: `ssh ${adminUser}@${hostDnsLabel({ dnsLabel: cluster.dnsLabel }, { name: host.hostName, options: p }) !== undefined ? publicIp.fqdn : publicIp.ipAddress}`,
      description: `SSH command for host ${host.hostName}`,
    }).overrideLogicalId(outputId(network, host.hostName, 'ssh'));
  }
  const image = FLATCAR.image!;
  const virtualMachine = new LinuxVirtualMachine(host, 'vm', {
    ...common,
    name: host.hostName,
    computerName: host.hostName,
    size: p.vmSize ?? DEFAULT_VM_SIZE,
    adminUsername: adminUser,
    disablePasswordAuthentication: true,
    adminSshKey: [{ username: adminUser, publicKey: (p.sshPublicKey ?? cluster.sshPublicKey)! }],
    ...(zone !== undefined ? { zone } : {}),
    networkInterfaceIds: [nicId],
    osDisk: {
      caching: 'ReadWrite',
      storageAccountType: p.osDiskType ?? az.vm.osDiskType ?? DEFAULT_OS_DISK_TYPE,
      diskSizeGb: p.osDiskSizeGb,
    },
    sourceImageReference: {
      publisher: image.publisher,
      offer: image.offer,
      sku: image.sku(p.flatcarChannel ?? image.channels[0]),
      version: p.imageVersion ?? image.defaultVersion,
    },
    bootDiagnostics: {},
    // The first boot downloads weave through the load balancer's outbound
    // rule or the NAT gateway; with its own public IP, the NIC carries it.
    ...(outbound.length > 0 ? { dependsOn: outbound } : {}),
  });
  return { resources: { networkInterface, virtualMachine, ...(publicIp ? { publicIp } : {}) }, ssh };
}

/** A direct-peering VM's own Standard public IP, its DNS label, and the outputs that name them. */
function createPublicIp(host: HostScope, p: WeaveHostProps, cluster: ClusterScope, az: ClusterRefs, common: Pick<PublicIpConfig, 'provider' | 'location' | 'resourceGroupName' | 'tags'>): PublicIp {
  const { PublicIp: Ip } = require('@cdktf/provider-azurerm/lib/public-ip') as typeof import('@cdktf/provider-azurerm/lib/public-ip');
  const label = hostDnsLabel({ dnsLabel: cluster.dnsLabel }, { name: host.hostName, options: p });
  const ip = new Ip(host, 'public-ip', {
    ...common,
    // The region as given, like the cluster's own public IP: a label is unique per region.
    location: az.region,
    name: `${host.hostName}-pip`,
    sku: 'Standard',
    allocationMethod: 'Static',
    ...(label !== undefined ? { domainNameLabel: label } : {}),
  });
  const address = ip.ipAddress;
  az.addPublicAddress(address);
  new TerraformOutput(host, 'public-address', {
    value: address,
    description: `Public (ingress and egress) address of host ${host.hostName}`,
  }).overrideLogicalId(outputId(cluster.network, host.hostName, 'public_address'));
  if (label !== undefined) {
    new TerraformOutput(host, 'dns-name', {
      value: ip.fqdn,
      description: `DNS name of host ${host.hostName}, which peers in other sites dial`,
    }).overrideLogicalId(outputId(cluster.network, host.hostName, 'dns_name'));
  }
  return ip;
}

/** The host's SSH NAT rule on the cluster's load balancer; its frontend port is filled in at bind time from the allocation record. */
function createSshNat(host: HostScope, cluster: ClusterScope, az: ClusterRefs, nicId: string, adminUser: string): SshNat {
  const provider = cluster.provider;
  // Loaded only when SSH NAT is wanted: module loading is most of a small synth.
  const { LbNatRule: Rule } = require('@cdktf/provider-azurerm/lib/lb-nat-rule') as typeof import('@cdktf/provider-azurerm/lib/lb-nat-rule');
  const { NetworkInterfaceNatRuleAssociation } = require('@cdktf/provider-azurerm/lib/network-interface-nat-rule-association') as typeof import('@cdktf/provider-azurerm/lib/network-interface-nat-rule-association');
  const rule = new Rule(host, 'ssh-nat', {
    provider,
    resourceGroupName: az.resourceGroupName,
    loadbalancerId: az.loadBalancerId!,
    name: `ssh-${host.hostName}`,
    protocol: 'Tcp',
    frontendIpConfigurationName: az.frontend!,
    backendPort: 22,
  });
  new NetworkInterfaceNatRuleAssociation(host, 'ssh-nat-assoc', {
    provider,
    networkInterfaceId: nicId,
    ipConfigurationName: IP_CONFIG,
    natRuleId: rule.id,
  });
  const output = new TerraformOutput(host, 'ssh', {
    value: '',
    description: `SSH command for host ${host.hostName}`,
  });
  output.overrideLogicalId(outputId(cluster.network, host.hostName, 'ssh'));
  return { rule, output, command: (port) => `ssh -p ${port} ${adminUser}@${az.fqdn}` };
}
