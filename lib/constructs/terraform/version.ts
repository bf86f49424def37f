// Which Terraform will apply the stack: the binary cdktf runs
// (TERRAFORM_BINARY_NAME, else `terraform` on PATH). Asked once per process
// and only by features that need a minimum version (Key Vault mode), so the
// default synth never spawns a process.
import { spawnSync } from 'node:child_process';

/** A Terraform (or OpenTofu) binary and the version it reported. */
export interface TerraformBinary {
  /** The command that was run. */
  readonly binary: string;
  /** Its version, e.g. `1.11.4`. */
  readonly version: string;
}

const cache = new Map<string, TerraformBinary | null>();

/** The binary cdktf would run: `TERRAFORM_BINARY_NAME`, else `terraform`. */
export function configuredTerraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY_NAME || 'terraform';
}

/** stdout of a successful run; `null` when the binary is not there at all. */
function ask(binary: string, args: string[]): string | undefined | null {
  // CHECKPOINT_DISABLE: `terraform version` otherwise asks HashiCorp's
  // servers whether a newer release exists.
  const res = spawnSync(binary, args, {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
  });
  if ((res.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return null;
  return res.error || res.status !== 0 ? undefined : res.stdout;
}

/**
 * The configured binary's version, or `undefined` when it cannot be run (not
 * installed here: synth may run on another machine than apply). Both
 * Terraform and OpenTofu print `{"terraform_version": ...}` for
 * `version -json`; releases before `-json` existed print `Terraform vX.Y.Z`.
 * The answer is cached per binary for the life of the process.
 */
export function terraformVersion(env: NodeJS.ProcessEnv = process.env): TerraformBinary | undefined {
  const binary = configuredTerraformBinary(env);
  if (!cache.has(binary)) {
    let version: string | undefined;
    const json = ask(binary, ['version', '-json']);
    try {
      const v = typeof json === 'string' ? (JSON.parse(json) as { terraform_version?: unknown }).terraform_version : undefined;
      if (typeof v === 'string') version = v;
    } catch {
      // Not JSON: an old release; read the text form below.
    }
    if (version === undefined && json !== null) version = /\bv(\d+\.\d+\.\d+\S*)/.exec(ask(binary, ['version']) ?? '')?.[1];
    cache.set(binary, version === undefined ? null : { binary, version });
  }
  return cache.get(binary) ?? undefined;
}

/** Forgets the cached answers (tests that swap binaries). */
export function resetTerraformVersionCache(): void {
  cache.clear();
}
