import { BootConfig } from '../boot';
import { renderCloudConfig } from './cloud-config';
import { renderIgnition } from './ignition';
import { BootFormat, RenderedBoot } from './rendered';
import { renderScript } from './script';

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
export { renderCloudConfig, renderIgnition, renderScript };
