// Users' own files and units through the constructs: Terraform-filled file
// content (Terraform evaluates it in user-content-terraform.test.ts), secret detection, boot formats
// mixed per cluster, growth with content, and how a content change rolls.
import { TerraformVariable, Testing } from 'cdktf';
import { WeaveConfigError, WeaveUnit } from '../lib';
import { SeedStack, SeedStackProps } from '../stacks/seed';
import { SEED_RECORD } from './fixtures/seed-record';
import { decodeBootDocument, dedicatedProvisioners, TfJson, valueResources } from './support/synth';
import { CA, MeshDecl, contentDecl, mesh, resources, vmsOf } from './support/user-content-mesh';

const REPLACING = ['custom_data', 'computer_name', 'source_image_reference', 'admin_ssh_key', 'size', 'name', 'zone', 'admin_username'];
const KUBELET: WeaveUnit = {
  name: 'kubelet.service',
  contents: '[Unit]\nAfter=weave-network.target\nRequires=weave-network.target\n\n[Service]\nExecStart=/opt/bin/kubelet\n\n[Install]\nWantedBy=kubernetes.node.target\n',
};


describe('file content from a Terraform expression', () => {
  const { tf } = mesh(contentDecl(CA));
  const locals = (tf as unknown as { locals: Record<string, string> }).locals;

  it('goes into one local per file, and every boot document refers to it', () => {
    const fileLocals = Object.entries(locals).filter(([k]) => k.startsWith('mesh_file_'));
    expect(fileLocals.map(([, v]) => v).filter((v) => !v.includes('#!/bin/sh')).sort()).toEqual([
      '${base64encode(join("", ["CA_FILE=/etc/kubernetes/pki/ca.crt\\nCA_BYTES=", var.ca_pem]))}',
      '${base64encode(var.ca_pem)}',
    ]);
    for (const vm of Object.values(vmsOf(tf))) {
      for (const [name] of fileLocals) expect(vm.custom_data).toContain(`local.${name})`);
      // The value is not in the synthesized document itself.
      expect(decodeBootDocument(vm.custom_data)).not.toContain('MIIB-test');
    }
    const ded = Object.values(dedicatedProvisioners(tf))[0];
    expect(JSON.stringify(ded.provisioner)).toContain(`local.${fileLocals[0][0]}`);
  });

  it('replaces the Ignition VM when the value changes (its content trigger includes the value)', () => {
    const gen = resources(tf).terraform_data['mesh_a-1_user_content'];
    expect(gen.triggers_replace.content).toMatch(/^\$\{sha256\(join\("\|", \["[0-9a-f]{64}"(, local\.mesh_file_[0-9a-f]{10}_b64){3}\]\)\)\}$/);
    expect(vmsOf(tf)['a-1'].lifecycle.replace_triggered_by).toEqual(['terraform_data.mesh_boot_generation', 'terraform_data.mesh_a-1_user_content']);
    // Cloud-config VMs need no trigger: their custom data (which forces replacement) holds the value.
    expect(vmsOf(tf)['b-1'].lifecycle.replace_triggered_by).toBeUndefined();
  });

  it('rejects content from a sensitive variable, naming it, and does not echo its value', () => {
    const attempt = () => mesh({
      stack: (stack) => {
        const token = new TerraformVariable(stack, 'bootstrap_token', { type: 'string', sensitive: true, default: 'abcdef.0123456789abcdef' });
        return { files: [{ path: '/etc/kubernetes/bootstrap.token', content: token.stringValue, mode: 0o600 }] };
      },
    });
    expect(attempt).toThrow(WeaveConfigError);
    try {
      attempt();
    } catch (e) {
      const p = (e as WeaveConfigError).problems.find((x) => x.code === 'user-file-sensitive')!;
      expect(p.path).toBe('stack/mesh');
      expect(p.message).toMatch(/refers to the sensitive variable bootstrap_token/);
      expect((e as Error).message).not.toContain('abcdef.0123456789abcdef');
    }
    // Negative control: the same variable without `sensitive` is accepted.
    expect(() => mesh({
      stack: (stack) => ({ files: [{ path: '/etc/x', content: new TerraformVariable(stack, 'plain', { type: 'string' }).stringValue }] }),
    })).not.toThrow();
  });
});

describe('boot formats mixed per cluster', () => {
  const decl = (units: WeaveUnit[] = []): MeshDecl => ({
    network: { units },
    clusters: [
      { id: 'mesh-a', hosts: ['a-1', 'a-2'] },
      { id: 'mesh-b', props: { bootFormat: 'ignition' }, hosts: ['b-1', 'b-2'] },
    ],
  });
  const { tf } = mesh(decl());
  const vms = vmsOf(tf);

  it('renders each cluster in its own format; the network setting stays the default', () => {
    for (const n of ['a-1', 'a-2']) {
      expect(decodeBootDocument(vms[n].custom_data).startsWith('#cloud-config\n')).toBe(true);
      expect(vms[n].user_data).toBeDefined();
      expect(vms[n].lifecycle).toBeUndefined();
    }
    for (const n of ['b-1', 'b-2']) {
      expect(JSON.parse(decodeBootDocument(vms[n].custom_data)).ignition.version).toBe('3.3.0');
      expect(vms[n].user_data).toBeUndefined();
      expect(vms[n].lifecycle.ignore_changes).toEqual(['custom_data']);
    }
  });

  it('only the Ignition cluster\'s VMs hang on the boot generation, which a password-wide change moves', () => {
    const data = valueResources(tf);
    expect(Object.keys(data).sort()).toEqual(['mesh_b-1_user_content', 'mesh_b-2_user_content', 'mesh_boot_generation']);
    expect(vms['b-1'].lifecycle.replace_triggered_by).toContain('terraform_data.mesh_boot_generation');
    const other = mesh({ ...decl(), network: { dnsDomain: 'mesh.local.' } }).tf;
    expect(resources(other).terraform_data.mesh_boot_generation.triggers_replace.settings)
      .not.toBe(data.mesh_boot_generation.triggers_replace.settings);
  });

  it('a unit added to the network changes the cloud-config VMs\' custom data and the Ignition VMs\' content triggers', () => {
    const after = mesh(decl([KUBELET])).tf;
    const a = vmsOf(after);
    for (const n of ['a-1', 'a-2']) expect(a[n].custom_data).not.toBe(vms[n].custom_data);
    const before = resources(tf).terraform_data;
    const now = resources(after).terraform_data;
    for (const n of ['b-1', 'b-2']) expect(now[`mesh_${n}_user_content`].triggers_replace.content).not.toBe(before[`mesh_${n}_user_content`].triggers_replace.content);
    // Network-wide Weave settings did not change.
    expect(now.mesh_boot_generation).toEqual(before.mesh_boot_generation);
  });
});

describe('growth with user content', () => {
  const content = (extra: string[] = []): SeedStackProps => ({
    extraCluster01Hosts: extra,
    network: {
      units: [KUBELET, { name: 'docker.service', dropIns: [{ name: '20-registry-mirror.conf', contents: '[Service]\nEnvironment="DOCKER_OPTS=--registry-mirror=https://mirror.example.com"\n' }] }],
      files: [{ path: '/etc/kubernetes/kubelet.yaml', content: 'kind: KubeletConfiguration\n' }],
    },
  });
  const synthSeed = (props: SeedStackProps, ignition = false): TfJson =>
    JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { ...props, network: { allocationRecord: SEED_RECORD, ...props.network, ...(ignition ? { bootFormat: 'ignition' } : {}) } })));

  it.each([false, true])('unchanged content: adding a host leaves every existing VM\'s replacement-forcing attributes byte-identical (ignition: %s)', (ignition) => {
    const before = synthSeed(content(), ignition);
    const after = synthSeed(content(['azure-prd-05']), ignition);
    const b = vmsOf(before);
    const a = vmsOf(after);
    expect(Object.keys(a)).toHaveLength(5);
    for (const [name, vm] of Object.entries(b)) {
      for (const attr of [...REPLACING, 'user_data', 'lifecycle']) {
        expect([name, attr, JSON.stringify(a[name][attr])]).toEqual([name, attr, JSON.stringify(vm[attr])]);
      }
    }
    expect(resources(after).terraform_data ?? {}).toMatchObject(resources(before).terraform_data ?? {});
    const ded = (t: TfJson) => Object.values(dedicatedProvisioners(t))[0].triggers_replace;
    expect(ded(after)).toEqual(ded(before));
  });

  it('rolls a change cluster by cluster: a cluster-level entry overrides the network\'s, and hoisting it changes nothing', () => {
    const v2: WeaveUnit = { ...KUBELET, contents: KUBELET.contents!.replace('/opt/bin/kubelet', '/opt/bin/kubelet --v=2') };
    const build = (network: WeaveUnit, cluster01?: WeaveUnit, cluster02?: WeaveUnit) => vmsOf(mesh({
      network: { units: [network] },
      clusters: [
        { id: 'cluster-01', props: cluster01 ? { units: [cluster01] } : {}, hosts: ['azure-prd-01', 'azure-prd-02'] },
        { id: 'cluster-02', props: cluster02 ? { units: [cluster02] } : {}, hosts: ['azure-prd-03'] },
      ],
    }).tf);
    const start = build(KUBELET);
    const step1 = build(KUBELET, v2);
    const step2 = build(KUBELET, v2, v2);
    const step3 = build(v2);
    const changed = (x: Record<string, Record<string, unknown>>, y: Record<string, Record<string, unknown>>) =>
      Object.keys(x).filter((n) => x[n].custom_data !== y[n].custom_data).sort();
    expect(changed(start, step1)).toEqual(['azure-prd-01', 'azure-prd-02']);
    expect(changed(step1, step2)).toEqual(['azure-prd-03']);
    expect(changed(step2, step3)).toEqual([]);
  });
});
