import { parse } from 'yaml';
import { weaveBootDocument as buildBootConfig, renderUserData, USER_DATA_HEADER } from '../lib/core/boot/weave';
import { cloudConfigByName } from '../lib/core/derive/templates';
import { planNetwork } from '../lib/core/plan/plan';
import { fillSecrets, renderCloudConfig, renderIgnition, renderScript } from '../lib/core/render';
import { HostEnvSource } from '../lib/core/declare/network';
import { seedSpec } from './fixtures/seed-spec';
import { decodeCloudConfig } from './support/flatcar-cloud-config';

const plan = planNetwork(seedSpec({ release: { version: '2.9.0', scriptUrl: 'https://github.com/rajch/weave/releases/download/v2.9.0/weave', imageOwner: 'rajchaudhuri', sha256: 'a'.repeat(64) } }));
const boots = (source: HostEnvSource) => plan.hosts.map((h) => ({ host: h, boot: buildBootConfig(plan, h, { hostEnvSource: source }) }));
const PASSWORD = 'correct-horse-battery-staple';

describe.each(['file', 'azure-imds'] as const)('cloud-config (host env from %s)', (source) => {
  const rendered = boots(source).map(({ host, boot }) => ({ host, r: renderCloudConfig(boot) }));

  it.each(rendered.map((x) => [x.host.name, x]))('%s: decodes as today\'s coreos-cloudinit reads it, with no key it would drop', (_, { r }) => {
    // The strict decoder holds the key table of flatcar/coreos-cloudinit config/*.go.
    const cfg = decodeCloudConfig(r.text);
    expect(parse(r.text).coreos.units.some((u: Record<string, unknown>) => 'drop-ins' in u)).toBe(false);
    expect(cfg.units.find((u) => u.name === 'docker.service')!.drop_ins.map((d) => d.name)).toEqual(['10-weave-min-api.conf']);
    for (const f of cfg.write_files) {
      expect(f.permissions).toMatch(/^0[0-7]{3}$/);
      expect(['', 'b64']).toContain(f.encoding);
    }
    for (const u of cfg.units) expect(['', 'start']).toContain(u.command);
  });

  it.each(rendered.map((x) => [x.host.name, x]))('%s: no password literal, env files 0600, well under 64 KB', (_, { host, r }) => {
    const filled = fillSecrets(r, PASSWORD);
    expect(r.text).not.toContain(PASSWORD);
    expect(r.text).not.toMatch(/WEAVE_PASSWORD/);
    expect(Buffer.byteLength(filled)).toBeLessThan(16 * 1024);
    const cfg = parse(filled);
    const env = cfg.write_files.find((f: { path: string }) => f.path === '/etc/weave.env');
    expect(env.permissions).toBe('0600');
    expect(Buffer.from(env.content, 'base64').toString()).toContain(`WEAVE_PASSWORD=${PASSWORD}\n`);
    const hostEnv = cfg.write_files.find((f: { path: string }) => f.path === host.hostEnvPath);
    if (source === 'file') {
      expect(hostEnv.permissions).toBe('0600');
      expect(hostEnv.content).toContain(`WEAVE_IPALLOC_INIT=consensus=5`);
    } else {
      // Growth-sensitive values ride in user data, not custom data.
      expect(hostEnv).toBeUndefined();
      expect(filled).not.toContain('consensus=5');
    }
  });
});

describe('units', () => {
  const { host, boot } = boots('azure-imds')[1];
  const unit = (name: string) => boot.units.find((u) => u.name === name)!;

  it('sets DOCKER_MIN_API_VERSION=1.24 in a docker.service drop-in', () => {
    const docker = unit('docker.service');
    expect(docker.contents).toBeUndefined();
    expect(docker.dropIns).toEqual([{ name: '10-weave-min-api.conf', contents: '[Service]\nEnvironment=DOCKER_MIN_API_VERSION=1.24\n' }]);
  });

  it('installs the pinned script, checks its sha256 before it is moved into place, and pulls the pinned images without weave setup', () => {
    const lines = unit('weave-install.service').contents!.split('\n');
    const fetch = lines.find((l) => l.includes('curl'))!;
    // Fetched only when the versioned file is missing; verified before it is moved into place.
    expect(fetch).toMatch(/^ExecStart=\/usr\/bin\/bash -c 'set -o pipefail; test -x \/opt\/bin\/weave-2\.9\.0 \|\| \{ /);
    expect(fetch).toContain('https://github.com/rajch/weave/releases/download/v2.9.0/weave');
    expect(fetch).toContain(`echo "${'a'.repeat(64)}  /opt/bin/weave-2.9.0.download" | /usr/bin/sha256sum --check --strict`);
    const at = (needle: string) => fetch.indexOf(needle);
    expect(at('curl')).toBeLessThan(at('sha256sum'));
    expect(at('sha256sum')).toBeLessThan(at('/usr/bin/mv -f'));
    expect(fetch).not.toContain('$'); // systemd would expand it
    // `weave setup` would pull weavedb:latest; the pull script pulls the pinned tags instead.
    expect(lines).toContain('ExecStart=/opt/bin/weave-images');
    expect(lines.join('\n')).not.toMatch(/weave setup|ln -sfn/);
    expect(lines.indexOf('ExecStart=/opt/bin/weave-images')).toBeGreaterThan(lines.indexOf(fetch));
    const file = (path: string) => boot.files.find((f) => f.path === path)!;
    expect(file('/opt/bin/weave-images').mode).toBe(0o755);
    // /opt/bin/weave is a wrapper with the units' release and owner, no longer a symlink.
    expect(file('/opt/bin/weave').content).toContain('export WEAVE_VERSION="${WEAVE_VERSION:-2.9.0}"\nexport DOCKERHUB_USER="${DOCKERHUB_USER:-rajchaudhuri}"');
    expect(file('/opt/bin/weave').content).toContain('exec /opt/bin/weave-2.9.0 "$@"');
  });

  it('launches weave with --no-restart and host flags, attaches, and stops with weave stop', () => {
    const c = unit('weave.service').contents!;
    expect(c).toContain('ExecStartPre=/opt/bin/weave launch --no-restart --ipalloc-range 10.2.0.0/16 --dns-domain weave.local. --ipalloc-init $WEAVE_IPALLOC_INIT $WEAVE_PEERS');
    expect(c).toContain('ExecStart=/usr/bin/docker attach weave');
    expect(c).toContain('ExecStop=/opt/bin/weave stop');
    expect(c).toContain(`EnvironmentFile=${host.hostEnvPath}`);
  });

  it('exposes the bridge address and an address of the container range (hosts reach containers), and adds the multicast route idempotently', () => {
    const c = unit('weave-expose.service').contents!;
    expect(c).toContain('ExecStart=/opt/bin/weave expose $WEAVE_BRIDGE_ADDRESS net:default');
    expect(c).toContain('ExecStart=/usr/bin/ip route replace 224.0.0.0/4 dev weave');
    expect(c).not.toMatch(/route add/);
    // The bridge range (10.1.0.0/16) lies outside ipallocRange (10.2.0.0/16):
    // without net:default a host has no route to any container.
    expect(plan.spec.ipallocRange).toBe('10.2.0.0/16');
    expect(host.bridgeAddress.startsWith('10.1.')).toBe(true);
    // Allocation waits for IPAM consensus: no start timeout, like the router.
    expect(c).toContain('TimeoutStartSec=0');
  });

  it('makes weave-network.target wanted by the configured targets and starts it', () => {
    const t = unit('weave-network.target');
    expect(t.contents).toContain('WantedBy=kubernetes.master.target');
    expect(t.contents).toContain('WantedBy=kubernetes.node.target');
    expect(t.start).toBe(true);
  });

  it('skips the checksum step when no sha256 is given', () => {
    const p = planNetwork(seedSpec());
    const b = buildBootConfig(p, p.hosts[0], { hostEnvSource: 'file' });
    expect(b.units.find((u) => u.name === 'weave-install.service')!.contents).not.toContain('sha256sum');
  });
});

describe('user data', () => {
  it('holds the host env behind a #! line that Ignition skips and systemd reads as a comment', () => {
    const text = renderUserData(plan.hosts[3]);
    const [first, ...rest] = text.split('\n');
    expect(first).toBe(USER_DATA_HEADER);
    expect(first.startsWith('#!')).toBe(true);
    expect(rest.join('\n')).toBe('WEAVE_PEERS=azure-prd-03\nWEAVE_IPALLOC_INIT=consensus=5\nWEAVE_BRIDGE_ADDRESS=10.1.0.4/16\n');
  });
});

describe('Ignition', () => {
  it.each(boots('file').map((x) => [x.host.name, x]))('%s: spec 3.3.0 with 0600 env files and no password literal', (_, { host, boot }) => {
    const r = renderIgnition(boot);
    expect(r.text).not.toContain(PASSWORD);
    const cfg = JSON.parse(fillSecrets(r, PASSWORD));
    expect(cfg.ignition.version).toBe('3.3.0');
    const files = Object.fromEntries(cfg.storage.files.map((f: { path: string }) => [f.path, f]));
    expect(files['/etc/weave.env'].mode).toBe(0o600);
    expect(files[host.hostEnvPath].mode).toBe(0o600);
    const decode = (src: string) => Buffer.from(src.replace(/^data:;base64,/, ''), 'base64').toString();
    expect(decode(files['/etc/weave.env'].contents.source)).toContain(`WEAVE_PASSWORD=${PASSWORD}`);
    expect(decode(files[host.hostEnvPath].contents.source)).toContain(`WEAVE_BRIDGE_ADDRESS=${host.bridgeAddress}`);
    const target = cfg.systemd.units.find((u: { name: string }) => u.name === 'weave-network.target');
    expect(target.enabled).toBe(true);
  });
});

describe('SSH install script (dedicated hosts)', () => {
  const ded = boots('file').find((x) => x.host.name === 'ded-prd-01')!;
  const r = renderScript(ded.boot);

  it('writes each file atomically with its mode, enables the units and restarts the target', () => {
    expect(r.text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(r.text).toContain('set -euo pipefail');
    expect(r.text).toContain('umask 077');
    expect(r.text).toContain("put /etc/weave.env 0600 <<'WEAVE_B64'");
    expect(r.text).toContain("put /etc/weave.ded-prd-01.env 0600 <<'WEAVE_B64'");
    expect(r.text).toContain("put /etc/systemd/system/docker.service.d/10-weave-min-api.conf 0644 <<'WEAVE_B64'");
    expect(r.text).toContain('systemctl enable weave-install.service weave.service weave-expose.service weave-network.target');
    expect(r.text).toMatch(/systemctl restart weave-network.target\n$/);
    expect(r.text).not.toContain(PASSWORD);
  });

});

describe('cloud-config rendered once per network', () => {
  it('gives every host exactly what a direct render gives it', () => {
    const spec = seedSpec({ bootstrapSize: undefined });
    // Names of different lengths and with dots, so substitution is exercised.
    const clusters = spec.clusters.map((c, i) => ({
      ...c,
      hosts: [...c.hosts, { path: `x/${i}`, name: `n${i}.rack-${'a'.repeat(i * 7 + 1)}.example`, sshHost: '203.0.113.9' }],
    }));
    const p = planNetwork({ ...spec, clusters, bridgeRange: '10.1.0.0/16' });
    const byName = cloudConfigByName(p);
    for (const h of p.hosts) {
      const direct = renderCloudConfig(buildBootConfig(p, h, { hostEnvSource: 'azure-imds' }));
      expect([h.name, byName(h)]).toEqual([h.name, direct]);
    }
  });
});

describe('the unit runs what the plan says', () => {
  it.each(planNetwork(seedSpec({ bootstrapSize: 3 })).hosts.map((h) => [h.name, h]))('%s: ExecStartPre with its env file applied equals weave launch + launchArgs', (_, host) => {
    const p = planNetwork(seedSpec({ bootstrapSize: 3 }));
    const unitText = buildBootConfig(p, host, { hostEnvSource: 'azure-imds' }).units.find((u) => u.name === 'weave.service')!.contents!;
    const line = unitText.split('\n').find((l) => l.startsWith('ExecStartPre='))!.slice('ExecStartPre='.length);
    const env = Object.fromEntries(host.hostEnv);
    // systemd: $VAR splits on whitespace, an empty value gives no word.
    const argv = line.split(' ').flatMap((w) => (w.startsWith('$') ? env[w.slice(1)].split(' ').filter(Boolean) : [w]));
    expect(argv).toEqual(['/opt/bin/weave', 'launch', ...host.launchArgs]);
  });
});

describe('filledSize', () => {
  it('equals the byte length of the document with a password filled in', () => {
    const { filledSize } = require('../lib/core/render/rendered') as typeof import('../lib/core/render/rendered');
    for (const { boot } of boots('file')) {
      for (const r of [renderCloudConfig(boot), renderIgnition(boot), renderScript(boot)]) {
        for (const pw of ['x'.repeat(12), 'y'.repeat(256), 'z'.repeat(13)]) {
          expect(filledSize(r, pw.length)).toBe(Buffer.byteLength(fillSecrets(r, pw)));
        }
      }
    }
  });
});
