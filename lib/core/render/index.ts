// The renderers: a finished boot document and the OS that applies it in,
// one format out. They only serialize; what goes into a document is decided
// in boot/.
import type { BootDocument } from '../boot/document';
import { FLATCAR } from '../os/flatcar';
import type { OsProfile } from '../os/profile';
import { SYSTEMD_HOST } from '../os/systemd';
import type { BootFormat } from '../declare/network';
import { renderCloudConfig } from './cloud-config';
import { renderIgnition } from './ignition';
import { RenderedBoot } from './rendered';
import { renderScript } from './script';

/**
 * Renders a boot document in the given format; see the format-specific
 * renderers for details.
 *
 * @param os - the host's OS
 *   (default: Flatcar for cloud-config and Ignition, a merged-/usr systemd host for a script)
 */
export function renderBoot(boot: BootDocument, format: BootFormat, os?: OsProfile): RenderedBoot {
  switch (format) {
    case 'cloud-config':
      return renderCloudConfig(boot, os ?? FLATCAR);
    case 'ignition':
      return renderIgnition(boot, os ?? FLATCAR);
    case 'script':
      return renderScript(boot, os ?? SYSTEMD_HOST);
  }
}
export * from './rendered';
export { renderCloudConfig, renderIgnition, renderScript };
