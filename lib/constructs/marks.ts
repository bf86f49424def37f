// Brand symbols instead of instanceof: two copies of this package in one
// node_modules tree must still recognise each other's constructs.
export const NETWORK_MARK = Symbol.for('cdktf-weave-azure.WeaveNetwork');
export const CLUSTER_MARK = Symbol.for('cdktf-weave-azure.WeaveCluster');
export const HOST_MARK = Symbol.for('cdktf-weave-azure.WeaveHost');
