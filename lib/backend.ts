// Remote state for teams: an Azure Blob Storage backend, read from the
// app's context or WEAVE_STATE_* variables and checked before anything is
// synthesized.
import { AzurermBackend, TerraformStack } from 'cdktf';
import { closest, distance } from 'fastest-levenshtein';
import { ProblemList, WeaveConfigError, raise } from './core/check/problems';

/** Where a team keeps a stack's state: an Azure Blob Storage container. */
export interface StateBackendConfig {
  /** Storage account holding the state container. */
  readonly storageAccountName: string;
  /** Blob container for state files. */
  readonly containerName: string;
  /** Resource group of the storage account. */
  readonly resourceGroupName: string;
  /**
   * Blob name of this stack's state.
   * @default '<stack id>.tfstate'
   */
  readonly key?: string;
  /**
   * Subscription of the storage account.
   * @default - the one the Azure CLI or ARM_SUBSCRIPTION_ID selects
   */
  readonly subscriptionId?: string;
  /**
   * Authenticate to the storage data plane with Entra ID instead of account keys.
   * @default true
   */
  readonly useAzureadAuth?: boolean;
}

const REQUIRED_KEYS = ['storageAccountName', 'containerName', 'resourceGroupName'] as const;
const OPTIONAL_KEYS = ['key', 'subscriptionId', 'useAzureadAuth'] as const;
const KNOWN_KEYS: readonly string[] = [...REQUIRED_KEYS, ...OPTIONAL_KEYS];
const EXAMPLE = '{"storageAccountName": "weavestate01", "containerName": "tfstate", "resourceGroupName": "weave-state-rg"}';

/** The known key a misspelled one most likely meant: same letters ignoring case, `_` and `-`, else the nearest by edit distance. */
function meantKey(key: string): string | undefined {
  const flat = (k: string) => k.toLowerCase().replace(/[_-]/g, '');
  const same = KNOWN_KEYS.find((k) => flat(k) === flat(key));
  if (same) return same;
  const near = closest(key, KNOWN_KEYS as string[]);
  return distance(key, near) <= Math.max(2, Math.floor(near.length / 3)) ? near : undefined;
}

/**
 * Checks a state backend configuration as it came from the outside (cdktf
 * context, JSON): every required key present and a non-empty string, no
 * unknown keys, Azure's naming rules for the storage account (3-24 lowercase
 * letters and digits) and blob container (3-63 lowercase letters, digits and
 * single inner hyphens), a GUID subscription id. Throws one error listing
 * every problem, each with its fix, so a bad backend stops the synth instead
 * of writing a backend block that `terraform init` refuses later. The
 * error is a {@link WeaveConfigError}, one problem per key.
 *
 * @param value - the configuration as given
 * @param source - where it came from, for the message (e.g. `context "stateBackend"`)
 */
export function checkStateBackendConfig(value: unknown, source: string): StateBackendConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const fix = `give an object such as ${EXAMPLE}, or leave it out for local state`;
    const problems = new ProblemList();
    problems.add('backend-not-object', source, '(backend)', value, 'is not an object', fix);
    raise(new WeaveConfigError(problems.items, `${source} is ${JSON.stringify(value)}, not an object. Fix: ${fix}.`));
  }
  const v = value as Record<string, unknown>;
  // Each problem also as the line this subject has always shown: the key
  // first, as a JSON user reads it.
  const problems = new ProblemList();
  const lines: string[] = [];
  /** Notes the line this subject shows for a problem, and hands its fix on. */
  const said = (line: string, fix: string): string => {
    lines.push(`${line}. Fix: ${fix}`);
    return fix;
  };
  for (const key of Object.keys(v)) {
    if (KNOWN_KEYS.includes(key)) continue;
    const meant = meantKey(key);
    problems.add('backend-key-unknown', source, key, v[key], 'is not a key of an Azure state backend',
      said(`unknown key "${key}"`, `${meant ? `did you mean "${meant}"? ` : ''}the keys are ${KNOWN_KEYS.join(', ')}`));
  }
  for (const key of REQUIRED_KEYS) {
    if (v[key] === undefined) {
      problems.add('backend-key-missing', source, key, v[key], 'is required',
      said(`missing key "${key}"`, `set it${key === 'storageAccountName' ? ' to the storage account holding the state container' : key === 'containerName' ? ' to the blob container for state files' : ' to the resource group of the storage account'}`));
    } else if (typeof v[key] !== 'string' || (v[key] as string).trim() === '') {
      problems.add('backend-value-invalid', source, key, v[key], 'is not a non-empty string',
      said(`"${key}" is ${JSON.stringify(v[key])}, not a non-empty string`, 'give the name as a string'));
    }
  }
  for (const key of ['key', 'subscriptionId'] as const) {
    if (v[key] !== undefined && (typeof v[key] !== 'string' || (v[key] as string).trim() === '')) {
      problems.add('backend-value-invalid', source, key, v[key], 'is not a non-empty string',
      said(`"${key}" is ${JSON.stringify(v[key])}, not a non-empty string`, 'give a string or leave it out'));
    }
  }
  if (v.useAzureadAuth !== undefined && typeof v.useAzureadAuth !== 'boolean') {
    problems.add('backend-value-invalid', source, 'useAzureadAuth', v.useAzureadAuth, 'is not true or false',
      said(`"useAzureadAuth" is ${JSON.stringify(v.useAzureadAuth)}, not true or false`, 'write true (the default) or false'));
  }
  if (typeof v.storageAccountName === 'string' && v.storageAccountName && !/^[a-z0-9]{3,24}$/.test(v.storageAccountName)) {
    const cleaned = v.storageAccountName.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 24);
    problems.add('backend-name-invalid', source, 'storageAccountName', v.storageAccountName, 'is not an Azure storage account name (3-24 lowercase letters and digits)',
      said(`"storageAccountName" ${JSON.stringify(v.storageAccountName)} is not an Azure storage account name (3-24 lowercase letters and digits)`, cleaned.length >= 3 ? `did you mean "${cleaned}"?` : 'use the name of the account as Azure shows it'));
  }
  if (typeof v.containerName === 'string' && v.containerName && !/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/.test(v.containerName)) {
    problems.add('backend-name-invalid', source, 'containerName', v.containerName, 'is not a blob container name (3-63 lowercase letters, digits and single inner hyphens)',
      said(`"containerName" ${JSON.stringify(v.containerName)} is not a blob container name (3-63 lowercase letters, digits and single inner hyphens)`, 'use the container\'s name as Azure shows it, e.g. "tfstate"'));
  }
  if (typeof v.subscriptionId === 'string' && v.subscriptionId && !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(v.subscriptionId)) {
    problems.add('backend-name-invalid', source, 'subscriptionId', v.subscriptionId, 'is not a subscription id (a GUID)',
      said(`"subscriptionId" ${JSON.stringify(v.subscriptionId)} is not a subscription id (a GUID)`, 'use the id az account show prints, or leave it out'));
  }
  if (lines.length > 0) {
    raise(new WeaveConfigError(problems.items, `${source} is not a usable Azure state backend; nothing was synthesized:\n${lines.map((l) => `  - ${l}`).join('\n')}\nA complete one: ${EXAMPLE} (optional: key, subscriptionId, useAzureadAuth).`));
  }
  return v as unknown as StateBackendConfig;
}

/**
 * Reads the state backend from the app's configuration: the `stateBackend`
 * context key (cdktf.json `context`, or `CDKTF_CONTEXT_JSON`), else the
 * `WEAVE_STATE_*` environment variables. `undefined` means local state.
 * A context value that is set but incomplete or misspelled throws (see
 * {@link checkStateBackendConfig}).
 */
export function stateBackendFromConfig(contextValue: unknown, env: Readonly<Record<string, string | undefined>> = process.env): StateBackendConfig | undefined {
  if (contextValue !== undefined) return checkStateBackendConfig(contextValue, 'context "stateBackend"');
  if (!env.WEAVE_STATE_STORAGE_ACCOUNT) return undefined;
  const need = (name: string) => {
    const v = env[name];
    if (v) return v;
    const fix = `set ${name} too, or unset WEAVE_STATE_STORAGE_ACCOUNT for local state`;
    const problems = new ProblemList();
    problems.add('backend-env-incomplete', 'the WEAVE_STATE_* variables', name, v, 'is not set, though WEAVE_STATE_STORAGE_ACCOUNT is', fix);
    raise(new WeaveConfigError(problems.items, `WEAVE_STATE_STORAGE_ACCOUNT is set but ${name} is not. Fix: ${fix}.`));
  };
  return checkStateBackendConfig({
    storageAccountName: env.WEAVE_STATE_STORAGE_ACCOUNT,
    containerName: need('WEAVE_STATE_CONTAINER'),
    resourceGroupName: need('WEAVE_STATE_RESOURCE_GROUP'),
    ...(env.WEAVE_STATE_KEY ? { key: env.WEAVE_STATE_KEY } : {}),
    ...(env.WEAVE_STATE_SUBSCRIPTION_ID ? { subscriptionId: env.WEAVE_STATE_SUBSCRIPTION_ID } : {}),
  }, 'the WEAVE_STATE_* variables');
}

/**
 * Puts the stack's state in Azure Blob Storage. Terraform's azurerm backend
 * locks the state blob with a blob lease for every operation that writes
 * state, so two team members cannot apply at once.
 */
export function useAzureStateBackend(stack: TerraformStack, config: StateBackendConfig): AzurermBackend {
  // Typed callers are checked by the compiler; JavaScript and JSON ones are not.
  checkStateBackendConfig(config, `${stack.node.id}: stateBackend`);
  return new AzurermBackend(stack, {
    storageAccountName: config.storageAccountName,
    containerName: config.containerName,
    resourceGroupName: config.resourceGroupName,
    key: config.key ?? `${stack.node.id}.tfstate`,
    subscriptionId: config.subscriptionId,
    useAzureadAuth: config.useAzureadAuth ?? true,
  });
}
