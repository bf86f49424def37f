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

/** `type.name` pairs a value refers to. */
export function references(value: unknown): string[] {
  const text = JSON.stringify(value);
  const out = new Set<string>();
  for (const m of text.matchAll(/\b((?:azurerm|null)_[a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)) out.add(`${m[1]}.${m[2]}`);
  return [...out];
}

/**
 * The dedicated servers' provisioner resources of a synthesized stack, by
 * logical id: the `terraform_data` resources with an SSH connection (the
 * library's other `terraform_data` resources hold values, not connections).
 */
export function dedicatedProvisioners(tf: { resource?: Record<string, Record<string, any>> }): Record<string, Record<string, any>> {
  const data = (tf.resource?.terraform_data ?? {}) as Record<string, Record<string, any>>;
  return Object.fromEntries(Object.entries(data).filter(([, r]) => r.connection !== undefined));
}

/** The stack's `terraform_data` resources that are not dedicated servers' provisioners. */
export function valueResources(tf: { resource?: Record<string, Record<string, any>> }): Record<string, Record<string, any>> {
  const data = (tf.resource?.terraform_data ?? {}) as Record<string, Record<string, any>>;
  return Object.fromEntries(Object.entries(data).filter(([, r]) => r.connection === undefined));
}
