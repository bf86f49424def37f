// The real provider checks what the library emits: `terraform validate` with
// azurerm (the version the provider binding pins) on the seed stack,
// on every valid stack the other test files synthesize, and on a seeded
// sample of the property tests' random networks. Validation needs no
// credentials and makes no network calls; it runs each provider's schema and
// argument checks (ranges, enums, formats, conflicting arguments).
// Zero diagnostics, warnings included. A negative control shows it can fail.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import fc from 'fast-check';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../lib';
import { BesideWeaveStack } from '../stacks/beside-weave';
import { KEYVAULT_STACKS } from './support/keyvault-stacks';
import { SeedStack, SeedStackProps } from '../stacks/seed';
import { sshPublicKeyProblem } from '../lib/core/kinds/azure/ssh-key';
import { SSH_KEY_CASES } from './fixtures/ssh-keys';
import { build } from './support/declared-network';
import { addClusterToSeed, declareOneClusterNetwork, stackOf } from './support/example-networks';
import { capHosts, describeNetwork, rawNetwork, toGenerated } from './support/random-network';
import { synthRandomStack, withPlainStackTraces } from './support/random-stack';
import { dedicatedProvisioners, synthApp } from './support/synth';
import { describeIfTool } from './support/require-tool';
import { RequiredProviders, TerraformWorkspace, ValidateOutput, expectNoDiagnostics, formatDiagnostics } from './support/terraform';

const declareConsumerNetwork = require('./support/consumer-network.js') as (
  stack: TerraformStack,
  lib: { AzurermProvider: typeof AzurermProvider; WeaveNetwork: typeof WeaveNetwork; WeaveCluster: typeof WeaveCluster; WeaveHost: typeof WeaveHost },
) => void;

/** Random networks validated; WEAVE_TFVALIDATE_RUNS / _SEED sample others. */
const RANDOM_RUNS = Number(process.env.WEAVE_TFVALIDATE_RUNS ?? 5);
const RANDOM_SEED = Number(process.env.WEAVE_TFVALIDATE_SEED ?? 20251128);
const RANDOM_MAX_HOSTS = 40;
const TIMEOUT_MS = 120_000;

const scratch = mkdtempSync(join(tmpdir(), 'weave-tfvalidate-synth-'));
let outdirs = 0;

/** `Testing.synth` of the stack `declare` builds, in an app whose outdir is scratch space. */
function synth(declare: (app: App) => TerraformStack): string {
  const app = Testing.app({ outdir: join(scratch, String(++outdirs)) });
  return withPlainStackTraces(() => Testing.synth(declare(app)));
}

const seed = (props: SeedStackProps = {}) => (app: App) => new SeedStack(app, 'weave-seed', props);
const STATE_BACKEND = { storageAccountName: 'weavestate01', containerName: 'tfstate', resourceGroupName: 'weave-state-rg' };

/** What `cdktf synth` writes for main.ts's stack (local backend and construct metadata included). */
function synthMainApp(stack = 'weave-seed'): string {
  const outdir = synthApp();
  try {
    return readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Every valid stack the test files build (the seed variants are the props
 * they pass to SeedStack), and where.
 */
const STACKS: [string, (app: App) => TerraformStack][] = [
  ['seed (seed-stack, first-hour, terraform-eval)', seed()],
  ['seed + azure-prd-05 (seed-stack: growth)', seed({ extraCluster01Hosts: ['azure-prd-05'] })],
  ['seed with DNS label prefix acme- (seed-stack)', seed({ dnsLabelPrefix: 'acme-' })],
  ['seed + cluster-04 in a third subscription (seed-stack)', (app) => {
    const stack = new SeedStack(app, 'weave-seed');
    addClusterToSeed(stack);
    return stack;
  }],
  ['seed, Ignition (seed-stack, terraform-eval)', seed({ network: { bootFormat: 'ignition' } })],
  ['seed, Ignition + azure-prd-05 (seed-stack)', seed({ network: { bootFormat: 'ignition' }, extraCluster01Hosts: ['azure-prd-05'] })],
  ['seed, Ignition, Weave 2.9.1 (seed-stack)', seed({ network: { bootFormat: 'ignition', release: { version: '2.9.1' } } })],
  ['seed with Azure Blob state (first-hour)', seed({ stateBackend: STATE_BACKEND })],
  ['one-cluster network (seed-stack)', (app) => stackOf(app, declareOneClusterNetwork)],
  ['two Azure clusters (validation: the valid baseline)', (app) => build({}, app).stack],
  ['two Azure clusters with a literal password (validation)', (app) => build({ network: { password: 'hunter2hunter2' } }, app).stack],
  ['running Kubernetes beside Weave (docs example: user files, units, drop-ins)', (app) => new BesideWeaveStack(app, 'beside-weave')],
  ...KEYVAULT_STACKS,
  ['consumer project (package)', (app) => {
    const stack = new TerraformStack(app, 'consumer');
    declareConsumerNetwork(stack, { AzurermProvider, WeaveNetwork, WeaveCluster, WeaveHost });
    return stack;
  }],
];

const EXAMPLES: [string, () => string][] = [
  ['seed stack as `cdktf synth` writes it (main.ts; seed-stack, first-hour)', () => synthMainApp('weave-seed')],
  ['Key Vault seed stack as `cdktf synth` writes it (main.ts)', () => synthMainApp('weave-seed-keyvault')],
  ...STACKS.map(([name, declare]): [string, () => string] => [name, () => synth(declare)]),
];

/** The seed's provider requirements: the versions @cdktf/provider-* bind, which every stack declares. */
const seedJson = JSON.parse(synth(seed())) as { terraform: { required_providers: RequiredProviders } };
const terraform = new TerraformWorkspace(seedJson.terraform.required_providers);

afterAll(() => {
  terraform.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

/** Validates, and checks the stack is not vacuous: Terraform saw its resources. */
function validateClean(name: string, config: string): ValidateOutput {
  const tf = JSON.parse(config) as { resource?: Record<string, Record<string, unknown>>; terraform?: { required_providers?: RequiredProviders } };
  expect(Object.keys(tf.resource?.azurerm_linux_virtual_machine ?? {}).length + Object.keys(dedicatedProvisioners(tf)).length).toBeGreaterThan(0);
  // Init ran for the seed's providers; every stack must ask for those same versions.
  for (const [provider, req] of Object.entries(tf.terraform?.required_providers ?? {})) {
    expect([provider, req]).toEqual([provider, seedJson.terraform.required_providers[provider]]);
  }
  const out = terraform.validate(name, config);
  expectNoDiagnostics(name, out);
  return out;
}

describeIfTool('terraform validate with the real azurerm provider', terraform.check, () => {
  it.each(EXAMPLES)('%s: no diagnostics', (name, synthesize) => {
    validateClean(name, synthesize());
  }, TIMEOUT_MS);

  const sample = fc.sample(fc.tuple(rawNetwork.map((raw) => toGenerated(capHosts(raw, RANDOM_MAX_HOSTS))), fc.integer({ min: 1, max: 3 })), {
    seed: RANDOM_SEED,
    numRuns: RANDOM_RUNS,
  });
  it.each(sample.map(([gen, subscriptions], i) => [`random network ${i + 1}/${RANDOM_RUNS} (seed ${RANDOM_SEED})`, gen, subscriptions] as const))(
    '%s: no diagnostics',
    (name, gen, subscriptions) => {
      try {
        validateClean(name, JSON.stringify(synthRandomStack(gen, subscriptions)));
      } catch (e) {
        throw new Error(`${(e as Error).message}\nnetwork (${subscriptions} subscription(s)): ${describeNetwork(gen)}`);
      }
    },
    TIMEOUT_MS,
  );

  it('negative control: an NSG rule priority out of range (5000; Azure allows 100-4096) is an error naming the rule', () => {
    let address = '';
    const config = synth((app) => {
      const stack = new SeedStack(app, 'weave-seed');
      const rules = stack.node.findAll().filter((c): c is NetworkSecurityRule => c instanceof NetworkSecurityRule);
      expect(rules.length).toBeGreaterThan(0);
      rules[0].addOverride('priority', 5000);
      address = `azurerm_network_security_rule.${stack.getLogicalId(rules[0])}`;
      return stack;
    });
    expect(JSON.parse(config).resource.azurerm_network_security_rule[address.split('.')[1]].priority).toBe(5000);
    const out = terraform.validate('negative control', config);
    expect(out.valid).toBe(false);
    expect(out.error_count).toBe(1);
    expect(out.diagnostics).toEqual([expect.objectContaining({ severity: 'error', address, summary: expect.stringMatching(/priority.*100 - 4096.*5000/) })]);
    // The check the stacks above pass would have caught it.
    expect(() => expectNoDiagnostics('negative control', out)).toThrow(/1 error\(s\)[\s\S]*error: expected priority to be in the range/);
  }, TIMEOUT_MS);

  it('accepts exactly the SSH keys the library\'s own key check accepts (lib/core/ssh-key.ts)', () => {
    const names = SSH_KEY_CASES.map((_, i) => `key-${i}`);
    const tf = JSON.parse(synth((app) => build({ clusters: [{ id: 'keys', hosts: names }] }, app).stack)) as {
      resource: { azurerm_linux_virtual_machine: Record<string, { name: string; admin_ssh_key: { public_key: string }[] }> };
    };
    // Written into the synthesized JSON, past any check the constructs make.
    const addressOf = new Map<string, string>();
    for (const [id, vm] of Object.entries(tf.resource.azurerm_linux_virtual_machine)) {
      vm.admin_ssh_key[0].public_key = SSH_KEY_CASES[names.indexOf(vm.name)].key;
      addressOf.set(vm.name, `azurerm_linux_virtual_machine.${id}`);
    }
    expect(addressOf.size).toBe(SSH_KEY_CASES.length);
    const out = terraform.validate('SSH keys', JSON.stringify(tf));
    const verdicts = SSH_KEY_CASES.map((c, i) => {
      const rejected = out.diagnostics.filter((d) => d.address === addressOf.get(names[i]));
      return [c.name, { provider: rejected.length === 0, library: sshPublicKeyProblem(c.key) === undefined }];
    });
    expect(verdicts).toEqual(SSH_KEY_CASES.map((c) => [c.name, { provider: c.accepted, library: c.accepted }]));
    // Every diagnostic belongs to one of those VMs.
    expect(out.diagnostics.filter((d) => ![...addressOf.values()].includes(d.address ?? ''))).toEqual([]);
  }, TIMEOUT_MS);
});

describe('the diagnostics check', () => {
  const clean: ValidateOutput = { format_version: '1.0', valid: true, error_count: 0, warning_count: 0, diagnostics: [] };

  it('passes only a valid result without diagnostics', () => {
    expect(() => expectNoDiagnostics('x', clean)).not.toThrow();
  });

  it('fails a valid result that carries only a warning, and names where it is', () => {
    const warned: ValidateOutput = {
      ...clean,
      warning_count: 1,
      diagnostics: [{
        severity: 'warning',
        summary: 'Argument is deprecated',
        detail: 'use  the new one',
        address: 'azurerm_lb.x',
        range: { filename: 'cdk.tf.json', start: { line: 7 } },
        snippet: { code: '  "old": {\n    "a": 1\n  },' },
      }],
    };
    expect(formatDiagnostics(warned)).toEqual(['warning: Argument is deprecated (use the new one) at azurerm_lb.x cdk.tf.json:7 `"old": {`']);
    expect(() => expectNoDiagnostics('x', warned)).toThrow(/valid=true, 0 error\(s\), 1 warning\(s\)\n {2}- warning: Argument is deprecated/);
  });

  it('fails an invalid result even when it lists no diagnostic', () => {
    expect(() => expectNoDiagnostics('x', { ...clean, valid: false })).toThrow(/valid=false/);
  });
});
