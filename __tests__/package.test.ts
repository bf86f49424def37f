// The package as a user gets it: `npm pack` (prepack compiles lib/ with
// tsconfig.build.json), the tarball unpacked into a separate cdktf project's
// node_modules, and that project's main.js requiring it by package name.
// No network: the tarball is extracted with tar, and the package's
// dependencies and peers are symlinked from this repo's node_modules.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';

const ROOT = realpathSync(join(__dirname, '..'));
const PACKAGE = 'cdktf-weave-azure';

interface ConsumerReport {
  entry: string;
  packageJson: string;
  deepImportError: string | null;
  loaded: string[];
}

interface Synthesized {
  resource?: Record<string, Record<string, unknown>>;
}

let tmp: string;
let project: string;
let tarEntries: string[];
let packMs: number;
let report: ConsumerReport;
let synthesized: Synthesized;
const links: string[] = [];

/** Env for npm and node children: no registry access, nothing inherited that changes resolution. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    // prepack must run, or the tarball would hold whatever dist/ had.
    npm_config_ignore_scripts: 'false',
    ...extra,
  };
  delete env.NODE_PATH;
  delete env.NODE_OPTIONS;
  delete env.npm_config_dry_run;
  return env;
}

const MAIN_JS = `'use strict';
const path = require('path');
const { App, TerraformStack } = require('cdktf');
const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
const { WeaveNetwork, WeaveCluster, WeaveHost } = require('${PACKAGE}');

const app = new App({ outdir: path.join(__dirname, 'cdktf.out') });
const stack = new TerraformStack(app, 'consumer');
require('./network.js')(stack, { AzurermProvider, WeaveNetwork, WeaveCluster, WeaveHost });
app.synth();

let deepImportError = null;
try {
  require('${PACKAGE}/dist/lib/core/plan');
} catch (e) {
  deepImportError = e.code || String(e);
}
process.stdout.write(JSON.stringify({
  entry: require.resolve('${PACKAGE}'),
  packageJson: require.resolve('${PACKAGE}/package.json'),
  deepImportError,
  loaded: Object.keys(require.cache),
}));
`;

beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'weave-package-')));
  const packDir = join(tmp, 'pack');
  project = join(tmp, 'consumer');
  mkdirSync(packDir);
  mkdirSync(project);

  const started = performance.now();
  execFileSync('npm', ['pack', '--pack-destination', packDir, '--offline', '--loglevel', 'error'], {
    cwd: ROOT,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  packMs = performance.now() - started;
  process.stderr.write(`package.test: npm pack (prepack tsc -p tsconfig.build.json) took ${Math.round(packMs)} ms\n`);

  const tarballs = readdirSync(packDir).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(1);
  const tarball = join(packDir, tarballs[0]);
  tarEntries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');

  // "npm install <tarball>", minus the registry.
  const modules = join(project, 'node_modules');
  const installed = join(modules, PACKAGE);
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  // Exactly what the package declares: an import of anything undeclared fails below.
  const needed = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
  for (const name of needed) {
    const source = join(ROOT, 'node_modules', name);
    if (!existsSync(source)) throw new Error(`${name} is declared by the package but not installed in ${ROOT}/node_modules`);
    const link = join(modules, name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(source, link, 'dir');
    links.push(link);
  }

  writeFileSync(join(project, 'package.json'), JSON.stringify({
    name: 'weave-consumer',
    version: '0.0.0',
    private: true,
    main: 'main.js',
    dependencies: { [PACKAGE]: `file:${tarball}` },
  }, null, 2));
  writeFileSync(join(project, 'cdktf.json'), JSON.stringify({
    language: 'javascript',
    app: 'node main.js',
    terraformProviders: [],
    terraformModules: [],
    context: {},
  }, null, 2));
  writeFileSync(join(project, 'main.js'), MAIN_JS);
  copyFileSync(join(__dirname, 'support', 'consumer-network.js'), join(project, 'network.js'));

  const run = spawnSync(process.execPath, ['main.js'], { cwd: project, env: childEnv(), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node main.js failed (${run.status ?? run.signal}):\n${run.stderr}\n${run.stdout}`);
  report = JSON.parse(run.stdout) as ConsumerReport;
  synthesized = JSON.parse(readFileSync(join(project, 'cdktf.out', 'stacks', 'consumer', 'cdk.tf.json'), 'utf8')) as Synthesized;
}, 120_000);

afterAll(() => {
  if (!tmp) return;
  // Unlink the symlinks first, so nothing can ever delete through them into this repo's node_modules.
  for (const link of links) if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
  rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  test('holds only compiled JS, declarations, package.json and the README', () => {
    expect(tarEntries.length).toBeGreaterThan(0);
    expect(tarEntries.every((e) => e.startsWith('package/'))).toBe(true);
    const files = tarEntries.map((e) => e.slice('package/'.length));
    const allowed = /^(package\.json|README\.md|LICEN[CS]E(\.\w+)?|dist\/lib\/.+\.(js|d\.ts))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(__tests__|stacks|bench)\//.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/lib/index.js', 'dist/lib/index.d.ts']));
    if (existsSync(join(ROOT, 'README.md'))) expect(files).toContain('README.md');
  });

  test('ships no source maps', () => {
    const installed = join(project, 'node_modules', PACKAGE);
    const withMaps = tarEntries
      .map((e) => e.slice('package/'.length))
      .filter((f) => f.endsWith('.js') && readFileSync(join(installed, f), 'utf8').includes('sourceMappingURL'));
    expect(withMaps).toEqual([]);
  });

  test('resolves by name through its exports map, from the consumer project', () => {
    const installed = join(project, 'node_modules', PACKAGE);
    expect(report.entry).toBe(join(installed, 'dist', 'lib', 'index.js'));
    expect(report.packageJson).toBe(join(installed, 'package.json'));
    // Paths outside the exports map are closed.
    expect(report.deepImportError).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // Nothing came from this repo's own lib/ or dist/.
    const fromRepo = report.loaded.filter((f) => f.startsWith(join(ROOT, 'lib') + sep) || f.startsWith(join(ROOT, 'dist') + sep));
    expect(fromRepo).toEqual([]);
    expect(report.loaded).toContain(join(installed, 'dist', 'lib', 'index.js'));
  });

  test('synthesizes a network with two Azure VMs in a separate cdktf project', () => {
    const vms = Object.keys(synthesized.resource?.azurerm_linux_virtual_machine ?? {});
    expect(vms).toHaveLength(2);
  });

  test('packs in reasonable time', () => {
    // Generous: this is the prepack tsc plus npm's own start-up.
    expect(packMs).toBeLessThan(60_000);
  });
});
