// The dedicated kind's options, as tables the checks walk (see
// kinds/azure/options.ts): every key of the option interfaces in
// declare/dedicated.ts, and how one given to another kind is reported.
import type { DedicatedClusterOptions, DedicatedHostOptions } from '../../declare/dedicated';
import { optionTable } from '../kind';

/** A dedicated cluster's name, which an Azure cluster derives from its DNS label instead. */
export const DEDICATED_CLUSTER_OPTIONS = optionTable<DedicatedClusterOptions>({ dnsName: true }, (given, path, problems) => {
  for (const { value } of given) {
    problems.add('azure-dns-name', path, 'dnsName', value,
      'is derived from dnsLabel and location for Azure clusters', 'remove dnsName and set dnsLabel instead');
  }
});

/** How a dedicated server is reached; on a host of another kind the first one given is reported. */
export const DEDICATED_HOST_OPTIONS = optionTable<DedicatedHostOptions>({ ssh: true, publicAddress: true, dialAddress: true }, (given, path, problems) => {
  const [first] = given;
  if (first) {
    problems.add('azure-dedicated-option', path, first.key, first.value,
      'only applies to hosts in dedicated clusters', 'remove it; Azure hosts are reached through the cluster load balancer');
  }
});
