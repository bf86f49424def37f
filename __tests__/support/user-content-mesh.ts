// The meshes user-content-stack.test.ts and user-content-terraform.test.ts
// declare: two Azure clusters in one stack, plus whatever a case adds, and
// the file-content case whose values Terraform fills in.
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveFile, WeaveHost, WeaveNetwork, WeaveNetworkProps } from '../../lib';
import { byName, TfJson } from './synth';

export const VM = 'azurerm_linux_virtual_machine';
export const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqhdR+Lro+o9SsvhjTty5CkgsNPHf2PZW2grJw0w4nd test';

export type Resources = Record<string, Record<string, Record<string, any>>>;
export const resources = (tf: TfJson) => tf.resource as Resources;
/** VMs by name, with their attributes loosely typed for reading. */
export const vmsOf = (tf: TfJson) => byName(tf, VM) as Record<string, Record<string, any>>;

export interface MeshDecl {
  network?: WeaveNetworkProps;
  clusters?: { id: string; props?: Record<string, unknown>; hosts: (string | [string, Record<string, unknown>])[] }[];
  stack?: (stack: TerraformStack) => Partial<WeaveNetworkProps>;
}

/** Two Azure clusters (three hosts) in one stack, plus whatever the declaration adds. */
export function mesh(decl: MeshDecl = {}): { tf: TfJson; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'mesh', { sshPublicKey: KEY, ...decl.network, ...decl.stack?.(stack) });
  const clusters = decl.clusters ?? [{ id: 'mesh-a', hosts: ['a-1', 'a-2'] }, { id: 'mesh-b', hosts: ['b-1'] }];
  for (const c of clusters) {
    const azure = c.props?.kind !== 'dedicated';
    const cluster = new WeaveCluster(net, c.id, azure ? { provider, location: 'westeurope', ...c.props } : { ...c.props });
    for (const h of c.hosts) {
      const [id, props] = typeof h === 'string' ? [h, {}] : h;
      new WeaveHost(cluster, id, props);
    }
  }
  return { tf: JSON.parse(Testing.synth(stack)), stack };
}

/** Shell and template syntax around a token, which must stay text byte for byte. */
export const TRICKY = (value: string) => `#!/bin/sh\necho "\${HOME}" %{ if x } \\ \t é \u0001 $PATH\nCA='${value}'\n`;
export const CA = '-----BEGIN CERTIFICATE-----\nMIIB-test\n-----END CERTIFICATE-----\n';
/** A mesh with Ignition, cloud-config and dedicated hosts whose files Terraform fills from a variable. */
export const contentDecl = (caDefault: string): MeshDecl => ({
  clusters: [{ id: 'mesh-a', props: { bootFormat: 'ignition' }, hosts: ['a-1'] }, { id: 'mesh-b', hosts: ['b-1'] }, { id: 'dc', props: { kind: 'dedicated' }, hosts: [['d-1', { ssh: { host: '203.0.113.10' } }]] }],
  stack: (stack) => {
    const ca = new TerraformVariable(stack, 'ca_pem', { type: 'string', default: caDefault });
    const files: WeaveFile[] = [
      { path: '/etc/kubernetes/pki/ca.crt', content: ca.stringValue },
      { path: '/etc/kubernetes/kubelet.env', content: `CA_FILE=/etc/kubernetes/pki/ca.crt\nCA_BYTES=${ca.stringValue}`, mode: 0o600 },
      // Shell and template syntax around a token stays text, byte for byte.
      { path: '/etc/tricky.sh', content: TRICKY(ca.stringValue) },
    ];
    return { files };
  },
});
