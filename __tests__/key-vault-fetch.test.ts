// The boot-time fetch of Key Vault mode, run for real: the generated script
// under bash, with the real curl and jq, against a fake instance metadata
// service and a fake Key Vault on the loopback interface (curl resolves
// *.localhost there itself; nothing leaves the machine). Then the units and
// documents it ships go through the real validators.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KEY_VAULT_FETCH_BIN, KEY_VAULT_UNIT, keyVaultFetchScript, withKeyVaultFetch, withoutSharedEnvFile } from '../lib/core/boot/key-vault';
import { IDENTITY_CLIENT_ID_SLOT, KEY_VAULT_URL_SLOT } from '../lib/core/boot/slots';
import { weaveBootDocument as buildBootConfig, sharedEnvContent } from '../lib/core/boot/weave';
import { SHARED_ENV_PATH, UNIT } from '../lib/core/defaults';
import { deriveNetwork as buildNetwork } from '../lib/core/derive/derive';
import { planNetwork } from '../lib/core/plan/plan';
import { renderCloudConfig, renderIgnition } from '../lib/core/render';
import { seedSpec } from './fixtures/seed-spec';
import { ignitionValidate, stageUnits, systemdVerify } from './support/validators';
import { describeWhen, tool } from './support/skip';
import { LoopbackServer } from './support/loopback-server';

const PASSWORD = 'Kv-Fetch-Pa55word!#%';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOi.fake-token-value.signature';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const SECRET = 'weave-password';

const plan = planNetwork(seedSpec());
const shared = sharedEnvContent(plan);
const EXPECTED_ENV = `${shared.before}${PASSWORD}${shared.after}`;

interface Seen {
  token: { url: string; metadata: string | undefined }[];
  secret: { url: string; authorization: string | undefined }[];
}

/** A programmable fake: each list gives the status of successive requests (the last one repeats). */
class FakeAzure extends LoopbackServer {
  readonly seen: Seen = { token: [], secret: [] };
  tokenStatus: number[] = [200];
  secretStatus: number[] = [200];
  value: unknown = PASSWORD;

  private next(list: number[], count: number): number {
    return list[Math.min(count, list.length - 1)];
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.startsWith('/metadata/identity/oauth2/token')) {
      const status = this.next(this.tokenStatus, this.seen.token.length);
      this.seen.token.push({ url, metadata: req.headers.metadata as string | undefined });
      if (status !== 200) return json(status, { error: 'invalid_request', error_description: 'Identity not found' });
      return json(200, { access_token: TOKEN, expires_in: '86399', resource: 'https://vault.localhost', token_type: 'Bearer' });
    }
    if (url.startsWith(`/secrets/${SECRET}`)) {
      const status = this.next(this.secretStatus, this.seen.secret.length);
      this.seen.secret.push({ url, authorization: req.headers.authorization });
      if (status !== 200) return json(status, { error: { code: 'Forbidden', message: 'Caller is not authorized', innererror: { code: 'ForbiddenByRbac' } } });
      return json(200, { value: this.value, id: `https://weavekv.vault.localhost/secrets/${SECRET}/0123456789abcdef`, attributes: { enabled: true } });
    }
    json(404, { error: 'no such path' });
  }
}

let tmp: string;
let script: string;
let seq = 0;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'weave-kv-fetch-'));
  script = join(tmp, 'weave-keyvault-fetch');
  writeFileSync(script, keyVaultFetchScript(shared));
  chmodSync(script, 0o755);
});

interface Run {
  code: number | null;
  output: string;
  envFile: string;
  dir: string;
}

/** Runs the script the way the unit does, with the knobs pointing at the fake. */
function runFetch(azure: FakeAzure, extra: Record<string, string> = {}, existing?: string): Promise<Run> {
  const dir = join(tmp, `run-${seq++}`);
  mkdirSync(dir);
  const envFile = join(dir, 'weave.env');
  if (existing !== undefined) writeFileSync(envFile, existing, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    TMPDIR: dir,
    WEAVE_KEYVAULT_URL: `http://weavekv.vault.localhost:${azure.port}/`,
    WEAVE_KEYVAULT_SECRET: SECRET,
    WEAVE_IDENTITY_CLIENT_ID: CLIENT_ID,
    WEAVE_IMDS_ENDPOINT: `http://127.0.0.1:${azure.port}`,
    WEAVE_ENV_FILE: envFile,
    WEAVE_KEYVAULT_RETRY_DELAY: '0',
    WEAVE_KEYVAULT_MAX_ATTEMPTS: '8',
    ...extra,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, envFile, dir }));
  });
}

describeWhen('the fetch script against a fake instance metadata service and Key Vault', [tool('bash'), tool('curl'), tool('jq')], () => {
  const azure = new FakeAzure();
  beforeAll(() => azure.start());
  afterAll(() => azure.stop());
  beforeEach(() => {
    azure.seen.token.length = 0;
    azure.seen.secret.length = 0;
    azure.tokenStatus = [200];
    azure.secretStatus = [200];
    azure.value = PASSWORD;
  });

  it('asks IMDS for a vault token with the identity, reads the secret with it, writes the env file 0600', async () => {
    const run = await runFetch(azure);
    expect(run.code).toBe(0);
    expect(readFileSync(run.envFile, 'utf8')).toBe(EXPECTED_ENV);
    expect(statSync(run.envFile).mode & 0o777).toBe(0o600);
    const token = azure.seen.token[0];
    expect(token.metadata).toBe('true');
    const q = new URL(token.url, 'http://x').searchParams;
    expect(q.get('api-version')).toBe('2018-02-01');
    // The audience is the vault's DNS zone (https://vault.azure.net in the public cloud).
    expect(q.get('resource')).toBe('https://vault.localhost');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(azure.seen.secret[0].authorization).toBe(`Bearer ${TOKEN}`);
    expect(azure.seen.secret[0].url).toBe(`/secrets/${SECRET}?api-version=7.4`);
    // Nothing left behind: no work directory, no temporary env file.
    expect(readdirSync(run.dir).sort()).toEqual(['weave.env']);
  });

  it('retries with back-off until the identity exists and the role assignment has propagated', async () => {
    azure.tokenStatus = [404, 404, 200];
    azure.secretStatus = [403, 403, 403, 200];
    const run = await runFetch(azure);
    expect(run.code).toBe(0);
    expect(azure.seen.token).toHaveLength(6); // 2 failures, then one token per secret attempt
    expect(azure.seen.secret).toHaveLength(4);
    expect(run.output).toMatch(/attempt 1: instance metadata service answered HTTP 404/);
    expect(run.output).toMatch(/attempt 3: Key Vault answered HTTP 403: this VM's identity may not read the secret yet/);
    expect(readFileSync(run.envFile, 'utf8')).toBe(EXPECTED_ENV);
  });

  it('never prints the password or the token, whatever happens', async () => {
    azure.secretStatus = [403, 500, 200];
    const ok = await runFetch(azure);
    azure.value = `${PASSWORD}\nWEAVE_PEERS=evil`;
    const bad = await runFetch(azure, { WEAVE_KEYVAULT_MAX_ATTEMPTS: '2' });
    for (const run of [ok, bad]) {
      expect(run.output).not.toContain(PASSWORD);
      expect(run.output).not.toContain(TOKEN);
      expect(run.output).not.toContain('fake-token');
    }
    // Negative control: the output is really captured.
    expect(ok.output).toMatch(/weave-keyvault: .*attempt 3/);
  });

  it.each([
    ['a newline that would inject another setting', `${PASSWORD}\nWEAVE_PEERS=evil`],
    ['a space', 'has a space 12345'],
    ['a double quote', 'quote"inside12345'],
    ['a backslash', 'back\\slash123456'],
    ['fewer than 12 characters', 'short'],
    ['not a string', 12345678901234],
  ])('refuses a secret with %s, and writes nothing', async (_, value) => {
    azure.value = value;
    const run = await runFetch(azure, { WEAVE_KEYVAULT_MAX_ATTEMPTS: '2' });
    expect(run.code).toBe(1);
    expect(existsSync(run.envFile)).toBe(false);
    expect(run.output).toMatch(/not a valid Weave password|no value in Key Vault's answer/);
  });

  it('on a reboot during an outage keeps the previous file after a few attempts; on a first boot it keeps trying', async () => {
    azure.secretStatus = [503];
    const previous = `${shared.before}Older-Pa55word-123${shared.after}`;
    const reboot = await runFetch(azure, { WEAVE_KEYVAULT_KEEP_AFTER: '3', WEAVE_KEYVAULT_MAX_ATTEMPTS: '0' }, previous);
    expect(reboot.code).toBe(0);
    expect(azure.seen.secret).toHaveLength(3);
    expect(reboot.output).toMatch(/keeping the password already in/);
    expect(readFileSync(reboot.envFile, 'utf8')).toBe(previous);

    azure.seen.secret.length = 0;
    const first = await runFetch(azure, { WEAVE_KEYVAULT_KEEP_AFTER: '3', WEAVE_KEYVAULT_MAX_ATTEMPTS: '7' });
    expect(first.code).toBe(1);
    expect(azure.seen.secret).toHaveLength(7); // not stopped at 3: there is no file to fall back on
  });

  it('replaces a stale file by rename (a new inode), never rewriting it in place', async () => {
    const stale = `${shared.before}Older-Pa55word-123${shared.after}`;
    const dir = join(tmp, `inode-${seq++}`);
    mkdirSync(dir);
    const envFile = join(dir, 'weave.env');
    writeFileSync(envFile, stale, { mode: 0o600 });
    const before = statSync(envFile).ino;
    const run = await runFetch(azure, { WEAVE_ENV_FILE: envFile });
    expect(run.code).toBe(0);
    expect(readFileSync(envFile, 'utf8')).toBe(EXPECTED_ENV);
    expect(statSync(envFile).ino).not.toBe(before);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
  });

  it('without a client id asks IMDS for the VM\'s only identity', async () => {
    const run = await runFetch(azure, { WEAVE_IDENTITY_CLIENT_ID: '' });
    expect(run.code).toBe(0);
    expect(new URL(azure.seen.token[0].url, 'http://x').searchParams.has('client_id')).toBe(false);
  });
});

/** The seed as buildNetwork checks it: every Azure host has an SSH key. */
function buildableSeed(overrides: Parameters<typeof seedSpec>[0] = {}) {
  const spec = seedSpec(overrides);
  return {
    ...spec,
    clusters: spec.clusters.map((c) => ({ ...c, hosts: c.hosts.map((h) => ({ ...h, hasSshPublicKey: c.kind === 'azure' })) })),
  };
}

describeWhen('the boot documents in Key Vault mode', [tool('systemd-analyze'), tool('ignition-validate'), tool('bash')], () => {
  const kvSpec = buildableSeed({ keyVault: { secretName: SECRET, rotation: 1, createName: 'weave-kv', hasProvider: true } });
  const build = buildNetwork(kvSpec);
  const host = (name: string) => build.hosts.find((h) => h.plan.name === name)!;

  it('cloud-config: no password file and no slot; a fetch script and unit instead, ordered before Weave', () => {
    const doc = host('azure-prd-01').boot;
    expect(doc.slots).toEqual([]);
    const cfg = parse(doc.text);
    const paths = cfg.write_files.map((f: { path: string }) => f.path);
    expect(paths).not.toContain(SHARED_ENV_PATH);
    expect(paths).toContain(KEY_VAULT_FETCH_BIN);
    const units = cfg.coreos.units.map((u: { name: string }) => u.name);
    expect(units.indexOf(KEY_VAULT_UNIT)).toBeLessThan(units.indexOf(UNIT.install));
    const unit = cfg.coreos.units.find((u: { name: string }) => u.name === KEY_VAULT_UNIT);
    expect(unit.enable).toBe(true);
    expect(unit.content).toContain(`Environment=WEAVE_KEYVAULT_URL=${KEY_VAULT_URL_SLOT}`);
    expect(unit.content).toContain(`Environment=WEAVE_IDENTITY_CLIENT_ID=${IDENTITY_CLIENT_ID_SLOT}`);
    expect(unit.content).toContain(`Before=${UNIT.install} ${UNIT.router} ${UNIT.expose}`);
    expect(unit.content).toContain(`RequiredBy=${UNIT.install} ${UNIT.router}`);
    expect(unit.content).toContain(`PartOf=${UNIT.target}`);
    // The user data (host env) is the same as in the default mode.
    expect(host('azure-prd-01').userData).toBe(buildNetwork(buildableSeed()).hosts[0].userData);
  });

  it('the one-render-per-network shortcut gives each VM exactly its direct render', () => {
    const kvPlan = build.plan;
    const azure = kvPlan.hosts.filter((h) => h.kind === 'azure');
    expect(azure).toHaveLength(4);
    for (const hp of azure) {
      const direct = renderCloudConfig(withKeyVaultFetch(buildBootConfig(kvPlan, hp, { hostEnvSource: 'azure-imds' }), sharedEnvContent(kvPlan), {
        vaultUrl: KEY_VAULT_URL_SLOT, secretName: SECRET, clientId: IDENTITY_CLIENT_ID_SLOT,
      }));
      expect([hp.name, host(hp.name).boot.text]).toEqual([hp.name, direct.text]);
    }
  });

  it('the dedicated server\'s script installs everything but the password file', () => {
    const doc = host('ded-prd-01').boot;
    expect(doc.slots).toEqual([]);
    expect(doc.text).not.toContain(`put ${SHARED_ENV_PATH} `);
    expect(doc.text).toContain('put /etc/weave.ded-prd-01.env 0600');
    expect(doc.text).not.toContain(KEY_VAULT_UNIT);
  });

  it('taking the password file out fails loudly when there is none (a changed boot builder cannot leave it in unnoticed)', () => {
    const boot = withoutSharedEnvFile(buildBootConfig(plan, plan.hosts[0], { hostEnvSource: 'file' }));
    expect(() => withoutSharedEnvFile(boot)).toThrow(/no secret \/etc\/weave\.env/);
  });

  it('every unit passes systemd-analyze verify, with the fetch unit pulled in by the ones it precedes', () => {
    const boot = withKeyVaultFetch(buildBootConfig(plan, plan.hosts[0], { hostEnvSource: 'azure-imds' }), shared, {
      vaultUrl: 'https://weave-kv.vault.azure.net/', secretName: SECRET, clientId: CLIENT_ID,
    });
    const root = join(tmp, 'systemd-root');
    const units = stageUnits(root, boot);
    expect(units).toContain(KEY_VAULT_UNIT);
    expect(systemdVerify(root, units)).toEqual({ status: 0, output: '' });
    // Negative control: a typo in the unit the fetch precedes is caught.
    const broken = { ...boot, units: boot.units.map((u) => (u.name === KEY_VAULT_UNIT ? { ...u, contents: u.contents!.replace('Type=oneshot', 'Type=oneshoot') } : u)) };
    const root2 = join(tmp, 'systemd-root-broken');
    expect(systemdVerify(root2, stageUnits(root2, broken)).output).toMatch(/oneshoot/);
  });

  it('the Ignition document passes ignition-validate and carries the script 0755 and no password file', () => {
    const ign = withKeyVaultFetch(buildBootConfig(plan, plan.hosts[0], { hostEnvSource: 'file' }), shared, { vaultUrl: KEY_VAULT_URL_SLOT, secretName: SECRET });
    const doc = renderIgnition(ign);
    const file = join(tmp, 'kv.ign');
    writeFileSync(file, doc.text);
    // No errors and no warnings: ignition-validate exits 0 on warnings alone.
    expect(ignitionValidate(file)).toEqual({ status: 0, output: '' });
    const cfg = JSON.parse(doc.text);
    // Control: Ignition's key is `enabled`; `enable` is only a warning, which the check above refuses.
    const unit = (cfg.systemd.units as { name: string; enabled?: boolean; enable?: boolean }[]).find((u) => u.name === KEY_VAULT_UNIT)!;
    const warned = { ...cfg, systemd: { ...cfg.systemd, units: cfg.systemd.units.map((u: { name: string }) => (u === unit ? { ...unit, enabled: undefined, enable: true } : u)) } };
    writeFileSync(join(tmp, 'kv-warned.ign'), JSON.stringify(warned));
    const result = ignitionValidate(join(tmp, 'kv-warned.ign'));
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/warning.*Unused key enable/);
    expect(result).not.toEqual({ status: 0, output: '' });
    const files = cfg.storage.files as { path: string; mode: number }[];
    expect(files.find((f) => f.path === KEY_VAULT_FETCH_BIN)?.mode).toBe(0o755);
    expect(files.some((f) => f.path === SHARED_ENV_PATH)).toBe(false);
    expect(cfg.systemd.units.find((u: { name: string }) => u.name === KEY_VAULT_UNIT).enabled).toBe(true);
  });

  it('bash accepts the script (syntax check), and rejects it with one quote left open', async () => {
    const syntax = (file: string) => new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-n', file]);
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(await syntax(script)).toEqual({ code: 0, stderr: '' });
    const broken = join(tmp, 'broken-fetch');
    writeFileSync(broken, readFileSync(script, 'utf8').replace('set -', "echo 'unclosed\nset -"));
    const res = await syntax(broken);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/syntax error|unexpected EOF|unexpected end of file/);
  });
});
