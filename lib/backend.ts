import { AzurermBackend, TerraformStack } from 'cdktf';

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

/**
 * Reads the state backend from the app's configuration: the `stateBackend`
 * context key (cdktf.json `context`, or `CDKTF_CONTEXT_JSON`), else the
 * `WEAVE_STATE_*` environment variables. `undefined` means local state.
 */
export function stateBackendFromConfig(
  contextValue: unknown,
  // Not NodeJS.ProcessEnv: the package's types must not need @types/node.
  env: Readonly<Record<string, string | undefined>> = process.env,
): StateBackendConfig | undefined {
  if (contextValue && typeof contextValue === 'object') return contextValue as StateBackendConfig;
  if (!env.WEAVE_STATE_STORAGE_ACCOUNT) return undefined;
  const need = (name: string) => {
    const v = env[name];
    if (!v) throw new Error(`WEAVE_STATE_STORAGE_ACCOUNT is set but ${name} is not. Fix: set ${name} too, or unset WEAVE_STATE_STORAGE_ACCOUNT for local state.`);
    return v;
  };
  return {
    storageAccountName: env.WEAVE_STATE_STORAGE_ACCOUNT,
    containerName: need('WEAVE_STATE_CONTAINER'),
    resourceGroupName: need('WEAVE_STATE_RESOURCE_GROUP'),
    key: env.WEAVE_STATE_KEY,
    subscriptionId: env.WEAVE_STATE_SUBSCRIPTION_ID,
  };
}

/**
 * Puts the stack's state in Azure Blob Storage. Terraform's azurerm backend
 * locks the state blob with a blob lease for every operation that writes
 * state, so two team members cannot apply at once.
 */
export function useAzureStateBackend(stack: TerraformStack, config: StateBackendConfig): AzurermBackend {
  return new AzurermBackend(stack, {
    storageAccountName: config.storageAccountName,
    containerName: config.containerName,
    resourceGroupName: config.resourceGroupName,
    key: config.key ?? `${stack.node.id}.tfstate`,
    subscriptionId: config.subscriptionId,
    useAzureadAuth: config.useAzureadAuth ?? true,
  });
}
