import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TfJson = {
  resource: Record<string, Record<string, Record<string, unknown>>>;
  provider: Record<string, Record<string, unknown>[]>;
  output?: Record<string, { value: unknown }>;
  variable?: Record<string, Record<string, unknown>>;
  terraform?: Record<string, unknown>;
};

const ROOT = join(__dirname, '..', '..');

/**
 * Runs the app command from cdktf.json (what `cdktf synth` runs) with its
 * output redirected, and returns the output directory.
 */
export function synthApp(env: Record<string, string> = {}): string {
  const outdir = mkdtempSync(join(tmpdir(), 'weave-synth-'));
  const app = JSON.parse(readFileSync(join(ROOT, 'cdktf.json'), 'utf8')).app as string;
  const res = spawnSync('sh', ['-c', app], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, ...env },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`app failed (${res.status}): ${res.stderr}`);
  return outdir;
}

export function readStack(outdir: string, stack: string): TfJson {
  return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
}

/** Resources of one type, keyed by their `name` attribute (the Azure name). */
export function byName(tf: TfJson, type: string): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const r of Object.values(tf.resource[type] ?? {})) out[r.name as string] = r;
  return out;
}

/** The static text inside `base64decode("...")` of a custom_data/content expression. */
export function decodeBootDocument(expr: string): string {
  const m = /base64decode\("([A-Za-z0-9+/=]+)"\)/.exec(expr);
  if (m) return Buffer.from(m[1], 'base64').toString('utf8');
  return Buffer.from(expr, 'base64').toString('utf8');
}

/**
 * The dedicated servers' provisioner resources of a synthesized stack, by
 * logical id: the `terraform_data` resources with an SSH connection (the
 * library's other `terraform_data` resources hold values, not connections).
 */
export function dedicatedProvisioners(tf: { resource?: Record<string, Record<string, any>> }): Record<string, Record<string, any>> {
  const data = (tf.resource?.terraform_data ?? {}) as Record<string, Record<string, any>>;
  // The teardown steps (destroy-time, `_teardown`) and reclaim steps (`_reclaim`) connect too, but push no boot document.
  return Object.fromEntries(Object.entries(data).filter(([id, r]) => r.connection !== undefined && !/_(teardown|reclaim)$/.test(id)));
}

/** The stack's teardown steps (a dedicated server's destroy-time `weave reset`), by logical id. */
export function teardownSteps(tf: { resource?: Record<string, Record<string, any>> }): Record<string, Record<string, any>> {
  const data = (tf.resource?.terraform_data ?? {}) as Record<string, Record<string, any>>;
  return Object.fromEntries(Object.entries(data).filter(([id]) => id.endsWith('_teardown')));
}

/** The stack's `terraform_data` resources that are not dedicated servers' provisioners. */
export function valueResources(tf: { resource?: Record<string, Record<string, any>> }): Record<string, Record<string, any>> {
  const data = (tf.resource?.terraform_data ?? {}) as Record<string, Record<string, any>>;
  return Object.fromEntries(Object.entries(data).filter(([, r]) => r.connection === undefined));
}

type Config = { resource?: Record<string, Record<string, unknown>>; data?: Record<string, Record<string, unknown>>; locals?: Record<string, unknown> };

const ADDRESS = /(?<![A-Za-z0-9_.-])(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|local\.[A-Za-z0-9_-]+|[a-z][a-z0-9]*_[a-z0-9_]*\.[A-Za-z0-9_-]+)/g;

/** Every address in a configuration: `type.name` for resources (terraform_data included), `data.type.name`, `local.name`. */
function addressTable(tf: Config): Map<string, unknown> {
  const table = new Map<string, unknown>();
  for (const [type, byName] of Object.entries(tf.resource ?? {})) for (const [name, r] of Object.entries(byName)) table.set(`${type}.${name}`, r);
  for (const [type, byName] of Object.entries(tf.data ?? {})) for (const [name, r] of Object.entries(byName)) table.set(`data.${type}.${name}`, r);
  for (const [name, v] of Object.entries(tf.locals ?? {})) table.set(`local.${name}`, v);
  return table;
}

/**
 * The addresses `value` refers to that exist in `table`: in expressions,
 * `depends_on` and `lifecycle.replace_triggered_by` alike (all of them order
 * Terraform's graph). Only addresses that exist count, so text that merely
 * looks like one (a file name) is no reference.
 */
export function referencesIn(value: unknown, table: ReadonlyMap<string, unknown>): string[] {
  const out = new Set<string>();
  for (const m of JSON.stringify(value ?? null).matchAll(ADDRESS)) if (table.has(m[1])) out.add(m[1]);
  return [...out];
}

/** The reference graph of a configuration: each address's direct references, computed once. */
function referenceGraph(tf: Config): (address: string) => string[] {
  const table = addressTable(tf);
  const memo = new Map<string, string[]>();
  return (address) => {
    let refs = memo.get(address);
    if (!refs) memo.set(address, (refs = referencesIn(table.get(address), table)));
    return refs;
  };
}

function reachable(refs: (address: string) => string[], start: string): Set<string> {
  const seen = new Set<string>();
  const queue = refs(start).filter((r) => r !== start);
  while (queue.length) {
    const ref = queue.pop()!;
    if (seen.has(ref)) continue;
    seen.add(ref);
    queue.push(...refs(ref));
  }
  return seen;
}

/**
 * Everything `start` depends on, transitively: every reference followed,
 * through locals, terraform_data and data sources too (a VM that reads a
 * local built from another VM, or is replaced by a terraform_data triggered
 * by one, still waits for it).
 */
export function dependencies(tf: Config, start: string): Set<string> {
  return reachable(referenceGraph(tf), start);
}

/** `vm → other VM` for every VM that depends on another VM: empty when Terraform can create them all in parallel. */
export function vmToVmDependencies(tf: Config): string[] {
  const refs = referenceGraph(tf);
  const vms = Object.keys(tf.resource?.azurerm_linux_virtual_machine ?? {}).map((n) => `azurerm_linux_virtual_machine.${n}`);
  return vms.flatMap((vm) => [...reachable(refs, vm)].filter((d) => d.startsWith('azurerm_linux_virtual_machine.') && d !== vm).map((d) => `${vm} → ${d}`));
}
