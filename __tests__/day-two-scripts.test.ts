// Issue 21's boot-time and apply-time scripts, run for real under bash with
// the real curl and jq: the pull script against a fake registry on the
// loopback interface (Docker Registry v2 manifests with their digests) that
// may come up late, through a `docker` stand-in that resolves and verifies
// references the way a pull by digest does; the ACR login against a fake
// instance metadata service and token exchange; the reclaim against a
// `weave` stand-in whose ring changes while it waits; the status address
// against a fake instance metadata service. Nothing leaves the machine.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pullScript, weaveWrapper } from '../lib/core/boot/images';
import { RING_TEMPLATE, reclaimScript, teardownScript } from '../lib/core/boot/retire';
import { DEFAULT_RELEASE } from '../lib/core/defaults';
import { statusAddressScript } from '../lib/core/kinds/azure/metrics';
import { SYSTEMD_HOST } from '../lib/core/os/systemd';
import { describeWhen, tool } from './support/skip';

const REFRESH = 'acr-refresh-token-value';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOi.fake-aad-token.sig';

/** A fake registry (and instance metadata service, and ACR token exchange) on loopback, which can start late. */
class Fake {
  manifests = new Map<string, string>(); // "<repo>" -> body
  requests: string[] = [];
  exchangeStatus: number[] = [200];
  exchanges = 0;
  requireAuth?: string;
  imds = '10.0.0.4';
  port = 0;
  private server?: Server;

  async reserve(): Promise<void> {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    this.port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
  }

  stop(): Promise<void> {
    return this.server ? new Promise((r) => this.server!.close(() => r())) : Promise.resolve();
  }

  digestOf(repo: string): string {
    return `sha256:${createHash('sha256').update(this.manifests.get(repo)!).digest('hex')}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push(`${req.method} ${url}`);
    if (url.startsWith('/metadata/identity/oauth2/token')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ access_token: TOKEN }));
    }
    if (url.startsWith('/metadata/instance/network')) return void res.end(this.imds);
    if (url === '/oauth2/exchange') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const status = this.exchangeStatus[Math.min(this.exchanges++, this.exchangeStatus.length - 1)];
        const ok = status === 200 && body.includes(`access_token=${TOKEN}`) && body.includes('grant_type=access_token');
        res.writeHead(ok ? 200 : status === 200 ? 400 : status, { 'content-type': 'application/json' });
        res.end(ok ? JSON.stringify({ refresh_token: REFRESH }) : '{"errors":[]}');
      });
      return;
    }
    const m = /^\/v2\/(.+)\/manifests\/(.+)$/.exec(url);
    if (m) {
      if (this.requireAuth && req.headers.authorization !== this.requireAuth) {
        res.writeHead(401);
        return void res.end();
      }
      const body = this.manifests.get(m[1]);
      if (!body || (m[2].startsWith('sha256:') && m[2] !== this.digestOf(m[1]) && !url.includes('wrongcontent'))) {
        res.writeHead(404);
        return void res.end();
      }
      res.writeHead(200, { 'docker-content-digest': this.digestOf(m[1]) });
      return void res.end(body);
    }
    res.writeHead(404);
    res.end();
  }
}

/**
 * `docker` as the pull script uses it: pull resolves the reference at the
 * registry (by digest it checks the content's sha256, as docker does),
 * image inspect and tag work on a local store, login writes a config from
 * stdin; every call's arguments are logged.
 */
const DOCKER = `#!/bin/bash
set -euo pipefail
store=$STORE
echo "$*" >> "$store/argv.log"
key() { printf '%s' "$1" | tr '/:@' '___'; }
case $1 in
  pull)
    ref=$2; rest=\${ref#*/}; host=\${ref%%/*}
    if [[ $rest == *@* ]]; then repo=\${rest%@*}; want=\${rest#*@}; tag=$want; else repo=\${rest%:*}; tag=\${rest##*:}; want=""; fi
    auth=()
    if [ -n "\${DOCKER_CONFIG:-}" ] && [ -f "$DOCKER_CONFIG/config.json" ]; then
      a=$(jq -r --arg h "$host" '.auths[$h].auth // empty' "$DOCKER_CONFIG/config.json"); [ -n "$a" ] && auth=(-H "Authorization: Basic $a")
      t=$(jq -r --arg h "$host" '.auths[$h].identitytoken // empty' "$DOCKER_CONFIG/config.json"); [ -n "$t" ] && auth=(-H "Authorization: Bearer $t")
    fi
    curl -fsS "\${auth[@]}" -o "$store/body" "http://$host/v2/$repo/manifests/$tag" || { echo "Error response from daemon: manifest unknown" >&2; exit 1; }
    got="sha256:$(sha256sum "$store/body" | cut -d' ' -f1)"
    if [ -n "$want" ] && [ "$got" != "$want" ]; then echo "Error: digest mismatch: $got" >&2; exit 1; fi
    echo "$got" > "$store/$(key "$ref")"; echo "Digest: $got" ;;
  image) [ -f "$store/$(key "$3")" ] ;;
  tag) cp "$store/$(key "$2")" "$store/$(key "$3")" ;;
  login)
    host=$2; pw=$(cat); mkdir -p "$DOCKER_CONFIG"
    jq -n --arg h "$host" --arg t "$pw" '{auths: {($h): {identitytoken: $t}}}' > "$DOCKER_CONFIG/config.json"; echo "Login Succeeded" ;;
  *) exit 2 ;;
esac
`;

let tmp: string;
let seq = 0;
beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'weave-day-two-')); });

function run(script: string, env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string; dir: string }> {
  const dir = join(tmp, `run-${seq++}`);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'script'), script, { mode: 0o755 });
  writeFileSync(join(dir, 'bin', 'docker'), DOCKER, { mode: 0o755 });
  mkdirSync(join(dir, 'store'));
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(dir, 'script'), ...args], {
      env: { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, TMPDIR: dir, STORE: join(dir, 'store'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, dir }));
  });
}
const has = (dir: string, ref: string) => existsSync(join(dir, 'store', ref.replace(/[/:@]/g, '_')));

describeWhen('the pull script against a fake registry on loopback', [tool('bash'), tool('curl'), tool('jq'), tool('sha256sum')], () => {
  const fake = new Fake();
  let owner: string;
  let release: typeof DEFAULT_RELEASE;
  beforeAll(async () => {
    await fake.reserve();
    owner = `127.0.0.1:${fake.port}/weave`;
    for (const i of ['weave', 'weaveexec', 'weavedb']) fake.manifests.set(`weave/${i}`, JSON.stringify({ schemaVersion: 2, image: i, version: '2.9.0' }));
    release = { ...DEFAULT_RELEASE, imageOwner: owner, digests: { weave: fake.digestOf('weave/weave'), weaveexec: fake.digestOf('weave/weaveexec'), weavedb: fake.digestOf('weave/weavedb') } };
  });
  afterAll(() => fake.stop());
  const knobs = { WEAVE_PULL_RETRY_DELAY: '1', WEAVE_PULL_MAX_RETRY_DELAY: '2', WEAVE_PULL_MAX_ATTEMPTS: '12' };

  it('retries with back-off while the registry is down, pulls all three by digest once it comes up, and tags them as the weave script names them', async () => {
    const late = new Promise<void>((r) => setTimeout(() => fake.start().then(r), 2500));
    const r = await run(pullScript(release, undefined), knobs);
    await late;
    expect(r.output).toMatch(/attempt 1 for 127\.0\.0\.1:\d+\/weave\/weave@sha256:[0-9a-f]{64}: docker pull failed.*next try in 1 seconds/);
    expect(r.output).toMatch(/next try in 2 seconds/);
    expect(r.code).toBe(0);
    for (const local of [`${owner}/weave:2.9.0`, `${owner}/weaveexec:2.9.0`, `${owner}/weavedb:latest`]) expect(has(r.dir, local)).toBe(true);
    expect(fake.requests.filter((q) => q.includes('/manifests/sha256:'))).toHaveLength(3);
    // A second run finds every reference and pulls nothing.
    const before = fake.requests.length;
    writeFileSync(join(r.dir, 'again'), '');
    const again = await new Promise<{ code: number | null }>((resolve) => {
      const c = spawn('bash', [join(r.dir, 'script')], { env: { PATH: `${join(r.dir, 'bin')}:${process.env.PATH}`, TMPDIR: r.dir, STORE: join(r.dir, 'store'), ...knobs }, stdio: 'ignore' });
      c.on('close', (code) => resolve({ code }));
    });
    expect(again.code).toBe(0);
    expect(fake.requests.length).toBe(before);
  }, 60000);

  it('refuses content whose digest is not the pinned one, and tags nothing (control)', async () => {
    const wrong = { ...release, digests: { ...release.digests!, weavedb: `sha256:${'0'.repeat(64)}` } };
    const r = await run(pullScript(wrong, undefined), { ...knobs, WEAVE_PULL_MAX_ATTEMPTS: '2', WEAVE_PULL_RETRY_DELAY: '0' });
    expect(r.code).toBe(1);
    expect(r.output).toMatch(/weavedb@sha256:0{64}: docker pull failed.*giving up/);
    expect(has(r.dir, `${owner}/weavedb:latest`)).toBe(false);
  }, 30000);

  it('with an identity: logs in with the ACR refresh token on stdin only, retrying while the token exchange is refused', async () => {
    fake.exchangeStatus = [401, 200];
    fake.exchanges = 0;
    const acr = pullScript({ ...release, digests: undefined }, 'identity');
    const r = await run(acr, { ...knobs, WEAVE_PULL_RETRY_DELAY: '0', WEAVE_IMDS_ENDPOINT: `http://127.0.0.1:${fake.port}`, WEAVE_REGISTRY_URL: `http://127.0.0.1:${fake.port}`, WEAVE_IDENTITY_CLIENT_ID: 'cid-1' });
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/answered HTTP 401 to the token exchange/);
    expect(fake.requests.some((q) => q.includes('resource=https://containerregistry.azure.net&client_id=cid-1'))).toBe(true);
    const argv = readFileSync(join(r.dir, 'store', 'argv.log'), 'utf8');
    expect(argv).toContain(`login 127.0.0.1:${fake.port} -u 00000000-0000-0000-0000-000000000000 --password-stdin`);
    expect(argv).not.toContain(REFRESH);
    expect(argv).not.toContain(TOKEN);
    expect(r.output).not.toContain(REFRESH);
    expect(has(r.dir, `${owner}/weavedb:latest`)).toBe(true);
  }, 30000);

  it('on a dedicated server: pulls with the provisioner\'s Docker config when the registry wants a login, and fails without it (control)', async () => {
    const auth = Buffer.from('pull:s3cret').toString('base64');
    fake.requireAuth = `Basic ${auth}`;
    try {
      const cfg = join(tmp, 'registry-config');
      mkdirSync(cfg, { recursive: true });
      writeFileSync(join(cfg, 'config.json'), JSON.stringify({ auths: { [`127.0.0.1:${fake.port}`]: { auth } } }), { mode: 0o600 });
      const ok = await run(pullScript(release, 'config'), { ...knobs, WEAVE_REGISTRY_CONFIG_DIR: cfg });
      expect(ok.code).toBe(0);
      const without = await run(pullScript(release, 'config'), { ...knobs, WEAVE_REGISTRY_CONFIG_DIR: join(tmp, 'none'), WEAVE_PULL_MAX_ATTEMPTS: '1' });
      expect(without.code).toBe(1);
    } finally {
      fake.requireAuth = undefined;
    }
  }, 30000);

  it('writes the VNet address from instance metadata for the status listener, and refuses an answer that is no address', async () => {
    const out = join(tmp, 'status.env');
    const r = await run(statusAddressScript(6782), { WEAVE_IMDS_ENDPOINT: `http://127.0.0.1:${fake.port}`, WEAVE_STATUS_ENV: out });
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('WEAVE_STATUS_ADDR=10.0.0.4:6782\n');
    fake.imds = '<html>oops</html>';
    const bad = join(tmp, 'status-bad.env');
    const r2 = await run(statusAddressScript(6782), { WEAVE_IMDS_ENDPOINT: `http://127.0.0.1:${fake.port}`, WEAVE_STATUS_ENV: bad });
    expect(r2.code).toBe(1);
    expect(existsSync(bad)).toBe(false);
  }, 30000);
});

/**
 * `weave` as the reclaim uses it: `report -f <the reclaim's template>` prints
 * the ring from a file (the test changes it) as Weave's template would
 * render it; any other format is refused. `rmpeer` logs and answers as weave does.
 */
const WEAVE = `#!/bin/bash
case $1 in
  report) [ "$2" = -f ] && [ "$3" = "$RING_TEMPLATE" ] || exit 3; [ -f "$RING" ] || exit 1; cat "$RING" ;;
  rmpeer) echo "$2" >> "$RMPEER_LOG"; echo "524288 IPs taken over from $2" ;;
  *) exit 2 ;;
esac
`;

describeWhen('the reclaim against a weave stand-in', tool('bash'), () => {
  const entry = (peer: string, nick: string, known: boolean) => ({ Token: '10.2.0.0', Size: 1024, Peer: peer, Nickname: nick, IsKnownPeer: known, Version: 1 });
  /** The ring as RING_TEMPLATE renders Weave's IPAM status: one "nickname peer known" line per entry. */
  const rendered = (ring: { Entries: ReturnType<typeof entry>[] }) => ring.Entries.map((e) => `${e.Nickname} ${e.Peer} ${e.IsKnownPeer}\n`).join('');
  async function reclaim(rings: unknown[], after = 1500, timeout = '30') {
    const dir = join(tmp, `weave-${seq++}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'weave'), WEAVE, { mode: 0o755 });
    const ring = join(dir, 'ring.json');
    if (rings[0] !== undefined) writeFileSync(ring, rendered(rings[0] as never));
    const later = rings.length > 1 ? setTimeout(() => writeFileSync(ring, rendered(rings[1] as never)), after) : undefined;
    const r = await run(reclaimScript('w2', SYSTEMD_HOST), { WEAVE_BIN: join(dir, 'weave'), RING: ring, RING_TEMPLATE, RMPEER_LOG: join(dir, 'rmpeer.log'), WEAVE_RECLAIM_INTERVAL: '1', WEAVE_RECLAIM_TIMEOUT: timeout });
    if (later) clearTimeout(later);
    const log = existsSync(join(dir, 'rmpeer.log')) ? readFileSync(join(dir, 'rmpeer.log'), 'utf8').trim().split('\n') : [];
    return { ...r, rmpeers: log };
  }

  it('waits while the retired peer is live, then removes exactly its unreachable peer names, once', async () => {
    const live = { Entries: [entry('aa:aa', 'w1', true), entry('bb:bb', 'w2', true)] };
    const gone = { Entries: [entry('aa:aa', 'w1', true), entry('bb:bb', 'w2', false), entry('cc:cc', 'w2', false), entry('dd:dd', 'w3', false)] };
    const r = await reclaim([live, gone]);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/w2 is still a live peer of the mesh; next check in 1 seconds/);
    expect(r.rmpeers).toEqual(['bb:bb', 'cc:cc']);
  }, 30000);

  it('succeeds without rmpeer when the peer owns nothing (it left with weave reset, or a second run)', async () => {
    const r = await reclaim([{ Entries: [entry('aa:aa', 'w1', true)] }]);
    expect(r.code).toBe(0);
    expect(r.rmpeers).toEqual([]);
    expect(r.output).toMatch(/nothing to reclaim/);
  }, 30000);

  it('waits while this router knows no ranges yet (just started), instead of calling that nothing to reclaim', async () => {
    const r = await reclaim([{ Entries: [] }, { Entries: [entry('aa:aa', 'w1', true), entry('bb:bb', 'w2', false)] }]);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(/this host's router knows no address ranges yet; next check in 1 seconds/);
    expect(r.output).not.toMatch(/nothing to reclaim/);
    expect(r.rmpeers).toEqual(['bb:bb']);
  }, 30000);

  it('gives up without rmpeer while the peer stays live, and waits for weave to run (controls)', async () => {
    const r = await reclaim([{ Entries: [entry('bb:bb', 'w2', true)] }], 0, '2');
    expect(r.code).toBe(1);
    expect(r.rmpeers).toEqual([]);
    expect(r.output).toMatch(/giving up/);
    const notRunning = await reclaim([undefined, { Entries: [entry('bb:bb', 'w2', false)] }]);
    expect(notRunning.output).toMatch(/weave is not running on this host/);
    expect(notRunning.rmpeers).toEqual(['bb:bb']);
  }, 30000);
});

/** Runs a bash text with `args`, env and PATH given; resolves with its exit code and output. */
function bash(text: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn('bash', ['-s', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.stdin.end(text);
    c.on('close', (code) => resolve({ code, out }));
  });
}

describeWhen('the teardown script', [tool('bash')], () => {
  it('is valid bash', async () => {
    const r = await new Promise<number | null>((resolve) => {
      const c = spawn('bash', ['-n'], { stdio: ['pipe', 'ignore', 'ignore'] });
      c.stdin.end(teardownScript('ded-a', SYSTEMD_HOST));
      c.on('close', resolve);
    });
    expect(r).toBe(0);
  });

  it('in a sandbox root, twice: resets weave and removes the library\'s files the first time, finds nothing and succeeds the second; users\' own files stay', async () => {
    const root = mkdtempSync(join(tmpdir(), 'weave-teardown-'));
    const stubs = join(root, 'stubs');
    mkdirSync(stubs);
    // systemctl and networkctl record their calls; the absolute paths are rebased into the sandbox.
    for (const t of ['systemctl', 'networkctl']) writeFileSync(join(stubs, t), `#!/bin/bash\necho "${t} $*" >>"${root}/calls"\n`, { mode: 0o755 });
    const text = teardownScript('ded-a', SYSTEMD_HOST).replace(/(^|[\s=])\/(etc|opt)\//gm, `$1${root}/$2/`);
    const library = ['etc/systemd/system/weave.service', 'etc/systemd/system/weave-install.service', 'etc/systemd/system/docker.service.d/10-weave-min-api.conf',
      'etc/systemd/network/50-weave.network', 'etc/weave.env', 'etc/weave.ded-a.env', 'etc/weave-registry/config.json', 'opt/bin/weave-2.9.0', 'opt/bin/weave-images'];
    const users = ['etc/systemd/system/my-app.service', 'opt/bin/my-tool'];
    for (const f of [...library, ...users]) {
      mkdirSync(join(root, f, '..'), { recursive: true });
      writeFileSync(join(root, f), 'x');
    }
    writeFileSync(join(root, 'opt/bin/weave'), `#!/bin/bash\necho "weave $*" >>"${root}/calls"\n`, { mode: 0o755 });
    const env = { PATH: `${stubs}:/usr/bin:/bin` };
    const first = await bash(text, env);
    expect(first.code).toBe(0);
    const calls1 = readFileSync(join(root, 'calls'), 'utf8').trim().split('\n');
    expect(calls1[0]).toBe('weave reset');
    expect(calls1).toContain('weave reset --force');
    expect(calls1.some((c) => c.startsWith('systemctl disable --now weave-network.target'))).toBe(true);
    for (const f of [...library, 'opt/bin/weave']) expect([f, existsSync(join(root, f))]).toEqual([f, false]);
    for (const f of users) expect([f, existsSync(join(root, f))]).toEqual([f, true]);
    writeFileSync(join(root, 'calls'), '');
    const second = await bash(text, env);
    expect(second.code).toBe(0);
    // No weave left to reset; the rest runs on nothing and succeeds.
    expect(readFileSync(join(root, 'calls'), 'utf8')).not.toContain('weave reset');
    expect(second.out).toContain('ded-a has left the mesh');
  });
});

describeWhen('the operator\'s weave wrapper', [tool('bash')], () => {
  it('runs the versioned script with the units\' release and image owner, which a shell\'s own values override; the bare script sees neither (control)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-wrapper-'));
    const versioned = join(dir, 'weave-2.9.0');
    writeFileSync(versioned, '#!/bin/bash\necho "args=$* version=${WEAVE_VERSION:-unset} owner=${DOCKERHUB_USER:-unset}"\n', { mode: 0o755 });
    const wrapper = weaveWrapper(versioned, [['WEAVE_VERSION', '2.9.0'], ['DOCKERHUB_USER', 'acmeweave.azurecr.io/weave']]);
    const env = { PATH: '/usr/bin:/bin' };
    expect((await bash(wrapper, env, ['status', 'ipam'])).out.trim()).toBe('args=status ipam version=2.9.0 owner=acmeweave.azurecr.io/weave');
    expect((await bash(wrapper, { ...env, DOCKERHUB_USER: 'mirror.example/weave' }, ['status'])).out.trim()).toBe('args=status version=2.9.0 owner=mirror.example/weave');
    expect((await bash(readFileSync(versioned, 'utf8'), env, ['status'])).out.trim()).toBe('args=status version=unset owner=unset');
  });
});
