// The CDK Terrain package, built and used the way a CDK Terrain user gets it:
// lib/ compiled against cdktn 0.24 and @cdktn/provider-azurerm 16 (installed
// from npm into compat/cdktn by `npm ci --prefix compat/cdktn`, which .ci/run
// does before the integration tier), its module specifiers rewritten
// (scripts/cdktn-package.ts), put into a consumer project whose main.js is
// this repository's main.ts (both seed stacks), and synthesized the way a
// CDK Terrain user does it: `cdktn synth` (cdktn-cli 0.24, which needs
// Node.js >= 22.19) on Node.js 22 (WEAVE_NODE22, which .ci/run installs from
// the npm registry with `npm install node@22`), or on this Node.js when it is
// new enough. Its output
// is compared with the cdktf synth of the same app: every difference must be
// one listed and explained below. No network: everything comes from
// compat/cdktn and this repository's node_modules.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ts from 'typescript';
import {
  CDKTN_PACKAGE,
  COMPAT_DIR,
  azurermModulesUsed,
  bindingSurface,
  buildCdktnPackage,
  cdktnInstalled,
  cdktnModules,
  compareBindings,
  compileAgainstCdktn,
  listFiles,
  moduleSpecifiers,
  rewriteSpecifiers,
} from '../scripts/cdktn-package';
import { synthApp } from './support/synth';
import { describeWhen } from './support/skip';

type Json = Record<string, any>;
const ROOT = realpathSync(join(__dirname, '..'));
const MODULES = join(COMPAT_DIR, 'node_modules');
const STACKS = ['weave-seed', 'weave-seed-keyvault'];
const TIMEOUT_MS = 240_000;

/**
 * Every way the CDK Terrain synth of main.ts differs from the cdktf one, and
 * why. `cdktf` / `cdktn` are the values in the two outputs; the test fails on
 * any difference not listed here, and on any listed one that is gone.
 */
const EXPLAINED: { path: string; cdktf: unknown; cdktn: unknown; why: string }[] = [
  {
    path: 'terraform.required_providers.azurerm.version',
    cdktf: '4.55.0',
    cdktn: '4.73.0',
    why: 'each provider binding pins, exactly, the azurerm release it was generated from: @cdktf/provider-azurerm 14.23.1 is 4.55.0, @cdktn/provider-azurerm 16.1.0 is 4.73.0',
  },
  {
    path: '//.metadata.version',
    cdktf: '0.21.0',
    cdktn: '0.24.0',
    why: 'the stack metadata records the version of the core library that synthesized it (cdktf 0.21.0, cdktn 0.24.0); Terraform ignores `//` keys',
  },
];

/** Where two JSON values differ: paths (dot-joined keys, [i] for arrays) with both values. */
function jsonDiff(a: unknown, b: unknown, path = ''): { path: string; cdktf: unknown; cdktn: unknown }[] {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String) : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => jsonDiff((a as Json)[k], (b as Json)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, cdktf: a, cdktn: b }];
}

/** The TypeScript examples in docs/cdk-terrain.md that import the CDK Terrain package. */
function docExamples(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'cdk-terrain.md'), 'utf8');
  return [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes(`from '${CDKTN_PACKAGE}'`));
}

const missing = cdktnInstalled();
const CDKTN = {
  what: 'CDK Terrain (cdktn 0.24 and @cdktn/provider-azurerm 16.1, in compat/cdktn)',
  missing,
  install: 'npm ci --prefix compat/cdktn (fetches them from the npm registry once; .ci/run does it before the integration tier)',
};
const suite = (title: string, body: () => void) => describeWhen(title, CDKTN, body);

/** Node.js >= 22.19 for cdktn-cli: WEAVE_NODE22, or this process's node when new enough. */
function node22(): { path?: string; version?: string; problem?: string } {
  const candidates = [process.env.WEAVE_NODE22, process.execPath].filter((p): p is string => !!p);
  for (const path of candidates) {
    const res = spawnSync(path, ['--version'], { encoding: 'utf8' });
    const m = /^v(\d+)\.(\d+)\.(\d+)/.exec(res.stdout ?? '');
    if (m && (Number(m[1]) > 22 || (Number(m[1]) === 22 && Number(m[2]) >= 19))) return { path, version: res.stdout.trim() };
  }
  return { problem: `no Node.js >= 22.19 (this one is ${process.version}${process.env.WEAVE_NODE22 ? `, WEAVE_NODE22=${process.env.WEAVE_NODE22} is not one` : ', WEAVE_NODE22 is not set'})` };
}
const NODE22 = node22();
const CDKTN_CLI = join(MODULES, 'cdktn-cli', 'bin', 'cdktn');
const CLI = {
  what: 'cdktn-cli 0.24 on Node.js >= 22.19',
  missing: NODE22.problem ?? (existsSync(CDKTN_CLI) ? undefined : `${CDKTN_CLI} is not installed`),
  install: 'npm install --prefix /tmp/node22 node@22 (the npm registry\'s Node.js build) and set WEAVE_NODE22=/tmp/node22/node_modules/node/bin/node; npm ci --prefix compat/cdktn installs cdktn-cli (.ci/run does both)',
};

/** Env for node and tsc children: nothing inherited that changes module resolution. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', ...extra };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  return env;
}

describeWhen('CDK Terrain: one source built into the cdktn-weave-azure package', [CDKTN, CLI], () => {
  let tmp: string;
  let consumer: string;
  let rewrites: [string, string, string][];
  let loaded: string[];
  let appOutput: string;
  let appNode: string;
  const synth: Record<'cdktf' | 'cdktn', Record<string, { tf: Json; files: Record<string, string> }>> = { cdktf: {}, cdktn: {} };

  /** cdk.tf.json (with the working directory written `<cwd>`) and the other files of each stack. */
  const readOut = (outdir: string, cwd: string) => Object.fromEntries(STACKS.map((s) => {
    const dir = join(outdir, 'stacks', s);
    const files = Object.fromEntries(readdirSync(dir).filter((f) => f !== 'cdk.tf.json').map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const tf = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8').split(cwd).join('<cwd>')) as Json;
    return [s, { tf, files }];
  }));

  beforeAll(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'weave-cdktn-')));
    const started = performance.now();
    rewrites = buildCdktnPackage(join(tmp, 'package'));
    process.stderr.write(`cdk-terrain.test: built ${CDKTN_PACKAGE} (tsc against cdktn + rewrite) in ${Math.round(performance.now() - started)} ms\n`);

    // "npm install cdktn-weave-azure cdktn @cdktn/provider-azurerm constructs", minus the registry.
    consumer = join(tmp, 'consumer');
    const modules = join(consumer, 'node_modules');
    cpSync(join(tmp, 'package'), join(modules, CDKTN_PACKAGE), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(tmp, 'package', 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies)) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name), 'dir');
    for (const name of Object.keys(manifest.peerDependencies)) {
      mkdirSync(dirname(join(modules, name)), { recursive: true });
      symlinkSync(join(MODULES, name), join(modules, name), 'dir');
    }

    // This repository's app (main.ts and the stacks it builds), as JavaScript
    // importing the package instead of ../lib.
    const toPackage = { './lib': CDKTN_PACKAGE, '../lib': CDKTN_PACKAGE, '../lib/backend': CDKTN_PACKAGE };
    for (const file of ['main.ts', 'stacks/seed.ts', 'stacks/backend.ts']) {
      const js = ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
      }).outputText;
      const target = join(consumer, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, rewriteSpecifiers(js, target, toPackage).text);
    }
    // The allocation record sits beside cdktf.json, i.e. in the working directory.
    cpSync(join(ROOT, 'weave-allocation.json'), join(consumer, 'weave-allocation.json'));
    writeFileSync(join(consumer, 'loaded.js'), "process.on('exit', () => require('fs').writeFileSync(__dirname + '/loaded.json', JSON.stringify({ node: process.version, modules: Object.keys(require.cache) })));\n");
    // What `cdktn init` writes, with the app run through the module recorder.
    writeFileSync(join(consumer, 'cdktf.json'), JSON.stringify({
      language: 'typescript', app: 'node -r ./loaded.js main.js', output: 'cdktf.out', sendCrashReports: 'false',
      terraformProviders: [], terraformModules: [], context: {},
    }, null, 2));
    // The real CLI on Node 22; the app it starts (`node`) is that Node too.
    const run = spawnSync(NODE22.path!, [CDKTN_CLI, 'synth'], {
      cwd: consumer,
      env: childEnv({ PATH: `${dirname(NODE22.path!)}:${process.env.PATH ?? ''}`, FORCE_COLOR: '0', CI: '1' }),
      encoding: 'utf8',
      timeout: 180_000,
    });
    if (run.status !== 0) throw new Error(`cdktn synth failed (${run.status ?? run.signal}):\n${run.stderr}\n${run.stdout}`);
    appOutput = `${run.stdout}${run.stderr}`;
    const recorded = JSON.parse(readFileSync(join(consumer, 'loaded.json'), 'utf8')) as { node: string; modules: string[] };
    appNode = recorded.node;
    loaded = recorded.modules;
    synth.cdktn = readOut(join(consumer, 'cdktf.out'), consumer);

    const outdir = synthApp();
    try {
      synth.cdktf = readOut(outdir, ROOT);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, TIMEOUT_MS);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('every cdktf module the compiled library names is rewritten to its CDK Terrain counterpart, which exists', () => {
    const targets = [...new Set(rewrites.map(([, , to]) => to))].sort();
    expect(targets).toContain('cdktn');
    expect(targets).toContain('cdktn/lib/synthesize/synthesizer');
    expect(targets.filter((t) => t.startsWith('@cdktn/provider-azurerm/lib/')).length).toBeGreaterThanOrEqual(20);
    expect(targets.every((t) => /^(cdktn|cdktn\/lib\/[a-z/-]+|@cdktn\/provider-azurerm\/lib\/[a-z0-9-]+)$/.test(t))).toBe(true);
    // Each resolves from the consumer (the deep paths included).
    for (const t of targets) expect(() => require.resolve(t, { paths: [join(consumer, 'node_modules', CDKTN_PACKAGE)] })).not.toThrow();
    // Nothing in the package still names a cdktf module.
    const left = listFiles(join(tmp, 'package', 'dist')).flatMap((f) =>
      moduleSpecifiers(readFileSync(join(tmp, 'package', 'dist', f), 'utf8'), f).filter((s) => /^(@cdktf\/|cdktf($|\/))/.test(s.text)).map((s) => `${f}: ${s.text}`));
    expect(left).toEqual([]);
  });

  test('the package declares CDK Terrain peers only, with the ranges compat/cdktn installs', () => {
    const manifest = JSON.parse(readFileSync(join(tmp, 'package', 'package.json'), 'utf8')) as Json;
    const compat = JSON.parse(readFileSync(join(COMPAT_DIR, 'package.json'), 'utf8')) as Json;
    expect(manifest.name).toBe(CDKTN_PACKAGE);
    expect(manifest.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(manifest.peerDependencies).toEqual({
      '@cdktn/provider-azurerm': compat.dependencies['@cdktn/provider-azurerm'],
      cdktn: compat.dependencies.cdktn,
      constructs: compat.dependencies.constructs,
    });
    expect(JSON.stringify(manifest)).not.toMatch(/cdktf\b(?!-weave)|@cdktf|provider-null/);
  });

  test('`cdktn synth` on Node 22 synthesizes both seed stacks of main.ts, and no cdktf module is loaded', () => {
    expect(Object.keys(synth.cdktn)).toEqual(STACKS);
    expect(appNode).toBe(NODE22.version);
    expect(Number(/^v(\d+)/.exec(appNode)![1])).toBeGreaterThanOrEqual(22);
    // The CLI's own report, and no warning or error from cdktn's checks or the library's.
    expect(appOutput).toMatch(/Generated Terraform code for the stacks: weave-seed, weave-seed-keyvault/);
    expect(appOutput).not.toMatch(/warn|error|deprecat/i);
    const fromNodeModules = loaded.filter((f) => f.includes(`${join('node_modules')}/`));
    expect(fromNodeModules.filter((f) => /node_modules\/(cdktf|@cdktf)\//.test(f))).toEqual([]);
    const cdktnCore = realpathSync(cdktnModules().cdktn);
    expect(loaded.some((f) => f.startsWith(`${cdktnCore}/`))).toBe(true);
    expect(loaded.some((f) => f.startsWith(`${realpathSync(cdktnModules().azurerm)}/lib/linux-virtual-machine/`))).toBe(true);
    for (const s of STACKS) expect(Object.keys(synth.cdktn[s].tf.resource.azurerm_linux_virtual_machine)).toHaveLength(4);
  });

  test.each(STACKS)('%s: the output equals the cdktf synth except the listed, explained differences', (stack) => {
    const diff = jsonDiff(synth.cdktf[stack].tf, synth.cdktn[stack].tf);
    process.stderr.write(`cdk-terrain.test: ${stack}: ${diff.length} difference(s) between the cdktf and the cdktn synth:\n${
      diff.map((d) => `  ${d.path}: ${JSON.stringify(d.cdktf)} -> ${JSON.stringify(d.cdktn)} (${EXPLAINED.find((e) => e.path === d.path)?.why ?? 'UNEXPLAINED'})`).join('\n')}\n`);
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(diff.sort(byPath)).toEqual(EXPLAINED.map(({ path, cdktf, cdktn }) => ({ path, cdktf, cdktn })).sort(byPath));
    // Same resources, attributes, provisioners and moved block: the seed is not vacuous.
    const tf = synth.cdktn[stack].tf;
    expect(tf.resource.terraform_data).toBeDefined();
    expect(tf.moved).toHaveLength(1);
    expect(Object.keys(tf.terraform.required_providers)).toEqual(['azurerm']);
  });

  test.each(STACKS)('%s: the pictures and other files written beside cdk.tf.json are identical', (stack) => {
    const [a, b] = [synth.cdktf[stack].files, synth.cdktn[stack].files];
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(Object.keys(a).some((f) => f.endsWith('.svg'))).toBe(true);
    for (const f of Object.keys(a)) expect([f, b[f] === a[f]]).toEqual([f, true]);
  });

  test('the diff is not blind: an attribute the cdktn binding dropped would show up unexplained (negative control)', () => {
    const tf = structuredClone(synth.cdktn['weave-seed'].tf);
    const vm = Object.values(tf.resource.azurerm_linux_virtual_machine as Json)[0] as Json;
    delete vm.computer_name;
    const diff = jsonDiff(synth.cdktf['weave-seed'].tf, tf).map((d) => d.path);
    expect(diff.filter((p) => !EXPLAINED.some((e) => e.path === p))).toEqual([expect.stringMatching(/^resource\.azurerm_linux_virtual_machine\.[^.]+\.computer_name$/)]);
  });

  test('a CDK Terrain TypeScript project compiles the examples of docs/cdk-terrain.md against the package; a misuse fails', () => {
    const examples = docExamples();
    expect(examples.length).toBeGreaterThanOrEqual(1);
    examples.forEach((code, i) => writeFileSync(join(consumer, `example-${i + 1}.ts`), code));
    writeFileSync(join(consumer, 'misuse.ts'), `import { App, TerraformStack } from 'cdktn';\nimport { WeaveNetwork } from '${CDKTN_PACKAGE}';\nnew WeaveNetwork(new TerraformStack(new App(), 's'), 'mesh', { notAProp: true });\n`);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', strict: true, esModuleInterop: true, noEmit: true, skipLibCheck: false, types: [] },
      files: [...examples.map((_, i) => `example-${i + 1}.ts`), 'misuse.ts'],
    }));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--pretty', 'false', '--listFiles'], {
      cwd: consumer, env: childEnv(), encoding: 'utf8', timeout: 120_000,
    });
    const errors = tsc.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
    expect(errors).toEqual([expect.stringMatching(/^misuse\.ts\(3,\d+\): error TS2353: .*'notAProp'/)]);
    // The declarations came from the package and the CDK Terrain packages, none from cdktf.
    expect(tsc.stdout).toContain(join(consumer, 'node_modules', CDKTN_PACKAGE, 'dist', 'lib', 'index.d.ts'));
    expect(tsc.stdout).toMatch(/node_modules\/cdktn\/lib\/index\.d\.ts/);
    expect(tsc.stdout).not.toMatch(/node_modules\/(cdktf|@cdktf)\//);
  }, 120_000);

  test('the docs example synthesizes with CDK Terrain: Azure VMs and a dedicated server without any null provider', () => {
    const [example] = docExamples();
    const js = ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    const dir = join(consumer, 'doc-app');
    mkdirSync(dir);
    symlinkSync(join(consumer, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'main.js'), js);
    const run = spawnSync(process.execPath, ['main.js'], { cwd: dir, env: childEnv({ CDKTF_OUTDIR: join(dir, 'cdktf.out') }), encoding: 'utf8', timeout: 120_000 });
    expect([run.status, run.stderr]).toEqual([0, '']);
    const stacks = readdirSync(join(dir, 'cdktf.out', 'stacks'));
    expect(stacks).toHaveLength(1);
    const tf = JSON.parse(readFileSync(join(dir, 'cdktf.out', 'stacks', stacks[0], 'cdk.tf.json'), 'utf8')) as Json;
    expect(tf.terraform.required_providers).toEqual({ azurerm: { source: 'azurerm', version: '4.73.0' } });
    expect(Object.keys(tf.resource.azurerm_linux_virtual_machine).length).toBeGreaterThanOrEqual(1);
    // The dedicated server through terraform_data alone: its provisioning step, and its teardown step
    // (issue 21: a destroy-time provisioner, with count), both over SSH.
    const ssh = Object.values(tf.resource.terraform_data as Json).filter((r) => (r as Json).connection) as Json[];
    expect(ssh.map((r) => (r.count === undefined ? 'provision' : 'teardown')).sort()).toEqual(['provision', 'teardown']);
    expect(ssh.find((r) => r.count !== undefined)!.provisioner[0]['remote-exec'].when).toBe('destroy');
  });
});

suite('CDK Terrain: the azurerm binding offers everything the library uses', () => {
  const sources = [...listFiles(join(ROOT, 'lib')).map((f) => join(ROOT, 'lib', f)), ...listFiles(join(ROOT, 'stacks')).map((f) => join(ROOT, 'stacks', f))].filter((f) => f.endsWith('.ts'));
  const used = azurermModulesUsed(sources);
  const cdktfAzurerm = join(ROOT, 'node_modules', '@cdktf', 'provider-azurerm');

  test('the two bindings pin azurerm 4.55.0 (cdktf) and 4.73.0 (cdktn)', () => {
    const pinned = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Json).cdktf.provider;
    expect(pinned(cdktfAzurerm)).toEqual({ name: 'registry.terraform.io/hashicorp/azurerm', version: '4.55.0' });
    expect(pinned(cdktnModules().azurerm)).toEqual({ name: 'registry.terraform.io/hashicorp/azurerm', version: '4.73.0' });
  });

  test('every public class, config prop, getter, setter and method of the azurerm modules the library imports is in the cdktn binding, with the same type', () => {
    expect(used.length).toBeGreaterThanOrEqual(20);
    expect(used).toEqual(expect.arrayContaining(['linux-virtual-machine', 'lb', 'network-security-rule', 'key-vault-secret', 'provider']));
    const diffs = compareBindings(cdktfAzurerm, cdktnModules().azurerm, used);
    const members = diffs.reduce((n, d) => n + d.members, 0);
    process.stderr.write(`cdk-terrain.test: ${used.length} azurerm modules, ${members} public members compared; the cdktn binding adds: ${
      diffs.filter((d) => d.added.length).map((d) => `${d.module} (${d.added.length}: ${d.added.filter((a) => /^interface \w+Config\./.test(a)).join('; ')})`).join(', ') || 'nothing'}\n`);
    expect(members).toBeGreaterThan(2000);
    expect(diffs.filter((d) => d.missing.length).map((d) => [d.module, d.missing])).toEqual([]);
  });

  test('the comparison sees a missing config prop and a changed type (negative control)', () => {
    const dts = readFileSync(join(cdktfAzurerm, 'lib', 'lb', 'index.d.ts'), 'utf8');
    const full = bindingSurface(dts);
    expect(full.has('interface LbConfig.sku?: string')).toBe(true);
    expect(full.has('class Lb.set sku(string)')).toBe(true);
    const without = bindingSurface(dts.replace(/^\s+readonly sku\?: string;$/m, ''));
    expect([...full].filter((x) => !without.has(x))).toEqual(['interface LbConfig.sku?: string']);
    const retyped = bindingSurface(dts.replace(/^(\s+)readonly sku\?: string;$/m, '$1readonly sku?: number;'));
    expect([...full].filter((x) => !retyped.has(x))).toEqual(['interface LbConfig.sku?: string']);
  });

  test('lib/ compiled against a binding whose LbConfig lacks `sku` fails, naming it (the build\'s type check can fail)', () => {
    const fake = realpathSync(mkdtempSync(join(tmpdir(), 'weave-cdktn-fake-')));
    try {
      const nm = join(fake, 'node_modules');
      const real = cdktnModules();
      mkdirSync(join(nm, '@cdktn', 'provider-azurerm', 'lib'), { recursive: true });
      symlinkSync(real.cdktn, join(nm, 'cdktn'), 'dir');
      symlinkSync(real.constructs, join(nm, 'constructs'), 'dir');
      cpSync(join(real.azurerm, 'package.json'), join(nm, '@cdktn', 'provider-azurerm', 'package.json'));
      for (const m of used) {
        const target = join(nm, '@cdktn', 'provider-azurerm', 'lib', m);
        if (m !== 'lb') {
          symlinkSync(join(real.azurerm, 'lib', m), target, 'dir');
          continue;
        }
        mkdirSync(target);
        cpSync(join(real.azurerm, 'lib', m, 'index.js'), join(target, 'index.js'));
        const dts = readFileSync(join(real.azurerm, 'lib', m, 'index.d.ts'), 'utf8');
        const edited = dts.replace(/^\s+readonly sku\?: string;$/m, '');
        expect(edited).not.toBe(dts);
        writeFileSync(join(target, 'index.d.ts'), edited);
      }
      expect(() => compileAgainstCdktn(join(fake, 'out'), nm)).toThrow(/lib\/constructs\/kinds\/azure\/cluster\.ts\(\d+,\d+\): error TS2353: .*'sku' does not exist in type 'LbConfig'/);
      expect(existsSync(join(fake, 'out'))).toBe(false);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the specifier rewrite (no CDK Terrain packages needed)', () => {
  test('rewrites import, export, require, import() and import types; leaves other modules and plain text alone', () => {
    const js = `const a = require("cdktf");\nconst b = require('cdktf/lib/synthesize/synthesizer');\nconst c = require("@cdktf/provider-azurerm/lib/lb");\nconst d = require("yaml");\nconst msg = "run cdktf synth";\nimport("cdktf");\n`;
    const out = rewriteSpecifiers(js, 'x.js');
    expect(out.text).toBe(`const a = require("cdktn");\nconst b = require('cdktn/lib/synthesize/synthesizer');\nconst c = require("@cdktn/provider-azurerm/lib/lb");\nconst d = require("yaml");\nconst msg = "run cdktf synth";\nimport("cdktn");\n`);
    expect(out.changed).toEqual([['cdktf', 'cdktn'], ['cdktf/lib/synthesize/synthesizer', 'cdktn/lib/synthesize/synthesizer'], ['@cdktf/provider-azurerm/lib/lb', '@cdktn/provider-azurerm/lib/lb'], ['cdktf', 'cdktn']]);
    const dts = `import { Construct } from 'constructs';\nimport * as cdktf from 'cdktf';\nexport { Lb } from '@cdktf/provider-azurerm/lib/lb';\nexport declare const x: typeof import('@cdktf/provider-azurerm/lib/lb').Lb;\n/** see 'cdktf' */\n`;
    expect(rewriteSpecifiers(dts, 'x.d.ts').text).toBe(`import { Construct } from 'constructs';\nimport * as cdktf from 'cdktn';\nexport { Lb } from '@cdktn/provider-azurerm/lib/lb';\nexport declare const x: typeof import('@cdktn/provider-azurerm/lib/lb').Lb;\n/** see 'cdktf' */\n`);
  });

  test('stops at a cdktf module without a CDK Terrain counterpart, and at a module name outside an import', () => {
    expect(() => rewriteSpecifiers(`const { Resource } = require("@cdktf/provider-null/lib/resource");\n`, 'host.js')).toThrow(/'@cdktf\/provider-null\/lib\/resource' has no CDK Terrain counterpart/);
    expect(() => rewriteSpecifiers(`const name = "cdktf";\nrequire(name);\n`, 'x.js')).toThrow(/x\.js:1: the string 'cdktf' names a cdktf module outside an import/);
  });

  test('the library itself names no cdktf module the rewrite cannot map', () => {
    const files = listFiles(join(ROOT, 'lib')).filter((f) => f.endsWith('.ts'));
    const names = new Set(files.flatMap((f) => moduleSpecifiers(readFileSync(join(ROOT, 'lib', f), 'utf8'), f).map((s) => s.text)));
    const cdktfModules = [...names].filter((n) => /^(@cdktf\/|cdktf($|\/))/.test(n));
    expect(cdktfModules.length).toBeGreaterThan(10);
    expect(cdktfModules.filter((n) => n.startsWith('@cdktf/provider-null'))).toEqual([]);
    for (const f of files) expect(() => rewriteSpecifiers(readFileSync(join(ROOT, 'lib', f), 'utf8'), f)).not.toThrow();
  });
});
