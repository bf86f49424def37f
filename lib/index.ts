// The package's public surface, kept deliberately small: the constructs and
// their props, plus the pure planner and renderers for users who want the
// boot configs without cdktf, and what a user needs to order their own units
// after Weave or to handle a configuration error. Internals (ports, limits,
// per-host build records) stay unexported so they can change.
export { WeaveNetwork } from './constructs/network';
export type { AzureBootFormat, WeaveNetworkProps, WeaveReleaseOptions } from './constructs/network';
export type { PasswordVault, WeaveKeyVaultCreateOptions, WeaveKeyVaultOptions } from './constructs/key-vault';
export { KEY_VAULT_UNIT, withKeyVaultFetch, withoutSharedEnvFile } from './core/boot/key-vault';
export type { KeyVaultFetchOptions } from './core/boot/key-vault';
export { MIN_TERRAFORM_VERSION } from './core/check/key-vault';
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
export { planNetwork } from './core/plan/plan';
export { weaveBootDocument, renderUserData, USER_DATA_HEADER } from './core/boot/weave';
export { UNIT } from './core/defaults';
export type { BootOptions } from './core/boot/weave';
export type { BootDocument, BootFile, BootUnit, FileBytes, FileContent, SecretContent } from './core/boot/document';
export { renderBoot, renderCloudConfig, renderIgnition, renderScript, fillSecrets } from './core/render';
export type { ExpressionSlot, RenderedBoot, SecretSlot } from './core/render';
export { mergeUserContent, withUserContent } from './core/boot/user-content';
export type { MergedUserContent } from './core/boot/user-content';
export type { ExpressionContent, UserContent, UserFile } from './core/declare/content';
export { renderMermaid, topologyView } from './core/diagram/diagram';
export type { TopologyCluster, TopologyExtras, TopologyHost, TopologyRole, TopologyView } from './core/diagram/diagram';
export { renderTopologySvg } from './core/diagram/diagram-svg';
export { WeaveConfigError, formatProblem } from './core/check/problems';
export type { Problem } from './core/check/problems';
export { DEFAULT_RELEASE } from './core/defaults';
export { SHARED_ENV_PATH, hostEnvPath } from './core/defaults';
export type { BootFormat, ClusterKind, ClusterSpec, HostEnvSource, HostSpec, KeyVaultSpec, NetworkSpec, WeaveClusterOptions, WeaveHostOptions, WeaveRelease } from './core/declare/network';
export type { ClusterPlan, HostPlan, NetworkPlan, PlanAllocation } from './core/plan/plan';
export { AZURE_REGIONS } from './core/kinds/azure/regions';
export type { PeerDial } from './core/plan/peers';
export type { AllocationChange } from './core/allocation/changes';
export type { AllocationFile, AllocationRecord, HostRole, ParsedAllocationFile, RecordedHost, RetiredHost } from './core/allocation/record';
export { ALLOCATION_FORMAT_VERSION, ALLOCATION_FROZEN_CONTEXT, ALLOCATION_FROZEN_ENV, DEFAULT_ALLOCATION_FILE, parseAllocationFile, serializeAllocationFile } from './core/allocation/record';
export type { PlanOptions } from './core/plan/plan';
export type { ClusterGrant, GrantTarget } from './constructs/key-vault';
