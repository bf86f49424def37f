// One user-assigned identity per Azure cluster, made when its VMs need to
// fetch something themselves: the Key Vault password, the registry's
// images, or both. The grants on it (Key Vault Secrets User, AcrPull) are
// made by whoever owns the resource granted; the VMs reference the identity
// and the grants reference it, so no VM waits for a grant.
import type { Construct } from 'constructs';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { expressionOf } from './terraform/expressions';
import { tfName } from './terraform/names';

/**
 * What an identity needs to know of a cluster whose hosts fetch with it:
 * where to create it and with which provider. The cluster's kind hands it
 * over, so this module never reads a cluster.
 */
export interface GrantTarget {
  /** The construct the identity is created in (the cluster). */
  readonly scope: Construct;
  /** The cluster's name (its construct id). */
  readonly clusterName: string;
  /** The cluster's azurerm provider (its subscription). */
  readonly provider: AzurermProvider;
  /** Tags for the identity. */
  readonly tags: Record<string, string>;
  /** Azure region of the cluster's resources. */
  readonly location: string;
  /** Resource group of the cluster. */
  readonly resourceGroupName: string;
}

/** What one Azure cluster's VMs need to fetch with their identity. */
export interface ClusterGrant {
  /** Resource id of the cluster's identity, for the VMs' `identity` block. */
  readonly identityId: string;
  /** Expression (no `${}`) of the identity's client id, for the boot document. */
  readonly clientId: string;
  /** The identity itself. */
  readonly identity: UserAssignedIdentity;
}

/**
 * The identity of one Azure cluster, in the cluster's own subscription and
 * resource group: `<cluster>-weave`, logical id
 * `<network>_<cluster>_identity` (kept stable: renaming it replaces it).
 */
export function clusterIdentity(network: Construct, cluster: GrantTarget): ClusterGrant {
  const { UserAssignedIdentity } = require('@cdktf/provider-azurerm/lib/user-assigned-identity') as typeof import('@cdktf/provider-azurerm/lib/user-assigned-identity');
  const identity = new UserAssignedIdentity(cluster.scope, 'weave-identity', {
    provider: cluster.provider,
    name: `${cluster.clusterName}-weave`,
    location: cluster.location,
    resourceGroupName: cluster.resourceGroupName,
    tags: cluster.tags,
  });
  identity.overrideLogicalId(`${tfName(network.node.id)}_${tfName(cluster.clusterName)}_identity`);
  return { identityId: identity.id, clientId: expressionOf(network, identity.clientId), identity };
}
