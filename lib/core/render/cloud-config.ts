// Renders the boot model as `#cloud-config` in the coreos-cloudinit dialect
// that Flatcar reads from Azure custom data: `write_files` plus
// `coreos.units` with drop-ins. Only keys coreos-cloudinit knows are used,
// spelled exactly as its yaml tags: since Flatcar 3975.2.0 it no longer turns
// dashes into underscores and drops unknown keys silently (`drop-ins` is lost;
// flatcar/Flatcar#1567).
import { stringify } from 'yaml';
import { BootConfig, buildBootConfig } from '../boot';
import { HostPlan, NetworkPlan, hostEnvPath } from '../model';
import { MergedUserContent, withUserContent } from '../user-content';
import { RenderedBoot, SlotTable, octal } from './rendered';

/**
 * Renders a boot config as `#cloud-config` for Flatcar's coreos-cloudinit,
 * which re-applies it on every boot. Secret files become base64 placeholders.
 */
export function renderCloudConfig(boot: BootConfig): RenderedBoot {
  const table = new SlotTable();
  const doc = {
    write_files: boot.files.map((f) =>
      typeof f.content === 'string'
        ? { path: f.path, permissions: octal(f.mode), owner: f.owner ?? 'root', content: f.content }
        : { path: f.path, permissions: octal(f.mode), owner: f.owner ?? 'root', encoding: 'b64', content: table.base64(f) },
    ),
    coreos: {
      units: boot.units.map((u) => ({
        name: u.name,
        ...(u.enable ? { enable: true } : {}),
        ...(u.start ? { command: 'start' } : {}),
        ...(u.contents !== undefined ? { content: u.contents } : {}),
        ...(u.dropIns ? { drop_ins: u.dropIns.map((d) => ({ name: d.name, content: d.contents })) } : {}),
      })),
    },
  };
  // lineWidth 0: never fold long ExecStart lines; systemd would not rejoin them.
  const text = `#cloud-config\n${stringify(doc, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' })}`;
  return { format: 'cloud-config', text, slots: table.slots, ...table.expressionSlots() };
}

/** A name no validated host can have (uppercase), standing in for the real one. */
const NAME_SLOT = 'WEAVE_HOST_NAME_SLOT';

/**
 * Renders cloud-config for many hosts at the cost of one per distinct user
 * content. With the host env fetched from instance metadata, a host's
 * document differs from its neighbours' only in the host name (in paths and
 * unit text) and in its users' files and units, so the document is rendered
 * once per distinct merged user content (hosts of one cluster without their
 * own content share one) for a stand-in name, and the name is substituted.
 * Host names are plain `[a-z0-9.-]`, which YAML writes the same wherever the
 * stand-in stood; user content never holds the stand-in, which is uppercase.
 * `__tests__/render.test.ts` checks the result equals a direct render for
 * every host.
 *
 * @param network - the planned network
 * @param contentFor - each host's merged user content; hosts sharing one
 *   object share one template
 * @param adapt - a change applied to the boot config before rendering; it
 *   must treat every host alike (as the Key Vault mode does)
 * @returns a function giving each host's rendered document
 */
export function cloudConfigByName(
  network: NetworkPlan,
  contentFor: (host: HostPlan) => MergedUserContent | undefined = () => undefined,
  adapt: (boot: BootConfig) => BootConfig = (b) => b,
): (host: HostPlan) => RenderedBoot {
  const templates = new Map<MergedUserContent | undefined, RenderedBoot>();
  return (host) => {
    const content = contentFor(host);
    let template = templates.get(content);
    if (!template) {
      const stand = { ...host, name: NAME_SLOT, hostEnvPath: hostEnvPath(NAME_SLOT) };
      template = renderCloudConfig(withUserContent(adapt(buildBootConfig(network, stand, { hostEnvSource: 'azure-imds' })), content));
      templates.set(content, template);
    }
    return { ...template, text: template.text.split(NAME_SLOT).join(host.name) };
  };
}
