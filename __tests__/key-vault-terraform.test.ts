// Proof with Terraform itself that Key Vault mode stores nothing secret: the
// synthesized seed, reduced to built-in `terraform_data` stand-ins (see
// support/terraform-standin.ts), is planned to a file and applied with the
// password in TF_VAR_weave_password. The state file, `terraform show -json`
// of state and plan, and every member of the plan file are searched for the
// password, as text and inside base64. The same search on the default mode
// finds it, so the search can fail. A second plan after a rotation changes
// no VM.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { SeedStack, SeedStackProps } from '../stacks/seed';
import { contains, standInConfig, terraform } from './support/terraform-standin';
import { describeWhen, tool } from './support/skip';

const PASSWORD = 'Stand-In-Pa55word!#%&';
const ENV = {
  TF_VAR_weave_password: PASSWORD,
  TF_VAR_subscription_id_1: '11111111-1111-1111-1111-111111111111',
  TF_VAR_subscription_id_2: '22222222-2222-2222-2222-222222222222',
  TF_VAR_ssh_public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqhdR+Lro+o9SsvhjTty5CkgsNPHf2PZW2grJw0w4nd test',
  TF_VAR_dedicated_address: '203.0.113.10',
  TF_VAR_key_vault_name: 'weavekv',
};

type Json = Record<string, any>;

interface Applied {
  dir: string;
  /** Every place Terraform keeps something, by name. */
  kept: Record<string, string>;
  state: Json;
  tf: Json;
}

const synth = (props: SeedStackProps): Json => JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed', props)));

/** Plans to a file, applies it, and collects everything Terraform wrote or shows. */
function planAndApply(tf: Json, dir = mkdtempSync(join(tmpdir(), 'weave-kv-tf-'))): Applied {
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(standInConfig(tf, dir), null, 1));
  terraform(dir, ['init', '-input=false', '-no-color'], ENV);
  terraform(dir, ['plan', '-input=false', '-no-color', '-out=tfplan'], ENV);
  const planJson = terraform(dir, ['show', '-json', 'tfplan'], ENV);
  // A saved plan's members, decompressed: the plan itself, its state snapshot, the configuration.
  const planFile = execFileSync('unzip', ['-p', join(dir, 'tfplan')], { maxBuffer: 256 * 1024 * 1024 }).toString('latin1');
  // Ephemeral variables are given again at apply: the plan file does not carry them.
  terraform(dir, ['apply', '-input=false', '-no-color', 'tfplan'], ENV);
  const stateFile = readFileSync(join(dir, 'terraform.tfstate'), 'utf8');
  const stateJson = terraform(dir, ['show', '-json'], ENV);
  return {
    dir,
    tf,
    state: JSON.parse(stateJson),
    kept: { 'terraform.tfstate': stateFile, 'show -json (state)': stateJson, 'show -json tfplan': planJson, 'tfplan (unzipped)': planFile },
  };
}

const inputOf = (state: Json, address: RegExp): Json => {
  const r = (state.values.root_module.resources as Json[]).find((x) => address.test(x.address));
  if (!r) throw new Error(`no ${address} in state`);
  return r.values.input;
};

describeWhen('Key Vault mode through terraform plan and apply', [tool(process.env.TERRAFORM_BINARY_NAME || 'terraform'), tool('unzip')], () => {
  let kv: Applied;
  beforeAll(() => {
    kv = planAndApply(synth({ keyVault: { rotation: 1 } }));
  });

  it('keeps the password nowhere: not in the state file, the plan file, or show -json of either', () => {
    for (const [where, text] of Object.entries(kv.kept)) {
      expect(text.length).toBeGreaterThan(1000);
      expect([where, contains(text, PASSWORD)]).toEqual([where, false]);
    }
  });

  it('still delivers it: the secret received it through value_wo, the dedicated server through its upload', () => {
    expect(readFileSync(join(kv.dir, 'vault', 'weave-password'), 'utf8')).toBe(PASSWORD);
    expect(readFileSync(join(kv.dir, 'host', 'weave.env'), 'utf8')).toBe(
      `WEAVE_VERSION=2.9.0\nDOCKERHUB_USER=rajchaudhuri\nCHECKPOINT_DISABLE=1\nWEAVE_PASSWORD=${PASSWORD}\n`,
    );
    const script = readFileSync(join(kv.dir, 'host', 'apply.sh'), 'utf8');
    expect(script).toMatch(/^#!\/bin\/bash\n/);
    expect(contains(script, PASSWORD)).toBe(false);
  });

  it('the VMs\' custom data, as Terraform evaluated it, fetches from the vault with the cluster\'s identity', () => {
    const input = inputOf(kv.state, /azurerm_linux_virtual_machine__weave_cluster-02_azure-prd-03_vm/);
    const cfg = parse(Buffer.from(input.custom_data, 'base64').toString());
    const unit = cfg.coreos.units.find((u: { name: string }) => u.name === 'weave-keyvault.service').content as string;
    expect(unit).toContain('Environment=WEAVE_KEYVAULT_URL=https://weavekv.vault.azure.net/');
    // The stand-in identity's made-up client id, filled in by Terraform's replace().
    expect(unit).toContain('Environment=WEAVE_IDENTITY_CLIENT_ID=client-id-of-weave-cluster-02-identity');
    expect(input.identity).toEqual({ type: 'UserAssigned', identity_ids: ['/subscriptions/00000000-0000-0000-0000-000000000000/fake/azurerm_user_assigned_identity/weave_cluster-02_identity'] });
  });

  it('after a rotation, the plan replaces no VM: only the secret and the dedicated server change', () => {
    const next = synth({ keyVault: { rotation: 2 } });
    writeFileSync(join(kv.dir, 'main.tf.json'), JSON.stringify(standInConfig(next, kv.dir), null, 1));
    terraform(kv.dir, ['plan', '-input=false', '-no-color', '-out=rotation.tfplan'], ENV);
    const plan = JSON.parse(terraform(kv.dir, ['show', '-json', 'rotation.tfplan'], ENV));
    const actions = Object.fromEntries((plan.resource_changes as Json[]).map((c) => [c.address, c.change.actions.join('+')]));
    const vms = Object.entries(actions).filter(([a]) => a.includes('azurerm_linux_virtual_machine__'));
    expect(vms).toHaveLength(4);
    for (const [address, action] of vms) expect([address, action]).toEqual([address, 'no-op']);
    const changed = Object.entries(actions).filter(([, a]) => a !== 'no-op').map(([address, a]) => [address.replace(/_[0-9A-F]{8}$/, ''), a]);
    expect(changed.sort()).toEqual([
      ['terraform_data.azurerm_key_vault_secret__weave_password', 'update'],
      ['terraform_data.weave_cluster-03_ded-prd-01_provision', 'delete+create'],
    ]);
    expect(contains(JSON.stringify(plan), PASSWORD)).toBe(false);
  });
});

describeWhen('the same search on the default mode (negative control)', tool(process.env.TERRAFORM_BINARY_NAME || 'terraform'), () => {
  it('finds the password in state and in show -json: the boot documents carry it', () => {
    const plain = planAndApply(synth({}));
    expect(contains(plain.kept['terraform.tfstate'], PASSWORD)).toBe(true);
    expect(contains(plain.kept['show -json (state)'], PASSWORD)).toBe(true);
    // Only inside base64 (custom data, then the env file in it): a plain search would miss it.
    expect(plain.kept['terraform.tfstate'].includes(PASSWORD)).toBe(false);
  });
});
