// Every cloud-config and Ignition document any test renders goes through the
// strict decoders (flatcar-cloud-config.ts, ignition-33.ts): support/setup-libs.ts
// replaces the renderers with these wrappers, so a key today's Flatcar would
// drop fails the test that rendered it, whatever that test asserts. The
// texts still hold placeholders (secrets, Terraform-filled content); they
// sit in string values, so the structure decoded is the one that boots.
import type * as CloudConfigModule from '../../lib/core/render/cloud-config';
import type * as TemplatesModule from '../../lib/core/derive/templates';
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

/** The cloud-config renderer module, checking what it returns. */
export function strictCloudConfigModule(actual: typeof CloudConfigModule): typeof CloudConfigModule {
  return { ...actual, renderCloudConfig: (boot, os) => checkedCloudConfig(actual.renderCloudConfig(boot, os)) };
}

/**
 * The cloud-config template cache, checking each host's finished document
 * (its template is rendered through the checked renderer too, but with the
 * host name still a slot).
 */
export function strictTemplatesModule(actual: typeof TemplatesModule): typeof TemplatesModule {
  return {
    ...actual,
    cloudConfigByName: (...args: Parameters<typeof actual.cloudConfigByName>) => {
      const byName = actual.cloudConfigByName(...args);
      return (...hostArgs: Parameters<typeof byName>) => checkedCloudConfig(byName(...hostArgs));
    },
  };
}

/** The Ignition module with its renderer checking what it returns. */
export function strictIgnitionModule(actual: typeof IgnitionModule): typeof IgnitionModule {
  return { ...actual, renderIgnition: (boot, os) => checkedIgnition(actual.renderIgnition(boot, os)) };
}
