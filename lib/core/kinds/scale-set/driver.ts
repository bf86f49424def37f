// Pools: an Azure Virtual Machine Scale Set (Uniform orchestration) of
// Flatcar instances that join the mesh as observers. Nothing is declared
// per instance: every instance boots the same document (custom data, in a
// format Flatcar reads), derives its bridge address from its private
// address at boot and leaves the mesh on Azure's Terminate or Preempt
// notice. docs/pools.md explains the choices.
import type { BootFormat } from '../../declare/network';
import { FLATCAR } from '../../os/flatcar';
import { reportCustomDataSize } from '../azure/checks';
import { CUSTOM_DATA_LIMIT } from '../azure/facts';
import type { KindDriver } from '../kind';
import { SCALE_SET_CHECKS } from './checks';
import { SCALE_SET_CLUSTER_OPTIONS, SCALE_SET_HOST_OPTIONS } from './options';
import { SCALE_SET_POOL, SCALE_SET_WIRING } from './wiring';

/** The scale-set kind. */
export const SCALE_SET: KindDriver = {
  kind: 'scale-set',
  os: FLATCAR,
  options: { cluster: SCALE_SET_CLUSTER_OPTIONS, host: SCALE_SET_HOST_OPTIONS },
  checks: SCALE_SET_CHECKS,
  wiring: SCALE_SET_WIRING,
  boot: {
    format: (c, spec) => (c.bootFormat ?? spec.bootFormat ?? FLATCAR.reads[0]) as BootFormat,
    // One document for every instance: nothing per host to keep in user data.
    hostEnvSource: () => 'file',
    // The instances read the password with the pool's managed identity.
    keyVault: 'fetch',
    sizeLimit: {
      bytes: CUSTOM_DATA_LIMIT,
      report: (path, bytes, weaveBytes, hasExpressions, problems) => reportCustomDataSize(path, bytes, weaveBytes, hasExpressions, problems, CUSTOM_DATA_LIMIT),
    },
  },
  // Instances are not in the record: none reclaims a retired host's ranges, none is retired.
  retirement: { teardown: false },
  pool: SCALE_SET_POOL,
};
