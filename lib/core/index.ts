export * from './model';
export * from './problems';
export * from './plan';
export {
  ALLOCATION_FORMAT_VERSION,
  ALLOCATION_FROZEN_CONTEXT,
  ALLOCATION_FROZEN_ENV,
  DEFAULT_ALLOCATION_FILE,
  allocate,
  describeAllocationChanges,
  diffAllocation,
  emptyAllocationFile,
  frozenAllocationProblem,
  parseAllocationFile,
  serializeAllocationFile,
  withNetworkRecord,
} from './allocation';
export type {
  AllocateOptions,
  AllocationChange,
  AllocationFile,
  AllocationRecord,
  AllocationResult,
  FrozenOptions,
  HostAllocation,
  HostAssignment,
  HostRole,
  ParsedAllocationFile,
  RetiredHostPlan,
} from './allocation';
export * from './boot';
export * from './render';
export { parseCidr, isCidr } from './cidr';
export { DNS_LABEL_RE, MAX_HOST_NAME } from './validate';
export { AZURE_REGIONS, regionName } from './azure';
export { classifyDialAddress, publicDnsNameProblem, reachable } from './reach';
export type { Dialer, PeerAddress } from './reach';
export { isToken } from './tokens';
export * from './defaults';
export * from './launch';
export * from './build';
export { renderMermaid, topologyView, shown } from './diagram/diagram';
export type { TopologyView, TopologyCluster, TopologyHost, TopologyRole, TopologyExtras, RetiredHost } from './diagram/diagram';
export { renderTopologySvg } from './diagram/diagram-svg';
export * from './user-content';
export * from './azure-options';
export * from './secret-fetch';
export * from './key-vault';
