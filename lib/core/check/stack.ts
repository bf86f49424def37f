// Checks across the networks and providers of one stack, which the
// constructs gather from the construct tree and hand over as plain data.
import type { ProblemList } from './problems';

/** One network of a stack, by the Terraform names it derives from its id. */
export interface NetworkNames {
  /** Construct path of the network. */
  readonly path: string;
  /** Path of the stack it is in. */
  readonly stack: string;
  /** Its construct id, which names its topology files. */
  readonly id: string;
  /** The stem of its password variable (`<stem>_password`): the id with every character but letters, digits and `_` made `_`. */
  readonly tfStem: string;
}

/**
 * Two networks of one stack must not derive the same Terraform names: they
 * would silently share one password variable, one env local, one consensus
 * output and one topology file.
 */
export function checkNetworkNames(networks: readonly NetworkNames[], problems: ProblemList): void {
  const seen = new Map<string, NetworkNames>();
  for (const n of networks) {
    for (const key of [`${n.stack}\u0000${n.tfStem}`, `${n.stack}\u0000file:${n.id}`]) {
      const first = seen.get(key);
      if (first && first !== n) {
        problems.add('network-name-collision', n.path, 'id', n.id,
          `derives the same Terraform names as ${first.path} in the same stack (variable ${n.tfStem}_password, local ${n.tfStem}_shared_env_b64, output ${n.tfStem}_consensus, files ${n.id}.topology.*), so both networks would share one password and one set of settings`,
          `give each WeaveNetwork of a stack an id that differs after "-" and "." become "_", e.g. "${n.tfStem}-2"`);
        break;
      }
      seen.set(key, n);
    }
  }
}

/** An azurerm provider of a stack that holds a network. */
export interface ProviderAlias {
  /** Construct path of the provider. */
  readonly path: string;
  /** Path of the stack it is in. */
  readonly stack: string;
  /** Its alias; `undefined` for the default provider. */
  readonly alias?: string;
}

/**
 * Terraform allows one azurerm provider per alias in a module; a second one
 * with the same alias is rejected at `terraform init`, long after synth.
 */
export function checkProviderAliases(providers: readonly ProviderAlias[], problems: ProblemList): void {
  const seen = new Map<string, string>();
  for (const p of providers) {
    const key = `${p.stack}\u0000${p.alias ?? ''}`;
    const first = seen.get(key);
    if (first) {
      problems.add('provider-alias-duplicate', p.path, 'alias', p.alias,
        `is already the alias of ${first}; Terraform allows one azurerm provider per alias`,
        'give each subscription\'s AzurermProvider its own alias, e.g. "sub1", "sub2", and pass each to its clusters');
    } else {
      seen.set(key, p.path);
    }
  }
}
