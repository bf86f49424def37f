// A strict decoder of `#cloud-config` as today's Flatcar reads it.
//
// Since Flatcar 3975.2.0, coreos-cloudinit decodes cloud-config with a YAML
// library that maps keys to struct fields by their exact `yaml:"..."` tags:
// the old dash-to-underscore conversion is gone and keys it does not know are
// dropped without a word (flatcar/Flatcar#1567, flatcar/scripts#1687). So a
// document is only as good as its keys. This decoder knows exactly the keys
// flatcar/coreos-cloudinit `config/*.go` tags (the table in
// ../shared/DESIGN.md, "Facts added on 2026-12-02"), with their Go types and
// `valid:"..."` patterns, and refuses anything else at every level, where
// Flatcar would silently drop it.
//
// It is stricter than Flatcar in two places, on purpose: a plain YAML scalar
// that is not a string in YAML 1.1 or 1.2 (e.g. `permissions: 0644`, which
// one library reads as 420 and another as 644) is refused for a string
// field, and only `true`/`false` are accepted for a bool (YAML 1.1 also takes
// yes/on). Both are ambiguities a renderer must not lean on.
import { Document, isAlias, isMap, isScalar, isSeq, Node, parseDocument, Scalar } from 'yaml';

/** A field's Go type, as the decoder checks it. */
type FieldType =
  | { kind: 'string'; valid?: RegExp }
  | { kind: 'bool' }
  | { kind: 'int' }
  | { kind: 'strings' }
  | { kind: 'object'; fields: Fields }
  | { kind: 'list'; of: Fields }
  | { kind: 'unmodelled'; why: string };
type Fields = Readonly<Record<string, FieldType>>;

const str = (valid?: RegExp): FieldType => ({ kind: 'string', ...(valid ? { valid } : {}) });
const bool: FieldType = { kind: 'bool' };
const obj = (fields: Fields): FieldType => ({ kind: 'object', fields });
const list = (of: Fields): FieldType => ({ kind: 'list', of });
// Sections coreos-cloudinit decodes but the library never writes, so they
// are not modelled field by field here: any use is reported, not accepted.
const unmodelled = (why: string): FieldType => ({ kind: 'unmodelled', why });

/** `config.UnitDropIn`. */
export const DROP_IN_FIELDS: Fields = { name: str(), content: str() };
/** `config.Unit` (`command` with its `valid` pattern). */
export const UNIT_FIELDS: Fields = {
  name: str(),
  mask: bool,
  enable: bool,
  runtime: bool,
  content: str(),
  command: str(/^(start|stop|restart|reload|try-restart|reload-or-restart|reload-or-try-restart)$/),
  drop_ins: list(DROP_IN_FIELDS),
};
/** `config.File` (`encoding` and `permissions` with their `valid` patterns). */
export const FILE_FIELDS: Fields = {
  encoding: str(/^(base64|b64|gz|gzip|gz\+base64|gzip\+base64|gz\+b64|gzip\+b64)$/),
  content: str(),
  owner: str(),
  path: str(),
  permissions: str(/^0?[0-7]{3,4}$/),
};
/** `config.Update`. */
export const UPDATE_FIELDS: Fields = {
  reboot_strategy: str(/^(best-effort|etcd-lock|reboot|off)$/),
  group: str(),
  server: str(),
};
/** `config.Locksmith`. */
export const LOCKSMITH_FIELDS: Fields = {
  endpoint: str(),
  etcd_cafile: str(),
  etcd_certfile: str(),
  etcd_keyfile: str(),
  group: str(),
  window_start: str(),
  window_length: str(),
};
/** `config.CoreOS`. */
export const COREOS_FIELDS: Fields = {
  etcd: unmodelled('etcd is no longer shipped in Flatcar'),
  etcd2: unmodelled('etcd2 is no longer shipped in Flatcar'),
  flannel: unmodelled('flannel settings are not written by this library'),
  fleet: unmodelled('fleet is no longer shipped in Flatcar'),
  locksmith: obj(LOCKSMITH_FIELDS),
  oem: unmodelled('oem settings are not written by this library'),
  update: obj(UPDATE_FIELDS),
  units: list(UNIT_FIELDS),
};
/** `config.CloudConfig`, the top level. */
export const CLOUD_CONFIG_FIELDS: Fields = {
  ssh_authorized_keys: { kind: 'strings' },
  coreos: obj(COREOS_FIELDS),
  write_files: list(FILE_FIELDS),
  hostname: str(),
  users: unmodelled('users are not written by this library'),
  manage_etc_hosts: str(/^localhost$/),
};

/** A decoded write_files entry (Go zero values for absent fields). */
export interface CloudConfigFile {
  readonly path: string;
  readonly content: string;
  readonly encoding: string;
  readonly owner: string;
  readonly permissions: string;
}
/** A decoded drop-in. */
export interface CloudConfigDropIn {
  readonly name: string;
  readonly content: string;
}
/** A decoded unit (Go zero values for absent fields). */
export interface CloudConfigUnit {
  readonly name: string;
  readonly mask: boolean;
  readonly enable: boolean;
  readonly runtime: boolean;
  readonly content: string;
  readonly command: string;
  readonly drop_ins: readonly CloudConfigDropIn[];
}
/** What coreos-cloudinit acts on from a document this decoder accepts. */
export interface DecodedCloudConfig {
  readonly ssh_authorized_keys: readonly string[];
  readonly hostname: string;
  readonly write_files: readonly CloudConfigFile[];
  readonly units: readonly CloudConfigUnit[];
  readonly update: Readonly<Record<string, string>>;
  readonly locksmith: Readonly<Record<string, string>>;
}

/** Every reason a document is refused, each with its YAML path. */
export class CloudConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cloud-config that today's Flatcar would not read as written:\n  ${problems.join('\n  ')}`);
    this.name = 'CloudConfigError';
  }
}

// Plain scalars YAML 1.1 or 1.2 would read as something other than a string.
const NON_STRING_PLAIN = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0[0-7_]+|0o[0-7]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|<<|=)$/;

function scalarString(node: Scalar, at: string, problems: string[]): string | undefined {
  if (node.tag !== undefined && node.tag !== 'tag:yaml.org,2002:str') {
    problems.push(`${at}: explicit tag ${node.tag} on a string field`);
    return undefined;
  }
  const plain = node.type === Scalar.PLAIN || node.type === undefined;
  const source = String(node.source ?? node.value);
  if (plain && typeof node.value !== 'string') {
    problems.push(`${at}: plain ${JSON.stringify(source)} is read as ${typeof node.value} by YAML; quote it`);
    return undefined;
  }
  if (plain && NON_STRING_PLAIN.test(source)) {
    problems.push(`${at}: plain ${JSON.stringify(source)} is not a string in YAML 1.1 or 1.2; quote it`);
    return undefined;
  }
  return typeof node.value === 'string' ? node.value : source;
}

function decodeValue(node: Node | null | undefined, type: FieldType, at: string, problems: string[]): unknown {
  if (node === null || node === undefined) {
    problems.push(`${at}: empty value`);
    return undefined;
  }
  if (isAlias(node)) {
    problems.push(`${at}: YAML alias; write the value out`);
    return undefined;
  }
  switch (type.kind) {
    case 'unmodelled':
      problems.push(`${at}: not modelled by this decoder (${type.why})`);
      return undefined;
    case 'string': {
      if (!isScalar(node)) {
        problems.push(`${at}: expected a string, got a ${isMap(node) ? 'mapping' : 'sequence'}`);
        return undefined;
      }
      const s = scalarString(node, at, problems);
      if (s !== undefined && type.valid && s !== '' && !type.valid.test(s)) problems.push(`${at}: ${JSON.stringify(s)} does not match ${type.valid}`);
      return s;
    }
    case 'bool':
      if (!isScalar(node) || typeof node.value !== 'boolean' || !/^(true|false)$/.test(String(node.source))) {
        problems.push(`${at}: expected true or false, got ${isScalar(node) ? JSON.stringify(node.source ?? node.value) : 'a collection'}`);
        return undefined;
      }
      return node.value;
    case 'int':
      if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
        problems.push(`${at}: expected an integer`);
        return undefined;
      }
      return node.value;
    case 'strings':
      if (!isSeq(node)) {
        problems.push(`${at}: expected a list of strings`);
        return undefined;
      }
      return node.items.map((item, i) => decodeValue(item as Node, str(), `${at}[${i}]`, problems));
    case 'list':
      if (!isSeq(node)) {
        problems.push(`${at}: expected a list`);
        return undefined;
      }
      return node.items.map((item, i) => decodeFields(item as Node, type.of, `${at}[${i}]`, problems));
    case 'object':
      return decodeFields(node, type.fields, at, problems);
  }
}

function decodeFields(node: Node | null | undefined, fields: Fields, at: string, problems: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isMap(node)) {
    problems.push(`${at}: expected a mapping`);
    return out;
  }
  for (const pair of node.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    if (key === undefined) {
      problems.push(`${at}: a key that is not a plain string`);
      continue;
    }
    const here = at ? `${at}.${key}` : key;
    const type = fields[key];
    if (!type) {
      const near = key.replace(/-/g, '_');
      const hint = near !== key && fields[near] ? ` (coreos-cloudinit reads "${near}"; "${key}" is dropped since Flatcar 3975.2.0)` : '';
      problems.push(`${here}: unknown key; Flatcar drops it${hint}. Known here: ${Object.keys(fields).join(', ')}`);
      continue;
    }
    out[key] = decodeValue(pair.value as Node, type, here, problems);
  }
  return out;
}

/**
 * Decodes a cloud-config document the way today's coreos-cloudinit does, and
 * throws a {@link CloudConfigError} listing every key it would drop, every
 * value of the wrong type and every value its `valid` patterns refuse.
 */
export function decodeCloudConfig(text: string): DecodedCloudConfig {
  const problems: string[] = [];
  const header = text.split('\n', 1)[0].replace(/\s+$/, '');
  if (header !== '#cloud-config') problems.push(`first line is ${JSON.stringify(header)}, not "#cloud-config"`);
  const doc: Document = parseDocument(text, { version: '1.2', uniqueKeys: true, prettyErrors: false });
  for (const e of doc.errors) problems.push(`YAML: ${e.message}`);
  for (const w of doc.warnings) problems.push(`YAML warning: ${w.message}`);
  const top = problems.length ? {} : decodeFields(doc.contents as Node, CLOUD_CONFIG_FIELDS, '', problems);
  if (problems.length) throw new CloudConfigError(problems);
  const coreos = (top.coreos ?? {}) as Record<string, unknown>;
  const files = ((top.write_files ?? []) as Record<string, string>[]).map((f) => ({
    path: f.path ?? '', content: f.content ?? '', encoding: f.encoding ?? '', owner: f.owner ?? '', permissions: f.permissions ?? '',
  }));
  const units = ((coreos.units ?? []) as Record<string, any>[]).map((u) => ({
    name: u.name ?? '',
    mask: u.mask ?? false,
    enable: u.enable ?? false,
    runtime: u.runtime ?? false,
    content: u.content ?? '',
    command: u.command ?? '',
    drop_ins: ((u.drop_ins ?? []) as Record<string, string>[]).map((d) => ({ name: d.name ?? '', content: d.content ?? '' })),
  }));
  return {
    ssh_authorized_keys: (top.ssh_authorized_keys ?? []) as string[],
    hostname: (top.hostname ?? '') as string,
    write_files: files,
    units,
    update: (coreos.update ?? {}) as Record<string, string>,
    locksmith: (coreos.locksmith ?? {}) as Record<string, string>,
  };
}
