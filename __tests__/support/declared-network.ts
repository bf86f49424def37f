// validation.test.ts's declarations: a valid two-cluster network unless a
// case says otherwise, in one stack with one azurerm provider.
import { App, TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveClusterProps, WeaveConfigError, WeaveHost, WeaveHostProps, WeaveNetwork, WeaveNetworkProps } from '../../lib';
import type { Problem } from '../../lib';
import { ED25519 } from '../fixtures/ssh-keys';

export interface Decl {
  network?: WeaveNetworkProps;
  clusters?: { id: string; props?: Partial<WeaveClusterProps>; hosts: (string | [string, WeaveHostProps])[] }[];
}

export const KEY = ED25519;
export const DED = { ssh: { host: '203.0.113.10' } };

/** A valid two-cluster network, unless the declaration says otherwise. */
export function build(decl: Decl, app: App = Testing.app()) {
  const stack = new TerraformStack(app, 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'net', { sshPublicKey: KEY, ...decl.network });
  const clusters = decl.clusters ?? [
    { id: 'c1', hosts: ['h1', 'h2'] },
    { id: 'c2', hosts: ['h3'] },
  ];
  for (const c of clusters) {
    const azure = (c.props?.kind ?? 'azure') === 'azure';
    const cluster = new WeaveCluster(net, c.id, azure ? { provider, location: 'westeurope', dnsLabel: `mesh-${c.id}`, ...c.props } : { ...c.props });
    for (const h of c.hosts) {
      const [id, props] = typeof h === 'string' ? [h, azure ? {} : DED] : h;
      new WeaveHost(cluster, id, props);
    }
  }
  return { app, stack, net };
}

/** The problems a stack's synth reports, none when it synthesizes. */
export function synthProblems(stack: TerraformStack): readonly Problem[] {
  try {
    Testing.synth(stack);
  } catch (e) {
    if (e instanceof WeaveConfigError) return e.problems;
    throw e;
  }
  return [];
}
