// What a user sees when the configuration is wrong, in real processes
// (integration tier: it starts node and the cdktf CLI): synthesizeApp prints
// problems once and without a stack trace, constructor problems included; a
// plain app.synth() shows no stack frames, only the one library line Node.js
// prints above an uncaught error; the cdktf CLI repeats whatever a failing
// app printed, and CDKTF_LOG_FILE_DIRECTORY leaves one copy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const LIB = JSON.stringify(join(ROOT, 'lib'));
const SEED = JSON.stringify(join(ROOT, 'stacks', 'seed'));
const BAD_LABEL = /\[dns-label-invalid\] weave-seed\/weave\/cluster-01: dnsLabel "Bad_cluster-01"/g;

/** The environment of a user's shell, without the test harness's knobs and this machine's Terraform CLI config. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WEAVE_DEBUG: '', CHECKPOINT_DISABLE: '1', ...extra };
  delete env.TF_CLI_CONFIG_FILE;
  return env;
}

const run = (body: string) => spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', `
    const { App } = require('cdktf');
    const { synthesizeApp, stateBackendFromConfig, WeaveNetwork, WeaveCluster } = require(${LIB});
    const { SeedStack } = require(${SEED});
    const outdir = require('fs').mkdtempSync(require('os').tmpdir() + '/weave-config-errors-');
    ${body}
  `], { cwd: ROOT, encoding: 'utf8', env: userEnv() });

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('synthesizeApp prints configuration problems once, without a stack trace', () => {
  it('a bad backend while declaring: the message once, status 1, no stack', () => {
    const res = run(`synthesizeApp(() => { const app = new App({ outdir }); stateBackendFromConfig({ storageAccount: 'x' }, {}); return app; });`);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^context "stateBackend" is not a usable Azure state backend/);
    expect(res.stderr).toMatch(/unknown key "storageAccount"\. Fix: did you mean "storageAccountName"\?/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('a constructor problem (a prop of the wrong type) while declaring: once, status 1, no stack', () => {
    const res = run(`synthesizeApp(() => { const app = new App({ outdir }); const { TerraformStack } = require('cdktf'); const net = new WeaveNetwork(new TerraformStack(app, 's'), 'net'); new WeaveCluster(net, 'c1', { location: 42 }); return app; });`);
    expect(res.status).toBe(1);
    expect(count(res.stderr, /\[prop-type-invalid\] s\/net\/c1: location "\(number\)" is not a string/g)).toBe(1);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('a problem found at synth: each line once, nothing else', () => {
    const res = run(`synthesizeApp(() => { const app = new App({ outdir }); new SeedStack(app, 'weave-seed', { dnsLabelPrefix: 'Bad_' }); return app; });`);
    expect(res.status).toBe(1);
    expect(count(res.stderr, BAD_LABEL)).toBe(1);
    expect(res.stderr).toMatch(/^Weave network configuration is invalid \(2 problems\); nothing was synthesized:\n {2}- \[dns-label-invalid\]/);
    expect(res.stderr).not.toMatch(/\n\s+at |problems\.ts/);
  });

  it('any other error is rethrown with its stack (control)', () => {
    const res = run(`synthesizeApp(() => { throw new Error('not a configuration problem'); });`);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/not a configuration problem/);
    expect(res.stderr).toMatch(/\n\s+at /);
  });
});

describe('a plain app.synth(): as far as Node.js allows', () => {
  it('no stack frames: the throwing line (which says what follows), the list in brackets, the Node.js version', () => {
    const res = run(`const app = new App({ outdir }); new SeedStack(app, 'weave-seed', { dnsLabelPrefix: 'Bad_' }); app.synth();`);
    expect(res.status).toBe(1);
    // (Node.js brackets an error without frames; with `node -e` the source line lands inside the brackets.)
    expect(res.stderr).toMatch(/problems\.ts:\d+\n {4}throw error; \/\/ ← not a crash: the Weave configuration problems are listed below\. synthesizeApp\(\(\) => app\) in main\.ts prints only the list\.\n {4}\^\n\n\[?WeaveConfigError: Weave network configuration is invalid \(2 problems\)/);
    expect(count(res.stderr, BAD_LABEL)).toBe(1);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stderr).toMatch(/\nNode\.js v\d+/);
  });
});

describe('through the cdktf CLI (npx cdktf synth)', () => {
  // The repository's own app (main.ts), made invalid by its DNS label prefix.
  const synth = (extra: Record<string, string> = {}) => spawnSync(join(ROOT, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', mkdtempSync(join(tmpdir(), 'weave-cli-'))], {
    cwd: ROOT, encoding: 'utf8', env: userEnv({ WEAVE_DNS_LABEL_PREFIX: 'Bad_', CI: '1', ...extra }),
  });

  it('prints what the app printed twice: as it arrives ([ERROR] default - ...) and in its failure summary', () => {
    const res = synth();
    expect(res.status).toBe(1);
    expect(count(res.stdout, BAD_LABEL)).toBe(1);
    expect(res.stdout).toMatch(/\[ERROR\] default - .*Weave network configuration is invalid \(4 problems\)/);
    expect(count(res.stderr, BAD_LABEL)).toBe(1);
    expect(res.stderr).toMatch(/ERROR: cdktf encountered an error while synthesizing[^]*Command output on stderr:\n\n {4}Weave network configuration is invalid \(4 problems\)/);
    expect(`${res.stdout}${res.stderr}`).not.toMatch(/\n\s+at /);
  });

  it('with CDKTF_LOG_FILE_DIRECTORY the live copy goes to cdktf.log: each problem once', () => {
    const res = synth({ CDKTF_LOG_FILE_DIRECTORY: mkdtempSync(join(tmpdir(), 'weave-cli-log-')) });
    expect(res.status).toBe(1);
    expect(count(`${res.stdout}${res.stderr}`, BAD_LABEL)).toBe(1);
  });
});
