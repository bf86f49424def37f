// A new user's first day, as README tells it. `cdktf init
// --template=typescript` makes the project (the real CLI, fetched by npx from
// the npm registry, installing what it installs today: TypeScript 7 beside
// ts-jest and ts-node), then README's Getting started steps run literally, in
// order, as one shell session (each block's exports and `cd` carry over):
// the TypeScript step, the install, main.ts, type-check, synth, test. The one
// substitution: `cdktf-weave-azure` in the install line is this repository's
// packed tarball (`npm pack`), since the package is not on the registry.
// The TypeScript 7 route of README's "TypeScript 7" section, which replaces
// step 2, runs the same way on a copy of the freshly made project.
//
// Steps are README's code blocks marked `<!-- first-day step N: ACTION -->`
// (invisible on a rendered page): `run` runs an sh block, `write FILE` writes
// the block as FILE, `merge FILE` merges a JSON block into FILE, which is
// what README tells a reader to do with each.
//
// Integration tier: it needs the npm registry and takes minutes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { Requirement, describeWhen, probeCommand } from './support/skip';

const ROOT = realpathSync(join(__dirname, '..'));
const PACKAGE = 'cdktf-weave-azure';

interface Step {
  readonly step: number;
  readonly route: 'main' | 'ts7';
  readonly action: 'run' | 'write' | 'merge';
  readonly file?: string;
  readonly body: string;
}

/** README's first-day blocks, in document order. */
function readmeSteps(readme: string): Step[] {
  const re = /<!-- first-day step (\d+)( ts7)?: (run|write|merge)(?: (\S+))? -->\n```(\w+)\n([\s\S]*?)```/g;
  return [...readme.matchAll(re)].map((m) => ({
    step: Number(m[1]),
    route: m[2] ? 'ts7' : 'main',
    action: m[3] as Step['action'],
    file: m[4],
    body: m[6],
  }));
}

/** The main route, or the TypeScript 7 route: the main one with step 2 replaced by its ts7 blocks. */
function route(steps: readonly Step[], which: 'main' | 'ts7'): Step[] {
  const main = steps.filter((s) => s.route === 'main');
  if (which === 'main') return main;
  const ts7 = steps.filter((s) => s.route === 'ts7');
  return [...main.filter((s) => s.step < 2), ...ts7, ...main.filter((s) => s.step > 2)];
}

/** Deep merge of JSON objects, as a reader applies a fragment to a file; arrays and scalars are replaced. */
function merge(into: unknown, from: unknown): unknown {
  if (typeof into !== 'object' || into === null || Array.isArray(into) || typeof from !== 'object' || from === null || Array.isArray(from)) return from;
  const out: Record<string, unknown> = { ...(into as Record<string, unknown>) };
  for (const [k, v] of Object.entries(from)) out[k] = merge(out[k], v);
  return out;
}

/** The environment of a new terminal: ours, minus what npm, jest and this machine set for the test run. */
function freshEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false', FORCE_COLOR: '0' };
  for (const k of Object.keys(env)) if (/^(npm_(?!config_(update_notifier|fund|audit)$)|JEST_|INIT_CWD$)/.test(k)) delete env[k];
  for (const k of ['NODE_OPTIONS', 'NODE_PATH', 'NODE_ENV', 'CHECKPOINT_DISABLE', 'CDKTF_OUTDIR', 'CDKTF_CONTEXT_JSON', 'WEAVE_ALLOCATION_FILE', 'WEAVE_ALLOCATION_FROZEN']) delete env[k];
  // A CLI config path that points nowhere makes terraform warn; that is this machine's setting, not README's.
  if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
  return env;
}

/** One terminal: a working directory and an environment that each block's `cd` and `export` change. */
class Session {
  constructor(public cwd: string, public env: NodeJS.ProcessEnv, private readonly state: string) {
    mkdirSync(state, { recursive: true });
  }

  copyTo(cwd: string, state: string): Session {
    return new Session(cwd, { ...this.env }, state);
  }

  /** Runs an sh block (bash, stopping at the first failing command); keeps its cd and exports when it succeeds. */
  sh(block: string, timeout = 600_000): { status: number | null; output: string; ms: number } {
    const script = `set -eo pipefail\n${block}\npwd > '${this.state}/cwd'\nenv -0 > '${this.state}/env'\n`;
    const started = performance.now();
    const res = spawnSync('bash', ['-c', script], { cwd: this.cwd, env: this.env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - started;
    const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
    if (res.status === 0) {
      this.cwd = readFileSync(join(this.state, 'cwd'), 'utf8').trim();
      this.env = Object.fromEntries(readFileSync(join(this.state, 'env'), 'utf8').split('\0').filter(Boolean).map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i), kv.slice(i + 1)];
      }));
    }
    return { status: res.status, output, ms };
  }

  apply(step: Step, tarball: string): { ms: number; output: string } {
    if (step.action === 'write') {
      writeFileSync(join(this.cwd, step.file!), step.body);
      return { ms: 0, output: '' };
    }
    if (step.action === 'merge') {
      const file = join(this.cwd, step.file!);
      writeFileSync(file, `${JSON.stringify(merge(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(step.body)), null, 2)}\n`);
      return { ms: 0, output: '' };
    }
    // The package is not on the registry: the install takes this repository's tarball instead.
    const block = step.body.replace(new RegExp(`^(npm install .*?)(?<=\\s)${PACKAGE}(?=\\s|$)`, 'm'), `$1${tarball}`);
    if (new RegExp(`^npm install .*\\s${PACKAGE}(\\s|$)`, 'm').test(block)) throw new Error(`README step ${step.step} installs ${PACKAGE} in a way this test cannot point at the tarball`);
    const res = this.sh(block);
    if (res.status !== 0) throw new Error(`README step ${step.step}${step.route === 'ts7' ? ' (TypeScript 7)' : ''} failed (${res.status}):\n${block}\n--- output ---\n${res.output.slice(-6000)}`);
    return res;
  }
}

const registry = probeCommand('npm', ['ping']);
const check: Requirement = {
  what: 'the npm registry',
  missing: registry.problem,
  install: 'run it where `npm ping` answers (CI reaches the npm registry)',
};

describeWhen('first day: a cdktf init project, following README', check, () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const steps = readmeSteps(readme);
  let tmp: string;
  let tarball: string;
  const log: string[] = [];
  const note = (line: string) => {
    log.push(line);
    process.stderr.write(`first-day: ${line}\n`);
  };
  let main: Session;
  let ts7: Session;
  let initVersions: Record<string, string>;
  let eresolve: { status: number | null; output: string };

  const installed = (dir: string, name: string): string | undefined => {
    const file = join(dir, 'node_modules', name, 'package.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
  };

  beforeAll(() => {
    tmp = realpathSync(mkdtempSync(join(tmpdir(), 'weave-first-day-')));
    // The package as `npm pack` makes it, from a copy, so prepack's dist/ lands here and not in the repository.
    const source = join(tmp, 'source');
    mkdirSync(source);
    for (const f of ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'lib', 'docs']) {
      cpSync(join(ROOT, f), join(source, f), { recursive: true, filter: (from) => !from.includes(`${sep}docs${sep}api`) });
    }
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'));
    const packed = spawnSync('npm', ['pack', '--pack-destination', tmp, '--loglevel', 'error'], { cwd: source, env: { ...freshEnv(), npm_config_ignore_scripts: 'false' }, encoding: 'utf8' });
    if (packed.status !== 0) throw new Error(`npm pack failed: ${packed.stderr}`);
    tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz'))!);

    // Step 1 once; the TypeScript 7 route goes on from a copy of the project it made.
    const first = route(steps, 'main').filter((s) => s.step === 1);
    main = new Session(tmp, freshEnv(), join(tmp, 'state-main'));
    for (const s of first) note(`step 1 (${s.action}) took ${Math.round(main.apply(s, tarball).ms / 1000)} s`);
    initVersions = Object.fromEntries(['typescript', 'ts-jest', 'ts-node', 'jest', 'cdktf', 'constructs'].map((n) => [n, installed(main.cwd, n) ?? '-']));
    note(`cdktf init installed ${Object.entries(initVersions).map(([n, v]) => `${n} ${v}`).join(', ')}`);
    const copy = `${main.cwd}-ts7`;
    cpSync(main.cwd, copy, { recursive: true, verbatimSymlinks: true });
    ts7 = main.copyTo(copy, join(tmp, 'state-ts7'));

    // What README warns about, where it warns: the install without the TypeScript step.
    const install = route(steps, 'main').find((s) => s.step === 3)!;
    const firstInstall = install.body.split('\n').find((l) => l.startsWith(`npm install ${PACKAGE}`))!.replace(PACKAGE, tarball);
    eresolve = ts7.sh(firstInstall);
    note(`without step 2, \`npm install ${PACKAGE} …\` exited ${eresolve.status}`);

    for (const s of route(steps, 'main').filter((x) => x.step > 1)) note(`main route, step ${s.step} (${s.action}${s.file ? ` ${s.file}` : ''}) took ${(main.apply(s, tarball).ms / 1000).toFixed(1)} s`);
    for (const s of route(steps, 'ts7').filter((x) => x.step > 1)) note(`TypeScript 7 route, step ${s.step} (${s.action}${s.file ? ` ${s.file}` : ''}) took ${(ts7.apply(s, tarball).ms / 1000).toFixed(1)} s`);
  }, 1_500_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('README marks every step it asks a reader to take, in order', () => {
    expect(route(steps, 'main').map((s) => `${s.step} ${s.action}${s.file ? ` ${s.file}` : ''}`)).toEqual(['1 run', '2 run', '3 run', '4 write main.ts', '5 run']);
    expect(route(steps, 'ts7').map((s) => `${s.step} ${s.action}${s.file ? ` ${s.file}` : ''}`)).toEqual([
      '1 run', '2 run', '2 merge cdktf.json', '2 merge tsconfig.json', '2 write jest.config.js', '3 run', '4 write main.ts', '5 run',
    ]);
    // The blocks are visible code blocks: each marker sits right above one.
    expect(readme.match(/<!-- first-day /g)).toHaveLength(steps.length);
  });

  it('starts from what cdktf init installs today: TypeScript 7 beside ts-jest and ts-node', () => {
    expect(initVersions.typescript).toMatch(/^7\./);
    expect(initVersions['ts-jest']).not.toBe('-');
    expect(initVersions['ts-node']).not.toBe('-');
  });

  it('without README\'s TypeScript step the install stops with the ERESOLVE that README quotes', () => {
    expect(eresolve.status).not.toBe(0);
    expect(eresolve.output).toContain('ERESOLVE');
    const quoted = /```\n(npm error ERESOLVE[\s\S]*?)```/.exec(readme)![1].split('\n').filter(Boolean);
    for (const line of quoted) expect(eresolve.output).toContain(line.replace(/ts-jest@[\d.]+/, 'ts-jest@'));
    // README puts the step right there: between creating the project and installing anything.
    const at = (s: string) => readme.indexOf(s);
    expect(at('<!-- first-day step 1:')).toBeLessThan(at('npm error ERESOLVE'));
    expect(at('npm error ERESOLVE')).toBeLessThan(at('<!-- first-day step 2:'));
    expect(at('<!-- first-day step 2:')).toBeLessThan(at('<!-- first-day step 3:'));
  });

  describe.each([['main route (TypeScript 5.9)', () => main], ['TypeScript 7 route', () => ts7]])('%s', (label, session) => {
    const dir = () => session().cwd;
    const tf = () => JSON.parse(readFileSync(join(dir(), 'cdktf.out', 'stacks', 'mesh', 'cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, unknown>>;
      output: Record<string, unknown>;
      variable: Record<string, unknown>;
    };

    it('has every package README names, in the versions it names', () => {
      const pkg = JSON.parse(readFileSync(join(dir(), 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
      expect(Object.keys(pkg.dependencies).sort()).toEqual(['@cdktf/provider-azurerm', 'cdktf', PACKAGE, 'constructs']);
      expect(pkg.devDependencies['cdktf-cli']).toBe('^0.21.0');
      expect(installed(dir(), 'typescript')).toMatch(label.startsWith('main') ? /^5\.9\./ : /^7\./);
      expect(installed(dir(), PACKAGE)).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
      if (!label.startsWith('main')) expect(installed(dir(), 'ts-jest')).toBeUndefined();
    });

    it('synthesized the network README describes, with its picture and the allocation record', () => {
      const out = tf();
      expect(Object.keys(out.resource.azurerm_linux_virtual_machine)).toHaveLength(3);
      // Each dedicated server: its provisioner, and its teardown step (docs/day-two.md).
      expect(Object.keys(out.resource.terraform_data).sort()).toEqual([
        expect.stringMatching(/^mesh_dc_ded-a_provision_/), expect.stringMatching(/^mesh_dc_ded-b_provision_/), 'mesh_ded-a_teardown', 'mesh_ded-b_teardown',
      ]);
      expect(Object.keys(out.variable).sort()).toEqual(['mesh_password', 'ssh_public_key', 'sub_north', 'sub_west']);
      // The outputs README's Deploying and Operating steps use.
      for (const o of ['mesh_consensus', 'mesh_west-1_ssh', 'mesh_west-2_ssh', 'mesh_north-1_ssh', 'mesh_mesh-west_public_address', 'mesh_mesh-north_dns_name', 'mesh_ded-b_bridge_address']) {
        expect(Object.keys(out.output)).toContain(o);
      }
      expect(existsSync(join(dir(), 'cdktf.out', 'stacks', 'mesh', 'mesh.topology.svg'))).toBe(true);
      // Who dials whom, as README says below the example (the Mermaid text lists every dial).
      const mmd = readFileSync(join(dir(), 'cdktf.out', 'stacks', 'mesh', 'mesh.topology.mmd'), 'utf8');
      expect(mmd.split('\n').filter((l) => l.includes('-->')).map((l) => l.trim())).toEqual([
        'h0_1 --> h0_0',
        'h1_0 -->|"acme-mesh-west.westeurope.cloudapp.azure.com"| lb0',
        'h2_0 -->|"acme-mesh-west.westeurope.cloudapp.azure.com"| lb0',
        'h2_1 -->|"203.0.113.10"| h2_0',
      ]);
      expect(mmd).toContain('subgraph c0["mesh-west · azure · westeurope<br/>subscription west · cloud-config"]');
      const record = JSON.parse(readFileSync(join(dir(), 'weave-allocation.json'), 'utf8')).networks['mesh/mesh'];
      expect(record.consensus).toBe(5);
      expect(Object.fromEntries(Object.entries(record.hosts as Record<string, { bridgeAddress: string }>).map(([h, v]) => [h, v.bridgeAddress]))).toEqual({
        'west-1': '10.1.0.1/16', 'west-2': '10.1.0.2/16', 'north-1': '10.1.0.3/16', 'ded-a': '10.1.0.4/16', 'ded-b': '10.1.0.5/16',
      });
    });

    it('type-checks: a type error in main.ts stops README\'s step 5, and the synth command by itself', () => {
      const s = session();
      const good = readFileSync(join(s.cwd, 'main.ts'), 'utf8');
      try {
        writeFileSync(join(s.cwd, 'main.ts'), `${good}\nconst port: number = 'not a number';\nexport { port };\n`);
        const step5 = route(steps, label.startsWith('main') ? 'main' : 'ts7').find((x) => x.step === 5)!;
        const all = s.sh(step5.body);
        expect(all.status).not.toBe(0);
        expect(all.output).toMatch(/TS2322/);
        const synth = s.sh('npx cdktf synth');
        expect(synth.status).not.toBe(0);
        expect(synth.output).toMatch(/TS2322/);
        note(`${label}: with a type error, step 5 exited ${all.status} and \`npx cdktf synth\` alone exited ${synth.status}`);
      } finally {
        writeFileSync(join(s.cwd, 'main.ts'), good);
      }
    }, 300_000);
  });
});
