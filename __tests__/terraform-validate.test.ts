// The real provider checks what the library emits: `terraform validate` with
// azurerm (the version the provider binding pins) on every stack the fast
// tier synthesizes, found structurally: the fast tier is replayed in a child
// jest with WEAVE_SYNTH_COLLECT_DIR set, and support/synth-collector.ts writes
// every distinct stack any suite synthesizes there (seed variants, Key Vault
// variants, beside-Weave, every example network, the azure-placement stacks,
// the user-content meshes, the reachability topology, the random networks of
// the property tests), plus the two stacks main.ts writes as `cdktf synth`
// runs it. Left out, and said so in the output: all but a seeded sample of
// the random networks (WEAVE_TFVALIDATE_RANDOM, default 10; `all` for every
// one), since each validate starts the provider afresh. Validation needs no
// credentials and makes no network calls; it runs each provider's schema and
// argument checks (ranges, enums, formats, conflicting arguments), which the
// fast tier's schema check (support/schema-check.ts) cannot. Zero
// diagnostics, warnings included. A negative control shows it can fail.
//
// Where the providers cannot be installed (no registry, no mirror: every
// machine here, CI included), the suite prints one SKIPPED line saying how.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { SeedStack } from '../stacks/seed';
import { sshPublicKeyProblem } from '../lib/core/kinds/azure/ssh-key';
import { SSH_KEY_CASES } from './fixtures/ssh-keys';
import { build } from './support/declared-network';
import { withPlainStackTraces } from './support/random-stack';
import { dedicatedProvisioners, synthApp } from './support/synth';
import { describeWhen } from './support/skip';
import { RequiredProviders, TerraformWorkspace, ValidateOutput, expectNoDiagnostics, formatDiagnostics } from './support/terraform';

const ROOT = join(__dirname, '..');
const TIMEOUT_MS = 120_000;
const REPLAY_TIMEOUT_MS = 15 * 60_000;
const RANDOM = (process.env.WEAVE_TFVALIDATE_RANDOM ?? '10').trim();

const scratch = mkdtempSync(join(tmpdir(), 'weave-tfvalidate-synth-'));
let outdirs = 0;

/** `Testing.synth` of the stack `declare` builds, in an app whose outdir is scratch space. */
function synth(declare: (app: App) => TerraformStack): string {
  const app = Testing.app({ outdir: join(scratch, String(++outdirs)) });
  return withPlainStackTraces(() => Testing.synth(declare(app)));
}

/** One collected stack: where it was synthesized, and its configuration. */
interface Collected {
  readonly origin: { readonly file: string; readonly test: string };
  readonly tags: readonly string[];
  readonly label: string;
  readonly config: Record<string, unknown>;
}

/** Runs the fast tier with the collector on; returns every distinct stack it synthesized. */
function replayFastTier(): Collected[] {
  const dir = mkdtempSync(join(tmpdir(), 'weave-collected-'));
  // WEAVE_TFVALIDATE_SUITES (a comma list of fast-tier files) narrows the replay: terraform-workspace.test.ts
  // uses it to run this suite's plumbing against a stand-in terraform in seconds.
  const only = (process.env.WEAVE_TFVALIDATE_SUITES ?? '').split(',').map((f) => f.trim()).filter(Boolean).map((f) => `__tests__/${f}.test.ts`);
  const res = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), '-c', join(ROOT, 'jest', 'fast.config.js'), '--silent', ...only], {
    cwd: ROOT,
    env: { ...process.env, WEAVE_SYNTH_COLLECT_DIR: dir, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: REPLAY_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`the fast tier failed while collecting stacks (exit ${res.status ?? res.signal}):\n${res.stderr.slice(-4000)}`);
  return readdirSync(dir).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Collected);
}

/** The app's own stacks, as `cdktf synth` writes them (local backend and construct metadata included). */
function mainAppStacks(): Collected[] {
  const outdir = synthApp();
  try {
    return ['weave-seed', 'weave-seed-keyvault'].map((stack) => ({
      origin: { file: 'main.ts', test: `cdktf synth (${stack})` },
      tags: [],
      label: stack,
      config: JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as Record<string, unknown>,
    }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const describeStack = (c: Collected) => `${c.origin.file}: ${c.origin.test}${c.label ? ` (${c.label})` : ''}`;

/** The seed's provider requirements: the versions @cdktf/provider-* bind, which every stack declares. */
const seedJson = JSON.parse(synth((app) => new SeedStack(app, 'weave-seed'))) as { terraform: { required_providers: RequiredProviders } };
const terraform = new TerraformWorkspace(seedJson.terraform.required_providers);

afterAll(() => {
  terraform.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

/** Validates, and checks the stack is not vacuous: Terraform saw its resources. */
function validateClean(name: string, config: string, requireHosts = true): ValidateOutput {
  const tf = JSON.parse(config) as { resource?: Record<string, Record<string, unknown>>; terraform?: { required_providers?: RequiredProviders } };
  if (requireHosts) expect(Object.keys(tf.resource?.azurerm_linux_virtual_machine ?? {}).length + Object.keys(dedicatedProvisioners(tf)).length).toBeGreaterThan(0);
  // Init ran for the seed's providers; every stack must ask for those same versions.
  for (const [provider, req] of Object.entries(tf.terraform?.required_providers ?? {})) {
    expect([provider, req]).toEqual([provider, seedJson.terraform.required_providers[provider]]);
  }
  const out = terraform.validate(name, config);
  expectNoDiagnostics(name, out);
  return out;
}

/** Validates every stack, and reports every failure at once. */
function validateAll(stacks: readonly Collected[]): void {
  const failures: string[] = [];
  for (const c of stacks) {
    try {
      validateClean(describeStack(c), JSON.stringify(c.config), false);
    } catch (e) {
      failures.push(`${describeStack(c)}:\n${(e as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`${failures.length} of ${stacks.length} stack(s) failed terraform validate:\n${failures.join('\n\n')}`);
}

describeWhen('terraform validate with the real azurerm provider', terraform.check, () => {
  let deterministic: Collected[] = [];
  let random: Collected[] = [];
  let randomTotal = 0;

  beforeAll(() => {
    const all = [...replayFastTier(), ...mainAppStacks()];
    deterministic = all.filter((c) => !c.tags.includes('random-network'));
    const randoms = all.filter((c) => c.tags.includes('random-network'));
    randomTotal = randoms.length;
    random = RANDOM === 'all' ? randoms : randoms.slice(0, Math.max(0, Number(RANDOM) || 0));
    process.stderr.write(`terraform-validate: ${deterministic.length} stacks from the fast tier and main.ts, ${random.length} of ${randomTotal} random networks (WEAVE_TFVALIDATE_RANDOM=${RANDOM})\n`);
  }, REPLAY_TIMEOUT_MS);

  it('collected the stacks the fast tier synthesizes, from every suite that synthesizes one', () => {
    const files = new Set(deterministic.map((c) => c.origin.file));
    const expected = process.env.WEAVE_TFVALIDATE_SUITES
      ? [...process.env.WEAVE_TFVALIDATE_SUITES.split(',').map((f) => `${f.trim()}.test.ts`), 'main.ts']
      : ['seed-stack.test.ts', 'key-vault-stack.test.ts', 'beside-weave.test.ts', 'azure-placement.test.ts', 'user-content-stack.test.ts', 'reach.test.ts', 'validation.test.ts', 'schema-check.test.ts', 'peering.test.ts', 'main.ts'];
    for (const f of expected) {
      expect([f, files.has(f)]).toEqual([f, true]);
    }
    if (!process.env.WEAVE_TFVALIDATE_SUITES) expect(randomTotal).toBeGreaterThan(0);
  });

  it('every collected stack: no diagnostics', () => {
    validateAll(deterministic);
  }, REPLAY_TIMEOUT_MS);

  it('the sampled random networks: no diagnostics', () => {
    validateAll(random);
  }, REPLAY_TIMEOUT_MS);

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
