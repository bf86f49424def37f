// One source, two packages. `cdktf-weave-azure` is lib/ compiled as it is;
// `cdktn-weave-azure`, for CDK Terrain users, is the same lib/ compiled
// against the CDK Terrain packages (so any class, prop or setter the library
// uses that CDK Terrain lacks is a type error), with every module specifier
// then rewritten: `cdktf` -> `cdktn`, `cdktf/lib/...` -> `cdktn/lib/...`,
// `@cdktf/provider-azurerm/lib/...` -> `@cdktn/provider-azurerm/lib/...`.
//
// The rewrite reads the emitted .js and .d.ts with TypeScript's own parser
// and changes only the string literals in module-specifier positions
// (import/export ... from, require(), import(), import("...") types, ambient
// module names). A text search could also hit a message or a comment that
// mentions cdktf, and could miss a specifier written in an unexpected way; a
// specifier that has no CDK Terrain counterpart (e.g. a null provider) stops
// the build instead of shipping a package that fails at require time.
//
// Usage (after `npm ci --prefix compat/cdktn`):
//   node -r @swc-node/register scripts/cdktn-package.ts [outDir]   (default dist/cdktn)
//   npm pack ./dist/cdktn    or    npm publish ./dist/cdktn
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '..');

/** The CDK Terrain package's name on npm. */
export const CDKTN_PACKAGE = 'cdktn-weave-azure';
/** Where `npm ci --prefix compat/cdktn` installs the CDK Terrain packages. */
export const COMPAT_DIR = join(ROOT, 'compat', 'cdktn');

/**
 * The CDK Terrain module for a cdktf one; `undefined` when `spec` is not a
 * cdktf module (left as it is). Throws for a cdktf module CDK Terrain has no
 * counterpart for.
 */
export function cdktnSpecifier(spec: string): string | undefined {
  if (spec === 'cdktf' || spec.startsWith('cdktf/')) return `cdktn${spec.slice('cdktf'.length)}`;
  if (spec === '@cdktf/provider-azurerm' || spec.startsWith('@cdktf/provider-azurerm/')) return `@cdktn${spec.slice('@cdktf'.length)}`;
  if (spec === 'cdktf-weave-azure' || spec.startsWith('cdktf-weave-azure/')) return `${CDKTN_PACKAGE}${spec.slice('cdktf-weave-azure'.length)}`;
  if (spec.startsWith('@cdktf/') || /^cdktf-/.test(spec)) {
    throw new Error(`module '${spec}' has no CDK Terrain counterpart this build knows; add one to cdktnSpecifier (scripts/cdktn-package.ts) or stop using it`);
  }
  return undefined;
}

/** One module specifier found in a file. */
export interface Specifier {
  readonly text: string;
  /** Offsets of the text between the quotes. */
  readonly start: number;
  readonly end: number;
}

/** Every module specifier in a .ts, .d.ts or .js file, as TypeScript parses it. */
export function moduleSpecifiers(text: string, fileName: string): Specifier[] {
  const kind = /\.(c|m)?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const found: Specifier[] = [];
  const add = (lit: ts.Node | undefined) => {
    if (lit && (ts.isStringLiteral(lit) || ts.isNoSubstitutionTemplateLiteral(lit))) {
      found.push({ text: lit.text, start: lit.getStart(sf) + 1, end: lit.end - 1 });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.arguments.length >= 1 &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'require') || node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        // require.resolve('x')
        (ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === 'require'))) {
      add(node.arguments[0]);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) add(node.name);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  for (const ref of [...sf.referencedFiles, ...sf.typeReferenceDirectives]) {
    if (cdktnSpecifier(ref.fileName) !== undefined) throw new Error(`${fileName}: /// <reference> to ${ref.fileName} cannot be rewritten`);
  }
  return found;
}

/**
 * `text` with every cdktf module specifier replaced by its CDK Terrain
 * counterpart (`extra` maps further specifiers, e.g. a consumer's `./lib`).
 * Also fails when a string equal to a cdktf module name is left outside a
 * specifier position (a computed require the parser cannot see).
 */
export function rewriteSpecifiers(text: string, fileName: string, extra: Record<string, string> = {}): { text: string; changed: [string, string][] } {
  const specs = moduleSpecifiers(text, fileName);
  const changed: [string, string][] = [];
  let out = text;
  for (const s of [...specs].sort((a, b) => b.start - a.start)) {
    const to = extra[s.text] ?? cdktnSpecifier(s.text);
    if (to === undefined) continue;
    out = out.slice(0, s.start) + to + out.slice(s.end);
    changed.unshift([s.text, to]);
  }
  const positions = new Set(specs.map((s) => s.start));
  const kind = /\.(c|m)?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const stray = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && !positions.has(node.getStart(sf) + 1) && /^(cdktf|@cdktf\/[^\s]*)(\/[^\s]*)?$/.test(node.text)) {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      throw new Error(`${fileName}:${line + 1}: the string '${node.text}' names a cdktf module outside an import; the rewrite cannot follow it`);
    }
    ts.forEachChild(node, stray);
  };
  stray(sf);
  return { text: out, changed };
}

/** Files under `dir`, relative, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

/** The CDK Terrain packages' folders in a `node_modules`. */
export function cdktnModules(nodeModules = join(COMPAT_DIR, 'node_modules')) {
  return {
    cdktn: join(nodeModules, 'cdktn'),
    azurerm: join(nodeModules, '@cdktn', 'provider-azurerm'),
    constructs: join(nodeModules, 'constructs'),
  };
}

/** Whether the CDK Terrain packages are installed; the reason when not. */
export function cdktnInstalled(nodeModules = join(COMPAT_DIR, 'node_modules')): string | undefined {
  const missing = Object.values(cdktnModules(nodeModules)).filter((d) => !existsSync(join(d, 'package.json')));
  return missing.length ? `${missing.map((d) => relative(ROOT, d)).join(', ')} not installed` : undefined;
}

/**
 * Compiles lib/ (tsconfig.build.json) against the CDK Terrain packages in
 * `nodeModules`: `cdktf`, `cdktf/*`, `@cdktf/provider-azurerm/*` and
 * `constructs` resolve there. Emits into `outDir` (`outDir/lib/...`) with
 * the specifiers still as written; throws with tsc's errors.
 */
export function compileAgainstCdktn(outDir: string, nodeModules = join(COMPAT_DIR, 'node_modules')): void {
  const m = cdktnModules(nodeModules);
  const work = mkdtempSync(join(tmpdir(), 'weave-cdktn-tsc-'));
  try {
    const config = join(work, 'tsconfig.json');
    writeFileSync(config, JSON.stringify({
      extends: join(ROOT, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: ROOT,
        outDir,
        // A library that does not type-check against CDK Terrain is no package.
        noEmitOnError: true,
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        paths: {
          cdktf: [m.cdktn],
          'cdktf/*': [`${m.cdktn}/*`],
          '@cdktf/provider-azurerm/*': [`${m.azurerm}/*`],
          constructs: [m.constructs],
        },
      },
    }, null, 2));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const res = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    if (res.status !== 0) {
      throw new Error(`lib/ does not compile against CDK Terrain (${relative(ROOT, nodeModules) || nodeModules}):\n${res.stdout}${res.stderr}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The provider-binding modules (`@cdktf/provider-azurerm/lib/<name>`) that
 * the given source files import, sorted.
 */
export function azurermModulesUsed(files: string[]): string[] {
  const used = new Set<string>();
  for (const f of files) {
    for (const s of moduleSpecifiers(readFileSync(f, 'utf8'), f)) {
      const m = /^@cdktf\/provider-azurerm\/lib\/([a-z0-9-]+)$/.exec(s.text);
      if (m) used.add(m[1]);
    }
  }
  return [...used].sort();
}

/**
 * What a generated binding's `.d.ts` offers (its public API), one string per member:
 * `interface LbConfig.sku?: string`, `class Lb.set sku`, `class Lb.get id`,
 * `class Lb.resetSku()`, ... The core module's namespace (`cdktf.` /
 * `cdktn.`) is written `core.` so the two bindings compare.
 */
export function bindingSurface(dts: string, fileName = 'index.d.ts'): Set<string> {
  const sf = ts.createSourceFile(fileName, dts, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out = new Set<string>();
  const text = (n: ts.Node | undefined) => (n ? n.getText(sf).replace(/\b(cdktf|cdktn)\./g, 'core.').replace(/\s+/g, ' ') : 'any');
  const name = (n: ts.PropertyName | undefined) => (n ? n.getText(sf) : '?');
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st)) {
      out.add(`interface ${st.name.text}${st.heritageClauses ? ` ${text(st.heritageClauses[0])}` : ''}`);
      for (const m of st.members) {
        if (ts.isPropertySignature(m)) out.add(`interface ${st.name.text}.${name(m.name)}${m.questionToken ? '?' : ''}: ${text(m.type)}`);
        else if (ts.isMethodSignature(m)) out.add(`interface ${st.name.text}.${name(m.name)}(${m.parameters.map((p) => text(p)).join(', ')}): ${text(m.type)}`);
      }
    } else if (ts.isClassDeclaration(st) && st.name) {
      const c = `class ${st.name.text}`;
      out.add(`${c}${st.heritageClauses ? ` ${text(st.heritageClauses[0])}` : ''}`);
      for (const m of st.members) {
        // The public API only: the library subclasses no binding class.
        if (ts.getCombinedModifierFlags(m as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
        const stat = ts.getCombinedModifierFlags(m as ts.Declaration) & ts.ModifierFlags.Static ? 'static ' : '';
        if (ts.isConstructorDeclaration(m)) out.add(`${c}.constructor(${m.parameters.map((p) => text(p)).join(', ')})`);
        else if (ts.isGetAccessorDeclaration(m)) out.add(`${c}.${stat}get ${name(m.name)}: ${text(m.type)}`);
        else if (ts.isSetAccessorDeclaration(m)) out.add(`${c}.${stat}set ${name(m.name)}(${m.parameters.map((p) => text(p.type)).join(', ')})`);
        else if (ts.isMethodDeclaration(m)) out.add(`${c}.${stat}${name(m.name)}(${m.parameters.map((p) => text(p)).join(', ')}): ${text(m.type)}`);
        else if (ts.isPropertyDeclaration(m)) out.add(`${c}.${stat}${name(m.name)}: ${text(m.type)}`);
      }
    } else if (ts.isFunctionDeclaration(st) && st.name) {
      out.add(`function ${st.name.text}(${st.parameters.map((p) => text(p)).join(', ')}): ${text(st.type)}`);
    }
  }
  return out;
}

/** One binding module compared: what the cdktf binding has that the cdktn one lacks, and what cdktn adds. */
export interface BindingDiff {
  readonly module: string;
  readonly members: number;
  readonly missing: string[];
  readonly added: string[];
}

/**
 * Compares the cdktf and the CDK Terrain azurerm bindings, module by module,
 * for the modules lib/ and stacks/ import.
 */
export function compareBindings(cdktfAzurerm: string, cdktnAzurerm: string, modules: string[]): BindingDiff[] {
  return modules.map((module) => {
    const a = bindingSurface(readFileSync(join(cdktfAzurerm, 'lib', module, 'index.d.ts'), 'utf8'));
    const b = bindingSurface(readFileSync(join(cdktnAzurerm, 'lib', module, 'index.d.ts'), 'utf8'));
    return { module, members: a.size, missing: [...a].filter((x) => !b.has(x)).sort(), added: [...b].filter((x) => !a.has(x)).sort() };
  });
}

/** package.json of the CDK Terrain package, from the cdktf one and compat/cdktn's versions. */
export function cdktnManifest(): Record<string, unknown> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, any>;
  const compat = JSON.parse(readFileSync(join(COMPAT_DIR, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const peers = Object.keys(pkg.peerDependencies as Record<string, string>).map((name) => {
    const to = cdktnSpecifier(name) ?? name;
    const range = compat.dependencies[to];
    if (range === undefined) throw new Error(`compat/cdktn/package.json has no ${to} (the CDK Terrain counterpart of the peer ${name})`);
    return [to, range] as const;
  });
  return {
    name: CDKTN_PACKAGE,
    version: pkg.version,
    description: `${pkg.description} (CDK Terrain build: cdktn and @cdktn/provider-azurerm)`,
    license: pkg.license,
    main: pkg.main,
    types: pkg.types,
    exports: pkg.exports,
    files: pkg.files,
    engines: pkg.engines,
    dependencies: pkg.dependencies,
    peerDependencies: Object.fromEntries(peers.sort(([a], [b]) => a.localeCompare(b))),
  };
}

/**
 * Builds the CDK Terrain package into `outDir`: lib/ compiled against the
 * packages in `nodeModules`, specifiers rewritten, package.json, and the
 * files the cdktf package ships beside its code. Returns every rewrite made.
 */
export function buildCdktnPackage(outDir: string, nodeModules = join(COMPAT_DIR, 'node_modules')): [string, string, string][] {
  const missing = cdktnInstalled(nodeModules);
  if (missing) throw new Error(`${missing}: run \`npm ci --prefix compat/cdktn\` first`);
  const compiled = mkdtempSync(join(tmpdir(), 'weave-cdktn-out-'));
  try {
    compileAgainstCdktn(compiled, nodeModules);
    rmSync(outDir, { recursive: true, force: true });
    const rewrites: [string, string, string][] = [];
    for (const file of listFiles(join(compiled, 'lib'))) {
      if (!/\.(js|d\.ts)$/.test(file)) continue;
      const target = join(outDir, 'dist', 'lib', file);
      mkdirSync(dirname(target), { recursive: true });
      const { text, changed } = rewriteSpecifiers(readFileSync(join(compiled, 'lib', file), 'utf8'), file);
      writeFileSync(target, text);
      for (const [from, to] of changed) rewrites.push([`dist/lib/${file}`, from, to]);
    }
    writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(cdktnManifest(), null, 2)}\n`);
    // The cdktf package's other files (README, LICENSE, docs), as listed in its `files`.
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    for (const f of manifest.files.filter((p) => !p.includes('*'))) {
      mkdirSync(dirname(join(outDir, f)), { recursive: true });
      copyFileSync(join(ROOT, f), join(outDir, f));
    }
    return rewrites;
  } finally {
    rmSync(compiled, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const out = resolve(process.argv[2] ?? join(ROOT, 'dist', 'cdktn'));
  const rewrites = buildCdktnPackage(out);
  const files = new Set(rewrites.map(([f]) => f));
  const modules = [...new Set(rewrites.map(([, from, to]) => `${from} -> ${to}`))].sort();
  console.log(`${CDKTN_PACKAGE} in ${out}: ${rewrites.length} specifiers rewritten in ${files.size} files`);
  for (const m of modules) console.log(`  ${m}`);
  // `./`: without it npm would read `dist/cdktn` as a GitHub repository.
  const folder = relative(process.cwd(), out) || '.';
  console.log(`next: npm pack ${folder.startsWith('.') || folder.startsWith('/') ? folder : `./${folder}`}  (or npm publish the same folder)`);
}
