// The rendered boot configs pass the real validators: ignition-validate for
// the Ignition documents, systemd-analyze verify for every unit and drop-in.
// A missing validator skips its suite with one line saying how to install it,
// or fails it under CI=true (.ci/run installs both); the negative controls
// show each check can fail.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BootDocument as BootConfig } from '../lib/core/boot/document';
import { mergeUserContent, withUserContent } from '../lib/core/boot/user-content';
import { weaveBootDocument as buildBootConfig } from '../lib/core/boot/weave';
import { DEFAULT_RELEASE } from '../lib/core/defaults';
import { NetworkPlan, planNetwork } from '../lib/core/plan/plan';
import { RenderedBoot, fillSecrets, renderIgnition } from '../lib/core/render';
import { HostEnvSource } from '../lib/core/declare/network';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { BesideWeaveStack } from '../stacks/beside-weave';
import { SEED_NODE_UNIT } from '../stacks/seed';
import { decodeBootDocument } from './support/synth';
import { seedSpec } from './fixtures/seed-spec';
import { describeWhen, tool } from './support/skip';
import {
  ValidatorResult,
  execPaths,
  externalUnits,
  ignitionValidate,
  linkedAtBoot,
  missingExecutables,
  requireTool,
  stageUnits,
  systemdVerify,
  withUnit,
} from './support/validators';

const PASSWORD = 'test-password-123';
const PASS: ValidatorResult = { status: 0, output: '' };
const SOURCES: readonly HostEnvSource[] = ['file', 'azure-imds'];

interface Case {
  readonly label: string;
  readonly plan: NetworkPlan;
  readonly boot: BootConfig;
}

const seed = planNetwork(seedSpec());
// The seed pins no sha256; this plan covers the checksum ExecStart line too.
const pinned = planNetwork(seedSpec({ release: { ...DEFAULT_RELEASE, sha256: 'ab'.repeat(32) } }));

/**
 * What a Kubernetes node puts beside Weave: a kubelet-like unit ordered after
 * the mesh, a docker.service drop-in, the seed's example unit, and files
 * (text, bytes, and content Terraform fills in).
 */
const KUBELET_UNIT = [
  '[Unit]',
  'Description=Kubernetes node agent',
  'Documentation=https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/',
  'After=weave-network.target docker.service',
  'Requires=weave-network.target',
  'Wants=docker.service',
  'StartLimitIntervalSec=0',
  '',
  '[Service]',
  'EnvironmentFile=-/etc/kubernetes/kubelet.env',
  'ExecStartPre=/usr/bin/mkdir -p /etc/kubernetes/manifests /var/lib/kubelet',
  'ExecStart=/opt/bin/kubelet --config=/etc/kubernetes/kubelet.yaml --kubeconfig=/etc/kubernetes/kubelet.conf $KUBELET_EXTRA_ARGS',
  'Restart=always',
  'RestartSec=10',
  '',
  '[Install]',
  'WantedBy=kubernetes.node.target',
  '',
].join('\n');
const DOCKER_MIRROR = { name: '20-registry-mirror.conf', contents: '[Service]\nEnvironment="DOCKER_OPTS=--registry-mirror=https://mirror.example.com"\n' };
const USER_CONTENT = mergeUserContent([{
  files: [
    { path: '/etc/kubernetes/kubelet.yaml', content: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n' },
    { path: '/etc/kubernetes/kubelet.env', content: 'KUBELET_EXTRA_ARGS=--node-labels=mesh=weave\n', mode: 0o600, owner: 'core:core' },
    { path: '/opt/bin/kubelet-helper', contentBase64: Buffer.from('#!/bin/sh\nexit 0\n').toString('base64'), mode: 0o755, owner: '0' },
    // The kubelet unit's ExecStart: an executable must be on Flatcar or written by the document.
    { path: '/opt/bin/kubelet', contentBase64: Buffer.from('#!/bin/sh\nexit 0\n').toString('base64'), mode: 0o755 },
    { path: '/etc/kubernetes/pki/ca.crt', expression: { ref: 'local.ca_b64', display: '${var.ca_pem}' } },
  ],
  units: [
    { name: 'kubelet.service', contents: KUBELET_UNIT },
    { name: 'docker.service', dropIns: [DOCKER_MIRROR] },
    { name: SEED_NODE_UNIT.name, contents: SEED_NODE_UNIT.contents },
  ],
}]);
/** Fills Terraform's slots the way Terraform would (base64 of a value). */
const fillExpressions = (r: RenderedBoot, text: string): string =>
  (r.expressions ?? []).reduce((t, e) => t.split(e.placeholder).join(Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64')), text);

const cases: Case[] = [
  ...SOURCES.flatMap((hostEnvSource) =>
    seed.hosts.map((h) => ({
      label: `${h.name} (${hostEnvSource})`,
      plan: seed,
      boot: buildBootConfig(seed, h, { hostEnvSource }),
    })),
  ),
  ...SOURCES.map((hostEnvSource) => ({
    label: `${pinned.hosts[0].name} (${hostEnvSource}, pinned sha256)`,
    plan: pinned,
    boot: buildBootConfig(pinned, pinned.hosts[0], { hostEnvSource }),
  })),
  ...SOURCES.flatMap((hostEnvSource) => [seed.hosts[0], seed.hosts[4]].map((h) => ({
    label: `${h.name} (${hostEnvSource}, with a kubelet unit, a docker drop-in and user files)`,
    plan: seed,
    boot: withUserContent(buildBootConfig(seed, h, { hostEnvSource }), USER_CONTENT),
  }))),
];

/** The first seed host's config, the base for the negative controls. */
const base = (hostEnvSource: HostEnvSource = 'file'): BootConfig => buildBootConfig(seed, seed.hosts[0], { hostEnvSource });

/** Rewrites one unit's text; throws if `from` is absent, so a control can never be vacuous. */
function editUnit(boot: BootConfig, name: string, from: string, to: string): BootConfig {
  return withUnit(boot, name, (u) => {
    if (!u.contents?.includes(from)) throw new Error(`${name} has no ${JSON.stringify(from)}`);
    return { ...u, contents: u.contents.replace(from, to) };
  });
}

/** `describe` for the suites of one validator: skipped (or failed under CI) without it. */
const withValidator = (name: string) => (title: string, body: () => void) => describeWhen(title, tool(name), body);

let tmp: string;
let seq = 0;
const freshDir = (what: string): string => {
  const dir = join(tmp, `${what}-${seq++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'weave-validators-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('covers every seed host with both host env sources, and user content on an Azure and a dedicated host', () => {
  expect(seed.hosts).toHaveLength(5);
  expect(cases.filter((c) => c.plan === seed && !c.label.includes('kubelet'))).toHaveLength(seed.hosts.length * SOURCES.length);
  const withUser = cases.filter((c) => c.label.includes('kubelet'));
  expect(withUser).toHaveLength(4);
  for (const c of withUser) {
    expect(c.boot.units.map((u) => u.name)).toEqual(expect.arrayContaining(['kubelet.service', 'node-mesh-ready.service']));
    expect(c.boot.units.find((u) => u.name === 'docker.service')!.dropIns).toHaveLength(2);
    expect(c.boot.files.map((f) => f.path)).toEqual(expect.arrayContaining(['/etc/kubernetes/kubelet.yaml', '/etc/kubernetes/pki/ca.crt']));
  }
});

withValidator('ignition-validate')('ignition-validate', () => {
  const files = new Map<string, string>();
  const writeIgnition = (name: string, text: string): string => {
    const file = join(tmp, 'ignition', `${name}.ign`);
    writeFileSync(file, text);
    return file;
  };

  beforeAll(() => {
    mkdirSync(join(tmp, 'ignition'), { recursive: true });
    cases.forEach((c, i) => {
      const r = renderIgnition(c.boot);
      files.set(c.label, writeIgnition(`case-${i}`, fillExpressions(r, fillSecrets(r, PASSWORD))));
    });
  });

  test('is installed', () => {
    expect(requireTool('ignition-validate')).toMatch(/ignition-validate$/);
  });

  test.each(cases)('accepts $label with no errors or warnings', ({ label, boot }) => {
    const rendered = renderIgnition(boot);
    expect(rendered.slots.length).toBeGreaterThan(0);
    expect(fillSecrets(rendered, PASSWORD)).not.toMatch(/__WEAVE_SECRET_/);
    // What the validator reads has every slot filled, users' Terraform-filled files included.
    expect(readFileSync(files.get(label)!, 'utf8')).not.toMatch(/__WEAVE_(SECRET|FILE)_/);
    expect(ignitionValidate(files.get(label)!)).toEqual(PASS);
  });

  describe('negative controls', () => {
    const mutated = (edit: (config: any) => void): ValidatorResult => {
      const config = JSON.parse(fillSecrets(renderIgnition(base()), PASSWORD));
      edit(config);
      return ignitionValidate(writeIgnition(`negative-${seq++}`, JSON.stringify(config)));
    };

    test('rejects a file mode given as a string', () => {
      const result = mutated((c) => {
        c.storage.files[0].mode = '0600';
      });
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/mode/);
    });

    test('rejects a config without ignition.version', () => {
      const result = mutated((c) => {
        delete c.ignition.version;
      });
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/version/);
    });

    test('a warning alone (unused key) already fails the "no output" check', () => {
      const result = mutated((c) => {
        c.systemd.units[1].enable = true; // Ignition's key is `enabled`
      });
      expect(result.output).toMatch(/warning.*Unused key enable/);
      expect(result).not.toEqual(PASS);
    });
  });
});

withValidator('systemd-analyze')('systemd-analyze verify', () => {
  const verify = (boot: BootConfig): ValidatorResult => {
    const root = freshDir('root');
    return systemdVerify(root, stageUnits(root, boot));
  };

  test('is installed', () => {
    expect(requireTool('systemd-analyze')).toMatch(/systemd-analyze$/);
  });

  test.each(cases)('accepts every unit and drop-in of $label', ({ boot }) => {
    expect(verify(boot)).toEqual(PASS);
  });

  test.each(cases)('$label depends only on units it ships, docker.service and wantedBy targets', ({ plan, boot }) => {
    // Stand-ins are staged for every external unit, so verify alone would not
    // catch a misspelt dependency; this allow-list does.
    const expected = ['docker.service', 'network-online.target', ...plan.spec.wantedBy];
    expect(externalUnits(boot)).toEqual([...new Set(expected)].sort());
  });

  test('every Exec path is on Flatcar, written by the document or linked by one of its units', () => {
    for (const c of cases) expect([c.label, missingExecutables(c.boot)]).toEqual([c.label, []]);
    // /opt/bin/weave is the operator's wrapper, a file of the document (it was a link).
    expect(linkedAtBoot(base())).toEqual([]);
    expect(base().files.map((f) => f.path)).toEqual(expect.arrayContaining(['/opt/bin/weave', '/opt/bin/weave-images']));
  });

  test('control: an Exec path the target does not have (/usr/bin/dockr) fails verify, naming it', () => {
    const broken = editUnit(base(), 'weave.service', 'ExecStart=/usr/bin/docker attach weave', 'ExecStart=/usr/bin/dockr attach weave');
    expect(missingExecutables(broken)).toEqual(['/usr/bin/dockr']);
    const result = verify(broken);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/weave\.service: Command \/usr\/bin\/dockr is not executable/);
  });

  test('control: a user unit calling an executable nothing writes fails verify', () => {
    const user = withUserContent(base(), mergeUserContent([{ units: [{ name: 'kubelet.service', contents: KUBELET_UNIT.replace('ExecStart=/opt/bin/kubelet', 'ExecStart=/opt/bin/kubelet-not-installed') }] }]));
    expect(missingExecutables(user)).toEqual(['/opt/bin/kubelet-not-installed']);
    expect(verify(user).output).toMatch(/kubelet\.service: Command \/opt\/bin\/kubelet-not-installed is not executable/);
  });

  test('the docs/beside-weave.md example: every unit and drop-in of a master passes verify', () => {
    const tf = JSON.parse(Testing.synth(new BesideWeaveStack(Testing.app(), 'k8s')));
    const vm = Object.values(tf.resource.azurerm_linux_virtual_machine as Record<string, { name: string; custom_data: string }>).find((v) => v.name === 'master-1')!;
    const cfg = parse(decodeBootDocument(vm.custom_data));
    const boot: BootConfig = {
      host: 'master-1',
      files: cfg.write_files.map((f: { path: string; permissions: string }) => ({ path: f.path, mode: parseInt(f.permissions, 8), content: '' })),
      units: cfg.coreos.units.map((u: { name: string; content?: string; enable?: boolean; drop_ins?: { name: string; content: string }[] }) => ({
        name: u.name,
        contents: u.content,
        enable: !!u.enable,
        dropIns: u.drop_ins?.map((d) => ({ name: d.name, contents: d.content })),
      })),
    };
    expect(boot.units.map((u) => u.name)).toEqual(expect.arrayContaining(['kubelet.service', 'kubelet-install.service', 'weave.service']));
    expect(missingExecutables(boot)).toEqual([]);
    expect(verify(boot)).toEqual(PASS);
  });

  test('stages the executables the units name', () => {
    const texts = base('azure-imds').units.map((u) => u.contents ?? '');
    const paths = new Set(texts.flatMap(execPaths));
    expect([...paths]).toEqual(expect.arrayContaining(['/opt/bin/weave', '/opt/bin/weave-images', '/usr/bin/docker', '/usr/bin/bash', '/usr/bin/ip']));
    expect(execPaths('[Service]\nExecStartPre=-/usr/bin/networkctl reload\nExecStart=relative arg\n')).toEqual(['/usr/bin/networkctl']);
  });

  describe('negative controls', () => {
    test('rejects an ExecStart with a relative path', () => {
      const broken = editUnit(base(), 'weave.service', 'ExecStart=/usr/bin/docker attach weave', 'ExecStart=docker attach weave');
      const result = verify(broken);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/weave\.service: Command docker is not executable/);
    });

    test('rejects an unknown key in a unit', () => {
      const broken = editUnit(base(), 'weave-expose.service', 'RemainAfterExit=yes', 'RemainAfterExits=yes');
      const result = verify(broken);
      expect(result).not.toEqual(PASS);
      expect(result.output).toMatch(/weave-expose\.service:\d+: Unknown key 'RemainAfterExits' in section \[Service\]/);
    });

    test('rejects an unknown key in the docker.service drop-in', () => {
      const broken = withUnit(base(), 'docker.service', (u) => ({
        ...u,
        dropIns: (u.dropIns ?? []).map((d) => ({ ...d, contents: d.contents.replace('Environment=', 'Environmnet=') })),
      }));
      const result = verify(broken);
      expect(result).not.toEqual(PASS);
      expect(result.output).toMatch(/docker\.service\.d\/10-weave-min-api\.conf:\d+: Unknown key 'Environmnet'/);
    });

    test('rejects an unknown key in a user\'s unit', () => {
      const user = withUserContent(base(), mergeUserContent([{ units: [{ name: 'kubelet.service', contents: KUBELET_UNIT.replace('RestartSec=10', 'RestartSecs=10') }] }]));
      const result = verify(user);
      expect(result).not.toEqual(PASS);
      expect(result.output).toMatch(/kubelet\.service:\d+: Unknown key 'RestartSecs' in section \[Service\]/);
    });

    test('rejects a user\'s docker.service drop-in with a misspelt key', () => {
      const user = withUserContent(base(), mergeUserContent([{ units: [{ name: 'docker.service', dropIns: [{ ...DOCKER_MIRROR, contents: DOCKER_MIRROR.contents.replace('Environment=', 'Enviroment=') }] }] }]));
      const result = verify(user);
      expect(result).not.toEqual(PASS);
      expect(result.output).toMatch(/docker\.service\.d\/20-registry-mirror\.conf:\d+: Unknown key 'Enviroment'/);
    });

    test('rejects an invalid combination of settings', () => {
      const broken = editUnit(base(), 'weave-install.service', 'RemainAfterExit=yes', 'RemainAfterExit=yes\nRestart=always');
      const result = verify(broken);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/weave-install\.service: Service has Restart= set to either always or on-success/);
    });

    test('a misspelt dependency shows up as an unexpected external unit', () => {
      const broken = editUnit(base(), 'weave.service', 'Requires=docker.service weave-install.service', 'Requires=docker.service weave-instal.service');
      expect(externalUnits(broken)).toContain('weave-instal.service');
    });
  });
});
