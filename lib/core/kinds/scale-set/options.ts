// The scale-set kind's options, as tables the checks walk: its own `pool`,
// and the Azure cluster options it shares (where the pool lives and the VM
// defaults of its instances). A shared option given to a dedicated cluster
// is reported once, by the Azure kind; `pool` given to another kind's
// cluster is reported here. Seven Azure options have no meaning for a pool
// (dnsLabel, sshSourceCidr, availabilityZone, peering, natGateway,
// trustVnet, metrics): they are in the table so that the pool's own checks
// say what to use instead.
import type { AzureClusterOptions } from '../../declare/azure';
import type { ScaleSetClusterOptions } from '../../declare/scale-set';
import { optionTable } from '../kind';

const construct = (v: unknown): unknown =>
  (typeof v === 'object' && v !== null ? { construct: (v as { node?: { path?: string } }).node?.path ?? '(object)' } : v);

/** A pool's options: its scale set, and the Azure cluster options it shares. */
export const SCALE_SET_CLUSTER_OPTIONS = optionTable<AzureClusterOptions & ScaleSetClusterOptions>({
  pool: true,
  provider: () => '(provider)', location: true, locationUnchecked: true, vnetCidr: true, resourceGroupName: true, bootFormat: true,
  existingResourceGroup: construct, existingSubnet: construct, existingSecurityGroup: construct, nsgPriorities: true,
  adminUsername: true, osDiskType: true, acceleratedNetworking: true, tags: true, sshPublicKey: false,
  dnsLabel: true, sshSourceCidr: true, availabilityZone: true, peering: true, natGateway: true, trustVnet: true, metrics: true,
}, (given, path, problems) => {
  // Only `pool` reaches here: the other keys are the Azure kind's too, and it reports them first.
  for (const { key, value } of given) {
    problems.add('pool-option-misplaced', path, key, value, 'only applies to clusters of kind "scale-set" (pools)',
      `remove ${key}, or set kind: "scale-set" and declare no hosts in the cluster`);
  }
});

/** A pool has no declared hosts, so no host options. */
export const SCALE_SET_HOST_OPTIONS = optionTable<Record<never, never>>({}, () => undefined);
