// The package's public surface: the constructs, plus the pure planner and
// renderers for users who want the boot configs without cdktf.
export * from './constructs/network';
export * from './constructs/cluster';
export * from './constructs/host';
export { planNetwork } from './core/plan';
export { buildBootConfig, renderUserData, USER_DATA_HEADER, UNIT } from './core/boot';
export type { BootConfig, BootDropIn, BootFile, BootOptions, BootUnit, HostEnvSource, SecretContent } from './core/boot';
export { renderBoot, renderCloudConfig, renderIgnition, renderScript, fillSecrets } from './core/render';
export type { BootFormat, RenderedBoot, SecretSlot } from './core/render';
export { renderMermaid } from './core/diagram';
export { WeaveConfigError, formatProblem } from './core/problems';
export type { Problem } from './core/problems';
export { DEFAULT_RELEASE, SHARED_ENV_PATH, hostEnvPath } from './core/model';
export type { ClusterKind, ClusterPlan, ClusterSpec, HostPlan, HostSpec, NetworkPlan, NetworkSpec, PeerDial, WeaveRelease } from './core/model';
export { AZURE_REGIONS } from './core/azure';
