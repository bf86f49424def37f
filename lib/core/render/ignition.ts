// Renders the boot model as an Ignition spec 3.3.0 config, for Flatcar hosts
// provisioned with Ignition instead of coreos-cloudinit.
import { BootConfig } from '../boot';
import { RenderedBoot, SlotTable } from './rendered';

export const IGNITION_VERSION = '3.3.0';

/**
 * Renders a boot config as Ignition spec 3.3.0 JSON. Ignition runs on first
 * boot only, so later changes to the config do not reach a running host.
 */
export function renderIgnition(boot: BootConfig): RenderedBoot {
  const table = new SlotTable();
  const config = {
    ignition: { version: IGNITION_VERSION },
    storage: {
      files: boot.files.map((f) => ({
        path: f.path,
        mode: f.mode,
        overwrite: true,
        ...ownership(f.owner),
        contents: { source: `data:;base64,${table.base64(f)}` },
      })),
    },
    systemd: {
      units: boot.units.map((u) => ({
        name: u.name,
        ...(u.enable ? { enabled: true } : {}),
        ...(u.contents !== undefined ? { contents: u.contents } : {}),
        ...(u.dropIns ? { dropins: u.dropIns.map((d) => ({ name: d.name, contents: d.contents })) } : {}),
      })),
    },
  };
  return { format: 'ignition', text: JSON.stringify(config), slots: table.slots, ...table.expressionSlots() };
}

/** Ignition's user and group objects for `user[:group]`; numeric parts are ids. */
function ownership(owner = 'root'): { user: { id: number } | { name: string }; group: { id: number } | { name: string } } {
  const [user, group = 'root'] = owner.split(':');
  const part = (p: string) => (/^\d+$/.test(p) ? { id: Number(p) } : { name: p });
  return { user: part(user), group: part(group) };
}
