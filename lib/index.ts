// The package's public surface, kept deliberately small: the constructs and
// their props, plus the pure planner and renderers for users who want the
// boot configs without cdktf, and what a user needs to order their own units
// after Weave or to handle a configuration error. Internals (ports, limits,
// per-host build records) stay unexported so they can change.
export { WeaveNetwork } from './constructs/network';
export type { AzureBootFormat, WeaveNetworkProps, WeaveReleaseOptions } from './constructs/network';
export type { PasswordVault, WeaveKeyVaultCreateOptions, WeaveKeyVaultOptions } from './constructs/key-vault';
export { KEY_VAULT_UNIT, withKeyVaultFetch, withoutSharedEnvFile } from './core/secret-fetch';
export type { KeyVaultFetchOptions } from './core/secret-fetch';
export { MIN_TERRAFORM_VERSION } from './core/key-vault';
export { WeaveCluster } from './constructs/cluster';
export type { AzureClusterResources, WeaveClusterProps, WeaveNsgPriorities } from './constructs/cluster';
export type { ExistingResourceGroup, ExistingSecurityGroup, ExistingSubnet } from './constructs/azure-placement';
export type { WeaveDropIn, WeaveFile, WeaveUnit } from './constructs/user-content';
export { WeaveHost } from './constructs/host';
export type { AzureHostResources, DedicatedSshOptions, FlatcarChannel, WeaveHostProps } from './constructs/host';
export { synthesizeApp } from './constructs/synth';
export { TerraformData } from './constructs/terraform-data';
export type { TerraformDataConfig } from './constructs/terraform-data';
export { checkStateBackendConfig, stateBackendFromConfig, useAzureStateBackend } from './backend';
export type { StateBackendConfig } from './backend';
export { planNetwork } from './core/plan';
export { buildBootConfig, renderUserData, USER_DATA_HEADER, UNIT } from './core/boot';
export type { BootConfig, BootDropIn, BootFile, BootOptions, BootUnit, HostEnvSource, SecretContent } from './core/boot';
export { renderBoot, renderCloudConfig, renderIgnition, renderScript, fillSecrets } from './core/render';
export type { BootFormat, ExpressionSlot, RenderedBoot, SecretSlot } from './core/render';
export { mergeUserContent, withUserContent } from './core/user-content';
export type { ExpressionContent, FileBytes, MergedUserContent, UserContent, UserDropIn, UserFile, UserUnit } from './core/user-content';
export { renderMermaid, topologyView } from './core/diagram/diagram';
export type { RetiredHost, TopologyCluster, TopologyExtras, TopologyHost, TopologyRole, TopologyView } from './core/diagram/diagram';
export { renderTopologySvg } from './core/diagram/diagram-svg';
export { WeaveConfigError, formatProblem } from './core/check/problems';
export type { Problem } from './core/check/problems';
export { DEFAULT_RELEASE } from './core/defaults';
export { SHARED_ENV_PATH, hostEnvPath } from './core/defaults';
export type { ClusterKind, ClusterSpec, HostSpec, KeyVaultSpec, NetworkSpec, WeaveRelease } from './core/spec';
export type { ClusterPlan, HostPlan, NetworkPlan, PlanAllocation } from './core/plan';
export { AZURE_REGIONS } from './core/azure';
export type { PeerDial } from './core/wiring/peers';
export type { AllocationChange } from './core/allocation/changes';
export type { AllocationFile, AllocationRecord, HostRole, ParsedAllocationFile, RecordedHost } from './core/allocation/record';
export { ALLOCATION_FORMAT_VERSION, ALLOCATION_FROZEN_CONTEXT, ALLOCATION_FROZEN_ENV, DEFAULT_ALLOCATION_FILE, parseAllocationFile, serializeAllocationFile } from './core/allocation/record';
export type { PlanOptions } from './core/plan';
export type { ClusterGrant, GrantTarget } from './constructs/key-vault';
