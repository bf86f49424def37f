// Renders the boot model as `#cloud-config` in the coreos-cloudinit dialect
// that Flatcar reads from Azure custom data: `write_files` plus
// `coreos.units` with drop-ins. Only keys coreos-cloudinit knows are used,
// spelled exactly as its yaml tags: since Flatcar 3975.2.0 it no longer turns
// dashes into underscores and drops unknown keys silently (`drop-ins` is lost;
// flatcar/Flatcar#1567).
import { stringify } from 'yaml';
import type { BootDocument } from '../boot/document';
import { FLATCAR } from '../os/flatcar';
import type { OsProfile } from '../os/profile';
import { RenderedBoot, SlotTable, octal, readsFormat } from './rendered';

/**
 * Renders a boot document as `#cloud-config` for Flatcar's coreos-cloudinit,
 * which re-applies it on every boot. Secret files become base64 placeholders.
 *
 * @param os - the OS that applies it, which must read cloud-config
 */
export function renderCloudConfig(boot: BootDocument, os: OsProfile = FLATCAR): RenderedBoot {
  readsFormat(os, 'cloud-config');
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
