// `terraform validate` (and plan/apply) against the real providers, for
// synthesized stacks, wherever the providers can be installed. Terraform
// itself finds them; this only decides which CLI configuration it reads:
//   1. WEAVE_TF_PROVIDERS_DIR: a filesystem mirror folder
//      (<dir>/registry.terraform.io/hashicorp/azurerm/4.55.0/linux_amd64/…),
//      or a folder with an install.sh that unpacks one and prints the CLI
//      config to use (the layout shared/terraform-providers once had);
//   2. the user's own CLI configuration: the file TF_CLI_CONFIG_FILE named in
//      the shell (the harness strips TF_* from tests and keeps the original
//      for this), e.g. with a `provider_installation` block;
//   3. Terraform's defaults: the implicit local mirrors
//      (~/.terraform.d/plugins and the XDG data dirs) and the registry.
// `terraform init` runs once, in a folder whose only configuration is the
// providers the stacks require; every stack is then validated in its own
// folder that links that folder's `.terraform` and copies its lock file, so a
// diagnostic always belongs to exactly one stack. When init fails, the
// requirement is unmet and the suite prints one SKIPPED line, in CI too
// (no machine here can download a provider).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Requirement, probeCommand } from './skip';

const INIT_TIMEOUT_MS = 180_000;
const VALIDATE_TIMEOUT_MS = 120_000;

/** One entry of `terraform validate -json`'s `diagnostics`. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly address?: string;
  readonly range?: { readonly filename: string; readonly start: { readonly line: number } };
  readonly snippet?: { readonly context?: string | null; readonly code?: string };
}

/** `terraform validate -json` output (format 1.0). */
export interface ValidateOutput {
  readonly format_version: string;
  readonly valid: boolean;
  readonly error_count: number;
  readonly warning_count: number;
  readonly diagnostics: readonly Diagnostic[];
}

/** `terraform.required_providers` of a synthesized stack. */
export type RequiredProviders = Record<string, { readonly source: string; readonly version: string }>;

/** One line per diagnostic: severity, summary, detail, resource and the offending line. */
export function formatDiagnostics(out: ValidateOutput): string[] {
  return out.diagnostics.map((d) => {
    const where = [d.address, d.range ? `${d.range.filename}:${d.range.start.line}` : undefined].filter(Boolean).join(' ');
    // The first line of the offending code is enough to find it; a whole map is not.
    const code = d.snippet?.code ? ` \`${d.snippet.code.trim().split('\n')[0]}\`` : '';
    const detail = d.detail ? ` (${d.detail.replace(/\s+/g, ' ').trim()})` : '';
    return `${d.severity}: ${d.summary}${detail}${where ? ` at ${where}` : ''}${code}`;
  });
}

/**
 * Throws unless Terraform found the configuration valid with no diagnostics
 * at all: a warning (a deprecated argument, say) fails it too, because it is
 * a change the library has to make before the provider makes it an error.
 */
export function expectNoDiagnostics(stack: string, out: ValidateOutput): void {
  if (out.valid && out.diagnostics.length === 0 && out.error_count === 0 && out.warning_count === 0) return;
  const lines = formatDiagnostics(out).map((l) => `  - ${l}`);
  throw new Error(
    `terraform validate on ${stack}: valid=${out.valid}, ${out.error_count} error(s), ${out.warning_count} warning(s)\n${lines.join('\n')}`,
  );
}

interface ProviderSource {
  /** How the providers are found, for messages. */
  readonly describe: string;
  /** Env for Terraform (TF_CLI_CONFIG_FILE), or why the source is unusable. */
  readonly env?: Record<string, string>;
  readonly problem?: string;
}

/** How to make the providers installable, for the SKIPPED line. */
export const PROVIDERS_HINT =
  'run where `terraform init` reaches registry.terraform.io; or put the providers in a filesystem mirror: Terraform\'s implicit ' +
  '~/.terraform.d/plugins/registry.terraform.io/hashicorp/<name>/<version>/<os_arch>/, a `provider_installation { filesystem_mirror { path = ... } }` ' +
  'block in the file TF_CLI_CONFIG_FILE names, or WEAVE_TF_PROVIDERS_DIR=<mirror folder>';

/**
 * The shell's settings the harness stripped from tests (support/harness-env.js
 * keeps them in the run's temp folder), for the one place that must read the
 * user's Terraform CLI configuration.
 */
export function shellEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = env.WEAVE_JEST_TMP ? join(env.WEAVE_JEST_TMP, 'shell-env.json') : undefined;
  if (!file || !existsSync(file)) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}

/** Scratch space for one test file, removed by `dispose`. */
export class TerraformWorkspace {
  /** Whether Terraform and the providers are usable (for `describeWhen`). */
  readonly check: Requirement;
  /** Where the providers came from. */
  readonly providers: string;
  private readonly scratch: string;
  private readonly binary: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly initDir: string;
  private stacks = 0;

  /**
   * Finds Terraform and the providers and runs `terraform init -backend=false`
   * once for `required` (take it from a synthesized stack, so the versions
   * are the ones the library's provider bindings pin).
   */
  constructor(required: RequiredProviders) {
    this.binary = process.env.TERRAFORM_BINARY_NAME ?? 'terraform';
    this.scratch = mkdtempSync(join(tmpdir(), 'weave-tfvalidate-'));
    this.initDir = join(this.scratch, 'init');
    const tool = `terraform with the ${Object.entries(required).map(([n, p]) => `${n} ${p.version}`).join(' and ')} provider${Object.keys(required).length > 1 ? 's' : ''}`;
    this.env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
    for (const k of Object.keys(this.env)) if (k.startsWith('TF_') && !['TF_IN_AUTOMATION', 'TF_INPUT'].includes(k)) delete this.env[k];

    const version = probeCommand(this.binary, ['version', '-json']);
    if (version.problem) {
      this.providers = '(not looked for)';
      // Terraform itself is on every machine here (CI included): its absence fails CI.
      this.check = { what: 'terraform', missing: version.problem, install: 'install Terraform >= 1.11 (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BINARY_NAME to its path' };
      return;
    }
    const source = this.providerSource();
    this.providers = source.describe;
    if (source.problem) {
      this.check = { what: tool, missing: source.problem, install: PROVIDERS_HINT, ciMayLack: true };
      return;
    }
    Object.assign(this.env, source.env);
    mkdirSync(this.initDir);
    writeFileSync(join(this.initDir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: required } }, null, 2));
    const init = this.run(this.initDir, ['init', '-backend=false', '-input=false', '-no-color'], INIT_TIMEOUT_MS);
    if (init.status !== 0) {
      const why = `${init.stderr}\n${init.stdout}`.split('\n').map((l) => l.replace(/^[│╷╵\s]+/, '').trim()).filter((l, i, all) => /^Error:/.test(l) && all.indexOf(l) === i);
      this.check = {
        what: tool,
        missing: `\`terraform init\` with ${source.describe} could not install them (${why.join('; ') || `exit ${init.status ?? init.signal}`})`,
        install: PROVIDERS_HINT,
        ciMayLack: true,
      };
      return;
    }
    this.check = { what: tool, install: PROVIDERS_HINT, ciMayLack: true };
  }

  /**
   * A new folder whose Terraform uses the providers `init` installed (linked
   * `.terraform`, copied lock file); write configuration into it and
   * {@link exec} there.
   */
  folder(name: string): string {
    if (this.check.missing !== undefined) throw new Error(`terraform is not usable: ${this.check.missing}`);
    const dir = join(this.scratch, 'stacks', `${++this.stacks}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}`);
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(this.initDir, '.terraform'), join(dir, '.terraform'), 'dir');
    copyFileSync(join(this.initDir, '.terraform.lock.hcl'), join(dir, '.terraform.lock.hcl'));
    return dir;
  }

  /** Runs Terraform in `dir` (from {@link folder}) with the providers' CLI config. */
  exec(dir: string, args: string[]) {
    return this.run(dir, args, VALIDATE_TIMEOUT_MS);
  }

  /** Validates one synthesized `cdk.tf.json` in a folder of its own. */
  validate(stack: string, config: string): ValidateOutput {
    const dir = this.folder(stack);
    writeFileSync(join(dir, 'cdk.tf.json'), config);
    const res = this.run(dir, ['validate', '-json', '-no-color'], VALIDATE_TIMEOUT_MS);
    let out: ValidateOutput;
    try {
      out = JSON.parse(res.stdout) as ValidateOutput;
    } catch {
      throw new Error(`terraform validate on ${stack} printed no JSON (exit ${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
    }
    // Exit status and JSON must agree, or something other than validation went wrong.
    if ((res.status === 0) !== out.valid) {
      throw new Error(`terraform validate on ${stack}: exit ${res.status ?? res.signal} but valid=${out.valid}\n${res.stderr}`);
    }
    return out;
  }

  /** Removes the scratch folder (with any mirror install.sh unpacked there). */
  dispose(): void {
    rmSync(this.scratch, { recursive: true, force: true });
  }

  private run(cwd: string, args: string[], timeout: number) {
    return spawnSync(this.binary, args, { cwd, env: this.env, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  }

  private providerSource(): ProviderSource {
    const given = process.env.WEAVE_TF_PROVIDERS_DIR;
    if (given) {
      const folder = resolve(given);
      const script = join(folder, 'install.sh');
      if (existsSync(script)) {
        const mirror = join(this.scratch, 'mirror');
        const res = spawnSync('bash', [script, mirror], { encoding: 'utf8', timeout: INIT_TIMEOUT_MS });
        const config = res.stdout.trim().split('\n').pop() ?? '';
        const describe = `the filesystem mirror ${script} unpacked into ${mirror}`;
        if (res.status !== 0 || !existsSync(config)) {
          const why = (res.stderr || res.error?.message || `exit ${res.status ?? res.signal}`).trim().split('\n').pop();
          return { describe, problem: `${script} failed: ${why}` };
        }
        return { describe, env: { TF_CLI_CONFIG_FILE: config } };
      }
      if (!existsSync(folder)) return { describe: `WEAVE_TF_PROVIDERS_DIR=${given}`, problem: `WEAVE_TF_PROVIDERS_DIR=${given} does not exist` };
      const config = join(this.scratch, 'terraformrc');
      writeFileSync(config, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(folder)}\n  }\n}\n`);
      return { describe: `the filesystem mirror WEAVE_TF_PROVIDERS_DIR=${folder}`, env: { TF_CLI_CONFIG_FILE: config } };
    }
    const cli = shellEnv().TF_CLI_CONFIG_FILE;
    if (cli && existsSync(cli)) return { describe: `the CLI configuration ${cli} (TF_CLI_CONFIG_FILE)`, env: { TF_CLI_CONFIG_FILE: cli } };
    return { describe: 'Terraform\'s implicit mirrors (~/.terraform.d/plugins, …) and the registry', env: {} };
  }
}
