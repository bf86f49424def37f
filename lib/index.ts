// The package's public surface, kept deliberately small: the constructs and
// their props, plus the pure planner and renderers for users who want the
// boot configs without cdktf, and what a user needs to order their own units
// after Weave or to handle a configuration error. Internals (ports, limits,
// per-host build records) stay unexported so they can change.
export { WeaveNetwork } from './constructs/network';
export type { AzureBootFormat, WeaveNetworkProps, WeaveReleaseOptions } from './constructs/network';
export type { WeaveKeyVaultCreateOptions, WeaveKeyVaultOptions } from './constructs/key-vault';
export { KEY_VAULT_UNIT, withKeyVaultFetch, withoutSharedEnvFile } from './core/secret-fetch';
export type { KeyVaultFetchOptions } from './core/secret-fetch';
export { MIN_TERRAFORM_VERSION } from './core/key-vault';
export { WeaveCluster } from './constructs/cluster';
export type { AzureClusterResources, WeaveClusterProps } from './constructs/cluster';
export { WeaveHost } from './constructs/host';
export type { AzureHostResources, DedicatedSshOptions, FlatcarChannel, WeaveHostProps } from './constructs/host';
export { planNetwork } from './core/plan';
export { buildBootConfig, renderUserData, USER_DATA_HEADER, UNIT } from './core/boot';
export type { BootConfig, BootDropIn, BootFile, BootOptions, BootUnit, HostEnvSource, SecretContent } from './core/boot';
export { renderBoot, renderCloudConfig, renderIgnition, renderScript, fillSecrets } from './core/render';
export type { BootFormat, RenderedBoot, SecretSlot } from './core/render';
export { renderMermaid } from './core/diagram';
export { WeaveConfigError, formatProblem } from './core/problems';
export type { Problem } from './core/problems';
export { DEFAULT_RELEASE } from './core/defaults';
export { SHARED_ENV_PATH, hostEnvPath } from './core/model';
export type { ClusterKind, ClusterPlan, ClusterSpec, HostPlan, HostSpec, KeyVaultSpec, NetworkPlan, NetworkSpec, WeaveRelease } from './core/model';
