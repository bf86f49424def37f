// A strict decoder of Ignition spec 3.3.0 configs: every key of the 3.3.0
// schema (coreos/ignition docs/configuration-v3_3.md) with its JSON type, and
// nothing else. Ignition itself only warns about an unknown key ("Unused
// key") and boots without it; `ignition-validate` prints that warning and
// exits 0. Here any unknown key, at any level, is an error.

type FieldType =
  | 'string' | 'bool' | 'int' | 'strings'
  | { object: Fields }
  | { list: Fields };
type Fields = Readonly<Record<string, FieldType>>;

const HTTP_HEADER: Fields = { name: 'string', value: 'string' };
const VERIFICATION: Fields = { hash: 'string' };
const RESOURCE: Fields = { source: 'string', compression: 'string', httpHeaders: { list: HTTP_HEADER }, verification: { object: VERIFICATION } };
const NODE_OWNER: Fields = { id: 'int', name: 'string' };
const NODE: Fields = { path: 'string', overwrite: 'bool', user: { object: NODE_OWNER }, group: { object: NODE_OWNER } };

/** The 3.3.0 schema, object by object. */
export const IGNITION_33: Fields = {
  ignition: {
    object: {
      version: 'string',
      config: { object: { merge: { list: RESOURCE }, replace: { object: RESOURCE } } },
      timeouts: { object: { httpResponseHeaders: 'int', httpTotal: 'int' } },
      security: { object: { tls: { object: { certificateAuthorities: { list: RESOURCE } } } } },
      proxy: { object: { httpProxy: 'string', httpsProxy: 'string', noProxy: 'strings' } },
    },
  },
  storage: {
    object: {
      disks: {
        list: {
          device: 'string',
          wipeTable: 'bool',
          partitions: {
            list: {
              label: 'string', number: 'int', sizeMiB: 'int', startMiB: 'int', typeGuid: 'string', guid: 'string',
              wipePartitionEntry: 'bool', shouldExist: 'bool', resize: 'bool',
            },
          },
        },
      },
      raid: { list: { name: 'string', level: 'string', devices: 'strings', spares: 'int', options: 'strings' } },
      filesystems: {
        list: {
          device: 'string', format: 'string', path: 'string', wipeFilesystem: 'bool', label: 'string', uuid: 'string',
          options: 'strings', mountOptions: 'strings',
        },
      },
      files: { list: { ...NODE, contents: { object: RESOURCE }, append: { list: RESOURCE }, mode: 'int' } },
      directories: { list: { ...NODE, mode: 'int' } },
      links: { list: { ...NODE, target: 'string', hard: 'bool' } },
      luks: {
        list: {
          name: 'string', device: 'string', keyFile: { object: RESOURCE }, label: 'string', uuid: 'string', options: 'strings',
          wipeVolume: 'bool',
          clevis: {
            object: {
              tang: { list: { url: 'string', thumbprint: 'string' } },
              tpm2: 'bool',
              threshold: 'int',
              custom: { object: { pin: 'string', config: 'string', needsNetwork: 'bool' } },
            },
          },
        },
      },
    },
  },
  systemd: {
    object: {
      units: { list: { name: 'string', enabled: 'bool', mask: 'bool', contents: 'string', dropins: { list: { name: 'string', contents: 'string' } } } },
    },
  },
  passwd: {
    object: {
      users: {
        list: {
          name: 'string', passwordHash: 'string', sshAuthorizedKeys: 'strings', uid: 'int', gecos: 'string', homeDir: 'string',
          noCreateHome: 'bool', primaryGroup: 'string', groups: 'strings', noUserGroup: 'bool', noLogInit: 'bool', shell: 'string',
          shouldExist: 'bool', system: 'bool',
        },
      },
      groups: { list: { name: 'string', gid: 'int', passwordHash: 'string', shouldExist: 'bool', system: 'bool' } },
    },
  },
  kernelArguments: { object: { shouldExist: 'strings', shouldNotExist: 'strings' } },
};

export interface IgnitionFile {
  readonly path: string;
  readonly overwrite?: boolean;
  readonly mode?: number;
  readonly user?: { id?: number; name?: string };
  readonly group?: { id?: number; name?: string };
  readonly contents?: { source?: string; compression?: string };
}
export interface IgnitionUnit {
  readonly name: string;
  readonly enabled?: boolean;
  readonly mask?: boolean;
  readonly contents?: string;
  readonly dropins?: readonly { name: string; contents?: string }[];
}
export interface DecodedIgnition {
  readonly files: readonly IgnitionFile[];
  readonly units: readonly IgnitionUnit[];
}

export class IgnitionConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Ignition config that spec 3.3.0 does not define as written:\n  ${problems.join('\n  ')}`);
    this.name = 'IgnitionConfigError';
  }
}

function check(value: unknown, type: FieldType, at: string, problems: string[]): void {
  if (value === null) return; // Ignition treats null as absent
  if (type === 'string' || type === 'bool' || type === 'int') {
    const ok = type === 'string' ? typeof value === 'string' : type === 'bool' ? typeof value === 'boolean' : Number.isInteger(value);
    if (!ok) problems.push(`${at}: expected ${type}, got ${JSON.stringify(value)}`);
    return;
  }
  if (type === 'strings') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) problems.push(`${at}: expected a list of strings`);
    return;
  }
  if ('list' in type) {
    if (!Array.isArray(value)) problems.push(`${at}: expected a list`);
    else value.forEach((v, i) => checkFields(v, type.list, `${at}[${i}]`, problems));
    return;
  }
  checkFields(value, type.object, at, problems);
}

function checkFields(value: unknown, fields: Fields, at: string, problems: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${at || '(top)'}: expected an object`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const here = at ? `${at}.${k}` : k;
    const type = fields[k];
    if (!type) problems.push(`${here}: unknown key (Ignition 3.3.0 ignores it with a warning). Known here: ${Object.keys(fields).join(', ')}`);
    else check(v, type, here, problems);
  }
}

/**
 * Decodes an Ignition 3.3.0 config strictly: unknown keys, wrong types, a
 * version other than 3.3.0, duplicate file paths or unit names, unit names
 * without a type suffix, drop-ins not ending in `.conf`, modes with
 * setuid/setgid/sticky bits and non-`data:` sources are all refused.
 */
export function decodeIgnition(text: string): DecodedIgnition {
  const problems: string[] = [];
  let cfg: any;
  try {
    cfg = JSON.parse(text);
  } catch (e) {
    throw new IgnitionConfigError([`not JSON: ${(e as Error).message}`]);
  }
  checkFields(cfg, IGNITION_33, '', problems);
  if (cfg?.ignition?.version !== '3.3.0') problems.push(`ignition.version: ${JSON.stringify(cfg?.ignition?.version)}, expected "3.3.0"`);
  const files: IgnitionFile[] = cfg?.storage?.files ?? [];
  const units: IgnitionUnit[] = cfg?.systemd?.units ?? [];
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) problems.push(`storage.files: duplicate path ${f.path}`);
    seen.add(f.path);
    if (typeof f.path === 'string' && !f.path.startsWith('/')) problems.push(`storage.files: path ${f.path} is not absolute`);
    if (f.mode !== undefined && (f.mode & ~0o777) !== 0) problems.push(`storage.files ${f.path}: mode ${f.mode.toString(8)} has bits Ignition does not support`);
    const src = f.contents?.source;
    if (src !== undefined && !src.startsWith('data:')) problems.push(`storage.files ${f.path}: source ${src.slice(0, 40)} is not a data URL (nothing is fetched at boot)`);
  }
  const names = new Set<string>();
  for (const u of units) {
    if (names.has(u.name)) problems.push(`systemd.units: duplicate unit ${u.name}`);
    names.add(u.name);
    if (!/\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/.test(u.name ?? '')) problems.push(`systemd.units: ${u.name} has no unit type suffix`);
    for (const d of u.dropins ?? []) if (!d.name.endsWith('.conf')) problems.push(`systemd.units ${u.name}: drop-in ${d.name} does not end in .conf`);
  }
  if (problems.length) throw new IgnitionConfigError(problems);
  return { files, units };
}

/** The bytes of a `data:` URL (RFC 2397: base64 or percent-encoded). */
export function dataUrlBytes(source: string): Buffer {
  const m = /^data:([^,]*),(.*)$/s.exec(source);
  if (!m) throw new Error(`not a data URL: ${source.slice(0, 40)}`);
  return m[1].endsWith(';base64') ? Buffer.from(m[2], 'base64') : Buffer.from(decodeURIComponent(m[2]), 'latin1');
}
