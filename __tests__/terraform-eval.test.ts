// Terraform itself evaluates the expressions the library writes: the shared
// env local, every VM's custom_data, the dedicated host's script and the
// Ignition replacement trigger. No provider is needed: the expressions go
// into built-in `terraform_data` resources and outputs, applied to local
// state in a temp directory. This proves the password really lands in
// /etc/weave.env on every host, through Terraform's own parser and functions.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { SeedStack, SeedStackProps } from '../stacks/seed';
import { describeWhen, program } from './support/skip';
import { dedicatedProvisioners, valueResources } from './support/synth';

const PASSWORD = 'Eval-Pa55word!#%';
// The name the cdktf CLI honours too (TERRAFORM_BINARY_NAME=tofu for OpenTofu).
const TERRAFORM = process.env.TERRAFORM_BINARY_NAME || 'terraform';
const withTerraform = (title: string, body: () => void) => describeWhen(title, program(
  TERRAFORM,
  'Terraform 1.4 or later (for terraform_data) from https://developer.hashicorp.com/terraform/install, ' +
    'or OpenTofu with TERRAFORM_BINARY_NAME=tofu; it needs no providers and no network',
), body);

function terraform(dir: string, args: string[]) {
  const res = spawnSync(TERRAFORM, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TF_VAR_weave_password: PASSWORD, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
  });
  if (res.error) throw new Error(`${TERRAFORM} is not runnable here: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

/** `${expr}` → `expr`. */
const inner = (s: string) => {
  expect(s.startsWith('${') && s.endsWith('}')).toBe(true);
  return s.slice(2, -1);
};

/** Evaluates the seed stack's expressions with Terraform; returns named outputs. */
function evaluate(props: SeedStackProps): { outputs: Record<string, string>; tf: Record<string, any> } {
  const tf = JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed', props)));
  const outputs: Record<string, { value: string }> = {};
  const resources: Record<string, any> = {};
  for (const [name, vm] of Object.entries(tf.resource.azurerm_linux_virtual_machine as Record<string, any>)) {
    outputs[`custom_data_${vm.name}`] = { value: `\${nonsensitive(base64decode(${inner(vm.custom_data)}))}` };
    // The VM's lifecycle, on a stand-in Terraform can plan without azurerm.
    if (vm.lifecycle) resources[`vm_${name}`] = { input: 'x', lifecycle: { ...vm.lifecycle, ignore_changes: ['input'] } };
  }
  for (const r of Object.values(dedicatedProvisioners(tf))) {
    const file = r.provisioner.find((p: Record<string, unknown>) => 'file' in p).file;
    outputs.script = { value: `\${nonsensitive(${inner(file.content)})}` };
    outputs.script_hash = { value: `\${nonsensitive(${inner(r.triggers_replace.config)})}` };
  }
  // The network's own terraform_data; the provisioner would SSH out.
  Object.assign(resources, valueResources(tf));
  const config = {
    variable: { weave_password: tf.variable.weave_password },
    locals: tf.locals,
    output: outputs,
    ...(Object.keys(resources).length ? { resource: { terraform_data: resources } } : {}),
  };
  const dir = mkdtempSync(join(tmpdir(), 'weave-tf-'));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
  terraform(dir, ['init', '-input=false', '-no-color']);
  terraform(dir, ['apply', '-input=false', '-auto-approve', '-no-color']);
  const out = JSON.parse(terraform(dir, ['output', '-json']));
  return { outputs: Object.fromEntries(Object.entries(out).map(([k, v]) => [k, (v as { value: string }).value])), tf };
}

withTerraform('Terraform evaluates the synthesized expressions', () => {
  // In beforeAll, not the describe body: jest runs a skipped suite's body too.
  let outputs: Record<string, string>;
  beforeAll(() => {
    outputs = evaluate({}).outputs;
  }, 60_000);

  it.each(['azure-prd-01', 'azure-prd-02', 'azure-prd-03', 'azure-prd-04'])('%s: custom data is cloud-config with the password in a 0600 /etc/weave.env', (host) => {
    const text = outputs[`custom_data_${host}`];
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const env = parse(text).write_files.find((f: { path: string }) => f.path === '/etc/weave.env');
    expect(env.permissions).toBe('0600');
    expect(env.encoding).toBe('b64');
    expect(Buffer.from(env.content, 'base64').toString()).toBe(
      `WEAVE_VERSION=2.9.0\nDOCKERHUB_USER=rajchaudhuri\nCHECKPOINT_DISABLE=1\nWEAVE_PASSWORD=${PASSWORD}\n`,
    );
    expect(text).toContain(`EnvironmentFile=/etc/weave.${host}.env`);
  });

  it('the dedicated host\'s script writes the same env file, and its trigger hashes the script', () => {
    const script = outputs.script;
    const b64 = script.split("put /etc/weave.env 0600 <<'WEAVE_B64'\n")[1].split('\n')[0];
    expect(Buffer.from(b64, 'base64').toString()).toContain(`WEAVE_PASSWORD=${PASSWORD}\n`);
    const { createHash } = require('node:crypto') as typeof import('node:crypto');
    expect(outputs.script_hash).toBe(createHash('sha256').update(script).digest('hex'));
  });

  it('Ignition: the config parses, and the VMs\' replacement trigger is a valid lifecycle reference', () => {
    const ign = evaluate({ network: { bootFormat: 'ignition' } }).outputs;
    const cfg = JSON.parse(ign['custom_data_azure-prd-03']);
    const env = cfg.storage.files.find((f: { path: string }) => f.path === '/etc/weave.env');
    expect(Buffer.from(env.contents.source.replace('data:;base64,', ''), 'base64').toString()).toContain(`WEAVE_PASSWORD=${PASSWORD}\n`);
  });
});
