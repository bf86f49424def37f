// The boot tier's stand-ins for coreos-cloudinit and Ignition
// (boot/support/applier.ts), run here on a temporary root with stub
// systemctl and chown: what they write, with which modes, and what they ask
// systemd, in which order. The boot tier runs the same scripts in guests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { SeedStack } from '../stacks/seed';
import { cloudConfigApplyScript, ignitionApplyScript } from './boot/support/applier';
import { CloudConfigError } from './support/flatcar-cloud-config';
import { IgnitionConfigError } from './support/ignition-33';
import { byName, decodeBootDocument } from './support/synth';

function seedDoc(bootFormat: 'cloud-config' | 'ignition', vm = 'azure-prd-02'): string {
  const tf = JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { network: { bootFormat } })));
  // The password slot as Terraform fills it (boot/seed.boot.ts uses Terraform itself).
  const env = Buffer.from('WEAVE_VERSION=2.9.0\nWEAVE_PASSWORD=applier-test-pw\n').toString('base64');
  return decodeBootDocument(byName(tf, 'azurerm_linux_virtual_machine')[vm].custom_data as string).replace(/__WEAVE_SECRET_\d+__/g, env);
}

/** Runs an apply script on a fresh root; returns the root and the stub calls. */
function run(script: string): { root: string; calls: string[]; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'weave-apply-'));
  const root = join(dir, 'root');
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls');
  spawnSync('mkdir', ['-p', root, bin]);
  for (const tool of ['systemctl', 'chown']) writeFileSync(join(bin, tool), `#!/bin/sh\necho "${tool} $*" >>${log}\n`, { mode: 0o755 });
  const res = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, APPLY_ROOT: root, PATH: `${bin}:${process.env.PATH}` } });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { root, calls, status: res.status, stderr: res.stderr };
}

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);

describe('coreos-cloudinit stand-in', () => {
  const text = seedDoc('cloud-config');
  const r = run(cloudConfigApplyScript(text));

  it('writes write_files with their permissions, units to /etc/systemd/system and drop_ins to NAME.d/', () => {
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(mode(join(r.root, 'etc/weave.env'))).toBe('600');
    expect(readFileSync(join(r.root, 'etc/weave.env'), 'utf8')).toMatch(/^WEAVE_VERSION=2\.9\.0\n/);
    expect(mode(join(r.root, 'etc/systemd/network/50-weave.network'))).toBe('644');
    expect(readFileSync(join(r.root, 'etc/systemd/system/docker.service.d/10-weave-min-api.conf'), 'utf8')).toContain('DOCKER_MIN_API_VERSION=1.24');
    expect(readFileSync(join(r.root, 'etc/systemd/system/weave.service'), 'utf8')).toContain('ExecStart=/usr/bin/docker attach weave');
  });

  it('enables every unit that asks, reloads once, then queues the start command without waiting', () => {
    const enables = r.calls.filter((c) => c.startsWith('systemctl enable'));
    expect(enables).toEqual(['systemctl enable --force weave-install.service weave-host-env.service weave.service weave-expose.service weave-network.target kubernetes.node.target node-mesh-ready.service']);
    expect(r.calls.slice(-3)).toEqual(['systemctl daemon-reload', 'systemctl --no-block start weave-network.target', 'systemctl --no-block start kubernetes.node.target']);
    expect(r.calls.filter((c) => c === 'systemctl daemon-reload')).toHaveLength(1);
    // write_files' owner: root, through chown, as coreos-cloudinit does.
    expect(r.calls.filter((c) => c.startsWith('chown root ')).length).toBeGreaterThan(0);
  });

  it('is strict: the old `drop-ins` spelling is an error, not a dropped key', () => {
    expect(() => cloudConfigApplyScript(text.replace(/drop_ins:/g, 'drop-ins:'))).toThrow(CloudConfigError);
  });
});

describe('Ignition stand-in', () => {
  const text = seedDoc('ignition', 'azure-prd-03');
  const r = run(ignitionApplyScript(text));

  it('writes files with mode and owner, units and dropins, and enables through a preset', () => {
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(mode(join(r.root, 'etc/weave.env'))).toBe('600');
    expect(mode(join(r.root, 'etc/weave.azure-prd-03.env'))).toBe('600');
    expect(readFileSync(join(r.root, 'etc/weave.azure-prd-03.env'), 'utf8')).toContain('WEAVE_BRIDGE_ADDRESS=10.1.0.3/16');
    expect(readFileSync(join(r.root, 'etc/systemd/system/docker.service.d/10-weave-min-api.conf'), 'utf8')).toContain('DOCKER_MIN_API_VERSION=1.24');
    const preset = readFileSync(join(r.root, 'etc/systemd/system-preset/20-ignition.preset'), 'utf8');
    expect(preset).toContain('enable weave-network.target\n');
    expect(r.calls.find((c) => c.startsWith('systemctl --root='))).toMatch(/ preset .*weave-network\.target/);
    expect(r.calls.filter((c) => c.startsWith('chown root:root ')).length).toBeGreaterThan(0);
  });

  it('masks with a /dev/null link, refuses an existing file without overwrite, and is strict about keys', () => {
    const cfg = JSON.parse(text);
    cfg.systemd.units.push({ name: 'update-engine.service', mask: true });
    const masked = run(ignitionApplyScript(JSON.stringify(cfg)));
    expect(readlinkSync(join(masked.root, 'etc/systemd/system/update-engine.service'))).toBe('/dev/null');
    cfg.storage.files[0].overwrite = false;
    const twice = ignitionApplyScript(JSON.stringify(cfg));
    const again = run(`${twice}\n${twice}`);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/exists and overwrite is false/);
    expect(() => ignitionApplyScript(text.replace('"enabled":true', '"enable":true'))).toThrow(IgnitionConfigError);
  });
});
