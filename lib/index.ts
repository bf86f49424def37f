// The package's public surface: the constructs with their props and the
// options of each kind of cluster; what a user needs to order their own
// units after Weave, to handle a configuration error, to keep state
// remotely and to review the allocation record; and the pure pipeline the
// constructs run (deriveNetwork), for boot documents and plans without
// cdktf. Everything else (checks, renderers, drivers, per-host steps)
// stays unexported so it can change.

// --- constructs and their props
export { WeaveNetwork } from './constructs/network';
export { WeaveCluster } from './constructs/cluster';
export { WeaveHost } from './constructs/host';
export type { WeaveClusterProps, WeaveHostProps, WeaveNetworkProps, WeaveReleaseOptions } from './constructs/props';
export type { ClusterKind, WeaveClusterOptions, WeaveHostOptions } from './core/declare/network';
export type {
  AzureBootFormat, AzureClusterOptions, AzureHostOptions, AzureNatGateway, AzurePeering, AzureVmDefaults, ExistingResourceGroup,
  ExistingSecurityGroup, ExistingSubnet, FlatcarChannel, WeaveMetricsOptions, WeaveNsgPriorities,
} from './core/declare/azure';
export type { WeaveRouterOptions } from './core/declare/weave';
export type { RegistrySpec, WeaveImageDigests } from './core/declare/images';
export { ImageRegistry } from './constructs/registry';
export type { WeaveAzureContainerRegistryOptions, WeaveRegistryLoginOptions, WeaveRegistryOptions } from './constructs/registry';
export type { Retirement } from './core/plan/retire';
export type { DedicatedClusterOptions, DedicatedHostOptions, DedicatedSshOptions } from './core/declare/dedicated';
export type {
  ScaleSetClusterOptions, WeavePoolAutoscale, WeavePoolMetricRule, WeavePoolOptions, WeavePoolSpot, WeavePoolUpgrade,
} from './core/declare/scale-set';
export type { WeaveDropIn, WeaveFile, WeaveUnit } from './core/declare/content';
export type { AzureClusterResources, AzureHostResources } from './constructs/kinds/azure/resources';
export type { ScaleSetResources } from './constructs/kinds/scale-set/resources';
export { TerraformData } from './constructs/terraform/data';
export type { TerraformDataConfig } from './constructs/terraform/data';
export { PasswordVault } from './constructs/key-vault';
export type { WeaveKeyVaultCreateOptions, WeaveKeyVaultOptions } from './constructs/key-vault';
export { MIN_TERRAFORM_VERSION } from './core/check/key-vault';
export { POOL_UNIT, UNIT } from './core/defaults';
export { KEY_VAULT_UNIT } from './core/boot/key-vault';

// --- running the app, errors, state
export { synthesizeApp } from './constructs/synth';
export { WeaveConfigError, formatProblem } from './core/check/problems';
export type { Problem } from './core/check/problems';
export { checkStateBackendConfig, stateBackendFromConfig, useAzureStateBackend } from './backend';
export type { StateBackendConfig } from './backend';

// --- the allocation record
export {
  ALLOCATION_FORMAT_VERSION, ALLOCATION_FROZEN_CONTEXT, ALLOCATION_FROZEN_ENV, DEFAULT_ALLOCATION_FILE, parseAllocationFile, serializeAllocationFile,
} from './core/allocation/record';
export type { AllocationFile, AllocationRecord, HostRole, ParsedAllocationFile, RecordedHost, RecordedPool, RetiredHost } from './core/allocation/record';
export type { AllocationChange } from './core/allocation/changes';

// --- the pure pipeline
export { deriveNetwork } from './core/derive/derive';
export type { DeriveOptions, DerivedCluster, DerivedHost, DerivedNetwork, DerivedPool } from './core/derive/derive';
export type { PlanOptions } from './core/plan/plan';
export type { BootFormat, ClusterSpec, HostSpec, KeyVaultSpec, NetworkSpec, WeaveRelease } from './core/declare/network';
export type { ExpressionContent, UserContent, UserFile } from './core/declare/content';
export { DEFAULT_RELEASE } from './core/defaults';
export type { ClusterPlan, HostPlan, NetworkPlan, PlanAllocation } from './core/plan/plan';
export type { PoolPlan } from './core/plan/pool';
export type { PoolSize } from './core/kinds/kind';
export type { PeerDial } from './core/plan/peers';
export { fillSecrets } from './core/render/rendered';
export type { ExpressionSlot, RenderedBoot, SecretSlot } from './core/render/rendered';
export type { SecretContent } from './core/boot/document';
export { renderMermaid, topologyView } from './core/diagram/diagram';
export type { TopologyCluster, TopologyExtras, TopologyHost, TopologyRole, TopologyView } from './core/diagram/diagram';
export type { TopologyPool } from './core/diagram/pool-box';
export { renderTopologySvg } from './core/diagram/diagram-svg';
