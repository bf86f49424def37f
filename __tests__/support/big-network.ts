// A network of the size the topology picture must still show on one page:
// 10 clusters and 60 hosts across 2 subscriptions and 4 regions, both boot
// formats, existing resource groups, subnets and NSGs, SSH NAT, and two
// dedicated sites (one with a non-default SSH port, one with dial addresses).
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DataAzurermNetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/data-azurerm-network-security-group';
import { WeaveCluster, WeaveHost, WeaveNetwork, WeaveNetworkProps } from '../../lib';
import { ED25519 } from '../fixtures/ssh-keys';

const SUBNET = (sub: string, rg: string, vnet: string, subnet: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}`;

/** Declares the network into `scope` (a stack) and returns it; `props` adds network settings (e.g. where the allocation record goes). */
export function declareTenClusters(scope: Construct, props: Partial<WeaveNetworkProps> = {}): WeaveNetwork {
  const prod = new AzurermProvider(scope, 'prod', { alias: 'prod', subscriptionId: '11111111-1111-1111-1111-111111111111', features: [{}] });
  const shared = new AzurermProvider(scope, 'shared', { alias: 'shared', subscriptionId: '22222222-2222-2222-2222-222222222222', features: [{}] });
  const mesh = new WeaveNetwork(scope, 'mesh', { sshPublicKey: ED25519, bootstrapSize: 5, ...props });
  const hosts = (cluster: WeaveCluster, prefix: string, count: number) => {
    for (let i = 1; i <= count; i++) new WeaveHost(cluster, `${prefix}-${String(i).padStart(2, '0')}`);
  };
  const azure = (id: string, provider: AzurermProvider, location: string, vnet: number, extra: object = {}) =>
    new WeaveCluster(mesh, id, { provider, location, dnsLabel: `acme-${id}`, vnetCidr: `172.16.${vnet}.0/24`, ...extra });

  hosts(azure('weu-core', prod, 'westeurope', 1, { sshSourceCidr: '198.51.100.0/24' }), 'weu-core', 6);
  hosts(azure('weu-batch', prod, 'westeurope', 2, { bootFormat: 'ignition' }), 'weu-batch', 6);
  hosts(azure('neu-core', prod, 'northeurope', 3, { sshSourceCidr: '198.51.100.0/24', bootFormat: 'ignition' }), 'neu-core', 6);
  hosts(azure('neu-edge', shared, 'northeurope', 4, {
    existingResourceGroup: 'platform-network',
    existingSubnet: SUBNET('22222222-2222-2222-2222-222222222222', 'platform-network', 'platform', 'edge'),
  }), 'neu-edge', 6);
  hosts(azure('eus-core', prod, 'eastus2', 5), 'eus-core', 6);
  const nsg = new DataAzurermNetworkSecurityGroup(scope, 'eus-nsg', { provider: shared, name: 'platform-nsg', resourceGroupName: 'platform-network' });
  hosts(azure('eus-data', shared, 'eastus2', 6, { existingSecurityGroup: nsg, sshSourceCidr: '203.0.113.0/24' }), 'eus-data', 6);
  hosts(azure('sea-core', shared, 'southeastasia', 7, { bootFormat: 'ignition' }), 'sea-core', 6);
  hosts(azure('sea-edge', shared, 'southeastasia', 8, {
    existingResourceGroup: 'apac-network',
    existingSubnet: SUBNET('22222222-2222-2222-2222-222222222222', 'apac-network', 'apac', 'edge'),
    existingSecurityGroup: new DataAzurermNetworkSecurityGroup(scope, 'sea-nsg', { provider: shared, name: 'apac-nsg', resourceGroupName: 'apac-network' }),
  }), 'sea-edge', 6);

  const fra = new WeaveCluster(mesh, 'dc-fra', { kind: 'dedicated' });
  for (let i = 1; i <= 6; i++) new WeaveHost(fra, `fra-${String(i).padStart(2, '0')}`, { ssh: { host: `203.0.113.${10 + i}`, port: i === 1 ? 2222 : 22 } });
  const ams = new WeaveCluster(mesh, 'dc-ams', { kind: 'dedicated' });
  for (let i = 1; i <= 6; i++) {
    new WeaveHost(ams, `ams-${String(i).padStart(2, '0')}`, {
      ssh: { host: `ams-${String(i).padStart(2, '0')}.vpn.acme.internal` },
      publicAddress: `198.51.100.${20 + i}`,
      ...(i === 1 ? { dialAddress: 'ams-01.acme-dc.com' } : {}),
    });
  }
  return mesh;
}
