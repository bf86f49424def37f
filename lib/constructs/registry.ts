// The image registry, the Terraform side: an `AcrPull` grant for every Azure
// cluster's identity (its VMs then log in at boot with a token from instance
// metadata; nothing in boot data or state), and for dedicated servers a
// login that reaches them only through the provisioner: an ephemeral
// password variable, turned into a Docker client config uploaded beside the
// install script, as Key Vault mode uploads the password file.
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { dockerConfigKey } from '../core/boot/images';
import type { RegistrySpec } from '../core/declare/images';
import { isToken } from '../core/common/tokens';
import type { ClusterGrant, GrantTarget } from './identity';
import { requireTerraform } from './terraform/data';
import { expressionOf } from './terraform/expressions';
import { tfName, tfVariableName } from './terraform/names';

/** An Azure Container Registry the Azure VMs pull from with their cluster's managed identity. */
export interface WeaveAzureContainerRegistryOptions {
  /** Resource id of the registry: a `ContainerRegistry` construct's `.id`, or the id as text. */
  readonly id: string;
  /** The azurerm provider of the registry's subscription; the role assignments are made with it. */
  readonly provider: AzurermProvider;
  /**
   * The role each cluster's identity gets on the registry. Registries in
   * ABAC mode honour `Container Registry Repository Reader` instead of the
   * legacy roles.
   * @default 'AcrPull'
   */
  readonly role?: string;
}

/** How dedicated servers log in to the registry. */
export interface WeaveRegistryLoginOptions {
  /** User name (e.g. an ACR token's name, a service principal's client id, a Docker Hub account). */
  readonly username: string;
  /**
   * The password, as an ephemeral variable's value: it is uploaded by the
   * provisioner and kept nowhere in state or plan. A plain string is refused.
   * @default - an ephemeral sensitive variable `<network id>_registry_password` (set `TF_VAR_<network id>_registry_password`)
   */
  readonly password?: string;
  /**
   * Raise it by one to push a new password to the servers (Terraform cannot
   * see an ephemeral value change).
   * @default 1
   */
  readonly rotation?: number;
}

/**
 * Where the hosts pull Weave's images from, beyond `release.imageOwner`:
 * how they log in. Azure VMs use their cluster's identity with an Azure
 * Container Registry; dedicated servers a user name and password.
 */
export interface WeaveRegistryOptions {
  /**
   * Azure VMs log in to this Azure Container Registry with their cluster's
   * managed identity; `release.imageOwner` must name its login server.
   * @default - Azure VMs pull anonymously
   */
  readonly azureContainerRegistry?: WeaveAzureContainerRegistryOptions;
  /**
   * Dedicated servers log in with this user name and password.
   * @default - dedicated servers pull anonymously
   */
  readonly login?: WeaveRegistryLoginOptions;
}

/** The built-in role that pulls images. */
export const ACR_PULL_ROLE = 'AcrPull';

/** The network's registry grants and login, created by `WeaveNetwork` when `registry` is set. */
export class ImageRegistry extends Construct {
  /** The ephemeral password variable, when the library made it. */
  readonly passwordVariable?: TerraformVariable;
  private readonly options: WeaveRegistryOptions;
  private readonly password?: string;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, options: WeaveRegistryOptions, network: Construct) {
    super(scope, id);
    this.options = options;
    this.prefix = tfName(network.node.id);
    const login = options.login;
    if (login) {
      if (login.password !== undefined) {
        this.password = login.password;
      } else {
        const name = `${tfVariableName(network.node.id)}_registry_password`;
        this.passwordVariable = new TerraformVariable(this, 'password', {
          type: 'string',
          sensitive: true,
          nullable: false,
          description: `Password the dedicated servers of Weave network ${network.node.path} pull its images with (user ${isToken(login.username) ? 'as configured' : login.username}).`,
        });
        this.passwordVariable.overrideLogicalId(name);
        // Only provisioners read it, so it can stay out of state and plan.
        this.passwordVariable.addOverride('ephemeral', true);
        this.password = this.passwordVariable.stringValue;
        requireTerraform(TerraformStack.of(this), '1.10.0');
      }
    }
  }

  /** The pure core's view of the registry settings. */
  spec(): RegistrySpec {
    const acr = this.options.azureContainerRegistry;
    const login = this.options.login;
    return {
      ...(acr ? { azureContainerRegistry: { hasProvider: acr.provider !== undefined, id: acr.id } } : {}),
      ...(login ? { login: { username: login.username, passwordIsLiteral: login.password !== undefined && !isToken(login.password) } } : {}),
    };
  }

  /**
   * The pull grant of one Azure cluster's identity on the registry, made with
   * the registry's provider.
   * @internal
   */
  grant(cluster: GrantTarget, identity: ClusterGrant): void {
    const acr = this.options.azureContainerRegistry;
    if (!acr) return;
    const { RoleAssignment } = require('@cdktf/provider-azurerm/lib/role-assignment') as typeof import('@cdktf/provider-azurerm/lib/role-assignment');
    new RoleAssignment(this, `pull-${cluster.clusterName}`, {
      provider: acr.provider,
      scope: acr.id,
      roleDefinitionName: acr.role ?? ACR_PULL_ROLE,
      principalId: identity.identity.principalId,
      principalType: 'ServicePrincipal',
      description: `Weave Net hosts of ${cluster.scope.node.path} pull Weave's images`,
    }).overrideLogicalId(`${this.prefix}_${tfName(cluster.clusterName)}_acr_pull`);
  }

  /**
   * Dedicated servers: the expression (no `${}`) of the Docker client config
   * they pull with, and the rotation number that re-uploads it.
   * @internal
   */
  dedicatedLogin(imageOwner: string): { dockerConfig: string; rotation: number } | undefined {
    const login = this.options.login;
    if (!login || this.password === undefined) return undefined;
    const user = expressionOf(this, login.username);
    const password = expressionOf(this, this.password);
    return {
      dockerConfig: `jsonencode({ auths = { ${JSON.stringify(dockerConfigKey(imageOwner))} = { auth = base64encode(join(":", [${user}, ${password}])) } } })`,
      rotation: login.rotation ?? 1,
    };
  }
}
