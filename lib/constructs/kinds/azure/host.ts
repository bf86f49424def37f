// An Azure host: a Flatcar VM and its NIC in the cluster's backend pool
// (and an SSH NAT rule when the cluster admits SSH). The VM's custom data is
// its boot document; a cloud-config VM's user data its host env file, which
// updates in place as the network grows.
import { TerraformOutput } from 'cdktf';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceBackendAddressPoolAssociation } from '@cdktf/provider-azurerm/lib/network-interface-backend-address-pool-association';
import { IDENTITY_CLIENT_ID_SLOT } from '../../../core/boot/slots';
import { DEFAULT_OS_DISK_TYPE, DEFAULT_VM_SIZE } from '../../../core/kinds/azure/facts';
import { FLATCAR } from '../../../core/os/flatcar';
import { HOST_MARK, HostBinding, isMarked } from '../../marks';
import type { WeaveHostProps } from '../../props';
import { bootExpression } from '../../terraform/boot-data';
import { templateText } from '../../terraform/expressions';
import { outputId } from '../../terraform/names';
import type { ClusterScope, HostPart, HostScope } from '../kind';
import type { AzureHostResources, ClusterRefs } from './resources';
import { userContentLifecycle } from './vm-lifecycle';

const IP_CONFIG = 'primary';

/** The Azure kind's part of a host: its VM, when the cluster could create its resources. */
export function createHost(host: HostScope, props: WeaveHostProps, cluster: ClusterScope, refs: ClusterRefs | undefined): HostPart {
  const azure = refs ? createVm(host, props, cluster, refs) : undefined;
  return {
    azure,
    bind: (binding) => {
      if (azure) bindVm(host, cluster.network.node.id, azure.virtualMachine, binding);
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

/** Creates a Flatcar VM with its NIC in the cluster's backend pool, and an SSH NAT rule when the cluster admits SSH. */
function createVm(host: HostScope, p: WeaveHostProps, cluster: ClusterScope, az: ClusterRefs): AzureHostResources {
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
  const networkInterface = new NetworkInterface(host, 'nic', {
    ...common,
    name: `${host.hostName}-nic`,
    ipConfiguration: [{ name: IP_CONFIG, subnetId: az.subnetId, privateIpAddressAllocation: 'Dynamic' }],
    ...(accelerated !== undefined ? { acceleratedNetworkingEnabled: accelerated } : {}),
  });
  const nicId = networkInterface.id;
  if (az.nicSecurityGroupId) {
    // An existing subnet keeps its own NSG association; Weave's rules reach this VM through its NIC.
    const { NetworkInterfaceSecurityGroupAssociation } = require('@cdktf/provider-azurerm/lib/network-interface-security-group-association') as typeof import('@cdktf/provider-azurerm/lib/network-interface-security-group-association');
    new NetworkInterfaceSecurityGroupAssociation(host, 'nic-nsg', { provider, networkInterfaceId: nicId, networkSecurityGroupId: az.nicSecurityGroupId });
  }
  const poolMembership = new NetworkInterfaceBackendAddressPoolAssociation(host, 'lb-pool-assoc', {
    provider,
    networkInterfaceId: nicId,
    ipConfigurationName: IP_CONFIG,
    backendAddressPoolId: az.backendPoolId,
  });
  if (cluster.sshSourceCidr !== undefined) {
    // Loaded only when SSH NAT is wanted: module loading is most of a small synth.
    const { LbNatRule } = require('@cdktf/provider-azurerm/lib/lb-nat-rule') as typeof import('@cdktf/provider-azurerm/lib/lb-nat-rule');
    const { NetworkInterfaceNatRuleAssociation } = require('@cdktf/provider-azurerm/lib/network-interface-nat-rule-association') as typeof import('@cdktf/provider-azurerm/lib/network-interface-nat-rule-association');
    // Hosts are declared in order, so this one's position is the count so far.
    const index = cluster.node.children.filter((c) => isMarked(c, HOST_MARK)).indexOf(host);
    const nat = new LbNatRule(host, 'ssh-nat', {
      provider,
      resourceGroupName: az.resourceGroupName,
      loadbalancerId: az.loadBalancerId,
      name: `ssh-${host.hostName}`,
      protocol: 'Tcp',
      frontendIpConfigurationName: az.frontend,
      frontendPort: az.sshPort(index),
      backendPort: 22,
    });
    new NetworkInterfaceNatRuleAssociation(host, 'ssh-nat-assoc', {
      provider,
      networkInterfaceId: nicId,
      ipConfigurationName: IP_CONFIG,
      natRuleId: nat.id,
    });
    new TerraformOutput(host, 'ssh', {
      value: `ssh -p ${az.sshPort(index)} ${adminUser}@${az.fqdn}`,
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
    // The first boot downloads weave through the load balancer's outbound rule.
    dependsOn: [poolMembership],
  });
  return { networkInterface, virtualMachine };
}
