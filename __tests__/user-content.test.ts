// Users' own files and units in the pure core: the merge rule, what each
// renderer makes of them, the per-content cloud-config templates, and the
// script's behaviour on a server (run against a scratch root).
import { parse } from 'yaml';
import { mergeUserContent, userContentResolver, withUserContent } from '../lib/core/boot/user-content';
import { weaveBootDocument as buildBootConfig } from '../lib/core/boot/weave';
import { sensitiveReason } from '../lib/core/check/content';
import { deriveNetwork as buildNetwork } from '../lib/core/derive/derive';
import { cloudConfigByName } from '../lib/core/derive/templates';
import { HostPlan, planNetwork } from '../lib/core/plan/plan';
import { fillSecrets, renderCloudConfig, renderIgnition, renderScript } from '../lib/core/render';
import { UserContent } from '../lib/core/declare/content';
import { ClusterSpec, NetworkSpec } from '../lib/core/declare/network';
import { seedSpec } from './fixtures/seed-spec';

const PASSWORD = 'user-content-test-pw';
const KUBELET = '[Unit]\nAfter=weave-network.target\nRequires=weave-network.target\n\n[Service]\nExecStart=/opt/bin/kubelet\n\n[Install]\nWantedBy=kubernetes.node.target\n';
const MIRROR = { name: '20-registry-mirror.conf', contents: '[Service]\nEnvironment="DOCKER_OPTS=--registry-mirror=https://mirror.example.com"\n' };

/** The seed, buildable (SSH keys on its VMs), with content on the network, cluster-01 and its second host. */
function specWith(content: { network?: UserContent; cluster01?: UserContent; host?: UserContent } = {}): NetworkSpec {
  const seed = seedSpec();
  const clusters: ClusterSpec[] = seed.clusters.map((c, i) => ({
    ...c,
    ...(i === 0 ? { content: content.cluster01 } : {}),
    hosts: c.hosts.map((h, k) => ({ ...h, hasSshPublicKey: true, ...(i === 0 && k === 1 ? { content: content.host } : {}) })),
  }));
  return { ...seed, content: content.network, clusters };
}

describe('merge order: network, then cluster, then host', () => {
  const merged = mergeUserContent([
    { files: [{ path: '/etc/b', content: 'network b' }, { path: '/etc/a', content: 'network a' }], units: [{ name: 'x.service', contents: KUBELET }] },
    { files: [{ path: '/etc/a', content: 'cluster a', mode: 0o600 }] },
    { units: [{ name: 'x.service', dropIns: [MIRROR] }] },
  ]);

  it('replaces a file by path and a unit by name, whole, at a later level', () => {
    expect(merged.files).toEqual([{ path: '/etc/a', content: 'cluster a', mode: 0o600 }, { path: '/etc/b', content: 'network b' }]);
    // The host's entry replaced the network's unit entirely: no contents left.
    expect(merged.units).toEqual([{ name: 'x.service', dropIns: [MIRROR] }]);
  });

  it('sorts by path and name, so where an entry was declared does not change the result', () => {
    const a = mergeUserContent([{ files: [{ path: '/etc/b', content: '1' }] }, { files: [{ path: '/etc/a', content: '2' }] }]);
    const b = mergeUserContent([{ files: [{ path: '/etc/a', content: '2' }, { path: '/etc/b', content: '1' }] }]);
    expect(a).toEqual(b);
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    // Negative control: different content, different digest.
    expect(mergeUserContent([{ files: [{ path: '/etc/a', content: '3' }] }]).digest).not.toBe(a.digest);
  });

  it('gives hosts without their own content their cluster\'s object, and hosts with content their own', () => {
    const spec = specWith({ network: { units: [{ name: 'x.service', contents: KUBELET }] }, host: { files: [{ path: '/etc/h', content: 'h' }] } });
    const resolve = userContentResolver(spec);
    const c0 = spec.clusters[0];
    expect(resolve(0, c0.hosts[0])).toBe(resolve(0, c0.hosts[0]));
    expect(resolve(0, c0.hosts[1])).not.toBe(resolve(0, c0.hosts[0]));
    expect(resolve(0, c0.hosts[1])!.files.map((f) => f.path)).toEqual(['/etc/h']);
    expect(resolve(1, spec.clusters[1].hosts[0])!.units.map((u) => u.name)).toEqual(['x.service']);
    expect(userContentResolver(seedSpec())(0, c0.hosts[0])).toBeUndefined();
  });
});

describe('rendering user content', () => {
  const plan = planNetwork(seedSpec());
  const content = mergeUserContent([{
    files: [
      { path: '/etc/kubernetes/kubelet.yaml', content: 'kind: KubeletConfiguration\n', mode: 0o640, owner: 'core:core' },
      { path: '/opt/bin/helper', contentBase64: Buffer.from([0, 1, 2, 255]).toString('base64'), mode: 0o755, owner: '500' },
      { path: '/etc/kubernetes/ca.pem', expression: { ref: 'local.ca_b64', display: '${var.ca}' } },
    ],
    units: [
      { name: 'kubelet.service', contents: KUBELET, start: true },
      { name: 'docker.service', dropIns: [MIRROR] },
      { name: 'prep.service', contents: '[Service]\nType=oneshot\nExecStart=/usr/bin/true\n' },
    ],
  }]);
  const boot = withUserContent(buildBootConfig(plan, plan.hosts[0], { hostEnvSource: 'file' }), content);

  it('adds the files after Weave\'s, and docker.service drop-ins beside Weave\'s own', () => {
    expect(boot.files.slice(-3).map((f) => f.path)).toEqual(['/etc/kubernetes/ca.pem', '/etc/kubernetes/kubelet.yaml', '/opt/bin/helper']);
    const docker = boot.units.filter((u) => u.name === 'docker.service');
    expect(docker).toHaveLength(1);
    expect(docker[0].dropIns!.map((d) => d.name)).toEqual(['10-weave-min-api.conf', '20-registry-mirror.conf']);
    expect(docker[0].contents).toBeUndefined();
    // Users' units come after Weave's target, enabled when they have [Install].
    const names = boot.units.map((u) => u.name);
    expect(names.indexOf('kubelet.service')).toBeGreaterThan(names.indexOf('weave-network.target'));
    expect(boot.units.find((u) => u.name === 'kubelet.service')).toMatchObject({ enable: true, start: true });
    expect(boot.units.find((u) => u.name === 'prep.service')!.enable).toBe(false);
  });

  it('cloud-config: owner and mode as given, bytes and Terraform content as b64, start as command', () => {
    const r = renderCloudConfig(boot);
    expect(r.expressions).toEqual([{ placeholder: '__WEAVE_FILE_0__', content: { ref: 'local.ca_b64', display: '${var.ca}' } }]);
    const cfg = parse(fillSecrets(r, PASSWORD));
    const file = (p: string) => cfg.write_files.find((f: { path: string }) => f.path === p);
    expect(file('/etc/kubernetes/kubelet.yaml')).toEqual({ path: '/etc/kubernetes/kubelet.yaml', permissions: '0640', owner: 'core:core', content: 'kind: KubeletConfiguration\n' });
    expect(file('/opt/bin/helper')).toEqual({ path: '/opt/bin/helper', permissions: '0755', owner: '500', encoding: 'b64', content: 'AAEC/w==' });
    expect(file('/etc/kubernetes/ca.pem')).toMatchObject({ encoding: 'b64', content: '__WEAVE_FILE_0__', permissions: '0644', owner: 'root' });
    expect(file('/etc/weave.env').owner).toBe('root');
    const unit = (n: string) => cfg.coreos.units.find((u: { name: string }) => u.name === n);
    expect(unit('kubelet.service')).toEqual({ name: 'kubelet.service', enable: true, command: 'start', content: KUBELET });
    expect(unit('docker.service').drop_ins.map((d: { name: string }) => d.name)).toEqual(['10-weave-min-api.conf', '20-registry-mirror.conf']);
  });

  it('Ignition: numeric owners become ids, the group defaults to root, Terraform content is a slot', () => {
    const cfg = JSON.parse(fillSecrets(renderIgnition(boot), PASSWORD));
    const file = (p: string) => cfg.storage.files.find((f: { path: string }) => f.path === p);
    expect(file('/etc/kubernetes/kubelet.yaml')).toMatchObject({ mode: 0o640, user: { name: 'core' }, group: { name: 'core' } });
    expect(file('/opt/bin/helper')).toMatchObject({ mode: 0o755, user: { id: 500 }, group: { name: 'root' }, contents: { source: 'data:;base64,AAEC/w==' } });
    expect(file('/etc/kubernetes/ca.pem').contents.source).toBe('data:;base64,__WEAVE_FILE_0__');
    expect(file('/etc/weave.env')).toMatchObject({ user: { name: 'root' }, group: { name: 'root' } });
    expect(cfg.systemd.units.find((u: { name: string }) => u.name === 'kubelet.service')).toEqual({ name: 'kubelet.service', enabled: true, contents: KUBELET });
  });

  it('Weave-only documents are unchanged: no owner argument in the script, no expression list', () => {
    const plain = buildBootConfig(plan, plan.hosts[4], { hostEnvSource: 'file' });
    expect(withUserContent(plain, undefined)).toBe(plain);
    const script = renderScript(plain);
    expect(script.expressions).toBeUndefined();
    expect(script.text).toContain('  local path=$1 mode=$2 tmp\n');
    expect(script.text).toContain('  chown root:root "$tmp"\n');
  });
});

describe('cloud-config templates per distinct content', () => {
  it('every host gets exactly what a direct render gives it, with content at every level', () => {
    const spec = specWith({
      network: { units: [{ name: 'kubelet.service', contents: KUBELET }, { name: 'docker.service', dropIns: [MIRROR] }] },
      cluster01: { files: [{ path: '/etc/c1', content: 'cluster-01\n' }] },
      host: { files: [{ path: '/etc/c1', content: 'host override\n' }, { path: '/etc/kubernetes/ca.pem', expression: { ref: 'local.ca', display: 'var.ca' } }] },
    });
    const plan = planNetwork(spec);
    const resolve = userContentResolver(spec);
    const contentFor = (h: HostPlan) => resolve(h.clusterIndex, spec.clusters[h.clusterIndex].hosts[h.indexInCluster]);
    const byName = cloudConfigByName(plan, contentFor);
    const texts = new Set<string>();
    for (const h of plan.hosts) {
      const direct = renderCloudConfig(withUserContent(buildBootConfig(plan, h, { hostEnvSource: 'azure-imds' }), contentFor(h)));
      expect([h.name, byName(h)]).toEqual([h.name, direct]);
      texts.add(byName(h).text.split(h.name).join('HOST'));
    }
    // cluster-01's first host, its second (own content), cluster-02 (network
    // content only), and cluster-03's dedicated server, which launches with
    // its name as --nickname: four distinct documents.
    expect(texts.size).toBe(4);
  });
});

describe('buildNetwork with user content', () => {
  it('reports the 64 KB limit with Weave\'s bytes and the user\'s bytes apart', () => {
    const big = 'x'.repeat(70_000);
    const spec = specWith({ cluster01: { files: [{ path: '/etc/big', content: big }] } });
    let err: { problems: { code: string; path: string; message: string; fix: string }[] } | undefined;
    try {
      buildNetwork(spec);
    } catch (e) {
      err = e as typeof err;
    }
    const problems = err!.problems.filter((p) => p.code === 'custom-data-too-large');
    expect(problems.map((p) => p.path)).toEqual(['seed/weave/cluster-01/azure-prd-01', 'seed/weave/cluster-01/azure-prd-02']);
    const m = /Weave's part (\d+) bytes, your files and units (\d+) bytes/.exec(problems[0].message)!;
    const weave = Number(m[1]);
    const user = Number(m[2]);
    const weaveOnly = buildNetwork(specWith()).hosts[0].knownBytes!;
    expect(weave).toBe(weaveOnly);
    // The file is 70,000 bytes of text plus its YAML entry.
    expect(user).toBeGreaterThan(70_000);
    expect(user).toBeLessThan(70_200);
    expect(problems[0].fix).toMatch(/move large files out of the boot config/);
  });

  it('counts Terraform-filled content as unknown at synth and gives every host its content digest', () => {
    const spec = specWith({ network: { files: [{ path: '/etc/ca.pem', expression: { ref: 'local.ca', display: 'var.ca' } }] } });
    const build = buildNetwork(spec);
    const h = build.hosts[0];
    expect(h.boot.expressions).toHaveLength(1);
    const plain = buildNetwork(specWith()).hosts[0];
    // The file's YAML entry is counted, its content (the placeholder) is not.
    expect(h.knownBytes! - plain.knownBytes!).toBeLessThan(120);
    expect(new Set(build.hosts.map((x) => x.userContentDigest)).size).toBe(1);
    expect(h.userContentDigest).not.toBe(plain.userContentDigest);
    // Dedicated servers carry the same content in their script.
    expect(build.hosts[4].boot.text).toContain("put /etc/ca.pem 0644 <<'WEAVE_B64'\n__WEAVE_FILE_0__");
  });
});

describe('sensitiveReason', () => {
  const vars = new Set(['db_password', 'api_token']);
  it.each([
    ['${var.db_password}', /sensitive variable db_password/],
    ['${sensitive(var.x)}', /sensitive\(\)/],
    ['${azurerm_storage_account.sa.primary_access_key}', /primary_access_key/],
    ['${data.azurerm_key_vault_secret.ca.value}', /azurerm_key_vault_secret\.\*\.value, a secret/],
    ['${random_password.pw.result}', /random_password/],
    ['${tls_private_key.k.private_key_pem}', /private_key_pem/],
    ['${azurerm_kubernetes_cluster.k.kube_config_raw}', /kube_config_raw/],
    ['prefix ${var.api_token} suffix', /api_token/],
  ])('rejects %s', (expr, why) => {
    expect(sensitiveReason(expr, vars)).toMatch(why);
  });
  it.each([
    '${var.ca_pem}',
    '${tls_private_key.k.public_key_openssh}',
    '${azurerm_ssh_public_key.k.public_key}',
    '${azurerm_key_vault_secret.ca.id}',
    '${local.kubelet_config}',
    '${templatefile("kubelet.yaml", { dns = var.cluster_dns })}',
  ])('accepts %s', (expr) => {
    expect(sensitiveReason(expr, vars)).toBeUndefined();
  });
});
