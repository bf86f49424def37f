// The registry of the kinds' construct sides: one line per kind, beside the
// pure core's registry (lib/core/kinds/index.ts). The record type makes a
// kind without its construct side a compile error.
import type { ClusterKind } from '../../core/declare/network';
import { azureCluster } from './azure/cluster';
import { dedicatedCluster } from './dedicated/cluster';
import type { ClusterKindConstructs } from './kind';
import { scaleSetCluster } from './scale-set/cluster';

/** Every kind's construct side, by name. */
const CLUSTER_KINDS: Readonly<Record<ClusterKind, ClusterKindConstructs>> = {
  azure: azureCluster,
  dedicated: dedicatedCluster,
  'scale-set': scaleSetCluster,
};

/**
 * A cluster of a kind nobody registered (from untyped input) makes nothing;
 * the planner reports the kind at synth.
 */
const UNKNOWN: ClusterKindConstructs = (_cluster, props) => ({
  dnsName: props.dnsName,
  spec: () => ({}),
  grantTarget: () => undefined,
  keyVault: () => ({}),
  publicAddressRef: () => undefined,
  nsgRuleSlots: () => undefined,
  bind: () => undefined,
  host: () => ({ bind: () => undefined }),
});

/** The construct side of a cluster's kind. */
export const clusterKind = (kind: string): ClusterKindConstructs =>
  (Object.prototype.hasOwnProperty.call(CLUSTER_KINDS, kind) ? CLUSTER_KINDS[kind as ClusterKind] : UNKNOWN);

