// Users' own files and systemd units, delivered in the same boot document as
// Weave's: an Azure VM has exactly one custom-data document, so a host that
// runs Kubernetes (or anything) beside Weave needs both in it. Content is
// declared on the network, a cluster or a host and merged in that order; the
// checks here keep it from colliding with what the library owns.
import { createHash } from 'node:crypto';
import { BootConfig, BootFile, BootUnit, DOCKER_DROP_IN, NETWORKD_FILE, UNIT } from './boot';
import { ProblemList } from './check/problems';
import { SHARED_ENV_PATH, WEAVE_BIN } from './defaults';
import type { ClusterSpec, HostSpec, NetworkSpec } from './spec';

/**
 * File content that Terraform supplies at apply time (a non-secret
 * expression such as a variable, a resource attribute or `templatefile()`).
 * Renderers leave a placeholder for it; whoever turns the document into a
 * Terraform expression replaces the placeholder with {@link ref}.
 */
export interface ExpressionContent {
  /**
   * Terraform expression (without `${}`) whose value is the base64 of the
   * file's bytes, e.g. `local.mesh_file_0a1b2c3d4e_b64`.
   */
  readonly ref: string;
  /** The expression as the user wrote it, for messages (e.g. `${var.ca_pem}`). */
  readonly display: string;
  /**
   * Why the expression looks secret, when it does; the checks then reject
   * the file.
   * @default - not known to be secret
   */
  readonly sensitive?: string;
}

/** File content given as bytes: the base64 of any (also binary) content. */
export interface FileBytes {
  /** The bytes, base64-encoded. */
  readonly base64: string;
}

/** A file a user puts on every host of a level, as the pure core sees it. */
export interface UserFile {
  /** Absolute path on the host. */
  readonly path: string;
  /**
   * Permission bits, e.g. `0o644` (write the `0o`: a plain `644` is decimal).
   * @default 0o644
   */
  readonly mode?: number;
  /**
   * Owner as `user` or `user:group`, names or numeric ids. Both must exist
   * on the host when the file is written (`root` and `core` on Flatcar);
   * with only a user the group stays `root`.
   * @default 'root'
   */
  readonly owner?: string;
  /**
   * Literal text content.
   * @default '' (an empty file), unless contentBase64 or expression is given
   */
  readonly content?: string;
  /**
   * Literal bytes, base64-encoded (for binary files or exact bytes).
   * @default - none
   */
  readonly contentBase64?: string;
  /**
   * Content Terraform fills in at apply time.
   * @default - none
   */
  readonly expression?: ExpressionContent;
}

/** A systemd drop-in of a user unit. */
export interface UserDropIn {
  /** File name in the unit's `.d` directory; must end in `.conf`. */
  readonly name: string;
  /** Unit-file text of the drop-in. */
  readonly contents: string;
}

/** A systemd unit a user installs, enables or amends, as the pure core sees it. */
export interface UserUnit {
  /** Unit name with its type suffix, e.g. `kubelet.service`. */
  readonly name: string;
  /**
   * Full unit text.
   * @default - none; the unit exists on the host and only gets drop-ins
   */
  readonly contents?: string;
  /**
   * Drop-ins for the unit (also for units the host already has, such as `docker.service`).
   * @default - none
   */
  readonly dropIns?: readonly UserDropIn[];
  /**
   * `systemctl enable` it, so its `[Install]` section (e.g.
   * `WantedBy=kubernetes.node.target`) pulls it in at every boot.
   * @default - true when `contents` has an `[Install]` section
   */
  readonly enable?: boolean;
  /**
   * Also start it whenever the boot config is applied: cloud-config
   * `command: start` (every boot), the dedicated servers' script (every run).
   * Ignition has no such step; an Ignition host starts the units enabled
   * into a boot target, so `start` there needs `enable`.
   * @default false
   */
  readonly start?: boolean;
}

/** Files and units a user adds at one level (network, cluster or host). */
export interface UserContent {
  /**
   * Files to write.
   * @default - none
   */
  readonly files?: readonly UserFile[];
  /**
   * Units to install or amend.
   * @default - none
   */
  readonly units?: readonly UserUnit[];
}

/**
 * The content one host receives: every level merged, files sorted by path
 * and units by name, so where an entry was declared does not change the
 * rendered document.
 */
export interface MergedUserContent {
  /** Files, sorted by path. */
  readonly files: readonly UserFile[];
  /** Units, sorted by name. */
  readonly units: readonly UserUnit[];
  /** sha256 of the merged content, for replacement triggers. */
  readonly digest: string;
}

/** Suffixes of the unit types configured through unit files (systemd.unit(5); scopes are runtime-only). */
export const UNIT_SUFFIXES = ['service', 'socket', 'device', 'mount', 'automount', 'swap', 'target', 'path', 'timer', 'slice'] as const;
const UNIT_NAME_RE = new RegExp(`^[A-Za-z0-9:_.\\\\@-]+\\.(${UNIT_SUFFIXES.join('|')})$`);
const DROP_IN_RE = /^[A-Za-z0-9:_.@-]+\.conf$/;
// Plain path characters only: the paths are written unquoted into YAML keys,
// Ignition JSON and a bash script, and systemd escapes have no use in a file path.
const PATH_SEGMENT_RE = /^[A-Za-z0-9._@+=,:~-]+$/;
const OWNER_PART_RE = /^([a-z_][a-z0-9_-]{0,31}\$?|\d{1,10})$/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Longest unit name systemd accepts (UNIT_NAME_MAX minus the terminating NUL). */
const MAX_UNIT_NAME = 255;
/** What a cdktf token looks like inside a string; a plain `${...}` is ordinary text (shell syntax). */
const CDKTF_TOKEN_RE = /\$\{TfToken\[TOKEN\.\d+\]\}/;

/** Unit names the library owns on every host. */
export const LIBRARY_UNITS: readonly string[] = Object.values(UNIT);
const SYSTEMD_DIR = '/etc/systemd/system';

/**
 * Why a path belongs to the library, or undefined when a user may write it.
 *
 * @param path - an absolute path
 */
export function reservedPath(path: string): string | undefined {
  if (/^\/etc\/weave(\.[^/]*)?\.env$/.test(path)) {
    return path === SHARED_ENV_PATH ? 'is the shared Weave env file (it holds the password)' : 'is a Weave host env file name (/etc/weave.<host>.env)';
  }
  if (path === NETWORKD_FILE) return 'is the networkd file that keeps DHCP off Weave\'s interfaces';
  if (path === WEAVE_BIN || path.startsWith(`${WEAVE_BIN}-`)) return 'is where the weave script is installed';
  for (const u of LIBRARY_UNITS) {
    if (path === `${SYSTEMD_DIR}/${u}` || path.startsWith(`${SYSTEMD_DIR}/${u}.d/`)) return `is the library's unit ${u} (or its drop-in directory)`;
  }
  if (path === `${SYSTEMD_DIR}/docker.service.d/${DOCKER_DROP_IN}`) return 'is the library\'s docker.service drop-in';
  return undefined;
}

/** True for text that carries a cdktf token (a Terraform expression unresolved at synth). */
export function hasCdktfToken(value: unknown): boolean {
  return typeof value === 'string' && CDKTF_TOKEN_RE.test(value);
}

/** Whether the unit text has an `[Install]` section, which `systemctl enable` needs. */
export function hasInstallSection(contents: string | undefined): boolean {
  return contents !== undefined && /^\s*\[Install\]\s*$/m.test(contents);
}

/** The `enable` a user unit ends up with. */
export function unitEnabled(u: UserUnit): boolean {
  return u.enable ?? hasInstallSection(u.contents);
}

const isEmpty = (c: UserContent | undefined): boolean => !c || ((c.files?.length ?? 0) === 0 && (c.units?.length ?? 0) === 0);

/**
 * Merges levels in order (network, cluster, host): a later level's file with
 * the same path, or unit with the same name, replaces the earlier entry
 * whole (a unit with its contents, drop-ins, enable and start).
 *
 * @param levels - content per level, most general first
 */
export function mergeUserContent(levels: readonly (UserContent | undefined)[]): MergedUserContent {
  const files = new Map<string, UserFile>();
  const units = new Map<string, UserUnit>();
  for (const level of levels) {
    for (const f of level?.files ?? []) files.set(f.path, f);
    for (const u of level?.units ?? []) units.set(u.name, u);
  }
  const byKey = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const merged = { files: byKey(files), units: byKey(units) };
  const digest = createHash('sha256')
    .update(JSON.stringify(merged, (k, v) => (k === 'sensitive' || k === 'display' ? undefined : v)))
    .digest('hex');
  return { ...merged, digest };
}

/**
 * Merges per host, reusing one object for every host whose cluster-level
 * result it shares, so renderers can cache by identity.
 *
 * @returns a function giving each host's merged content, or undefined when it has none
 */
export function userContentResolver(spec: NetworkSpec): (clusterIndex: number, host: HostSpec) => MergedUserContent | undefined {
  // Clusters without their own content share the network's merged object.
  const networkOnly = isEmpty(spec.content) ? undefined : mergeUserContent([spec.content]);
  const perCluster = spec.clusters.map((c) => (isEmpty(c.content) ? networkOnly : mergeUserContent([spec.content, c.content])));
  return (clusterIndex, host) => {
    if (isEmpty(host.content)) return perCluster[clusterIndex];
    return mergeUserContent([spec.content, spec.clusters[clusterIndex].content, host.content]);
  };
}

function fileContent(f: UserFile): BootFile['content'] {
  if (f.expression) return f.expression;
  if (f.contentBase64 !== undefined) return { base64: f.contentBase64 };
  return f.content ?? '';
}

/**
 * The boot config with a host's user content added: files after Weave's,
 * drop-ins for `docker.service` in Weave's entry for it (after Weave's own),
 * every other unit after Weave's target.
 *
 * @param boot - Weave's boot config for the host
 * @param content - the host's merged user content
 */
export function withUserContent(boot: BootConfig, content: MergedUserContent | undefined): BootConfig {
  if (!content || (content.files.length === 0 && content.units.length === 0)) return boot;
  const files: BootFile[] = [
    ...boot.files,
    ...content.files.map((f): BootFile => ({ path: f.path, mode: f.mode ?? 0o644, owner: f.owner, content: fileContent(f) })),
  ];
  const toBoot = (u: UserUnit): BootUnit => ({
    name: u.name,
    ...(u.contents !== undefined ? { contents: u.contents } : {}),
    enable: unitEnabled(u),
    ...(u.start ? { start: true } : {}),
    ...(u.dropIns?.length ? { dropIns: u.dropIns.map((d) => ({ name: d.name, contents: d.contents })) } : {}),
  });
  const amended = new Map(content.units.map((u) => [u.name, u]));
  const units: BootUnit[] = boot.units.map((lib) => {
    const user = amended.get(lib.name);
    if (!user) return lib;
    amended.delete(lib.name);
    // Only docker.service gets here: the checks keep users off the library's own units.
    const mine = toBoot(user);
    return {
      ...lib,
      ...(mine.contents !== undefined ? { contents: mine.contents } : {}),
      enable: lib.enable || mine.enable,
      ...(lib.start || mine.start ? { start: true } : {}),
      dropIns: [...(lib.dropIns ?? []), ...(mine.dropIns ?? [])],
    };
  });
  for (const u of content.units) if (amended.has(u.name)) units.push(toBoot(u));
  return { ...boot, files, units };
}

/** Where a level's content is declared, and which hosts it reaches. */
interface Level {
  readonly path: string;
  readonly content: UserContent | undefined;
  /** Whether any host it reaches is a Flatcar VM (read-only /usr). */
  readonly azure: boolean;
}

/**
 * Checks every level's user content: paths, modes, owners, content, names,
 * duplicates within a level, collisions with what the library owns, and
 * secrets in expressions. Format-specific checks need the host's format and
 * run in {@link validateUserUnitsForFormat}.
 */
export function validateUserContent(spec: NetworkSpec, problems: ProblemList): void {
  const levels: Level[] = [{ path: spec.path, content: spec.content, azure: spec.clusters.some((c) => c.kind === 'azure') }];
  for (const c of spec.clusters) {
    levels.push({ path: c.path, content: c.content, azure: c.kind === 'azure' });
    for (const h of c.hosts) levels.push({ path: h.path, content: h.content, azure: c.kind === 'azure' });
  }
  for (const level of levels) if (!isEmpty(level.content)) validateLevel(level, problems);
}

function validateLevel({ path, content, azure }: Level, problems: ProblemList): void {
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
      } else if (azure && (p === '/usr' || p.startsWith('/usr/'))) {
        problems.add('user-file-path', path, `${field}.path`, p, 'is under /usr, which is read-only on Flatcar',
          'put executables in /opt/bin and configuration under /etc');
      } else {
        const why = reservedPath(p);
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
export function validateUserUnitsForFormat(host: HostSpec, cluster: ClusterSpec, content: MergedUserContent | undefined, format: string, problems: ProblemList, seen: Set<string>): void {
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
