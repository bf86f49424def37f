// `npm run schema:fixture`: writes __tests__/fixtures/azurerm-4.55.0.schema.json,
// the part of the azurerm provider schema this repository uses (every
// resource and data source type whose @cdktf/provider-azurerm module it
// imports, and the provider block), with its provenance. The schema check
// (__tests__/support/schema-check.ts) reads only that fixture, so it runs
// without ../shared and without a provider binary.
//
// Sources, in this order:
//   --from-terraform   `terraform providers schema -json` where the provider
//                      can be installed (registry or a mirror; run it when the
//                      binding moves to another azurerm release)
//   (default)          the schema kept as data in the shared folder:
//                      $WEAVE_SHARED_DIR/terraform-schemas/*.schema.json.gz,
//                      else <repo>/../shared/terraform-schemas/
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(__dirname, '..');
export const FIXTURE = join(ROOT, '__tests__', 'fixtures', 'azurerm-4.55.0.schema.json');
const AZURERM = 'registry.terraform.io/hashicorp/azurerm';
/** Where the repository's sources import provider modules from. */
const SOURCE_DIRS = ['lib', 'stacks', '__tests__', 'bench', 'scripts'];
const SOURCE_FILES = ['main.ts'];

type Json = Record<string, any>;

/** The shared folder (read-only reference data), if it is laid out here. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of [env.WEAVE_SHARED_DIR, join(ROOT, '..', 'shared')]) if (dir && existsSync(join(dir, 'terraform-schemas'))) return resolve(dir);
  return undefined;
}

/** The shared schema file (`*.schema.json.gz` holding azurerm), if there is one. */
export function sharedSchemaFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = sharedDir(env);
  if (!dir) return undefined;
  const files = readdirSync(join(dir, 'terraform-schemas')).filter((f) => f.endsWith('.schema.json.gz') && f.includes('azurerm')).sort();
  return files.length ? join(dir, 'terraform-schemas', files[files.length - 1]) : undefined;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|js)$/.test(name) ? [p] : [];
  });
}

/** The @cdktf/provider-azurerm modules the repository imports (deep paths), e.g. `linux-virtual-machine`. */
export function azurermModulesImported(root = ROOT): string[] {
  const modules = new Set<string>();
  const files = [...SOURCE_DIRS.flatMap((d) => sourceFiles(join(root, d))), ...SOURCE_FILES.map((f) => join(root, f)).filter(existsSync)];
  for (const f of files) {
    for (const m of readFileSync(f, 'utf8').matchAll(/['"`]@cdktf\/provider-azurerm\/lib\/([a-z0-9-]+)['"`]/g)) modules.add(m[1]);
  }
  return [...modules].sort();
}

/** Resource and data source types of those modules, read from the bindings' own `tfResourceType`. */
export function typesImported(root = ROOT): { resources: string[]; dataSources: string[] } {
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  for (const mod of azurermModulesImported(root)) {
    if (mod === 'provider') continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(`@cdktf/provider-azurerm/lib/${mod}`) as Record<string, { tfResourceType?: unknown }>;
    const types = Object.values(exported).map((c) => c?.tfResourceType).filter((t): t is string => typeof t === 'string');
    if (types.length !== 1) throw new Error(`@cdktf/provider-azurerm/lib/${mod}: expected one class with tfResourceType, found ${types.length}`);
    (mod.startsWith('data-azurerm-') ? dataSources : resources).add(types[0]);
  }
  return { resources: [...resources].sort(), dataSources: [...dataSources].sort() };
}

/**
 * Drops the prose (a string `description` and its `description_kind`; an
 * attribute called `description` is an object and stays) and sorts keys, so
 * the fixture is small and diffs cleanly.
 */
function trim(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(trim);
  if (value && typeof value === 'object') {
    const v = value as Json;
    return Object.fromEntries(Object.keys(v).sort()
      .filter((k) => !((k === 'description' || k === 'description_kind') && typeof v[k] === 'string'))
      .map((k) => [k, trim(v[k])]));
  }
  return value;
}

/** The fixture for `full` (a `terraform providers schema -json` document). */
export function buildFixture(full: Json, provenance: { source: string; sha256: string; generated: string }, root = ROOT): Json {
  const azurerm = full.provider_schemas?.[AZURERM] as Json | undefined;
  if (!azurerm) throw new Error(`the schema has no ${AZURERM}`);
  const { resources, dataSources } = typesImported(root);
  const pick = (table: Json, names: string[], what: string) => Object.fromEntries(names.map((n) => {
    if (!table[n]) throw new Error(`${what} ${n} (imported by the repository) is not in the schema`);
    return [n, trim(table[n])];
  }));
  const version = /(\d+\.\d+\.\d+)/.exec(basename(FIXTURE))![1];
  return {
    provenance: {
      ...provenance,
      command: 'npm run schema:fixture (scripts/schema-fixture.ts)',
      provider: AZURERM,
      version,
    },
    format_version: full.format_version,
    provider_schemas: {
      [AZURERM]: {
        provider: trim(azurerm.provider),
        resource_schemas: pick(azurerm.resource_schemas, resources, 'resource type'),
        data_source_schemas: pick(azurerm.data_source_schemas, dataSources, 'data source'),
        // Both ephemeral resources azurerm has (small): an ephemeral value's source.
        ephemeral_resource_schemas: trim(azurerm.ephemeral_resource_schemas ?? {}),
      },
    },
  };
}

/** The fixture built from the shared schema file, with its provenance. */
export function fixtureFromShared(file: string, generated: string): Json {
  const gz = readFileSync(file);
  const sha256 = createHash('sha256').update(gz).digest('hex');
  return buildFixture(JSON.parse(gunzipSync(gz).toString('utf8')), { source: `shared/terraform-schemas/${basename(file)}`, sha256, generated });
}

/** The fixture built from `terraform providers schema -json`, where the provider can be installed. */
function fixtureFromTerraform(generated: string): Json {
  const version = /(\d+\.\d+\.\d+)/.exec(basename(FIXTURE))![1];
  const dir = mkdtempSync(join(tmpdir(), 'weave-schema-'));
  const terraform = process.env.TERRAFORM_BINARY_NAME || 'terraform';
  try {
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: { azurerm: { source: 'azurerm', version } } } }));
    const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    const init = spawnSync(terraform, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`terraform init failed (the provider must be installable here):\n${init.stdout}${init.stderr}`);
    const schema = spawnSync(terraform, ['providers', 'schema', '-json'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (schema.status !== 0) throw new Error(`terraform providers schema -json failed:\n${schema.stderr}`);
    const sha256 = createHash('sha256').update(schema.stdout).digest('hex');
    return buildFixture(JSON.parse(schema.stdout), { source: `terraform providers schema -json (azurerm ${version})`, sha256, generated });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The fixture's text: stable, one key per line. */
export const fixtureText = (fixture: Json): string => `${JSON.stringify(fixture, null, 1)}\n`;

if (require.main === module) {
  const generated = new Date().toISOString().slice(0, 10);
  let fixture: Json;
  if (process.argv.includes('--from-terraform')) {
    fixture = fixtureFromTerraform(generated);
  } else {
    const file = sharedSchemaFile();
    if (!file) {
      process.stderr.write('no shared schema: lay the shared folder beside the repository (../shared/terraform-schemas) or set WEAVE_SHARED_DIR, or run with --from-terraform where the provider can be installed\n');
      process.exit(1);
    }
    fixture = fixtureFromShared(file, generated);
  }
  writeFileSync(FIXTURE, fixtureText(fixture));
  const p = fixture.provider_schemas[AZURERM];
  process.stdout.write(`${relative(ROOT, FIXTURE)}: ${Object.keys(p.resource_schemas).length} resource types, ${Object.keys(p.data_source_schemas).length} data sources, from ${fixture.provenance.source} (sha256 ${fixture.provenance.sha256})\n`);
}
