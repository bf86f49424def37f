// Checks on users' own files and units at every level: paths, modes,
// owners, content, names, duplicates within a level, collisions with what
// the library owns on the host's OS, and secrets in expressions.
import { BASE64_RE } from '../common/text';
import { DOCKER_DROP_IN, NETWORKD_FILE_NAME, POOL_UNIT, SHARED_ENV_PATH, UNIT } from '../defaults';
import type { OsProfile } from '../os/profile';
import { SYSTEMD_HOST } from '../os/systemd';
import { UserContent, WeaveUnit, hasInstallSection, isEmptyContent, unitEnabled } from '../declare/content';
import type { ClusterSpec, HostSpec, NetworkSpec } from '../declare/network';
import type { ProblemList } from './problems';

/** Suffixes of the unit types configured through unit files (systemd.unit(5); scopes are runtime-only). */
export const UNIT_SUFFIXES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'slice'] as const;
const UNIT_NAME_RE = new RegExp(`^[A-Za-z0-9:_.\\\\@-]+\\.(${UNIT_SUFFIXES.join('|')})$`);
const DROP_IN_RE = /^[A-Za-z0-9:_.@-]+\.conf$/;
// Plain path characters only: the paths are written unquoted into YAML keys,
// Ignition JSON and a bash script, and systemd escapes have no use in a file path.
const PATH_SEGMENT_RE = /^[A-Za-z0-9._@+=,:~-]+$/;
const OWNER_PART_RE = /^([a-z_][a-z0-9_-]{0,31}\$?|\d{1,10})$/;
/** Longest unit name systemd accepts (UNIT_NAME_MAX minus the terminating NUL). */
const MAX_UNIT_NAME = 255;
/** What a cdktf token looks like inside a string; a plain `${...}` is ordinary text (shell syntax). */
const CDKTF_TOKEN_RE = /\$\{TfToken\[TOKEN\.\d+\]\}/;

/** Unit names the library owns on every host (and on a pool's instances). */
export const LIBRARY_UNITS: readonly string[] = [...Object.values(UNIT), ...Object.values(POOL_UNIT)];

/**
 * Why a path belongs to the library on a host of the given OS, or undefined
 * when a user may write it.
 *
 * @param path - an absolute path
 */
export function reservedPath(path: string, os: OsProfile = SYSTEMD_HOST): string | undefined {
  const units = os.paths.units;
  const weaveBin = `${os.paths.bin}/weave`;
  if (/^\/etc\/weave(\.[^/]*)?\.env$/.test(path)) {
    return path === SHARED_ENV_PATH ? 'is the shared Weave env file (it holds the password)' : 'is a Weave host env file name (/etc/weave.<host>.env)';
  }
  if (path === `${os.paths.networkd}/${NETWORKD_FILE_NAME}`) return 'is the networkd file that keeps DHCP off Weave\'s interfaces';
  if (path === weaveBin || path.startsWith(`${weaveBin}-`)) return 'is where the weave script is installed';
  for (const u of LIBRARY_UNITS) {
    if (path === `${units}/${u}` || path.startsWith(`${units}/${u}.d/`)) return `is the library's unit ${u} (or its drop-in directory)`;
  }
  if (path === `${units}/docker.service.d/${DOCKER_DROP_IN}`) return 'is the library\'s docker.service drop-in';
  return undefined;
}

/** True for text that carries a cdktf token (a Terraform expression unresolved at synth). */
export function hasCdktfToken(value: unknown): boolean {
  return typeof value === 'string' && CDKTF_TOKEN_RE.test(value);
}

/** Where a level's content is declared, and which hosts it reaches. */
interface Level {
  readonly path: string;
  readonly content: UserContent | undefined;
  /** The OS of each kind of host it reaches. */
  readonly os: readonly OsProfile[];
}

/**
 * Checks every level's user content: paths, modes, owners, content, names,
 * duplicates within a level, collisions with what the library owns, and
 * secrets in expressions. Format-specific checks need the host's format and
 * run in {@link checkUserUnitsForFormat}.
 *
 * @param osOf - the OS of a cluster's hosts (undefined for an unknown kind)
 */
export function checkUserContent(spec: NetworkSpec, problems: ProblemList, osOf: (c: ClusterSpec) => OsProfile | undefined): void {
  const osOfCluster = (c: ClusterSpec): OsProfile[] => { const os = osOf(c); return os ? [os] : []; };
  const levels: Level[] = [{ path: spec.path, content: spec.content, os: [...new Set(spec.clusters.flatMap(osOfCluster))] }];
  for (const c of spec.clusters) {
    const os = osOfCluster(c);
    levels.push({ path: c.path, content: c.content, os });
    for (const h of c.hosts) levels.push({ path: h.path, content: h.content, os });
  }
  for (const level of levels) if (!isEmptyContent(level.content)) checkLevel(level, problems);
}

function checkLevel({ path, content, os }: Level, problems: ProblemList): void {
  const paths = new Set<string>();
  (content?.files ?? []).forEach((f, i) => {
    const field = `files[${i}]`;
    const p = f.path;
    if (typeof p !== 'string' || !p.startsWith('/')) {
      problems.add('user-file-path', path, `${field}.path`, p, 'is not an absolute path',
        typeof p === 'string' && p !== '' && !p.includes('${') ? `write "/${p.replace(/^\.?\/*/, '')}" (the full path on the host)` : 'give the full path on the host, e.g. "/etc/kubernetes/kubelet.yaml"');
    } else {
      const segments = p.slice(1).split('/');
      if (segments.some((s) => s === '' || s === '.' || s === '..' || !PATH_SEGMENT_RE.test(s))) {
        problems.add('user-file-path', path, `${field}.path`, p,
          'is not a normalized path of plain characters (letters, digits and ._@+=,:~- between single slashes; no "." or ".." segments, no trailing slash)',
          'write the path without "..", "//", spaces, quotes or "$", e.g. "/etc/kubernetes/kubelet.yaml"');
      } else if (readOnlyUnder(p, os)) {
        const [dir, on] = readOnlyUnder(p, os)!;
        problems.add('user-file-path', path, `${field}.path`, p, `is under ${dir}, which is read-only on ${on.name}`,
          `put executables in ${on.paths.bin} and configuration under /etc`);
      } else {
        const why = (os.length ? os : [SYSTEMD_HOST]).map((o) => reservedPath(p, o)).find((r) => r !== undefined);
        if (why) {
          problems.add('user-file-reserved', path, `${field}.path`, p, `${why}, which the library writes`,
            'choose another path; to change Weave\'s settings use the network, cluster and host props');
        } else if (paths.has(p)) {
          problems.add('user-file-duplicate', path, `${field}.path`, p,
            'is declared twice at this level; only a more specific level (network, then cluster, then host) may replace a file',
            'keep one entry per path here, or move the override to the cluster or host');
        }
        paths.add(p);
      }
    }
    const mode = f.mode;
    if (mode !== undefined && (typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o777)) {
      const decimalSlip = typeof mode === 'number' && Number.isInteger(mode) && /^[0-7]{3}$/.test(String(mode));
      problems.add('user-file-mode', path, `${field}.mode`, typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 ? `0o${mode.toString(8)}` : mode,
        'is not permission bits from 0o000 to 0o777 (setuid, setgid and sticky bits are not supported)',
        decimalSlip ? `write 0o${mode} (a plain ${mode} is decimal)` : 'write an octal literal such as 0o644 or 0o600');
    }
    const owner = f.owner;
    if (owner !== undefined && (typeof owner !== 'string' || owner.split(':').length > 2 || !owner.split(':').every((part) => OWNER_PART_RE.test(part)))) {
      problems.add('user-file-owner', path, `${field}.owner`, owner, 'is not "user" or "user:group" (names or numeric ids)',
        'use e.g. "root", "core" or "core:core"');
    }
    const given = [f.content !== undefined, f.contentBase64 !== undefined, f.expression !== undefined].filter(Boolean).length;
    if (given > 1) {
      problems.add('user-file-content', path, `${field}.content`, p, 'has more than one of content, contentBase64 and a Terraform expression',
        'give the content one way');
    } else if (f.contentBase64 !== undefined && (typeof f.contentBase64 !== 'string' || !BASE64_RE.test(f.contentBase64))) {
      problems.add('user-file-content', path, `${field}.contentBase64`, typeof f.contentBase64 === 'string' ? `${f.contentBase64.slice(0, 40)}${f.contentBase64.length > 40 ? '…' : ''}` : f.contentBase64,
        'is not base64 (A-Z, a-z, 0-9, +, /, padded with = to a multiple of 4, no line breaks)', 'give Buffer.from(bytes).toString("base64"), or use content for text');
    }
    if (f.expression?.sensitive) {
      problems.add('user-file-sensitive', path, `${field}.content`, f.expression.display,
        `${f.expression.sensitive}; user file content lands in VM custom data and in files other local users may read`,
        'deliver secrets another way (e.g. read them from Azure Key Vault with the VM\'s managed identity at boot); only non-secret expressions may fill a file');
    }
  });

  const names = new Set<string>();
  (content?.units ?? []).forEach((u, i) => {
    const field = `units[${i}]`;
    const name = u.name;
    if (typeof name !== 'string' || name.length > MAX_UNIT_NAME || !UNIT_NAME_RE.test(name)) {
      problems.add('user-unit-name', path, `${field}.name`, name,
        `is not a systemd unit name with a type suffix (${UNIT_SUFFIXES.map((s) => `.${s}`).join(', ')})`,
        typeof name === 'string' && /^[A-Za-z0-9:_.\\@-]+$/.test(name) ? `write "${name}.service" (or the unit's real type)` : 'use a name such as "kubelet.service"');
      return;
    }
    if (LIBRARY_UNITS.includes(name)) {
      problems.add('user-unit-reserved', path, `${field}.name`, name, 'is a unit the library installs and manages',
        'order your own unit after it instead (After=weave-network.target, plus Requires= or Wants=)');
    } else if (names.has(name)) {
      problems.add('user-unit-duplicate', path, `${field}.name`, name,
        'is declared twice at this level; only a more specific level (network, then cluster, then host) may replace a unit',
        'put all its drop-ins in one entry, or move the override to the cluster or host');
    }
    names.add(name);
    if (u.contents === undefined && !(u.dropIns?.length)) {
      problems.add('user-unit-empty', path, `${field}.name`, name, 'has neither contents nor drop-ins', 'give the unit text, or drop-ins to amend an existing unit');
    }
    if (hasCdktfToken(u.contents)) {
      problems.add('user-unit-token', path, `${field}.contents`, name,
        'holds a Terraform expression; unit text is written as literal text at synth',
        'put the value into a file (content may be an expression) and read it with EnvironmentFile= or the program\'s config');
    }
    if (u.enable === true && u.contents !== undefined && !hasInstallSection(u.contents)) {
      problems.add('user-unit-enable-no-install', path, `${field}.enable`, name, 'is enabled but its text has no [Install] section, so enabling does nothing',
        'add e.g. [Install] WantedBy=multi-user.target, or set start: true instead');
    }
    const dropIns = new Set<string>();
    (u.dropIns ?? []).forEach((d, j) => {
      const dfield = `${field}.dropIns[${j}]`;
      if (typeof d.name !== 'string' || !DROP_IN_RE.test(d.name)) {
        problems.add('user-unit-name', path, `${dfield}.name`, d.name, 'is not a drop-in file name ending in .conf',
          'use a name such as "20-registry-mirror.conf"');
      } else if (name === 'docker.service' && d.name === DOCKER_DROP_IN) {
        problems.add('user-unit-reserved', path, `${dfield}.name`, d.name, 'is the library\'s docker.service drop-in (DOCKER_MIN_API_VERSION)',
          'give your drop-in another name, e.g. "20-docker-opts.conf"');
      } else if (dropIns.has(d.name)) {
        problems.add('user-unit-duplicate', path, `${dfield}.name`, d.name, `is a second drop-in of that name for ${name}`, 'merge the two drop-ins');
      }
      dropIns.add(d.name);
      if (hasCdktfToken(d.contents)) {
        problems.add('user-unit-token', path, `${dfield}.contents`, `${name}/${d.name}`,
          'holds a Terraform expression; drop-in text is written as literal text at synth',
          'put the value into a file (content may be an expression) and read it with EnvironmentFile=');
      }
    });
  });
}

/**
 * Checks that depend on how a host's config is delivered: an Ignition host
 * cannot start a unit that nothing enables.
 *
 * @param content - the host's merged content
 * @param format - the host's boot format
 */
export function checkUserUnitsForFormat(host: HostSpec, cluster: ClusterSpec, content: { readonly units: readonly WeaveUnit[] } | undefined, format: string, problems: ProblemList, seen: Set<string>): void {
  if (!content || format !== 'ignition') return;
  for (const u of content.units) {
    if (u.start && !unitEnabled(u)) {
      // One report per declaring level is enough; hosts share merged units.
      const key = `${cluster.path}\0${u.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.add('user-unit-start-ignition', host.path, 'units', u.name,
        'asks to be started, but Ignition (first boot only) has no start step and the unit is not enabled',
        'give it an [Install] section (e.g. WantedBy=multi-user.target) and leave enable at its default, or use bootFormat "cloud-config"');
    }
  }
}

/**
 * Why a resolved Terraform expression looks secret, or undefined. Only
 * what can be seen in the text: sensitive variables (their names given),
 * `sensitive()` calls, and attributes the providers mark sensitive by name
 * (passwords, secrets, private keys, access keys, connection strings, kube
 * configs) or of secret resources (`*_secret.value`, `random_password.result`).
 *
 * @param resolved - the expression as Terraform will see it, e.g. `${var.ca}`
 * @param sensitiveVariables - names of the stack's `sensitive = true` variables
 */
export function sensitiveReason(resolved: string, sensitiveVariables: ReadonlySet<string>): string | undefined {
  if (/\bsensitive\(/.test(resolved)) return 'is marked sensitive()';
  for (const m of resolved.matchAll(/\bvar\.([A-Za-z0-9_-]+)/g)) {
    if (sensitiveVariables.has(m[1])) return `refers to the sensitive variable ${m[1]}`;
  }
  for (const m of resolved.matchAll(/\b(?:data\.)?([a-z][a-z0-9_]*)\.[A-Za-z0-9_-]+\.([a-z0-9_]+)/g)) {
    const [, type, attr] = m;
    if (type === 'var' || type === 'local' || type === 'module') continue;
    if (/password|secret|private_key|access_key|connection_string|^kube(_admin)?_config(_raw)?$|^(primary|secondary)_key$|^client_key$|^sas$/.test(attr)) {
      return `refers to ${type}.*.${attr}, which providers mark sensitive`;
    }
    if ((/_secret$/.test(type) && attr === 'value') || (type === 'random_password' && (attr === 'result' || attr === 'bcrypt_hash'))) {
      return `refers to ${type}.*.${attr}, a secret value`;
    }
  }
  return undefined;
}

/** The read-only directory a path is under, with its OS, on any of the OSes a level reaches. */
function readOnlyUnder(path: string, os: readonly OsProfile[]): [string, OsProfile] | undefined {
  for (const o of os) {
    const dir = o.readOnly.find((d) => path === d || path.startsWith(`${d}/`));
    if (dir) return [dir, o];
  }
  return undefined;
}
