// The Azure kind's options, as tables the checks walk: every key of the
// option interfaces in declare/azure.ts (the compiler keeps the tables
// complete), and how one given to a cluster or host of another kind is
// reported.
import type { AzureClusterOptions, AzureHostOptions } from '../../declare/azure';
import { optionTable } from '../kind';

/** An existing resource given as a construct shows in a message as its path; a string as given. */
const construct = (v: unknown): unknown =>
  (typeof v === 'object' && v !== null ? { construct: (v as { node?: { path?: string } }).node?.path ?? '(object)' } : v);

/**
 * An Azure cluster's options: all reported when given to another kind's
 * cluster, but the SSH key: a dedicated cluster given one was never refused,
 * and refusing it now would break stacks that synthesize today.
 */
export const AZURE_CLUSTER_OPTIONS = optionTable<AzureClusterOptions>({
  provider: () => '(provider)', location: true, locationUnchecked: true, dnsLabel: true, vnetCidr: true, sshSourceCidr: true,
  resourceGroupName: true, bootFormat: true, existingResourceGroup: construct, existingSubnet: construct, existingSecurityGroup: construct,
  nsgPriorities: true, adminUsername: true, availabilityZone: true, acceleratedNetworking: true, osDiskType: true, tags: true,
  sshPublicKey: false, metrics: true, peering: true, natGateway: true, trustVnet: true,
}, (given, path, problems) => {
  for (const { key, value } of given) {
    problems.add('dedicated-azure-option', path, key, value, 'only applies to Azure clusters', `remove ${key}, or set kind: "azure"`);
  }
});

/** An Azure VM's options: all reported when given to another kind's host. */
export const AZURE_HOST_OPTIONS = optionTable<AzureHostOptions>({
  vmSize: true, vmSizeUnchecked: true, sshPublicKey: true, osDiskType: true, osDiskSizeGb: true, flatcarChannel: true, imageVersion: true,
  adminUsername: true, availabilityZone: true, acceleratedNetworking: true, tags: true, dnsLabel: true,
}, (given, path, problems) => {
  for (const { key, value } of given) {
    problems.add('dedicated-vm-option', path, key, value, 'only applies to Azure VMs', `remove ${key}`);
  }
});
