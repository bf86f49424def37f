// A dedicated cluster: no resources of its own (its servers are the
// user's); later clusters dial its dnsName, which resolves to its first
// server, and in Key Vault mode its servers receive the password file from
// their provisioner.
import type { SecretContent } from '../../../core/boot/document';
import type { ClusterKindConstructs } from '../kind';
import { createHost } from './host';

/** The dedicated kind's part of a cluster. */
export const dedicatedCluster: ClusterKindConstructs = (cluster, props) => ({
  dnsName: props.dnsName,
  spec: () => ({}),
  grantTarget: () => undefined,
  keyVault: (vault, _grant, shared, password) => ({ passwordFile: passwordFileExpression(shared, password), rotation: vault.rotation }),
  publicAddressRef: () => undefined,
  nsgRuleSlots: () => undefined,
  bind: () => undefined,
  host: (host, hostProps) => createHost(host, hostProps, cluster.network),
});

/**
 * The expression (no `${}`) of the shared env file's text with the password:
 * ephemeral, so Terraform allows it only in provisioners and write-only
 * arguments.
 */
function passwordFileExpression(shared: SecretContent, passwordExpression: string): string {
  return `join("", [${JSON.stringify(shared.before)}, ${passwordExpression}, ${JSON.stringify(shared.after)}])`;
}
