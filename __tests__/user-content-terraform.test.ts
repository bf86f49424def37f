// Users' file content filled in by Terraform itself: the synthesized
// locals and boot documents of a mesh with Ignition, cloud-config and
// dedicated hosts are evaluated by `terraform apply` (no provider: the VMs'
// preconditions ride on terraform_data stand-ins), and the values land in
// every format; a value too large for custom data fails the plan with the
// library's own message (the control).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { dedicatedProvisioners } from './support/synth';
import { describeWhen, tool } from './support/skip';
import { CA, TRICKY, contentDecl, mesh, vmsOf } from './support/user-content-mesh';

function terraform(dir: string, args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.env.TERRAFORM_BINARY_NAME || 'terraform', args, {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    // No CLI configuration: this needs no provider at all.
    env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', ...env },
  });
  if (res.error) throw new Error(`terraform is not runnable here (${res.error.message})`);
  return res;
}

/** `${expr}` → `expr`. */
const inner = (s: string) => s.slice(2, -1);

describeWhen('file content from a Terraform expression, evaluated by terraform', tool('terraform'), () => {
  const { tf } = mesh(contentDecl(CA));
  const locals = (tf as unknown as { locals: Record<string, string> }).locals;

  it('Terraform fills it in: the files carry the value in cloud-config, Ignition and the script, and the size guard passes', () => {
    const outputs: Record<string, { value: string }> = {};
    for (const vm of Object.values(vmsOf(tf))) {
      outputs[`doc_${vm.name}`] = { value: `\${nonsensitive(base64decode(${inner(vm.custom_data)}))}` };
    }
    const ded = Object.values(dedicatedProvisioners(tf))[0];
    outputs.script = { value: `\${nonsensitive(${inner(ded.provisioner.find((p: Record<string, unknown>) => 'file' in p).file.content)})}` };
    // The VMs' preconditions, on stand-ins Terraform can plan without azurerm.
    const standIns = Object.fromEntries(Object.values(vmsOf(tf)).map((vm) => [`vm_${vm.name}`, { input: 'x', lifecycle: { precondition: vm.lifecycle.precondition } }]));
    expect(Object.keys(standIns)).toHaveLength(2);
    const dir = mkdtempSync(join(tmpdir(), 'weave-tf-content-'));
    writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({
      variable: { ca_pem: (tf.variable as Record<string, unknown>).ca_pem, mesh_password: (tf.variable as Record<string, unknown>).mesh_password },
      locals,
      output: outputs,
      resource: { terraform_data: standIns },
    }));
    const env = { TF_VAR_mesh_password: 'Content-Pa55word!' };
    expect(terraform(dir, ['init', '-input=false', '-no-color'], env).status).toBe(0);
    const applied = terraform(dir, ['apply', '-input=false', '-auto-approve', '-no-color'], env);
    expect([applied.status, applied.stderr.includes('Error') ? applied.stderr : '']).toEqual([0, '']);
    const out = JSON.parse(terraform(dir, ['output', '-json'], env).stdout) as Record<string, { value: string }>;

    const cloud = parse(out['doc_b-1'].value);
    const file = (p: string) => cloud.write_files.find((f: { path: string }) => f.path === p);
    expect(Buffer.from(file('/etc/kubernetes/pki/ca.crt').content, 'base64').toString()).toBe(CA);
    expect(file('/etc/kubernetes/kubelet.env').permissions).toBe('0600');
    expect(Buffer.from(file('/etc/kubernetes/kubelet.env').content, 'base64').toString()).toBe(`CA_FILE=/etc/kubernetes/pki/ca.crt\nCA_BYTES=${CA}`);

    expect(Buffer.from(file('/etc/tricky.sh').content, 'base64').toString()).toBe(TRICKY(CA));

    const ign = JSON.parse(out['doc_a-1'].value);
    const src = ign.storage.files.find((f: { path: string }) => f.path === '/etc/kubernetes/pki/ca.crt').contents.source;
    expect(Buffer.from(src.replace('data:;base64,', ''), 'base64').toString()).toBe(CA);

    const script = out.script.value;
    const b64 = script.split("put /etc/kubernetes/pki/ca.crt 0644 <<'WEAVE_B64'\n")[1].split('\n')[0];
    expect(Buffer.from(b64, 'base64').toString()).toBe(CA);

    // Negative control: a value that pushes custom data over 64 KiB fails the plan with the guard's message.
    const big = terraform(dir, ['plan', '-input=false', '-no-color'], { ...env, TF_VAR_ca_pem: 'x'.repeat(66_000) });
    expect(big.status).not.toBe(0);
    expect(big.stderr.replace(/\s+/g, ' ')).toMatch(/Custom data of a-1 would exceed Azure's 65536 bytes: \d+ bytes are known at synth/);
  }, 60_000);
});
