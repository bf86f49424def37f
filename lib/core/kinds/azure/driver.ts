// Azure Flatcar VMs: one cluster per subscription and VNet, reached through
// a public Standard Load Balancer whose DNS name later clusters dial. The
// VMs get their boot document as custom data, in a format Flatcar reads.
import { FLATCAR } from '../../os/flatcar';
import type { BootFormat } from '../../declare/network';
import type { KindDriver, KindWiring } from '../kind';
import { AZURE_CHECKS, reportCustomDataSize } from './checks';
import { trustedSubnetArgs } from '../../wiring/launch';
import { AZURE_PATH_MTU, CUSTOM_DATA_LIMIT, DEFAULT_METRICS_PORT, DEFAULT_VNET_CIDR, SSH_NAT_BASE_PORT, SSH_NAT_LAST_PORT } from './facts';
import { statusAddressScript } from './metrics';
import { AZURE_CLUSTER_OPTIONS, AZURE_HOST_OPTIONS } from './options';
import { hostPublicName, isDirect } from './peering';

/**
 * A cluster's VMs dial its anchor by VM name (Azure-provided DNS resolves
 * names within a VNet); other clusters dial its load balancer's DNS name,
 * which leads to any of its VMs, or with direct peering (no cluster DNS
 * name) its anchor VM's own public DNS name; its NSG admits the other
 * clusters' egress addresses, and other NSGs admit its own.
 */
const AZURE_WIRING: KindWiring = {
  resolvesClusterVmNames: true,
  nameLeadsTo: 'any-host',
  firewall: true,
  pathMtu: AZURE_PATH_MTU,
  memberTarget: ({ anchor, index, anchorIndex }) => ({ peer: { form: 'vm-name', text: anchor.name, cluster: index }, cluster: index, host: anchorIndex }),
  unnamedEntry: ({ cluster, index, anchor, anchorIndex, problems }) => {
    if (isDirect(cluster)) {
      const name = hostPublicName(cluster, anchor);
      if (name) return { peer: { form: 'public-dns', text: name }, cluster: index, host: anchorIndex };
      problems.addOnce('peer-target-no-dns', cluster.path, 'dnsLabel', cluster.dnsLabel,
        `is needed: the first host of every later cluster dials ${anchor.name}'s own public DNS name (direct peering), and none was derived (the cluster needs a literal location, and a literal dnsLabel or a dnsLabel on ${anchor.name})`,
        'give the cluster a literal location and dnsLabel, or put a cluster with a public name first');
      return undefined;
    }
    problems.addOnce('peer-target-no-dns', cluster.path, 'dnsName', cluster.dnsName,
      'is needed: the first host of every later cluster dials the first cluster by DNS name, and none was derived (the cluster needs a literal dnsLabel and location)',
      'give the cluster a literal location and dnsLabel, or put a cluster with a public name first');
    return undefined;
  },
  peerSources: (_c, index) => [{ egressOf: index }],
  clusterLaunchArgs: (c) => (c.options?.trustVnet ? trustedSubnetArgs([c.options.vnetCidr ?? c.vnetCidr ?? DEFAULT_VNET_CIDR]) : []),
  directPeering: isDirect,
  hostPublicName: (c, h) => (isDirect(c) ? hostPublicName(c, h) : undefined),
  sshNatPorts: (c) => (!isDirect(c) && c.options?.sshSourceCidr !== undefined ? { first: SSH_NAT_BASE_PORT, last: SSH_NAT_LAST_PORT } : undefined),
};

/** The Azure kind. */
export const AZURE: KindDriver = {
  kind: 'azure',
  os: FLATCAR,
  options: { cluster: AZURE_CLUSTER_OPTIONS, host: AZURE_HOST_OPTIONS },
  checks: AZURE_CHECKS,
  wiring: AZURE_WIRING,
  boot: {
    format: (c, spec) => (c.bootFormat ?? spec.bootFormat ?? FLATCAR.reads[0]) as BootFormat,
    // cloud-config hosts re-read their settings from user data at every
    // start, so growth updates them in place; Ignition reads only custom data.
    hostEnvSource: (format) => (format === 'cloud-config' ? 'azure-imds' : 'file'),
    // The VMs read the password with their cluster's managed identity.
    keyVault: 'fetch',
    // The VNet address comes from instance metadata at every start.
    statusListener: (c) => {
      const m = c.options?.metrics;
      if (!m) return undefined;
      const port = m.port ?? DEFAULT_METRICS_PORT;
      return { port, script: statusAddressScript(port) };
    },
    sizeLimit: {
      bytes: CUSTOM_DATA_LIMIT,
      report: (path, bytes, weaveBytes, hasExpressions, problems) => reportCustomDataSize(path, bytes, weaveBytes, hasExpressions, problems, CUSTOM_DATA_LIMIT),
    },
  },
  // A VM run command through the Azure control plane: no SSH path needed,
  // but it depends on the VM agent's extension; a dedicated survivor (SSH,
  // the path Terraform already provisions it by) is preferred.
  retirement: { reclaimRank: 1, teardown: false },
};
