// The type of every prop the constructs take, as tables the compiler keeps
// complete (a prop added to an interface but not here does not compile).
// The constructs check them first, so a wrongly typed value from JavaScript
// or JSON is a problem with its path, not a TypeError in a later check.
import type { IConstruct } from 'constructs';
import { ProblemList, WeaveConfigError, raise } from '../core/check/problems';
import { TypeTable, checkTypes } from '../core/check/types';
import type { WeaveDropIn, WeaveFile, WeaveUnit } from '../core/declare/content';
import type { AzureNatGateway, WeaveMetricsOptions } from '../core/declare/azure';
import type { DedicatedSshOptions } from '../core/declare/dedicated';
import type { WeaveImageDigests } from '../core/declare/images';
import type { WeavePoolAutoscale, WeavePoolMetricRule, WeavePoolOptions, WeavePoolSpot, WeavePoolUpgrade } from '../core/declare/scale-set';
import type { WeaveKeyVaultCreateOptions, WeaveKeyVaultOptions } from './key-vault';
import { NETWORK_MARK, isMarked } from './marks';
import type { WeaveClusterProps, WeaveHostProps, WeaveNetworkProps, WeaveReleaseOptions } from './props';
import type { WeaveAzureContainerRegistryOptions, WeaveRegistryLoginOptions, WeaveRegistryOptions } from './registry';

const FILE: TypeTable<WeaveFile> = { path: 'string', mode: 'number', owner: 'string', content: 'string', contentBase64: 'string' };
const DROP_IN: TypeTable<WeaveDropIn> = { name: 'string', contents: 'string' };
const UNIT: TypeTable<WeaveUnit> = { name: 'string', contents: 'string', dropIns: 'objects', enable: 'boolean', start: 'boolean' };
const DIGESTS: TypeTable<WeaveImageDigests> = { weave: 'string', weaveexec: 'string', weavedb: 'string' };
const RELEASE: TypeTable<WeaveReleaseOptions> = {
  version: 'string', scriptUrl: 'string', sha256: 'string', imageOwner: 'string', weavedbVersion: 'string', digests: { fields: DIGESTS },
};
const ACR: TypeTable<WeaveAzureContainerRegistryOptions> = { id: 'string', provider: 'object', role: 'string' };
const LOGIN: TypeTable<WeaveRegistryLoginOptions> = { username: 'string', password: 'string', rotation: 'number' };
const REGISTRY: TypeTable<WeaveRegistryOptions> = { azureContainerRegistry: { fields: ACR }, login: { fields: LOGIN } };
const METRICS: TypeTable<WeaveMetricsOptions> = { sources: 'strings', port: 'number' };
const CREATE: TypeTable<WeaveKeyVaultCreateOptions> = {
  name: 'string', location: 'string', locationUnchecked: 'boolean', resourceGroupName: 'string', tenantId: 'string', skuName: 'string',
  softDeleteRetentionDays: 'number', purgeProtectionEnabled: 'boolean', secretsOfficerIds: 'strings', roleWaitSeconds: 'number', tags: 'object',
};
const KEY_VAULT: TypeTable<WeaveKeyVaultOptions> = {
  provider: 'object', vaultId: 'string', vaultUri: 'string', create: { fields: CREATE }, secretName: 'string', rotation: 'string|number',
  grantScope: 'string', tags: 'object',
};
const NAT_GATEWAY: TypeTable<AzureNatGateway> = { publicIpCount: 'number', idleTimeoutMinutes: 'number' };
const SSH: TypeTable<DedicatedSshOptions> = { host: 'string', user: 'string', port: 'number', privateKey: 'string' };

const POOL_METRIC: TypeTable<WeavePoolMetricRule> = {
  name: 'string', namespace: 'string', resourceId: 'string', scaleOutAbove: 'number', scaleInBelow: 'number', statistic: 'string',
  timeAggregation: 'string', perInstance: 'boolean',
};
const POOL_AUTOSCALE: TypeTable<WeavePoolAutoscale> = {
  cpu: { fields: { scaleOutAbove: 'number', scaleInBelow: 'number' } }, metric: { fields: POOL_METRIC }, step: 'number',
  cooldownMinutes: 'number', windowMinutes: 'number',
};
const POOL_SPOT: TypeTable<WeavePoolSpot> = { evictionPolicy: 'string', maxPrice: 'number' };
const POOL_UPGRADE: TypeTable<WeavePoolUpgrade> = { mode: 'string', maxBatchPercent: 'number', pauseMinutes: 'number', maxSurge: 'boolean' };
const POOL: TypeTable<WeavePoolOptions> = {
  min: 'number', max: 'number', initial: 'number', vmSize: 'string', vmSizeUnchecked: 'boolean', autoscale: { fields: POOL_AUTOSCALE },
  spot: { fields: POOL_SPOT }, zones: 'strings', zoneBalance: 'boolean', upgrade: { fields: POOL_UPGRADE }, terminationNoticeMinutes: 'number',
  leaveTimeoutSeconds: 'number', osDiskSizeGb: 'number', flatcarChannel: 'string', imageVersion: 'string', sharesVnetWith: 'string',
};

const NETWORK: TypeTable<WeaveNetworkProps> = {
  ipallocRange: 'string', bridgeRange: 'string', password: 'string', dnsDomain: 'string', dns: 'boolean', proxy: 'boolean', plugin: 'boolean',
  release: { fields: RELEASE }, bootstrapSize: 'number', wantedBy: 'strings', bootFormat: 'string', sshPublicKey: 'string',
  allocationRecord: 'object', allocationFile: 'string', files: 'objects', units: 'objects', keyVault: { fields: KEY_VAULT }, alternativeTo: 'object',
  registry: { fields: REGISTRY },
  connLimit: 'number', mtu: 'number', extraLaunchArgs: 'strings',
};
const CLUSTER: TypeTable<WeaveClusterProps> = {
  kind: 'string', provider: 'object', location: 'string', locationUnchecked: 'boolean', dnsLabel: 'string', vnetCidr: 'string',
  sshSourceCidr: 'string', resourceGroupName: 'string', bootFormat: 'string', existingResourceGroup: 'string|object',
  existingSubnet: 'string|object', existingSecurityGroup: 'object', nsgPriorities: 'object', tags: 'object', sshPublicKey: 'string',
  adminUsername: 'string', availabilityZone: 'string', acceleratedNetworking: 'boolean', osDiskType: 'string', dnsName: 'string',
  bootstrapHosts: 'number', files: 'objects', units: 'objects', metrics: { fields: METRICS }, peering: 'string',
  natGateway: { fields: NAT_GATEWAY }, trustVnet: 'boolean', pool: { fields: POOL },
};
const HOST: TypeTable<WeaveHostProps> = {
  hostName: 'string', bridgeAddress: 'string', vmSize: 'string', vmSizeUnchecked: 'boolean', sshPublicKey: 'string', osDiskSizeGb: 'number',
  flatcarChannel: 'string', imageVersion: 'string', tags: 'object', adminUsername: 'string', availabilityZone: 'string',
  acceleratedNetworking: 'boolean', osDiskType: 'string', ssh: { fields: SSH }, publicAddress: 'string', dialAddress: 'string',
  files: 'objects', units: 'objects', dnsLabel: 'string',
};

/** The tables by construct. */
const TABLES = { network: NETWORK, cluster: CLUSTER, host: HOST } as const;

/**
 * Refuses props of the wrong type at once, naming the construct path and the
 * prop: the constructors read some props right away.
 */
export function checkPropTypes(what: keyof typeof TABLES, path: string, props: object): void {
  const problems = new ProblemList();
  checkTypes(path, props, TABLES[what] as TypeTable, problems);
  // Files and units are lists of objects with their own fields.
  for (const key of ['files', 'units'] as const) {
    const list = (props as Record<string, unknown>)[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      checkTypes(path, entry, (key === 'files' ? FILE : UNIT) as TypeTable, problems, `${key}[${i}].`);
      const dropIns = key === 'units' ? (entry as { dropIns?: unknown } | null)?.dropIns : undefined;
      if (Array.isArray(dropIns)) dropIns.forEach((d, k) => checkTypes(path, d, DROP_IN as TypeTable, problems, `${key}[${i}].dropIns[${k}].`));
    });
  }
  const alternative = (props as { alternativeTo?: unknown }).alternativeTo;
  if (what === 'network' && alternative !== undefined && !isMarked(alternative, NETWORK_MARK)) {
    problems.add('prop-type-invalid', path, 'alternativeTo', (alternative as IConstruct)?.node?.path ?? typeof alternative,
      'is not a WeaveNetwork', 'pass the WeaveNetwork (of another stack) this network is an alternative of');
  }
  if (problems.items.length) raise(new WeaveConfigError(problems.items));
}
