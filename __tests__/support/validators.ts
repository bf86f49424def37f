// Runs the real validators (ignition-validate, systemd-analyze verify) on
// rendered boot configs. Nothing here touches the network or the live
// systemd: units are verified inside a staged root in a temp directory.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BootDocument as BootConfig, BootUnit } from '../../lib/core/boot/document';
import { FLATCAR_EXECUTABLES } from '../fixtures/flatcar-executables';
import { INSTALL, findTool } from './skip';

/** A validator run: exit status and everything it printed (stdout then stderr). */
export interface ValidatorResult {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Absolute path of a validator on PATH. Throws when it is missing: suites
 * that call this are declared with `toolSuite`, which skips or fails them
 * before any test runs, so reaching here without the tool is a bug.
 */
export function requireTool(name: string): string {
  const found = findTool(name);
  if (found) return found;
  throw new Error(`${name} is not installed (no executable ${name} on PATH). Install it: ${INSTALL[name] ?? name}.`);
}

function run(tool: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ValidatorResult {
  const bin = requireTool(tool);
  const res = spawnSync(bin, args, { encoding: 'utf8', env, timeout: 30_000 });
  if (res.error) throw new Error(`could not run ${bin}: ${res.error.message}`);
  return { status: res.status, output: `${res.stdout}${res.stderr}`.trim() };
}

/** `ignition-validate FILE`; it prints errors and warnings, and exits 1 on errors only. */
export function ignitionValidate(file: string): ValidatorResult {
  return run('ignition-validate', [file]);
}

// --- systemd unit text -------------------------------------------------------

/** `[Section]` → `Key=value` pairs, in order; comments dropped, continuations joined. */
export function unitEntries(text: string): { section: string; key: string; value: string }[] {
  const out: { section: string; key: string; value: string }[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  let section = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return out;
}

const EXEC_KEYS = /^Exec(Start|StartPre|StartPost|Stop|StopPost|Reload|Condition)$/;

/**
 * Absolute executables named by Exec*= lines (prefixes such as `-` or `+`
 * stripped). Relative ones are left out on purpose: verify must reject them.
 */
export function execPaths(text: string): string[] {
  const paths = new Set<string>();
  for (const { key, value } of unitEntries(text)) {
    if (!EXEC_KEYS.test(key) || value === '') continue;
    const first = value.replace(/^[-@:+!|]+/, '').split(/\s+/)[0].replace(/^"(.*)"$/, '$1');
    if (first.startsWith('/')) paths.add(first);
  }
  return [...paths];
}

const DEPENDENCY_KEYS = new Set([
  'Requires', 'Requisite', 'Wants', 'BindsTo', 'PartOf', 'Upholds', 'Conflicts', 'Before', 'After',
  'OnFailure', 'OnSuccess', 'PropagatesReloadTo', 'ReloadPropagatedFrom', 'JoinsNamespaceOf',
  'WantedBy', 'RequiredBy', 'UpheldBy', 'Also',
]);

/** Unit names a unit text points at through dependency and [Install] keys. */
export function referencedUnits(text: string): string[] {
  const names = new Set<string>();
  for (const { key, value } of unitEntries(text)) {
    if (DEPENDENCY_KEYS.has(key)) value.split(/\s+/).filter(Boolean).forEach((n) => names.add(n));
  }
  return [...names];
}

/** All texts the boot config ships for systemd: unit files and drop-ins. */
function unitTexts(boot: BootConfig): string[] {
  return boot.units.flatMap((u) => [...(u.contents !== undefined ? [u.contents] : []), ...(u.dropIns ?? []).map((d) => d.contents)]);
}

/**
 * Units the config relies on but does not ship: referenced names without
 * rendered contents, and units it only adds drop-ins to (docker.service).
 */
export function externalUnits(boot: BootConfig): string[] {
  const shipped = new Set(boot.units.filter((u) => u.contents !== undefined).map((u) => u.name));
  const names = new Set<string>();
  for (const u of boot.units) if (u.contents === undefined) names.add(u.name);
  for (const text of unitTexts(boot)) for (const n of referencedUnits(text)) if (!shipped.has(n)) names.add(n);
  return [...names].sort();
}

// --- staged root for systemd-analyze verify ---------------------------------

/**
 * Units every service and target depends on implicitly through
 * DefaultDependencies=yes (systemd.service(5), systemd.target(5)). Without a
 * sysinit.target in the root, verify reports "Unit sysinit.target not found".
 */
const IMPLICIT_UNITS = ['sysinit.target', 'basic.target', 'shutdown.target'];

const STAND_IN_EXEC = '/usr/libexec/validator-stand-in';

function writeExecutable(root: string, path: string): void {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
}

function standInUnit(name: string): string {
  const head = `[Unit]\nDescription=Stand-in for ${name} (validator test)\n`;
  if (name.endsWith('.target')) return head;
  if (name.endsWith('.service')) return `${head}\n[Service]\nType=oneshot\nExecStart=${STAND_IN_EXEC}\n`;
  throw new Error(`no stand-in for ${name}: teach __tests__/support/validators.ts about this unit type`);
}

/**
 * Paths a unit of the document makes at boot: the last argument of every
 * `ln -s…` in a shipped unit's Exec*= lines (weave-install.service links
 * /opt/bin/weave to the versioned script it downloaded).
 */
export function linkedAtBoot(boot: BootConfig): string[] {
  const made = new Set<string>();
  for (const text of unitTexts(boot)) {
    for (const { key, value } of unitEntries(text)) {
      if (!EXEC_KEYS.test(key)) continue;
      for (const m of value.matchAll(/(?:^|[\s;&|'"(])(?:\/usr\/bin\/)?ln\s+-[a-z]*s[a-z]*\s+(\S+)\s+(\/[^\s;&|'")]+)/g)) made.add(m[2]);
    }
  }
  return [...made].sort();
}

/**
 * Executables the stage provides: what Flatcar has
 * (fixtures/flatcar-executables.ts), what the document writes, and what its
 * units link at boot. Every other Exec*= path is left missing, so verify
 * reports it: a typo (`/usr/bin/dockr`) or a tool Flatcar lacks fails.
 */
export function availableExecutables(boot: BootConfig): Set<string> {
  return new Set([...FLATCAR_EXECUTABLES, ...boot.files.map((f) => f.path), ...linkedAtBoot(boot)]);
}

/** Exec*= paths of the document that the target would not have. */
export function missingExecutables(boot: BootConfig): string[] {
  const available = availableExecutables(boot);
  return [...new Set(unitTexts(boot).flatMap(execPaths))].filter((p) => !available.has(p)).sort();
}

/**
 * Writes the boot config's units into `root` the way Flatcar has them:
 * shipped units and drop-ins under /etc/systemd/system, stand-ins for
 * everything external under /usr/lib/systemd/system, and a stand-in
 * executable for every Exec*= path the target really has
 * ({@link availableExecutables}); the others stay missing. Returns the unit
 * names to verify.
 */
export function stageUnits(root: string, boot: BootConfig): string[] {
  const etc = join(root, 'etc/systemd/system');
  const vendor = join(root, 'usr/lib/systemd/system');
  mkdirSync(etc, { recursive: true });
  mkdirSync(vendor, { recursive: true });
  const shipped = new Set(boot.units.filter((u) => u.contents !== undefined).map((u) => u.name));

  const standIns = new Set([...externalUnits(boot), ...IMPLICIT_UNITS].filter((n) => !shipped.has(n)));
  for (const name of standIns) writeFileSync(join(vendor, name), standInUnit(name));
  writeExecutable(root, STAND_IN_EXEC);

  const writeUnit = (u: BootUnit): void => {
    if (u.contents !== undefined) writeFileSync(join(etc, u.name), u.contents);
    if (u.dropIns?.length) {
      mkdirSync(join(etc, `${u.name}.d`), { recursive: true });
      for (const d of u.dropIns) writeFileSync(join(etc, `${u.name}.d`, d.name), d.contents);
    }
  };
  boot.units.forEach(writeUnit);

  const available = availableExecutables(boot);
  for (const text of unitTexts(boot)) for (const p of execPaths(text)) if (available.has(p)) writeExecutable(root, p);
  return boot.units.map((u) => u.name);
}

/**
 * `systemd-analyze verify` inside `root`. --root keeps unit lookup and
 * executable checks inside the staged tree (the host's units never load);
 * --recursive-errors=yes also fails on problems in dependencies, such as a
 * Requires= unit that does not exist. SYSTEMD_* variables from the caller
 * are dropped so they cannot change unit paths or logging.
 */
export function systemdVerify(root: string, units: readonly string[]): ValidatorResult {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SYSTEMD_')) env[k] = v;
  env.SYSTEMD_LOG_LEVEL = 'notice';
  env.SYSTEMD_LOG_COLOR = '0';
  return run(
    'systemd-analyze',
    ['verify', `--root=${root}`, '--man=no', '--generators=no', '--recursive-errors=yes', ...units],
    env,
  );
}

/** A copy of the boot config with one unit's text (or drop-in) rewritten. */
export function withUnit(boot: BootConfig, name: string, edit: (u: BootUnit) => BootUnit): BootConfig {
  if (!boot.units.some((u) => u.name === name)) throw new Error(`no unit ${name} in ${boot.host}`);
  return { ...boot, units: boot.units.map((u) => (u.name === name ? edit(u) : u)) };
}
