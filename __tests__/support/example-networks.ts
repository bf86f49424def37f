// Networks the test files declare inline, shared so that terraform-validate
// can run the real providers' checks on exactly the same stacks.
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../../lib';
import type { SeedStack } from '../../stacks/seed';
import { ED25519 } from '../fixtures/ssh-keys';

/** seed-stack.test.ts: a one-cluster network of two VMs, declared straight into a stack. */
export function declareOneClusterNetwork(scope: Construct): void {
  const provider = new AzurermProvider(scope, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(scope, 'mesh', { sshPublicKey: ED25519 });
  const c = new WeaveCluster(net, 'solo', { provider, location: 'northeurope', sshSourceCidr: '198.51.100.0/24' });
  new WeaveHost(c, 'solo-1');
  new WeaveHost(c, 'solo-2', { vmSize: 'Standard_D4s_v5' });
}

/** seed-stack.test.ts, growth by a whole cluster: cluster-04 (two VMs) in a third subscription. */
export function addClusterToSeed(stack: SeedStack): void {
  const sub3 = new AzurermProvider(stack, 'azurerm-sub3', { alias: 'sub3', subscriptionId: 'sub3', features: [{}] });
  const c4 = new WeaveCluster(stack.network, 'cluster-04', { provider: sub3, location: 'northeurope' });
  new WeaveHost(c4, 'azure-prd-06');
  new WeaveHost(c4, 'azure-prd-07');
}

/** A stack holding `declare`'s constructs, the way `Testing.synthScope` builds one. */
export function stackOf(app: Construct, declare: (scope: Construct) => void): TerraformStack {
  const stack = new TerraformStack(app, 'stack');
  declare(stack);
  return stack;
}
