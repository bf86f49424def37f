// Every cloud-config and Ignition document any test renders goes through the
// strict decoders (flatcar-cloud-config.ts, ignition-33.ts): __tests__/setup.ts
// replaces the renderers with these wrappers, so a key today's Flatcar would
// drop fails the test that rendered it, whatever that test asserts. The
// texts still hold placeholders (secrets, Terraform-filled content); they
// sit in string values, so the structure decoded is the one that boots.
import type * as CloudConfigModule from '../../lib/core/render/cloud-config';
import type * as IgnitionModule from '../../lib/core/render/ignition';
import type { RenderedBoot } from '../../lib/core/render/rendered';
import { decodeCloudConfig } from './flatcar-cloud-config';
import { decodeIgnition } from './ignition-33';

/** How many documents each decoder has checked in this test file. */
export const strictChecks = { cloudConfig: 0, ignition: 0 };

function checkedCloudConfig(r: RenderedBoot): RenderedBoot {
  decodeCloudConfig(r.text);
  strictChecks.cloudConfig++;
  return r;
}

function checkedIgnition(r: RenderedBoot): RenderedBoot {
  decodeIgnition(r.text);
  strictChecks.ignition++;
  return r;
}

/** The cloud-config module with both entry points checking what they return. */
export function strictCloudConfigModule(actual: typeof CloudConfigModule): typeof CloudConfigModule {
  return {
    ...actual,
    renderCloudConfig: (boot) => checkedCloudConfig(actual.renderCloudConfig(boot)),
    cloudConfigByName: (network, contentFor, adapt) => {
      const byName = actual.cloudConfigByName(network, contentFor, adapt);
      return (host) => checkedCloudConfig(byName(host));
    },
  };
}

/** The Ignition module with its renderer checking what it returns. */
export function strictIgnitionModule(actual: typeof IgnitionModule): typeof IgnitionModule {
  return { ...actual, renderIgnition: (boot) => checkedIgnition(actual.renderIgnition(boot)) };
}
