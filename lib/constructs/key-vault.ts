// Key Vault mode, the Terraform side: the vault (given or created), the
// secret written only through the write-only `value_wo`, one user-assigned
// identity per Azure cluster with a `Key Vault Secrets User` grant. The
// password is an ephemeral value: Terraform never stores it in state or plan
// (the dedicated servers' provisioner steps are in kinds/dedicated/).
import { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import type { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import { VAULT_ID_RE } from '../core/check/key-vault';
import { isToken } from '../core/common/tokens';
import type { ClusterGrant, GrantTarget } from './identity';
import { TerraformData } from './terraform/data';
import { expressionOf } from './terraform/expressions';
import { tfName } from './terraform/names';

/** A vault the network creates for its password. */
export interface WeaveKeyVaultCreateOptions {
  /** Vault name: 3-24 letters, digits and single hyphens, unique across Azure. */
  readonly name: string;
  /**
   * Azure region of the vault, e.g. `westeurope`; checked against the same
   * list of public-cloud regions as a cluster's `location`.
   */
  readonly location: string;
  /**
   * Accept a `location` missing from the library's list of Azure
   * public-cloud regions, for a region Azure opened after the list was made.
   * @default false
   */
  readonly locationUnchecked?: boolean;
  /**
   * Name of an existing resource group to put the vault in.
   * @default - a resource group `<name>-rg` is created beside the vault
   */
  readonly resourceGroupName?: string;
  /**
   * Entra tenant of the vault.
   * @default - the tenant the vault's provider signs in to
   */
  readonly tenantId?: string;
  /**
   * Vault SKU.
   * @default 'standard'
   */
  readonly skuName?: 'standard' | 'premium';
  /**
   * Days a deleted vault or secret stays recoverable (7-90). Soft delete
   * itself is always on: Azure no longer lets it be turned off.
   * @default 90
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Purge protection: a deleted vault or secret cannot be purged before its
   * retention ends, by anyone. It cannot be turned off again, and a
   * destroyed vault's name stays taken for the retention period; turn it off
   * for throw-away environments.
   * @default true
   */
  readonly purgeProtectionEnabled?: boolean;
  /**
   * Object ids of the principals (users, groups, service principals) that may
   * write the secret (`Key Vault Secrets Officer`). Whoever runs Terraform
   * must be one of them. For a team, give a group.
   * @default - the principal that runs Terraform when the vault is created
   */
  readonly secretsOfficerIds?: string[];
  /**
   * Seconds Terraform waits after granting the secrets officers before it
   * writes the secret, because role assignments take minutes to reach Key
   * Vault. Runs `sleep` locally once, when the grants are created; 0 skips it.
   * @default 120
   */
  readonly roleWaitSeconds?: number;
  /**
   * Tags of the vault and its resource group.
   * @default - { 'weave-network': <network path> }
   */
  readonly tags?: Record<string, string>;
}

/**
 * Keep the network password in Azure Key Vault (the recommended production
 * setting). The password variable becomes ephemeral: Terraform writes it to
 * the secret through the write-only `value_wo` and to dedicated servers
 * through a provisioner, and stores it nowhere. Azure VMs read it at every
 * start with their cluster's managed identity.
 */
export interface WeaveKeyVaultOptions {
  /**
   * The azurerm provider of the vault's subscription. The secret and every
   * role assignment on the vault are created with it, so clusters in other
   * subscriptions of the same tenant can read the one vault.
   */
  readonly provider: AzurermProvider;
  /**
   * Resource id of an existing vault with RBAC authorization. Give this or `create`.
   * @default - none
   */
  readonly vaultId?: string;
  /**
   * URI of the existing vault (`vaultId`), for clouds other than Azure's public one.
   * @default - 'https://<vault name>.vault.azure.net/'
   */
  readonly vaultUri?: string;
  /**
   * Create a vault for the password. Give this or `vaultId`.
   * @default - none
   */
  readonly create?: WeaveKeyVaultCreateOptions;
  /**
   * Name of the secret that holds the password.
   * @default '<network id>-password'
   */
  readonly secretName?: string;
  /**
   * Rotation number, the secret's `value_wo_version`. Terraform writes the
   * secret only when this changes: raise it by one to deploy a new password.
   * Not secret; keep it in code.
   * @default 1
   */
  readonly rotation?: number;
  /**
   * Where each cluster's identity gets `Key Vault Secrets User`: on the whole
   * vault (Microsoft's recommendation, one vault per application) or only on
   * the secret (for a vault shared with other secrets).
   * @default 'vault'
   */
  readonly grantScope?: 'vault' | 'secret';
  /**
   * Tags of the secret and the identities.
   * @default - none on the secret; the cluster's tags on its identity
   */
  readonly tags?: Record<string, string>;
}

/** The built-in role that reads secret contents. */
export const SECRETS_USER_ROLE = 'Key Vault Secrets User';
/** The built-in role that writes secrets. */
export const SECRETS_OFFICER_ROLE = 'Key Vault Secrets Officer';

/**
 * The network's vault, secret and grants, created by `WeaveNetwork` when
 * `keyVault` is set; reach it as `network.keyVault` (e.g. for the vault id).
 */
export class PasswordVault extends Construct {
  /** Resource id of the vault (a token when created). */
  readonly vaultId: string;
  /** Expression (no `${}`) of the vault's URI, for the VMs' boot documents. */
  readonly vaultUriExpression: string;
  /** The secret, written only through `value_wo`. */
  readonly secret: KeyVaultSecret;
  /** The created vault, if any. */
  readonly vault?: KeyVault;
  /** Name of the secret. */
  readonly secretName: string;
  /** The rotation number (`value_wo_version`). */
  readonly rotation: number;
  private readonly options: WeaveKeyVaultOptions;
  private readonly prefix: string;
  // Waits for the secrets officers' grants to reach Key Vault (created vaults only).
  private officerWait?: TerraformResource;

  constructor(scope: Construct, id: string, options: WeaveKeyVaultOptions, password: string, network: Construct) {
    super(scope, id);
    this.options = options;
    this.prefix = tfName(network.node.id);
    this.secretName = options.secretName ?? `${network.node.id.replace(/[^0-9a-zA-Z-]+/g, '-')}-password`;
    this.rotation = options.rotation ?? 1;
    const provider = options.provider;

    if (options.create) {
      this.vault = this.createVault(options.create, network);
      this.vaultId = this.vault.id;
      this.vaultUriExpression = expressionOf(this, this.vault.vaultUri);
    } else {
      this.vaultId = options.vaultId ?? '';
      this.vaultUriExpression = this.existingVaultUri(options);
    }

    const { KeyVaultSecret } = require('@cdktf/provider-azurerm/lib/key-vault-secret') as typeof import('@cdktf/provider-azurerm/lib/key-vault-secret');
    this.secret = new KeyVaultSecret(this, 'secret', {
      provider,
      keyVaultId: this.vaultId,
      name: this.secretName,
      // Write-only: sent to Key Vault, never kept in state or plan.
      valueWo: password,
      valueWoVersion: this.rotation,
      contentType: 'Weave Net password',
      tags: options.tags,
      dependsOn: this.officerWait ? [this.officerWait] : undefined,
    });
    this.secret.overrideLogicalId(`${this.prefix}_password`);
  }

  private createVault(create: WeaveKeyVaultCreateOptions, network: Construct): KeyVault {
    const provider = this.options.provider;
    const { KeyVault } = require('@cdktf/provider-azurerm/lib/key-vault') as typeof import('@cdktf/provider-azurerm/lib/key-vault');
    const { ResourceGroup } = require('@cdktf/provider-azurerm/lib/resource-group') as typeof import('@cdktf/provider-azurerm/lib/resource-group');
    const { DataAzurermClientConfig } = require('@cdktf/provider-azurerm/lib/data-azurerm-client-config') as typeof import('@cdktf/provider-azurerm/lib/data-azurerm-client-config');
    const tags = create.tags ?? { 'weave-network': network.node.path };
    const client = new DataAzurermClientConfig(this, 'client', { provider });
    const resourceGroupName = create.resourceGroupName ?? new ResourceGroup(this, 'resource-group', {
      provider, name: `${create.name}-rg`, location: create.location, tags,
    }).name;
    const vault = new KeyVault(this, 'vault', {
      provider,
      name: create.name,
      location: create.location,
      resourceGroupName,
      tenantId: create.tenantId ?? client.tenantId,
      skuName: create.skuName ?? 'standard',
      // Access through Azure RBAC role assignments, not access policies.
      rbacAuthorizationEnabled: true,
      softDeleteRetentionDays: create.softDeleteRetentionDays ?? 90,
      purgeProtectionEnabled: create.purgeProtectionEnabled ?? true,
      tags,
    });
    vault.overrideLogicalId(`${this.prefix}_key_vault`);

    // With RBAC authorization nobody may write secrets in a new vault, not
    // even its creator, until a role says so.
    const { RoleAssignment } = require('@cdktf/provider-azurerm/lib/role-assignment') as typeof import('@cdktf/provider-azurerm/lib/role-assignment');
    const officers = create.secretsOfficerIds ?? [client.objectId];
    const grants = officers.map((principalId, i) => {
      const grant = new RoleAssignment(this, `secrets-officer-${i}`, {
        provider,
        scope: vault.id,
        roleDefinitionName: SECRETS_OFFICER_ROLE,
        principalId,
        description: `Writes the Weave Net password of ${network.node.path}`,
      });
      // The default is whoever applies: keep the first one, so that a
      // colleague's apply does not take the grant away from them.
      if (create.secretsOfficerIds === undefined) grant.lifecycle = { ignoreChanges: ['principal_id'] };
      return grant;
    });
    const wait = create.roleWaitSeconds ?? 120;
    if (wait > 0) {
      this.officerWait = new TerraformData(this, 'role-propagation', {
        triggersReplace: grants.map((g) => g.id),
        provisioners: [{ type: 'local-exec', command: `sleep ${Math.ceil(wait)}` }],
      });
    }
    return vault;
  }

  private existingVaultUri(options: WeaveKeyVaultOptions): string {
    if (options.vaultUri !== undefined) return expressionOf(this, options.vaultUri);
    const id = options.vaultId ?? '';
    if (!isToken(id)) {
      const name = VAULT_ID_RE.exec(id)?.[1] ?? 'invalid';
      return JSON.stringify(`https://${name.toLowerCase()}.vault.azure.net/`);
    }
    // The name is the id's last segment.
    return `"https://\${lower(element(split("/", ${expressionOf(this, id)}), 8))}.vault.azure.net/"`;
  }

  /**
   * The `Key Vault Secrets User` grant of one Azure cluster's identity, made
   * with the vault's provider.
   * @internal
   */
  grant(cluster: GrantTarget, identity: ClusterGrant): void {
    const { RoleAssignment } = require('@cdktf/provider-azurerm/lib/role-assignment') as typeof import('@cdktf/provider-azurerm/lib/role-assignment');
    const bySecret = (this.options.grantScope ?? 'vault') === 'secret';
    const grant = new RoleAssignment(this, `reader-${cluster.clusterName}`, {
      provider: this.options.provider,
      scope: bySecret ? `${this.vaultId}/secrets/${this.secretName}` : this.vaultId,
      roleDefinitionName: SECRETS_USER_ROLE,
      principalId: identity.identity.principalId,
      // A new identity may not have reached every Entra replica yet; the
      // type spares ARM the lookup that would fail.
      principalType: 'ServicePrincipal',
      description: `Weave Net hosts of ${cluster.scope.node.path} read the network password`,
      dependsOn: bySecret ? [this.secret] : undefined,
    });
    grant.overrideLogicalId(`${this.prefix}_${tfName(cluster.clusterName)}_secrets_user`);
  }
}
