// A synthesized stack turned into one Terraform can apply here, with no
// provider: every resource and data source becomes a built-in
// `terraform_data` whose `input` holds the very arguments the stack gives it
// (references rewritten to the stand-ins), write-only arguments and
// provisioner uploads become `local-exec` steps that write into local
// directories (the "vault" and the "host"), and remote commands become
// lines of a log (which resource, at create or destroy). Variables, locals
// and outputs stay as they are. So Terraform itself evaluates every
// expression, plans, applies and keeps state, and a test can read what it
// kept.
import { spawnSync } from 'node:child_process';
import { posix } from 'node:path';

type Json = Record<string, any>;

/** Resource arguments that are Terraform's, not the resource type's. */
const META = new Set(['//', 'provider', 'depends_on', 'lifecycle', 'count', 'for_each', 'provisioner', 'connection', 'triggers', 'triggers_replace']);
const WRITE_ONLY = /_wo$/;
// Not after a `.`: `terraform_data.<stand-in>` is already rewritten.
const REF = /(?<![A-Za-z0-9_.])(data\.)?((?:azurerm|null)_[a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\.([a-z_]+))?/g;

const standInName = (data: boolean, type: string, name: string) => `${data ? 'data__' : ''}${type}__${name}`;

/** Attribute values Terraform would learn from Azure, made up per attribute. */
function fakeAttribute(type: string, name: string, attr: string): string {
  if (attr === 'vault_uri') return 'https://weavekv.vault.azure.net/';
  if (attr === 'id') return `/subscriptions/00000000-0000-0000-0000-000000000000/fake/${type}/${name}`;
  if (/_id$/.test(attr)) return `${attr}-of-${name}`.replace(/[^A-Za-z0-9-]/g, '-');
  return `fake-${attr}-of-${name}`;
}

function rewrite(value: unknown): any {
  if (typeof value === 'string') {
    return value.replace(REF, (_m, data: string | undefined, type: string, name: string, attr: string | undefined) =>
      `terraform_data.${standInName(!!data, type, name)}${attr ? `.output.${attr}` : ''}`);
  }
  if (Array.isArray(value)) return value.map(rewrite);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').map(([k, v]) => [k, rewrite(v)]));
  return value;
}

/** Every `<type>.<name>.<attr>` read anywhere in the stack. */
function readAttributes(tf: Json): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of JSON.stringify(tf).matchAll(REF)) {
    if (!m[4]) continue;
    const key = `${m[1] ? 'data.' : ''}${m[2]}.${m[3]}`;
    if (!out.has(key)) out.set(key, new Set());
    out.get(key)!.add(m[4]);
  }
  return out;
}

/** A shell command that writes `$CONTENT` to a file, for a stand-in upload. */
const writeContent = (file: string) => ({ command: `mkdir -p "$(dirname '${file}')" && umask 077 && printf '%s' "$CONTENT" > '${file}'` });

/**
 * The stand-in configuration.
 *
 * @param tf - synthesized `cdk.tf.json`
 * @param dir - where uploads land: `<dir>/host/<file>` for provisioner
 *   uploads, `<dir>/vault/<secret name>` for write-only secret values
 */
export function standInConfig(tf: Json, dir: string): Json {
  const read = readAttributes(tf);
  const resources: Json = {};
  for (const [type, byName] of Object.entries((tf.data ?? {}) as Json)) {
    for (const name of Object.keys(byName)) {
      const attrs = [...(read.get(`data.${type}.${name}`) ?? [])];
      resources[standInName(true, type, name)] = { input: Object.fromEntries(attrs.map((a) => [a, fakeAttribute(type, name, a)])) };
    }
  }
  for (const [type, byName] of Object.entries(tf.resource as Json)) {
    for (const [name, r] of Object.entries(byName as Json)) {
      // A dedicated server's provisioner (it has a connection) is stood in for below like any other resource.
      if (type === 'terraform_data' && !(r as Json).connection) {
        // Already built in; only its local commands must not really run.
        const { '//': _, ...rest } = r as Json;
        resources[name] = ({
          ...rest,
          ...(rest.provisioner ? { provisioner: rest.provisioner.map((p: Json) => ('local-exec' in p ? { 'local-exec': { command: `: ${p['local-exec'].command}` } } : p)) } : {}),
        });
        continue;
      }
      const args = Object.fromEntries(Object.entries(r as Json).filter(([k]) => !META.has(k) && !WRITE_ONLY.test(k)));
      const computed = [...(read.get(`${type}.${name}`) ?? [])].filter((a) => !(a in args));
      const provisioners: Json[] = [];
      for (const [k, v] of Object.entries(r as Json)) {
        // A write-only argument reaches its service (here: a file in the "vault") and nothing else.
        if (WRITE_ONLY.test(k)) provisioners.push({ 'local-exec': { ...writeContent(`${dir}/vault/${(r as Json).name}`), environment: { CONTENT: v } } });
      }
      for (const p of ((r as Json).provisioner ?? []) as Json[]) {
        if ('file' in p) provisioners.push({ 'local-exec': { ...writeContent(`${dir}/host/${posix.basename(p.file.destination)}`), environment: { CONTENT: p.file.content } } });
        // A destroy-time step stays one (a dedicated server's teardown), and reads its connection from `self`.
        // Remote commands are logged, one line each (`<resource> create|destroy`), to `<dir>/remote-exec.log`.
        else if ('remote-exec' in p) {
          const when = p['remote-exec'].when as string | undefined;
          provisioners.push({ 'local-exec': { command: `echo '${name} ${when ?? 'create'}' >> '${dir}/remote-exec.log'`, ...(when ? { when } : {}) } });
        }
        else provisioners.push({ 'local-exec': { command: `: ${p['local-exec'].command}` } });
      }
      const lifecycle = (r as Json).lifecycle?.replace_triggered_by ? { replace_triggered_by: (r as Json).lifecycle.replace_triggered_by } : undefined;
      // A terraform_data keeps its name: other resources' depends_on name it.
      resources[type === 'terraform_data' ? name : standInName(false, type, name)] = ({
        // A terraform_data keeps its own input (its connection may read `self.input`).
        input: type === 'terraform_data' && args.input !== undefined
          ? args.input
          : { ...args, ...Object.fromEntries(computed.map((a) => [a, fakeAttribute(type, name, a)])) },
        ...(((r as Json).triggers_replace ?? (r as Json).triggers) ? { triggers_replace: (r as Json).triggers_replace ?? (r as Json).triggers } : {}),
        ...((r as Json).count !== undefined ? { count: (r as Json).count } : {}),
        ...((r as Json).depends_on ? { depends_on: (r as Json).depends_on } : {}),
        ...(lifecycle ? { lifecycle } : {}),
        ...((r as Json).connection ? { connection: (r as Json).connection } : {}),
        ...(provisioners.length ? { provisioner: provisioners } : {}),
      });
    }
  }
  return rewrite({
    variable: tf.variable,
    ...(tf.locals ? { locals: tf.locals } : {}),
    ...(tf.output ? { output: tf.output } : {}),
    resource: { terraform_data: resources },
  });
}

/** Runs the configured Terraform in `dir`; throws with its output on failure. */
export function terraform(dir: string, args: string[], env: Record<string, string>): string {
  const res = spawnSync(process.env.TERRAFORM_BINARY_NAME ?? 'terraform', args, {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', ...env },
  });
  if (res.error) throw new Error(`terraform is not runnable here (${res.error.message}); the machines provide /usr/local/bin/terraform`);
  if (res.status !== 0) {
    const shown = `${res.stdout}\n${res.stderr}`.replace(/[A-Za-z0-9+/=]{120,}/g, '<base64>').slice(0, 6000);
    throw new Error(`terraform ${args.join(' ')} failed:\n${shown}`);
  }
  return res.stdout;
}

/**
 * Whether `secret` is in `text`, as is or inside base64 (nested up to three
 * times: a password in a base64 env file inside a base64 boot document).
 */
export function contains(text: string, secret: string, depth = 0): boolean {
  if (text.includes(secret)) return true;
  if (depth >= 3) return false;
  for (const m of text.matchAll(/[A-Za-z0-9+/]{16,}={0,2}/g)) {
    for (let off = 0; off < 4; off++) {
      if (contains(Buffer.from(m[0].slice(off), 'base64').toString('latin1'), secret, depth + 1)) return true;
    }
  }
  return false;
}
