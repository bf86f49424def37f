import { BootConfig } from '../boot';
import { cloudConfigByName, renderCloudConfig } from './cloud-config';
import { renderIgnition } from './ignition';
import { BootFormat, RenderedBoot } from './rendered';
import { renderScript } from './script';

/** Renders a boot config in the given format; see the format-specific renderers for details. */
export function renderBoot(boot: BootConfig, format: BootFormat): RenderedBoot {
  switch (format) {
    case 'cloud-config':
      return renderCloudConfig(boot);
    case 'ignition':
      return renderIgnition(boot);
    case 'script':
      return renderScript(boot);
  }
}
export * from './rendered';
export { cloudConfigByName, renderCloudConfig, renderIgnition, renderScript };
