// Renders the boot model as a bash script that applies it to a running
// server over SSH (the dedicated hosts). Every file lands atomically with its
// mode set before it becomes visible, so the password file is never readable
// by other users, even for a moment.
import { BootConfig, BootFile, DOCKER_DROP_IN, UNIT } from '../boot';
import { RenderedBoot, SlotTable, octal } from './rendered';

const SYSTEMD_DIR = '/etc/systemd/system';

/**
 * Renders a boot config as a bash script to run as root on a dedicated
 * server. Re-running it is safe: files are replaced atomically, Docker is
 * restarted only when its drop-in is new, and Weave's units are restarted
 * with the new settings.
 */
export function renderScript(boot: BootConfig): RenderedBoot {
  const table = new SlotTable();
  const files: BootFile[] = [...boot.files];
  for (const u of boot.units) {
    if (u.contents !== undefined) files.push({ path: `${SYSTEMD_DIR}/${u.name}`, mode: 0o644, content: u.contents });
    for (const d of u.dropIns ?? []) {
      files.push({ path: `${SYSTEMD_DIR}/${u.name}.d/${d.name}`, mode: 0o644, content: d.contents });
    }
  }
  const dockerDropIn = `${SYSTEMD_DIR}/docker.service.d/${DOCKER_DROP_IN}`;
  const enable = boot.units.filter((u) => u.enable).map((u) => u.name);
  // The units name Flatcar's merged-/usr paths; a server laid out otherwise
  // would fail at boot in a unit log, so say so now, before anything changes.
  const tools = [...new Set(boot.units.flatMap((u) => u.contents?.match(/\/usr\/s?bin\/[A-Za-z0-9_.-]+/g) ?? []))].sort();
  const lines = [
    '#!/bin/bash',
    `# Weave Net setup for ${boot.host}. Generated; run as root.`,
    'set -euo pipefail',
    'umask 077',
    'missing=""',
    `for tool in ${tools.join(' ')}; do [ -x "$tool" ] || missing="$missing $tool"; done`,
    'if [ -n "$missing" ]; then echo "weave setup: this server lacks:$missing (the units expect a merged-/usr system with Docker, e.g. Flatcar or Debian 12)" >&2; exit 1; fi',
    'changed=""',
    '# put PATH MODE < base64: install atomically, note whether it changed',
    'put() {',
    '  local path=$1 mode=$2 tmp',
    '  mkdir -p "$(dirname "$path")"',
    '  tmp=$(mktemp "$path.XXXXXX")',
    '  base64 -d > "$tmp"',
    '  chmod "$mode" "$tmp"',
    '  chown root:root "$tmp"',
    '  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; else mv -f "$tmp" "$path"; changed="$changed $path"; fi',
    '}',
    ...files.flatMap((f) => [`put ${f.path} ${octal(f.mode)} <<'WEAVE_B64'`, table.base64(f), 'WEAVE_B64']),
    'systemctl daemon-reload',
    // Docker only reads DOCKER_MIN_API_VERSION at start; restart it only when the drop-in is new.
    `case " $changed " in *" ${dockerDropIn} "*) systemctl try-restart docker.service ;; esac`,
    'networkctl reload 2>/dev/null || true',
    `systemctl enable ${enable.join(' ')}`,
    // Units are PartOf the target: this restarts them with the new settings.
    `systemctl restart ${UNIT.target}`,
    '',
  ];
  return { format: 'script', text: lines.join('\n'), slots: table.slots };
}
