// Renders the boot model as an Ignition config, for Flatcar hosts
// provisioned with Ignition instead of coreos-cloudinit.
import type { BootDocument } from '../boot/document';
import { FLATCAR } from '../os/flatcar';
import type { OsProfile } from '../os/profile';
import { RenderedBoot, SlotTable, readsFormat } from './rendered';

/**
 * Renders a boot document as Ignition JSON of the spec version the OS reads
 * (3.3.0 on Flatcar). Ignition runs on first boot only, so later changes to
 * the document do not reach a running host.
 *
 * @param os - the OS that applies it, which must read Ignition
 */
export function renderIgnition(boot: BootDocument, os: OsProfile = FLATCAR): RenderedBoot {
  readsFormat(os, 'ignition');
  const table = new SlotTable();
  const config = {
    ignition: { version: os.ignitionVersion },
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
