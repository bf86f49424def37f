// The package as a user gets it: `npm pack` (prepack compiles lib/ with
// tsconfig.build.json), the tarball unpacked into a separate cdktf project's
// node_modules, and that project's main.js requiring it by package name.
// No network: the tarball is extracted with tar, and the package's
// dependencies and peers are symlinked from this repo's node_modules.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, sep } from 'node:path';

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
  terraform?: { backend?: Record<string, Record<string, unknown>> };
}

/** sha256 of the MPL 2.0 text as Mozilla publishes it (Debian's /usr/share/common-licenses/MPL-2.0). */
const MPL_2_0_SHA256 = 'fab3dd6bdab226f1c08630b1dd917e11fcb4ec5e1e020e2c16f83a0a13863e85';
/** README's limit, so that it stays a page a package user reads. */
const README_MAX_LINES = 500;

let tmp: string;
let project: string;
let tarEntries: string[];
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
const { WeaveNetwork, WeaveCluster, WeaveHost, stateBackendFromConfig, useAzureStateBackend } = require('${PACKAGE}');

const app = new App({ outdir: path.join(__dirname, 'cdktf.out') });
const stack = new TerraformStack(app, 'consumer');
require('./network.js')(stack, { AzurermProvider, WeaveNetwork, WeaveCluster, WeaveHost });
useAzureStateBackend(stack, stateBackendFromConfig(undefined, {
  WEAVE_STATE_STORAGE_ACCOUNT: 'acmetfstate',
  WEAVE_STATE_CONTAINER: 'tfstate',
  WEAVE_STATE_RESOURCE_GROUP: 'tfstate-rg',
}));
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

  // Packed from a copy of what the package is built from, so prepack's
  // dist/ lands in the temp dir and the test writes nothing into the repo.
  const source = join(tmp, 'source');
  mkdirSync(source);
  for (const f of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'lib', 'docs']) {
    cpSync(join(ROOT, f), join(source, f), { recursive: true, filter: (from) => !from.includes(`${sep}docs${sep}api`) });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
  // Timed for the log only: timing belongs in the bench, not in an assert.
  const started = performance.now();
  execFileSync('npm', ['pack', '--pack-destination', packDir, '--offline', '--loglevel', 'error'], {
    cwd: source,
    env: childEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.stderr.write(`package.test: npm pack (prepack tsc -p tsconfig.build.json) took ${Math.round(performance.now() - started)} ms\n`);

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

/**
 * Paths that exist only in the source repository (its stacks, tests, benchmark,
 * the sibling shared folder, TypeScript sources), as written in prose.
 * HTML comments are invisible on the npm page and are skipped; `cdktf.out/stacks/…`
 * and packages' own `lib/` paths are not repository files.
 */
function repoOnlyReferences(text: string): string[] {
  const visible = text.replace(/<!--[\s\S]*?-->/g, '');
  return [...visible.matchAll(/(?<![\w./@-])(?:stacks\/[\w.-]+|__tests__\/?[\w./-]*|bench\/[\w.-]*|\.\.\/shared\b[\w./-]*|lib\/[\w/.-]+\.ts\b)/g)].map((m) => m[0]);
}

/** Paths inside the tarball, without the `package/` prefix. */
const packedFiles = (): string[] => tarEntries.map((e) => e.slice('package/'.length));
const installedFile = (file: string): string => readFileSync(join(project, 'node_modules', PACKAGE, file), 'utf8');

/** README and every packed Markdown document, by path in the package. */
const markdownFiles = (): Record<string, string> =>
  Object.fromEntries(packedFiles().filter((f) => f.endsWith('.md')).map((f) => [f, installedFile(f)]));

/** Link and image targets of a Markdown text: inline, reference definitions, and HTML src/href. */
function linkTargets(text: string): string[] {
  const visible = text.replace(/```[\s\S]*?```/g, '').replace(/<!--[\s\S]*?-->/g, '');
  return [
    ...[...visible.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...visible.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]),
    ...[...visible.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]),
  ];
}

/** The packages Getting started installs, with the range each is given (`''` for none). */
function readmeInstalls(readme: string): Record<string, string> {
  const section = readme.slice(readme.indexOf('\n## Getting started\n'), readme.indexOf('\n## Your first network\n'));
  const words = [...section.matchAll(/^npm install (.+)$/gm)].flatMap((m) => m[1].split(/\s+/).filter((w) => !w.startsWith('-')));
  return Object.fromEntries(words.map((w) => {
    const at = w.lastIndexOf('@');
    return at > 0 ? [w.slice(0, at), w.slice(at + 1)] : [w, ''];
  }));
}

/** Where README's install steps and the package's peer ranges disagree. */
function installMismatches(readme: string, peers: Record<string, string>): string[] {
  const specs = readmeInstalls(readme);
  const out = Object.entries(peers).filter(([name, range]) => specs[name] !== range)
    .map(([name, range]) => `README installs ${name}@${specs[name] ?? '(nothing)'}, package.json declares the peer ${range}`);
  if (specs['cdktf-cli'] !== peers.cdktf) out.push(`README installs cdktf-cli@${specs['cdktf-cli'] ?? '(nothing)'}, not the range of the cdktf it drives (${peers.cdktf})`);
  return out;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

/**
 * Links that would be dead in the tarball or on a repository page: a relative
 * path to a file the package does not hold, a heading that is not there, or a
 * CDN copy of the package (which serves only published versions).
 */
function brokenLinks(texts: Record<string, string>): string[] {
  const headings = (text: string) => new Set([...text.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
  const out: string[] = [];
  for (const [file, text] of Object.entries(texts)) {
    for (const target of linkTargets(text)) {
      if (/cdn\.jsdelivr\.net|unpkg\.com/.test(target)) {
        out.push(`${file}: ${target} points at a CDN copy; link the packed file relatively`);
        continue;
      }
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const resolved = path === '' ? file : posix.normalize(posix.join(posix.dirname(file), path));
      const content = resolved === file ? text : texts[resolved] ?? (packedFiles().includes(resolved) ? '' : undefined);
      if (content === undefined) {
        out.push(`${file}: ${target} is not in the package`);
        continue;
      }
      if (anchor !== undefined && !headings(content).has(anchor)) out.push(`${file}: ${target} names no heading of ${resolved}`);
    }
  }
  return out;
}

describe('the npm package', () => {
  test('holds compiled JS, declarations, README, LICENSE and the docs README links to; no sources, tests or benchmarks', () => {
    expect(tarEntries.length).toBeGreaterThan(0);
    expect(tarEntries.every((e) => e.startsWith('package/'))).toBe(true);
    const files = packedFiles();
    const allowed = /^(package\.json|README\.md|LICENSE|docs\/(allocation|beside-weave|cdk-terrain|day-two|history|key-vault|peering|performance|platform-facts|pools|reachability|scale|validation)\.md|docs\/seed-topology\.svg|dist\/lib\/.+\.(js|d\.ts))$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(__tests__|stacks|bench|scripts)\/|\.test\.|fixture/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lib/backend.js', 'dist/lib/backend.d.ts',
    ]));
  });

  test('LICENSE is the MPL 2.0 text that package.json declares', () => {
    const manifest = JSON.parse(installedFile('package.json')) as { license?: string };
    expect(manifest.license).toBe('MPL-2.0');
    const text = installedFile('LICENSE');
    expect(text.startsWith('Mozilla Public License Version 2.0\n')).toBe(true);
    expect(createHash('sha256').update(text).digest('hex')).toBe(MPL_2_0_SHA256);
  });

  test('every link in README and the packed docs works in the tarball as on a repository page: relative, to a packed file and heading', () => {
    // The checker can fail: a missing file, a missing heading, and a CDN copy are all caught.
    expect(brokenLinks({ 'README.md': '[a](docs/nope.md) [b](#nowhere) [c](https://cdn.jsdelivr.net/npm/x@1/y.md) [d](#getting-started)\n## Getting started\n' })).toEqual([
      'README.md: docs/nope.md is not in the package',
      'README.md: #nowhere names no heading of README.md',
      'README.md: https://cdn.jsdelivr.net/npm/x@1/y.md points at a CDN copy; link the packed file relatively',
    ]);
    const texts = markdownFiles();
    expect(Object.keys(texts)).toEqual(expect.arrayContaining(['README.md', 'docs/allocation.md', 'docs/cdk-terrain.md', 'docs/platform-facts.md']));
    const relative = Object.values(texts).flatMap((t) => linkTargets(t)).filter((t) => !/^[a-z]+:/.test(t));
    // README's pictures and documents are links into the package, not to a web copy.
    expect(linkTargets(texts['README.md'])).toEqual(expect.arrayContaining(['docs/seed-topology.svg', 'docs/validation.md']));
    expect(relative.length).toBeGreaterThan(20);
    expect(brokenLinks(texts)).toEqual([]);
  });

  test(`README is for package users: at most ${README_MAX_LINES} lines, no internal documents`, () => {
    const readme = installedFile('README.md');
    expect(readme.split('\n').length - 1).toBeLessThanOrEqual(README_MAX_LINES);
    expect(readme).not.toMatch(/design brief|DESIGN\.md|the brief\b/i);
    // It opens with what a user does: install, a first network, deploy, grow, operate.
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 5)).toEqual(['Getting started', 'Your first network', 'Deploying', 'Growing the network', 'Operating it']);
  });

  test('README and package.json agree on the peer ranges, and README installs every package, the CLI included', () => {
    const readme = installedFile('README.md');
    const manifest = JSON.parse(installedFile('package.json')) as { peerDependencies: Record<string, string> };
    expect(Object.keys(readmeInstalls(readme))).toEqual(expect.arrayContaining([PACKAGE, 'cdktf-cli', ...Object.keys(manifest.peerDependencies)]));
    expect(installMismatches(readme, manifest.peerDependencies)).toEqual([]);
    // The control: README as it was, with another provider range than package.json, and no CLI.
    const before = readme.replace('@cdktf/provider-azurerm@^14.23.1', '@cdktf/provider-azurerm@^14.23').replace(/^npm install --save-dev cdktf-cli@.*$/m, '');
    expect(installMismatches(before, manifest.peerDependencies)).toEqual([
      'README installs @cdktf/provider-azurerm@^14.23, package.json declares the peer ^14.23.1',
      'README installs cdktf-cli@(nothing), not the range of the cdktf it drives (^0.21.0)',
    ]);
  });

  test('README and the packed docs name no file a package user lacks', () => {
    // The checker itself can fail: each of these is a reference it must catch.
    expect(repoOnlyReferences('see `stacks/seed.ts`, __tests__/x.test.ts, bench/run.js, ../shared/y and lib/core/plan.ts')).toHaveLength(5);
    expect(repoOnlyReferences('cdktf.out/stacks/weave-seed <!-- example: stacks/beside-weave.ts --> @cdktf/provider-azurerm/lib/provider')).toEqual([]);
    const found = Object.entries(markdownFiles()).flatMap(([f, text]) => repoOnlyReferences(text).map((r) => `${f}: ${r}`));
    expect(found).toEqual([]);
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

  test('exports the remote-state helper', () => {
    expect(synthesized.terraform?.backend).toEqual({
      azurerm: {
        storage_account_name: 'acmetfstate',
        container_name: 'tfstate',
        resource_group_name: 'tfstate-rg',
        key: 'consumer.tfstate',
        use_azuread_auth: true,
      },
    });
  });
});

// The package's .d.ts as a consumer's compiler sees them: TypeScript 5.9 (this
// repo's `typescript`) and 7.0 (`typescript-7`, an npm alias: its `tsc` is a
// small Node launcher for the native compiler in @typescript/typescript-<os>-<arch>).
// skipLibCheck is off, so the declarations themselves are checked too.
describe('the declarations in a consumer project', () => {
  const COMPILERS = [
    { label: 'TypeScript 5.9', pkg: 'typescript', version: /^Version 5\.9\./ },
    { label: 'TypeScript 7.0', pkg: 'typescript-7', version: /^Version 7\.0\./ },
  ];
  // `cdktf init`'s tsconfig (cdktf-cli 0.21 template), and the strictest module mode.
  const CDKTF_INIT = {
    alwaysStrict: true, declaration: true, experimentalDecorators: true, lib: ['es2018'], module: 'CommonJS',
    noFallthroughCasesInSwitch: true, noImplicitAny: true, noImplicitReturns: true, noImplicitThis: true,
    noUnusedLocals: true, noUnusedParameters: true, resolveJsonModule: true, strict: true, strictNullChecks: true,
    strictPropertyInitialization: true, stripInternal: true, target: 'ES2018',
  };
  const CONFIGS = {
    'cdktf init': CDKTF_INIT,
    nodenext: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true },
  };
  // Two deliberate errors: they prove the types come from the package (not `any`).
  const MISUSE = `import { App, TerraformStack } from 'cdktf';
import { WeaveNetwork, stateBackendFromConfig } from '${PACKAGE}';
const stack = new TerraformStack(new App(), 'misuse');
new WeaveNetwork(stack, 'mesh', { notAProp: true });
export const key: number = stateBackendFromConfig(undefined)?.key;
`;
  let examples: string[];

  const tscOf = (pkg: string): string => {
    const manifest = require.resolve(`${pkg}/package.json`, { paths: [ROOT] });
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> }).bin.tsc;
    return join(dirname(manifest), bin);
  };
  const tsc = (pkg: string, args: string[]) =>
    spawnSync(process.execPath, [tscOf(pkg), ...args], { cwd: project, env: childEnv(), encoding: 'utf8', timeout: 120_000 });

  beforeAll(() => {
    // Every TypeScript example in the README that uses this package with cdktf.
    const readme = readFileSync(join(project, 'node_modules', PACKAGE, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    examples = blocks.filter((b) => b.includes(`from '${PACKAGE}'`) && /from 'cdktf'/.test(b));
    examples.forEach((code, i) => writeFileSync(join(project, `readme-example-${i + 1}.ts`), code));
    writeFileSync(join(project, 'misuse.ts'), MISUSE);
    for (const [name, options] of Object.entries(CONFIGS)) {
      writeFileSync(join(project, `tsconfig.${name.replace(/\W+/g, '-')}.json`), JSON.stringify({
        // No @types: the declarations must not need @types/node or @types/jest.
        compilerOptions: { ...options, noEmit: true, skipLibCheck: false, types: [] },
        files: [...examples.map((_, i) => `readme-example-${i + 1}.ts`), 'misuse.ts'],
      }, null, 2));
    }
  });

  test('README has a cdktf example to compile', () => {
    expect(examples.length).toBeGreaterThanOrEqual(1);
  });

  describe.each(COMPILERS)('$label', ({ pkg, version }) => {
    test('is the compiler under test', () => {
      expect(tsc(pkg, ['--version']).stdout.trim()).toMatch(version);
    });

    test.each(Object.keys(CONFIGS))('with the %s tsconfig: the README examples compile; only the deliberate misuse fails', (name) => {
      const res = tsc(pkg, ['-p', `tsconfig.${name.replace(/\W+/g, '-')}.json`, '--listFiles', '--pretty', 'false']);
      const errors = res.stdout.split('\n').filter((l) => /error TS\d+/.test(l));
      // The package's own declarations were part of the program.
      expect(res.stdout).toContain(join(project, 'node_modules', PACKAGE, 'dist', 'lib', 'index.d.ts'));
      expect(errors.filter((e) => !e.startsWith('misuse.ts('))).toEqual([]);
      expect(errors).toEqual([
        expect.stringMatching(/^misuse\.ts\(4,\d+\): error TS2353: .*'notAProp'/),
        expect.stringMatching(/^misuse\.ts\(5,\d+\): error TS2322: Type 'string \| undefined' is not assignable to type 'number'/),
      ]);
      expect(res.status).not.toBe(0);
    }, 120_000);
  });
});
