// Key Vault mode's Terraform version gate: synth asks the configured
// binary (TERRAFORM_BINARY_NAME, else terraform) for its version once per
// process and refuses one older than 1.11. Run with stand-in binaries (shell
// scripts), so this is the integration tier.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork, WeaveNetworkProps } from '../lib';
import { resetTerraformVersionCache } from '../lib/constructs/terraform/version';
import { SeedStack } from '../stacks/seed';
import { describeWhen, tool } from './support/skip';

/** One Key Vault network in a plain stack. */
function declare(network: Partial<WeaveNetworkProps>) {
  const stack = new TerraformStack(Testing.app(), 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'net', {
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqhdR+Lro+o9SsvhjTty5CkgsNPHf2PZW2grJw0w4nd test',
    keyVault: { provider, create: { name: 'net-kv', location: 'westeurope' } },
    ...network,
  });
  new WeaveHost(new WeaveCluster(net, 'c1', { provider, location: 'westeurope', dnsLabel: 'mesh-c1' }), 'h1');
  return { stack };
}

describeWhen('the Terraform version gate (stand-in binaries)', tool('sh'), () => {
  let bin: string;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'weave-fake-terraform-'));
  });
  beforeEach(() => resetTerraformVersionCache());
  const saved = process.env.TERRAFORM_BINARY_NAME;
  afterAll(() => {
    if (saved === undefined) delete process.env.TERRAFORM_BINARY_NAME;
    else process.env.TERRAFORM_BINARY_NAME = saved;
    resetTerraformVersionCache();
  });

  /** A stand-in binary that records each run and prints `json` for `version -json`, `text` for `version`. */
  function fake(name: string, json: string | null, text: string): { path: string; runs: () => number } {
    const path = join(bin, name);
    const log = `${path}.runs`;
    writeFileSync(log, '');
    writeFileSync(path, `#!/bin/sh
echo run >> '${log}'
if [ "$1 $2" = "version -json" ]; then ${json === null ? 'echo "flag provided but not defined: -json" >&2; exit 1' : `printf '%s\\n' '${json}'; exit 0`}; fi
printf '%s\\n' '${text}'
`);
    chmodSync(path, 0o755);
    return { path, runs: () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length };
  }

  const synthWith = (binary: string, network: Partial<WeaveNetworkProps> = {}) => {
    process.env.TERRAFORM_BINARY_NAME = binary;
    const { stack } = declare(network);
    return () => Testing.synth(stack);
  };

  it('refuses Terraform 1.10 with the binary, its version and the fix', () => {
    const tf = fake('terraform-1.10', '{"terraform_version":"1.10.5","platform":"linux_amd64"}', 'Terraform v1.10.5');
    expect(synthWith(tf.path)).toThrow(/\[terraform-too-old\] stack\/net: keyVault ".*terraform-1\.10 1\.10\.5" cannot apply Key Vault mode.*Terraform 1\.11\.0 or OpenTofu 1\.11\.0.*Fix: install Terraform 1\.11\.0 or later \(or point TERRAFORM_BINARY_NAME at one\)/);
  });

  it('reads releases older than `version -json` from the text form', () => {
    const tf = fake('terraform-0.12', null, 'Terraform v0.12.31');
    expect(synthWith(tf.path)).toThrow(/terraform-0\.12 0\.12\.31/);
    expect(tf.runs()).toBe(2);
  });

  it('accepts Terraform 1.11 and OpenTofu 1.11, and asks each binary once per process', () => {
    const tf = fake('terraform-1.11', '{"terraform_version":"1.11.0"}', 'Terraform v1.11.0');
    expect(synthWith(tf.path)).not.toThrow();
    expect(synthWith(tf.path)).not.toThrow();
    expect(tf.runs()).toBe(1);
    const tofu = fake('tofu', '{"terraform_version":"1.11.1","platform":"linux_amd64","provider_selections":{}}', 'OpenTofu v1.11.1');
    expect(synthWith(tofu.path)).not.toThrow();
  });

  it('skips the check when the binary is not installed (synth may run elsewhere than apply)', () => {
    expect(synthWith(join(bin, 'no-such-terraform'))).not.toThrow();
  });

  it('never runs the binary in the default mode', () => {
    const tf = fake('terraform-counted', '{"terraform_version":"1.10.0"}', 'Terraform v1.10.0');
    process.env.TERRAFORM_BINARY_NAME = tf.path;
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'weave-default-')) });
    new SeedStack(app, 'weave-seed');
    expect(() => app.synth()).not.toThrow();
    expect(tf.runs()).toBe(0);
  });
});
