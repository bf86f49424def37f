// The "Running Kubernetes (or anything) beside Weave" example: the page shows
// exactly stacks/beside-weave.ts, the stack synthesizes, its units pass
// systemd-analyze verify, and it has the shape the page describes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { BootConfig } from '../lib/core';
import { BesideWeaveStack } from '../stacks/beside-weave';
import { decodeBootDocument } from './support/synth';
import { stageUnits, systemdVerify } from './support/validators';

const ROOT = join(__dirname, '..');
type Resources = Record<string, Record<string, Record<string, any>>>;

describe('docs/beside-weave.md example', () => {
  const tf = JSON.parse(Testing.synth(new BesideWeaveStack(Testing.app(), 'k8s')));
  const r = tf.resource as Resources;
  const vm = (name: string) => Object.values(r.azurerm_linux_virtual_machine).find((v) => v.name === name)!;

  it('is the file the page shows, with the package import', () => {
    const page = readFileSync(join(ROOT, 'docs', 'beside-weave.md'), 'utf8');
    const block = /<!-- example: stacks\/beside-weave\.ts -->\n```ts\n([\s\S]*?)```/.exec(page)![1];
    const file = readFileSync(join(ROOT, 'stacks', 'beside-weave.ts'), 'utf8');
    expect(block).toBe(file.replace("from '../lib';", "from 'cdktf-weave-azure';"));
  });

  it('gives every host Weave and the kubelet, masters their target, node-2 its own file', () => {
    const docs = {
      'master-1': parse(decodeBootDocument(vm('master-1').custom_data)),
      'node-1': JSON.parse(decodeBootDocument(vm('node-1').custom_data)),
      'node-2': JSON.parse(decodeBootDocument(vm('node-2').custom_data)),
    };
    const unitNames = {
      'master-1': docs['master-1'].coreos.units.map((u: { name: string }) => u.name),
      'node-1': docs['node-1'].systemd.units.map((u: { name: string }) => u.name),
      'node-2': docs['node-2'].systemd.units.map((u: { name: string }) => u.name),
    };
    for (const names of Object.values(unitNames)) {
      expect(names).toEqual(expect.arrayContaining(['weave.service', 'weave-network.target', 'kubelet.service', 'kubelet-install.service', 'kubernetes.node.target', 'docker.service']));
    }
    expect(unitNames['master-1']).toContain('kubernetes.master.target');
    expect(unitNames['node-1']).not.toContain('kubernetes.master.target');
    const paths = (doc: { storage: { files: { path: string }[] } }) => doc.storage.files.map((f) => f.path);
    expect(paths(docs['node-2'])).toContain('/etc/kubernetes/kubelet.env');
    expect(paths(docs['node-1'])).not.toContain('/etc/kubernetes/kubelet.env');
    const docker = docs['node-1'].systemd.units.find((u: { name: string }) => u.name === 'docker.service');
    expect(docker.dropins.map((d: { name: string }) => d.name)).toEqual(['10-weave-min-api.conf', '20-log-size.conf']);
  });

  it('fills the CA and the kubelet checksum in from Terraform variables', () => {
    const locals = Object.entries(tf.locals as Record<string, string>).filter(([k]) => k.startsWith('mesh_file_')).map(([, v]) => v).sort();
    expect(locals).toEqual([
      '${base64encode(join("", ["KUBELET_VERSION=v1.31.4\\nKUBELET_SHA256=", var.kubelet_sha256, "\\n"]))}',
      '${base64encode(var.cluster_ca_pem)}',
    ]);
  });

  it('places the nodes in the existing subnet with the library NSG on their NICs and the options given', () => {
    const nic = Object.values(r.azurerm_network_interface).find((n) => n.name === 'node-1-nic')!;
    expect(nic.ip_configuration[0].subnet_id).toBe('${data.azurerm_subnet.nodes-subnet.id}');
    expect(nic.resource_group_name).toBe('platform-network');
    expect(nic.accelerated_networking_enabled).toBe(true);
    expect(Object.keys(r.azurerm_network_interface_security_group_association)).toHaveLength(2);
    expect(Object.values(r.azurerm_resource_group).map((g) => g.name)).toEqual(['k8s-masters-rg']);
    expect(vm('node-2')).toMatchObject({ admin_username: 'ops', zone: '2' });
    expect(vm('master-1')).toMatchObject({ admin_username: 'core', os_disk: { storage_account_type: 'Premium_LRS' }, tags: { team: 'platform', 'weave-cluster': 'k8s-masters' } });
    const priorities = Object.entries(r.azurerm_network_security_rule).filter(([k]) => k.startsWith('mesh_k8s-nodes_')).map(([, x]) => x.priority).sort();
    expect(priorities).toEqual([1000, 1010, 1020]);
  });

  it('has units systemd-analyze verify accepts', () => {
    const cfg = parse(decodeBootDocument(vm('master-1').custom_data));
    const boot: BootConfig = {
      host: 'master-1',
      files: [],
      units: cfg.coreos.units.map((u: { name: string; content?: string; enable?: boolean; drop_ins?: { name: string; content: string }[] }) => ({
        name: u.name,
        contents: u.content,
        enable: !!u.enable,
        dropIns: u.drop_ins?.map((d) => ({ name: d.name, contents: d.content })),
      })),
    };
    const root = mkdtempSync(join(tmpdir(), 'weave-beside-'));
    try {
      expect(systemdVerify(root, stageUnits(root, boot))).toEqual({ status: 0, output: '' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
