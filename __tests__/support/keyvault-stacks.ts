// The Key Vault mode stacks the test files build, in the shape of the
// terraform-validate test's STACKS list ([label, (app) => stack]), so that
// `terraform validate` with the real providers checks them too (Terraform's
// own rules on ephemeral values included: an ephemeral value in a normal
// argument is an error there).
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../../lib';
import { SeedStack } from '../../stacks/seed';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE7b9lQ9Qz0d1wG3oQ8Zx0u0rJ5l3Yx1c2v3b4n5m6p7 kv@example';

/** One Azure cluster reading an existing vault (given by a variable), granted on the secret alone. */
function existingVault(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'kv-existing');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const vaultId = new TerraformVariable(stack, 'vault_id', { type: 'string' }).stringValue;
  const net = new WeaveNetwork(stack, 'mesh', { sshPublicKey: KEY, keyVault: { provider, vaultId, grantScope: 'secret', rotation: 3 } });
  const c = new WeaveCluster(net, 'solo', { provider, location: 'northeurope' });
  new WeaveHost(c, 'solo-1');
  new WeaveHost(c, 'solo-2');
  return stack;
}

/** Every Key Vault stack the tests build: label (with the test files), and how to declare it. */
export const KEYVAULT_STACKS: [string, (app: App) => TerraformStack][] = [
  ['seed, Key Vault (main.ts weave-seed-keyvault; key-vault-stack, key-vault-terraform)', (app) => new SeedStack(app, 'weave-seed-keyvault', { keyVault: { rotation: 1 } })],
  ['seed, Key Vault, rotation 2 (key-vault-stack, key-vault-terraform)', (app) => new SeedStack(app, 'weave-seed-keyvault', { keyVault: { rotation: 2 } })],
  ['seed, Key Vault, Ignition (key-vault-stack)', (app) => new SeedStack(app, 'weave-seed-keyvault', { keyVault: {}, network: { bootFormat: 'ignition' } })],
  ['one cluster, existing vault by variable, secret-scoped grant (keyvault-stacks)', existingVault],
];
