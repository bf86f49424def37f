// Renders the boot model as a bash script that applies it to a running
// server over SSH (the dedicated hosts). Every file lands atomically with its
// mode set before it becomes visible, so the password file is never readable
// by other users, even for a moment.
import { DOCKER_DROP_IN, UNIT } from '../defaults';
import type { BootDocument, BootFile, BootUnit } from '../boot/document';
import type { OsProfile } from '../os/profile';
import { SYSTEMD_HOST } from '../os/systemd';
import { RenderedBoot, SlotTable, octal } from './rendered';

/**
 * Renders a boot document as a bash script to run as root on a dedicated
 * server. Re-running it is safe: files are replaced atomically, Docker is
 * restarted only when its drop-in is new, and Weave's units are restarted
 * with the new settings.
 *
 * @param os - what the server is assumed to be: where units go and which tools they need
 */
export function renderScript(boot: BootDocument, os: OsProfile = SYSTEMD_HOST): RenderedBoot {
  const unitDir = os.paths.units;
  const table = new SlotTable();
  const files: BootFile[] = [...boot.files];
  for (const u of boot.units) {
    if (u.contents !== undefined) files.push({ path: `${unitDir}/${u.name}`, mode: 0o644, content: u.contents });
    for (const d of u.dropIns ?? []) {
      files.push({ path: `${unitDir}/${u.name}.d/${d.name}`, mode: 0o644, content: d.contents });
    }
  }
  const dockerDropIn = `${unitDir}/docker.service.d/${DOCKER_DROP_IN}`;
  // Users may add their own docker.service drop-ins; any of them changing restarts Docker too.
  const dockerDropIns = [dockerDropIn, ...(boot.units.find((u) => u.name === 'docker.service')?.dropIns ?? [])
    .filter((d) => d.name !== DOCKER_DROP_IN).map((d) => `${unitDir}/docker.service.d/${d.name}`)];
  const enable = boot.units.filter((u) => u.enable).map((u) => sh(u.name));
  // The library's units name the profile's tool paths; a server laid out
  // otherwise would fail at boot in a unit log, so say so now, before
  // anything changes. Users' units are theirs to vouch for (their own files
  // may install what they call).
  const own = new Set<string>(Object.values(UNIT));
  const tool = toolPattern(os);
  const tools = [...new Set(boot.units.filter((u) => own.has(u.name)).flatMap((u) => u.contents?.match(tool) ?? []))].sort();
  // Users' units: restarted when their unit file or a drop-in changed and
  // they are running; started when they ask to be.
  const userUnits = boot.units.filter((u) => !own.has(u.name) && u.name !== 'docker.service');
  const unitPaths = (u: BootUnit) => [
    ...(u.contents !== undefined ? [`${unitDir}/${u.name}`] : []),
    ...(u.dropIns ?? []).map((d) => `${unitDir}/${u.name}.d/${d.name}`),
  ];
  const owned = files.some((f) => f.owner !== undefined);
  const userLines = [
    ...userUnits.map((u) => `case " $changed " in ${casePattern(unitPaths(u))}) systemctl try-restart ${sh(u.name)} ;; esac`),
    ...userUnits.filter((u) => u.start).map((u) => `systemctl start ${sh(u.name)}`),
  ];
  const lines = [
    '#!/bin/bash',
    `# Weave Net setup for ${boot.host}. Generated; run as root.`,
    'set -euo pipefail',
    'umask 077',
    'missing=""',
    `for tool in ${tools.join(' ')}; do [ -x "$tool" ] || missing="$missing $tool"; done`,
    `if [ -n "$missing" ]; then echo "weave setup: this server lacks:$missing (the units expect ${os.requires})" >&2; exit 1; fi`,
    'changed=""',
    `# put PATH MODE${owned ? ' [OWNER]' : ''} < base64: install atomically, note whether it changed`,
    'put() {',
    // The owner argument only when a user's file asks for one, so the script
    // (and the provisioner's trigger hash) stays the same for everyone else.
    owned ? '  local path=$1 mode=$2 owner=${3:-root:root} tmp' : '  local path=$1 mode=$2 tmp',
    '  mkdir -p "$(dirname "$path")"',
    '  tmp=$(mktemp "$path.XXXXXX")',
    '  base64 -d > "$tmp"',
    '  chmod "$mode" "$tmp"',
    owned ? '  chown "$owner" "$tmp"' : '  chown root:root "$tmp"',
    '  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then rm -f "$tmp"; else mv -f "$tmp" "$path"; changed="$changed $path"; fi',
    '}',
    ...files.flatMap((f) => [`put ${sh(f.path)} ${octal(f.mode)}${f.owner ? ` ${sh(f.owner)}` : ''} <<'WEAVE_B64'`, table.base64(f), 'WEAVE_B64']),
    'systemctl daemon-reload',
    // Docker only reads DOCKER_MIN_API_VERSION at start; restart it only when the drop-in is new.
    `case " $changed " in ${casePattern(dockerDropIns)}) systemctl try-restart docker.service ;; esac`,
    'networkctl reload 2>/dev/null || true',
    `systemctl enable ${enable.join(' ')}`,
    // Units are PartOf the target: this restarts them with the new settings.
    `systemctl restart ${UNIT.target}`,
    ...userLines,
    '',
  ];
  return { format: 'script', text: lines.join('\n'), slots: table.slots, ...table.expressionSlots() };
}

/**
 * A `case` pattern matching any of the paths inside `" $changed "`. Paths
 * hold no quotes, `$` or backquotes (checked), so double quotes keep them literal.
 */
function casePattern(paths: readonly string[]): string {
  return paths.map((p) => `*" ${p} "*`).join('|');
}

/** A shell word: as is when it is plain, else single-quoted (unit names may hold `\x2d` escapes). */
function sh(word: string): string {
  return /^[A-Za-z0-9_./@:+=,%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Matches the tool paths a unit calls: any file in a directory the profile's tools live in. */
function toolPattern(os: OsProfile): RegExp {
  const dirs = [...new Set(Object.values(os.tools).map((t) => t.slice(0, t.lastIndexOf('/'))))];
  return new RegExp(`(?:${dirs.map((d) => d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})/[A-Za-z0-9_.-]+`, 'g');
}
