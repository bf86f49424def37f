// Checks of the Key Vault password mode. Only literal values are judged;
// Terraform expressions pass through (their presence is what matters).
import { compareVersions } from '../common/text';
import { isToken } from '../common/tokens';
import type { ProblemList } from './problems';
import type { NetworkSpec } from '../declare/network';

/**
 * Oldest Terraform that accepts the configuration Key Vault mode writes:
 * ephemeral input variables came in 1.10, write-only resource arguments
 * (`value_wo`) in 1.11. OpenTofu has both from 1.11.0.
 */
export const MIN_TERRAFORM_VERSION = '1.11.0';

/** Vault names: 3-24 characters of letters, digits and `-`, starting with a letter, ending with a letter or digit, no `--`. */
export const VAULT_NAME_RE = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
/** Key Vault object (secret) names: 1-127 letters, digits and `-`. */
export const SECRET_NAME_RE = /^[0-9a-zA-Z-]{1,127}$/;
/** `/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name>`, compared case-insensitively like ARM ids. */
export const VAULT_ID_RE = /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w._()]{1,90}\/providers\/Microsoft\.KeyVault\/vaults\/([a-zA-Z0-9-]{3,24})$/i;

/** Judges a region name: why it is not a known region, with a fix; `undefined` when it is one. */
export type RegionCheck = (location: string, unchecked: string) => { message: string; fix: string } | undefined;

/**
 * Adds a problem for every bad Key Vault setting of the network.
 *
 * @param regions - how a created vault's location is judged (the same list
 *   and suggestions as a cluster's; kinds/azure owns them)
 */
export function checkKeyVault(spec: NetworkSpec, problems: ProblemList, regions?: RegionCheck): void {
  const kv = spec.keyVault;
  if (!kv) return;
  const path = spec.path;
  if (!kv.hasProvider) {
    problems.add('key-vault-no-provider', path, 'keyVault.provider', undefined,
      'is missing; the secret and the role assignments are created with the vault\'s subscription',
      'pass the AzurermProvider of the vault\'s subscription as keyVault.provider');
  }
  if ((kv.vaultId === undefined) === (kv.createName === undefined)) {
    problems.add('key-vault-source', path, 'keyVault', kv.vaultId !== undefined ? 'vaultId and create' : '(neither vaultId nor create)',
      kv.vaultId !== undefined ? 'names an existing vault and asks for a new one' : 'says neither which vault to use nor to create one',
      'give either vaultId (an existing vault with RBAC authorization) or create: { name, location }');
  }
  if (kv.vaultId !== undefined && !isToken(kv.vaultId) && !VAULT_ID_RE.test(kv.vaultId)) {
    problems.add('key-vault-id-invalid', path, 'keyVault.vaultId', kv.vaultId,
      'is not a Key Vault resource id',
      'give the vault\'s id, e.g. /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<name> (az keyvault show --name <name> --query id)');
  }
  if (kv.createName !== undefined && !isToken(kv.createName) && !VAULT_NAME_RE.test(kv.createName)) {
    const suggestion = kv.createName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-{2,}/g, '-').replace(/^[^a-z]+|-+$/g, '').slice(0, 24).replace(/-+$/, '');
    problems.add('key-vault-name-invalid', path, 'keyVault.create.name', kv.createName,
      'is not a vault name (3-24 letters, digits and single hyphens, starting with a letter and ending with a letter or digit)',
      suggestion.length >= 3 ? `use e.g. "${suggestion}"; vault names are global across Azure` : 'use e.g. "acme-weave-kv"; vault names are global across Azure');
  }
  const location = kv.createLocation;
  if (regions && location !== undefined && !isToken(location) && !kv.createLocationUnchecked) {
    const bad = regions(location, 'keyVault.create.locationUnchecked');
    if (bad) problems.add('key-vault-location-invalid', path, 'keyVault.create.location', location, bad.message, bad.fix);
  }
  if (!isToken(kv.secretName) && !SECRET_NAME_RE.test(kv.secretName)) {
    problems.add('key-vault-secret-name-invalid', path, 'keyVault.secretName', kv.secretName,
      'is not a Key Vault secret name (1-127 letters, digits and hyphens)',
      `use e.g. "${kv.secretName.replace(/[^0-9a-zA-Z-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 127) || 'weave-password'}"`);
  }
  if (typeof kv.rotation === 'number' ? !Number.isInteger(kv.rotation) || kv.rotation < 1 : !isToken(kv.rotation)) {
    problems.add('key-vault-rotation-invalid', path, 'keyVault.rotation', kv.rotation,
      'is not a whole number from 1 up; it versions the secret, and raising it writes the new password',
      'start at 1 and add 1 at every rotation');
  }
  const days = kv.softDeleteRetentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 7 || days > 90)) {
    problems.add('key-vault-retention-invalid', path, 'keyVault.create.softDeleteRetentionDays', days,
      'is outside Key Vault\'s 7-90 days', 'use 90 (the default) or at least 7');
  }
  if (kv.passwordIsLiteral) {
    problems.add('key-vault-password-literal', path, 'password', '(a plain string)',
      'would be written into cdk.tf.json, which Key Vault mode exists to avoid',
      'leave password unset (an ephemeral variable is created), or pass an ephemeral TerraformVariable\'s stringValue');
  }
  if (kv.terraform && compareVersions(kv.terraform.version, MIN_TERRAFORM_VERSION) < 0) {
    problems.add('terraform-too-old', path, 'keyVault', `${kv.terraform.binary} ${kv.terraform.version}`,
      `cannot apply Key Vault mode: it needs ephemeral variables (Terraform 1.10) and write-only arguments (Terraform 1.11), so Terraform ${MIN_TERRAFORM_VERSION} or OpenTofu ${MIN_TERRAFORM_VERSION} at least`,
      `install Terraform ${MIN_TERRAFORM_VERSION} or later (or point TERRAFORM_BINARY_NAME at one), or leave keyVault unset`);
  }
}
