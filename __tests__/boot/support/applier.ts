// The boot tier's stand-ins for Flatcar's two boot agents. Each decodes its
// format strictly (the fast tier's decoders: an unknown key is an error, not
// dropped) and compiles what the agent would do into a bash script that the
// guest runs where the agent runs: coreos-cloudinit's at every boot
// (harness-cloudinit.service), Ignition's once, before systemd starts
// (harness-init). The semantics follow the agents' sources:
// - coreos-cloudinit (flatcar/coreos-cloudinit initialize/config.go Apply,
//   system/file.go, system/unit.go): write_files first, each to a temporary
//   file in the target's directory, chmod (default 0644), chown when an owner
//   is given, renamed into place; then units in order: `content` to
//   /etc/systemd/system/NAME (/run with `runtime`; .network/.netdev/.link to
//   systemd/network), each of `drop_ins` to NAME.d/, `mask`, `enable`
//   (not for network units); one daemon-reload when anything was written;
//   networkd restarted when a network unit was; then each `command` as a
//   queued job (no wait), in order.
// - Ignition 3.3 (files stage): files with mode (default 0644), owner and
//   group, `overwrite`; units and drop-ins under /etc/systemd/system, `mask`
//   as a /dev/null link, `enabled` through a preset file that systemd applies.
import { CloudConfigUnit, decodeCloudConfig } from '../../support/flatcar-cloud-config';
import { dataUrlBytes, decodeIgnition } from '../../support/ignition-33';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const b64 = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64');

/** coreos-cloudinit's DecodeContent for the encodings the library could use. */
function cloudConfigContent(content: string, encoding: string): Buffer {
  switch (encoding) {
    case '':
      return Buffer.from(content, 'utf8');
    case 'b64':
    case 'base64':
      return Buffer.from(content, 'base64');
    default:
      // gz variants decode too on Flatcar; nothing here writes them.
      throw new Error(`applier: encoding ${encoding} is valid for coreos-cloudinit but not implemented by this stand-in`);
  }
}

const NETWORK_TYPES = new Set(['network', 'netdev', 'link']);
const group = (u: CloudConfigUnit): 'network' | 'system' => (NETWORK_TYPES.has(u.name.split('.').pop() ?? '') ? 'network' : 'system');

const PRELUDE = [
  'set -euo pipefail',
  'umask 022',
  '# APPLY_ROOT: a directory standing for / (the fast tier runs the script there)',
  'root=${APPLY_ROOT:-}',
  '# put PATH MODE [OWNER] < base64: temporary file beside the target, then renamed',
  'put() {',
  '  local path=$root$1 mode=$2 owner=${3:-} dir tmp',
  '  dir=$(dirname "$path"); mkdir -p "$dir"',
  '  tmp=$(mktemp "$dir/.apply.XXXXXX")',
  '  base64 -d >"$tmp"',
  '  chmod "$mode" "$tmp"',
  '  if [ -n "$owner" ]; then chown "$owner" "$tmp"; fi',
  '  mv -f "$tmp" "$path"',
  '}',
];

/**
 * The script that does what coreos-cloudinit does with `text`; throws
 * (CloudConfigError) on any key today's Flatcar would drop.
 */
export function cloudConfigApplyScript(text: string): string {
  const cfg = decodeCloudConfig(text);
  if (cfg.ssh_authorized_keys.length || cfg.hostname || Object.keys(cfg.update).length || Object.keys(cfg.locksmith).length) {
    throw new Error('applier: ssh_authorized_keys, hostname, update and locksmith are valid but not implemented by this stand-in');
  }
  const lines = ['#!/bin/bash', '# coreos-cloudinit stand-in (boot tier), generated from the custom data', ...PRELUDE];
  for (const f of cfg.write_files) {
    const mode = f.permissions === '' ? '0644' : f.permissions;
    lines.push(`echo ${q(`cloudinit: writing ${f.path}`)}`);
    lines.push(`put ${q(f.path)} ${mode} ${f.owner ? q(f.owner) : ''} <<'APPLY_B64'`, b64(cloudConfigContent(f.content, f.encoding)), 'APPLY_B64');
  }
  let reload = false;
  let networkd = false;
  const commands: string[] = [];
  // coreos-cloudinit enables unit by unit over D-Bus; one systemctl call per
  // kind leaves the same links (enabling is order-free) at a fraction of the
  // cost of a process per unit under emulation.
  const enable: string[] = [];
  const enableRuntime: string[] = [];
  for (const u of cfg.units) {
    if (u.name === '') continue; // "Skipping unit without name"
    const dir = `/${u.runtime ? 'run' : 'etc'}/systemd/${group(u)}`;
    if (u.content !== '') {
      lines.push(`put ${q(`${dir}/${u.name}`)} 0644 <<'APPLY_B64'`, b64(u.content), 'APPLY_B64');
      reload = true;
    }
    for (const d of u.drop_ins) {
      if (d.name === '' || d.content === '') continue;
      lines.push(`put ${q(`${dir}/${u.name}.d/${d.name}`)} 0644 <<'APPLY_B64'`, b64(d.content), 'APPLY_B64');
      reload = true;
    }
    if (u.mask) lines.push(`systemctl mask ${u.runtime ? '--runtime ' : ''}${q(u.name)}`);
    else if (u.runtime) lines.push(`systemctl unmask --runtime ${q(u.name)}`);
    if (u.enable && group(u) !== 'network') (u.runtime ? enableRuntime : enable).push(q(u.name));
    if (group(u) === 'network') networkd = true;
    else if (u.command !== '') commands.push(`echo ${q(`cloudinit: ${u.command} ${u.name}`)}`, `systemctl --no-block ${u.command} ${q(u.name)}`);
  }
  if (enable.length) lines.push(`systemctl enable --force ${enable.join(' ')}`);
  if (enableRuntime.length) lines.push(`systemctl enable --force --runtime ${enableRuntime.join(' ')}`);
  if (reload) lines.push('systemctl daemon-reload');
  if (networkd) lines.push('systemctl restart systemd-networkd.service');
  lines.push(...commands, 'echo cloudinit: done', '');
  return lines.join('\n');
}

/**
 * The script that does what Ignition's files stage does with `text` (run
 * before systemd, so `systemctl --root=/` works offline); throws
 * (IgnitionConfigError) on anything spec 3.3.0 does not define.
 */
export function ignitionApplyScript(text: string): string {
  const cfg = decodeIgnition(text);
  const lines = ['#!/bin/bash', '# Ignition stand-in (boot tier), generated from the custom data', ...PRELUDE];
  for (const f of cfg.files) {
    const owner = (o: { id?: number; name?: string } | undefined) => (o === undefined ? 'root' : o.name ?? String(o.id ?? 0));
    const mode = (f.mode ?? 0o644).toString(8).padStart(4, '0');
    if (!f.overwrite) lines.push(`if [ -e "$root"${q(f.path)} ]; then echo ${q(`ignition: ${f.path} exists and overwrite is false`)} >&2; exit 1; fi`);
    const bytes = f.contents?.source !== undefined ? dataUrlBytes(f.contents.source) : Buffer.alloc(0);
    if (f.contents?.compression) throw new Error('applier: compressed contents are valid but not implemented by this stand-in');
    lines.push(`put ${q(f.path)} ${mode} ${q(`${owner(f.user)}:${owner(f.group)}`)} <<'APPLY_B64'`, b64(bytes), 'APPLY_B64');
  }
  const preset: string[] = [];
  for (const u of cfg.units) {
    const path = `/etc/systemd/system/${u.name}`;
    if (u.contents !== undefined) lines.push(`put ${q(path)} 0644 <<'APPLY_B64'`, b64(u.contents), 'APPLY_B64');
    for (const d of u.dropins ?? []) if (d.contents !== undefined) lines.push(`put ${q(`${path}.d/${d.name}`)} 0644 <<'APPLY_B64'`, b64(d.contents), 'APPLY_B64');
    if (u.mask === true) lines.push(`mkdir -p "$root/etc/systemd/system" && ln -sfn /dev/null "$root"${q(path)}`);
    if (u.enabled !== undefined) preset.push(`${u.enabled ? 'enable' : 'disable'} ${u.name}`);
  }
  if (preset.length) {
    lines.push(`put /etc/systemd/system-preset/20-ignition.preset 0644 <<'APPLY_B64'`, b64(`${preset.join('\n')}\n`), 'APPLY_B64');
    lines.push(`systemctl --root="\${root:-/}" preset ${preset.map((p) => q(p.split(' ')[1])).join(' ')}`);
  }
  lines.push('echo ignition: done', '');
  return lines.join('\n');
}
