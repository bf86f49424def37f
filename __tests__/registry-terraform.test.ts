// A dedicated server's registry login, applied with Terraform itself (the
// stack reduced to built-in `terraform_data` stand-ins, support/terraform-
// standin.ts, whose uploads land in a local "host" directory): the password,
// an ephemeral variable, reaches the server's Docker config and nothing that
// Terraform keeps (state, the saved plan, show -json), as the Weave password
// does in Key Vault mode. The control passes it as a plain sensitive
// variable instead: then the saved plan holds it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../lib';
import { ED25519 } from './fixtures/ssh-keys';
import { contains, standInConfig, terraform } from './support/terraform-standin';
import { describeWhen, tool } from './support/skip';

type Json = Record<string, any>;
const REGISTRY_PASSWORD = 'Registry-Pull-Secret-4711';
const ENV = { TF_VAR_mesh_password: 'Weave-Pa55word-xyz', TF_VAR_mesh_registry_password: REGISTRY_PASSWORD, TF_VAR_plain_registry_password: REGISTRY_PASSWORD };

/** An Azure cluster and a dedicated server pulling from a mirror with a login; `plain` passes the password as a non-ephemeral variable. */
function synth(plain = false): Json {
  const s = new TerraformStack(Testing.app(), 's');
  const provider = new AzurermProvider(s, 'az', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const password = plain ? new TerraformVariable(s, 'plain_registry_password', { type: 'string', sensitive: true }).stringValue : undefined;
  const net = new WeaveNetwork(s, 'mesh', {
    sshPublicKey: ED25519,
    release: { imageOwner: 'mirror.example.com/weave' },
    registry: { login: { username: 'weave-pull', ...(password ? { password } : {}) } },
  });
  new WeaveHost(new WeaveCluster(net, 'west', { provider, location: 'westeurope', dnsLabel: 'acme-west' }), 'w1');
  new WeaveHost(new WeaveCluster(net, 'dc', { kind: 'dedicated' }), 'd1', { ssh: { host: '203.0.113.10' } });
  return JSON.parse(Testing.synth(s)) as Json;
}

/** Plans to a file and applies it; returns what Terraform keeps and the uploaded Docker config. */
function apply(tf: Json): { kept: Record<string, string>; config: Json } {
  const dir = mkdtempSync(join(tmpdir(), 'weave-registry-tf-'));
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(standInConfig(tf, dir), null, 1));
  terraform(dir, ['init', '-input=false', '-no-color'], ENV);
  terraform(dir, ['plan', '-input=false', '-no-color', '-out=tfplan'], ENV);
  const plan = execFileSync('unzip', ['-p', join(dir, 'tfplan')], { maxBuffer: 64 * 1024 * 1024 }).toString('latin1');
  terraform(dir, ['apply', '-input=false', '-no-color', 'tfplan'], ENV);
  return {
    kept: { state: readFileSync(join(dir, 'terraform.tfstate'), 'utf8'), 'show -json': terraform(dir, ['show', '-json'], ENV), 'tfplan (unzipped)': plan },
    config: JSON.parse(readFileSync(join(dir, 'host', 'registry.json'), 'utf8')),
  };
}

describeWhen('a dedicated server\'s registry login through terraform apply', [tool(process.env.TERRAFORM_BINARY_NAME || 'terraform'), tool('unzip')], () => {
  it('the ephemeral password reaches the server\'s Docker config for the mirror\'s host, and not the state, the saved plan or show -json', () => {
    const { kept, config } = apply(synth());
    expect(Object.keys(config.auths)).toEqual(['mirror.example.com']);
    expect(Buffer.from(config.auths['mirror.example.com'].auth, 'base64').toString()).toBe(`weave-pull:${REGISTRY_PASSWORD}`);
    for (const [where, text] of Object.entries(kept)) {
      expect([where, text.length > 1000]).toEqual([where, true]);
      expect([where, contains(text, REGISTRY_PASSWORD)]).toEqual([where, false]);
    }
  }, 120_000);

  it('control: a plain sensitive variable in its place is kept in the saved plan, so the search can fail', () => {
    const { kept, config } = apply(synth(true));
    expect(Buffer.from(config.auths['mirror.example.com'].auth, 'base64').toString()).toBe(`weave-pull:${REGISTRY_PASSWORD}`);
    expect(contains(kept['tfplan (unzipped)'], REGISTRY_PASSWORD)).toBe(true);
  }, 120_000);
});
