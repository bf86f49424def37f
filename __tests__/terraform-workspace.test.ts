// The real-provider suites' plumbing, which no machine here can run for real
// (no provider can be installed): where support/terraform.ts looks for
// providers, and terraform-validate.test.ts end to end (replay of the fast
// tier, collection, one validate per stack, the priority-5000 control)
// against a stand-in `terraform` that answers as Terraform does. What the
// stand-in cannot show is the provider's own verdict; that part runs only
// where the providers can be installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformWorkspace } from './support/terraform';

const ROOT = join(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'weave-fake-tf-'));
const LOG = join(dir, 'calls.log');

/**
 * A stand-in terraform: `version -json`, `init` (a .terraform folder and a lock
 * file) and `validate -json` (valid, unless an NSG rule has priority 5000,
 * which it reports the way azurerm does). Every call is logged with the CLI
 * config Terraform would read.
 */
const FAKE = join(dir, 'terraform');
writeFileSync(FAKE, `#!/usr/bin/env node
const fs = require('fs');
const args = process.argv.slice(2);
const config = process.env.TF_CLI_CONFIG_FILE || '';
fs.appendFileSync(${JSON.stringify(LOG)}, JSON.stringify({ args, config, rc: config && fs.existsSync(config) ? fs.readFileSync(config, 'utf8') : '' }) + '\\n');
if (args[0] === 'version') { console.log(JSON.stringify({ terraform_version: '1.11.4' })); process.exit(0); }
if (args[0] === 'init') { fs.mkdirSync('.terraform', { recursive: true }); fs.writeFileSync('.terraform.lock.hcl', '# stand-in\\n'); process.exit(0); }
if (args[0] === 'validate') {
  const tf = JSON.parse(fs.readFileSync('cdk.tf.json', 'utf8'));
  const bad = Object.entries((tf.resource || {}).azurerm_network_security_rule || {}).filter(([, r]) => r.priority === 5000);
  const diagnostics = bad.map(([id]) => ({ severity: 'error', summary: 'expected priority to be in the range (100 - 4096), got 5000', address: 'azurerm_network_security_rule.' + id }));
  console.log(JSON.stringify({ format_version: '1.0', valid: bad.length === 0, error_count: bad.length, warning_count: 0, diagnostics }));
  process.exit(bad.length ? 1 : 0);
}
process.exit(2);
`);
chmodSync(FAKE, 0o755);
const calls = () => readFileSync(LOG, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { args: string[]; config: string; rc: string });

describe('where the providers come from', () => {
  const required = { azurerm: { source: 'azurerm', version: '4.55.0' } };
  const withEnv = <T>(env: Record<string, string | undefined>, fn: () => T): T => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    try {
      return fn();
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  };

  it('WEAVE_TF_PROVIDERS_DIR: a filesystem mirror, through a CLI config that names it', () => {
    const mirror = join(dir, 'mirror');
    mkdirSync(mirror, { recursive: true });
    writeFileSync(LOG, '');
    const ws = withEnv({ TERRAFORM_BINARY_NAME: FAKE, WEAVE_TF_PROVIDERS_DIR: mirror }, () => new TerraformWorkspace(required));
    try {
      expect(ws.check.missing).toBeUndefined();
      expect(ws.providers).toContain(`WEAVE_TF_PROVIDERS_DIR=${mirror}`);
      const init = calls().find((c) => c.args[0] === 'init')!;
      expect(init.rc).toContain(`filesystem_mirror {\n    path = ${JSON.stringify(mirror)}`);
    } finally {
      ws.dispose();
    }
  });

  it('a WEAVE_TF_PROVIDERS_DIR that does not exist is a missing requirement, skipped in CI too', () => {
    const ws = withEnv({ TERRAFORM_BINARY_NAME: FAKE, WEAVE_TF_PROVIDERS_DIR: join(dir, 'nowhere') }, () => new TerraformWorkspace(required));
    expect(ws.check.missing).toMatch(/does not exist/);
    expect(ws.check.ciMayLack).toBe(true);
    ws.dispose();
  });

  it('otherwise Terraform\'s own lookup (implicit mirrors, registry), with no TF_* from the shell; a failing init is the missing requirement', () => {
    writeFileSync(LOG, '');
    const ws = withEnv({ TERRAFORM_BINARY_NAME: FAKE, WEAVE_TF_PROVIDERS_DIR: undefined }, () => new TerraformWorkspace(required));
    expect(ws.check.missing).toBeUndefined();
    expect(calls().find((c) => c.args[0] === 'init')!.config).toBe('');
    ws.dispose();
    const real = new TerraformWorkspace(required);
    // This machine: no registry, no mirror.
    expect(real.check).toMatchObject({ ciMayLack: true, missing: expect.stringMatching(/terraform init.*could not install them/) });
    real.dispose();
  });

  it('without terraform at all, the requirement is not one CI may lack', () => {
    const ws = withEnv({ TERRAFORM_BINARY_NAME: join(dir, 'no-terraform') }, () => new TerraformWorkspace(required));
    expect([ws.check.what, ws.check.ciMayLack, ws.check.missing]).toEqual(['terraform', undefined, expect.stringMatching(/was not found/)]);
    ws.dispose();
  });
});

describe('terraform-validate.test.ts end to end against the stand-in', () => {
  it('replays the fast tier, validates every collected stack, and its negative control fails as it should', () => {
    writeFileSync(LOG, '');
    const res = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '-c', join(ROOT, 'jest', 'integration.config.js'),
      '__tests__/terraform-validate.test.ts', '-t', 'collected|sampled random|negative control|diagnostics check'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TERRAFORM_BINARY_NAME: FAKE, WEAVE_TF_PROVIDERS_DIR: join(dir, 'mirror'), WEAVE_TFVALIDATE_SUITES: 'seed-stack,reach', FORCE_COLOR: '0' },
      timeout: 600_000,
    });
    expect([res.status, res.stderr.includes('SKIPPED')]).toEqual([0, false]);
    const counted = /terraform-validate: (\d+) stacks from the fast tier and main\.ts/.exec(res.stderr);
    expect(Number(counted?.[1])).toBeGreaterThan(5);
    expect(res.stderr).toMatch(/✓ every collected stack: no diagnostics/);
    expect(res.stderr).toMatch(/✓ negative control: an NSG rule priority out of range/);
    // One validate per collected stack (plus the control), each in a folder of its own.
    const validates = calls().filter((c) => c.args[0] === 'validate');
    expect(validates.length).toBeGreaterThan(Number(counted![1]));
  }, 600_000);
});
