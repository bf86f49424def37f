// Boot scripts and shell fragments run under the real bash: the install
// unit's fetch step, the dedicated server's preflight and whole script
// (against a scratch root), and `bash -n` on the rendered script, each with
// a control that fails. bash is an external program, so this is the
// integration tier (jest/tiers.js); the fast tier runs none.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostEnvSource } from '../lib/core/declare/network';
import { weaveBootDocument as buildBootConfig } from '../lib/core/boot/weave';
import { mergeUserContent, withUserContent } from '../lib/core/boot/user-content';
import { planNetwork } from '../lib/core/plan/plan';
import { fillSecrets, renderScript } from '../lib/core/render';
import { seedSpec } from './fixtures/seed-spec';
import { describeWhen, tool } from './support/skip';

const PASSWORD = 'correct-horse-battery-staple';
const plan = planNetwork(seedSpec({ release: { version: '2.9.0', scriptUrl: 'https://github.com/rajch/weave/releases/download/v2.9.0/weave', imageOwner: 'rajchaudhuri', sha256: 'a'.repeat(64) } }));
const boots = (source: HostEnvSource) => plan.hosts.map((h) => ({ host: h, boot: buildBootConfig(plan, h, { hostEnvSource: source }) }));

/** `bash -n` on a script: status and what bash said. */
function bashSyntax(script: string): { status: number | null; stderr: string } {
  const res = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
  return { status: res.status, stderr: res.stderr };
}

describeWhen('the install unit\'s fetch step under bash', tool('bash'), () => {
  const { boot } = boots('azure-imds')[1];
  const unit = (name: string) => boot.units.find((u) => u.name === name)!;

  it('the fetch step fails closed on a checksum mismatch and keeps the old script', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const { mkdtempSync, writeFileSync, existsSync } = require('node:fs') as typeof import('node:fs');
    const { tmpdir } = require('node:os') as typeof import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/weave-fetch-`);
    const fetch = unit('weave-install.service').contents!.split('\n').find((l) => l.includes('curl'))!;
    // Run the unit's own command with a stand-in curl that "downloads" known bytes.
    const script = fetch
      .replace(/^ExecStart=\/usr\/bin\/bash -c '/, '')
      .replace(/'$/, '')
      .split('/opt/bin/').join(`${dir}/`)
      .replace(/\/usr\/bin\/curl [^&]*-o (\S+) \S+/, 'printf "#!/bin/sh\\n" > $1');
    const run = () => spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    expect(run().status).not.toBe(0); // 'a'*64 is not the sha256 of the stand-in
    expect(existsSync(`${dir}/weave-2.9.0`)).toBe(false);
    writeFileSync(`${dir}/weave-2.9.0`, 'old', { mode: 0o755 });
    expect(run().status).toBe(0); // present: nothing is fetched
  });

});

describeWhen('the SSH install script (dedicated hosts) under bash', tool('bash'), () => {
  const ded = boots('file').find((x) => x.host.name === 'ded-prd-01')!;
  const r = renderScript(ded.boot);

  it('stops before changing anything on a server that lacks a tool the units call', () => {
    const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
    const { mkdtempSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
    const { tmpdir } = require('node:os') as typeof import('node:os');
    const bin = mkdtempSync(`${tmpdir()}/weave-bin-`);
    const tools = /for tool in ([^;]+);/.exec(r.text)![1].split(' ').map((t) => t.replace('/usr/bin/', ''));
    expect(tools).toEqual(expect.arrayContaining(['bash', 'curl', 'docker', 'ip', 'sha256sum']));
    for (const t of tools.filter((x) => x !== 'ip')) writeFileSync(`${bin}/${t}`, '#!/bin/sh\n', { mode: 0o755 });
    const preflight = r.text.split('\n').slice(0, 7).join('\n').split('/usr/bin/').join(`${bin}/`);
    expect(preflight).toContain(`${bin}/ip`);
    const res = spawnSync('bash', ['-c', `${preflight}\necho reached`], { encoding: 'utf8' });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`this server lacks: ${bin}/ip`);
    expect(res.stdout).not.toContain('reached');
    writeFileSync(`${bin}/ip`, '#!/bin/sh\n', { mode: 0o755 });
    expect(spawnSync('bash', ['-c', `${preflight}\necho reached`], { encoding: 'utf8' }).stdout).toContain('reached');
  });

  it('is valid bash (bash -n), and bash -n rejects the same script broken', () => {
    expect(bashSyntax(fillSecrets(r, PASSWORD))).toEqual({ status: 0, stderr: '' });
    // Control: one unclosed quote, and bash -n fails naming the problem.
    const broken = fillSecrets(r, PASSWORD).replace("set -euo pipefail", "set -euo pipefail\necho 'unclosed");
    const res = bashSyntax(broken);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/syntax error|unexpected EOF|unexpected end of file/);
  });
});

describeWhen('the dedicated servers\' script applies user content (run against a scratch root)', tool('bash'), () => {
  const KUBELET = '[Unit]\nAfter=weave-network.target\nRequires=weave-network.target\n\n[Service]\nExecStart=/opt/bin/kubelet\n\n[Install]\nWantedBy=kubernetes.node.target\n';
  const MIRROR = { name: '20-registry-mirror.conf', contents: '[Service]\nEnvironment="DOCKER_OPTS=--registry-mirror=https://mirror.example.com"\n' };
  const plan = planNetwork(seedSpec());
  const ded = plan.hosts[4];
  const content = (kubelet: string) => mergeUserContent([{
    files: [{ path: '/etc/kubernetes/kubelet.yaml', content: 'kind: KubeletConfiguration\n', mode: 0o640, owner: 'nobody' }],
    units: [{ name: 'kubelet.service', contents: kubelet, start: true }, { name: 'docker.service', dropIns: [MIRROR] }],
  }]);
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'weave-script-root-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** Runs the script with every absolute path under `root` and systemctl/networkctl/chown logged, not run. */
  function apply(kubelet: string): string[] {
    const text = fillSecrets(renderScript(withUserContent(buildBootConfig(plan, ded, { hostEnvSource: 'file' }), content(kubelet))), PASSWORD);
    const log = join(root, 'calls.log');
    writeFileSync(log, '');
    const body = text
      .split('\n')
      .filter((l) => !l.startsWith('for tool in') && !l.startsWith('if [ -n "$missing" ]'))
      .join('\n')
      .replace(/^put \//gm, `put ${root}/`)
      .replace(/\*" \/etc\//g, `*" ${root}/etc/`);
    const prelude = `systemctl() { echo "systemctl $*" >> ${log}; }\nnetworkctl() { :; }\nchown() { echo "chown $*" >> ${log}; }\n`;
    const res = spawnSync('bash', ['-c', prelude + body.replace(/^#!\/bin\/bash\n/, '')], { encoding: 'utf8' });
    expect([res.status, res.stderr]).toEqual([0, '']);
    return readFileSync(log, 'utf8').trim().split('\n');
  }

  it('writes files with their mode and owner, enables and starts the user\'s unit, restarts it only when it changed', () => {
    const first = apply(KUBELET);
    expect(readFileSync(join(root, 'etc/kubernetes/kubelet.yaml'), 'utf8')).toBe('kind: KubeletConfiguration\n');
    expect(statSync(join(root, 'etc/kubernetes/kubelet.yaml')).mode & 0o777).toBe(0o640);
    expect(first).toContain(`chown nobody ${first.find((l) => l.includes('kubelet.yaml.'))!.split(' ')[2]}`);
    expect(readFileSync(join(root, 'etc/systemd/system/kubelet.service'), 'utf8')).toBe(KUBELET);
    expect(readFileSync(join(root, 'etc/systemd/system/docker.service.d/20-registry-mirror.conf'), 'utf8')).toBe(MIRROR.contents);
    expect(first).toContain('systemctl enable weave-install.service weave.service weave-expose.service weave-network.target kubelet.service');
    expect(first).toContain('systemctl try-restart docker.service');
    expect(first).toContain('systemctl try-restart kubelet.service');
    expect(first[first.length - 1]).toBe('systemctl start kubelet.service');

    // Re-run with nothing changed: no restarts, still started.
    const again = apply(KUBELET);
    expect(again.filter((l) => l.includes('try-restart'))).toEqual([]);
    expect(again).toContain('systemctl start kubelet.service');

    // Only the unit changed: only it restarts, Docker stays up.
    const changed = apply(KUBELET.replace('/opt/bin/kubelet', '/opt/bin/kubelet --v=2'));
    expect(changed.filter((l) => l.includes('try-restart'))).toEqual(['systemctl try-restart kubelet.service']);
  });
});
