// Flatcar Container Linux, the maintained successor of CoreOS Container
// Linux: a merged-/usr systemd host whose /usr is read-only, which applies
// coreos-cloudinit cloud-config and Ignition from Azure custom data, and
// whose no-plan Azure Marketplace offer needs no terms accepted.
import type { OsProfile } from './profile';
import { SYSTEMD_HOST } from './systemd';

/** Flatcar Container Linux on Azure. */
export const FLATCAR: OsProfile = {
  ...SYSTEMD_HOST,
  name: 'Flatcar',
  readOnly: ['/usr'],
  // Flatcar's own user; the VM agent creates whichever admin user is named.
  defaultUser: 'core',
  // cloud-config through coreos-cloudinit (via waagent, --oem=azure); Ignition on first boot.
  reads: ['cloud-config', 'ignition'],
  ignitionVersion: '3.3.0',
  image: {
    publisher: 'kinvolk',
    offer: 'flatcar-container-linux-corevm-amd64',
    channels: ['stable', 'beta', 'alpha'],
    sku: (channel) => `${channel}-gen2`,
    defaultVersion: 'latest',
  },
};
