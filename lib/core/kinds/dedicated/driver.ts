// Dedicated servers: existing machines the library configures over SSH with
// a bash script, in clusters of their own (a data centre, another cloud).
import { SYSTEMD_HOST } from '../../os/systemd';
import type { KindDriver } from '../kind';
import { DEDICATED_CHECKS } from './checks';
import { DEDICATED_CLUSTER_OPTIONS, DEDICATED_HOST_OPTIONS } from './options';
import { DEDICATED_WIRING } from './wiring';

/** The dedicated kind. */
export const DEDICATED: KindDriver = {
  kind: 'dedicated',
  os: SYSTEMD_HOST,
  options: { cluster: DEDICATED_CLUSTER_OPTIONS, host: DEDICATED_HOST_OPTIONS },
  checks: DEDICATED_CHECKS,
  wiring: DEDICATED_WIRING,
  boot: {
    // Pushed over SSH, which re-runs it whenever it changes.
    format: () => 'script',
    hostEnvSource: () => 'file',
    // The provisioner uploads the password file beside the script.
    keyVault: 'provisioner',
    // The server's own host name is whatever it was given; Weave knows it by its name here.
    explicitNickname: true,
  },
  // Reached over SSH, as its provisioner is; a departing server resets itself.
  retirement: { reclaimRank: 0, teardown: true },
};
