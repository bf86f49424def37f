import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveClusterProps, WeaveHost, WeaveNetwork, WeaveNetworkProps } from '../lib';

export interface SitesStackProps {
  /**
   * Options of site-a (West Europe, subscription 1).
   * @default { peering: 'direct' }
   */
  readonly siteA?: Partial<WeaveClusterProps>;
  /**
   * Options of site-b (North Europe, subscription 2).
   * @default { peering: 'direct' }
   */
  readonly siteB?: Partial<WeaveClusterProps>;
  /**
   * VMs per Azure site, named `<site>-vm-<n>`.
   * @default 2
   */
  readonly vmsPerSite?: number;
  /**
   * Extra network settings.
   * @default - none
   */
  readonly network?: Partial<WeaveNetworkProps>;
  /**
   * Prefix for the DNS labels (unique per region across Azure).
   * @default ''
   */
  readonly dnsLabelPrefix?: string;
}

/**
 * Two Azure sites in two subscriptions and regions, by default with direct
 * peering (each VM its own public IP, Weave's encrypted fast datapath host
 * to host), and one dedicated server, `edge-1`, that dials them directly.
 * Account details and secrets are Terraform variables.
 */
export class SitesStack extends TerraformStack {
  readonly network: WeaveNetwork;
  readonly siteA: WeaveCluster;
  readonly siteB: WeaveCluster;

  constructor(scope: Construct, id: string, props: SitesStackProps = {}) {
    super(scope, id);
    const variable = (name: string, description: string) => new TerraformVariable(this, name, { type: 'string', description, nullable: false });
    const sub1 = new AzurermProvider(this, 'azurerm-sub1', { alias: 'sub1', subscriptionId: variable('subscription_id_1', 'Azure subscription of site-a').stringValue, features: [{}] });
    const sub2 = new AzurermProvider(this, 'azurerm-sub2', { alias: 'sub2', subscriptionId: variable('subscription_id_2', 'Azure subscription of site-b').stringValue, features: [{}] });
    const prefix = props.dnsLabelPrefix ?? '';
    this.network = new WeaveNetwork(this, 'weave', {
      sshPublicKey: variable('ssh_public_key', 'SSH public key for the core user on every Azure VM').stringValue,
      ...props.network,
    });
    const vms = props.vmsPerSite ?? 2;
    const site = (name: string, provider: AzurermProvider, location: string, vnetCidr: string, given: Partial<WeaveClusterProps> | undefined) => {
      const cluster = new WeaveCluster(this.network, name, { provider, location, vnetCidr, dnsLabel: `${prefix}${name}`, peering: 'direct', ...given });
      for (let k = 1; k <= vms; k++) new WeaveHost(cluster, `${name}-vm-${k}`);
      return cluster;
    };
    this.siteA = site('site-a', sub1, 'westeurope', '172.16.1.0/24', props.siteA);
    this.siteB = site('site-b', sub2, 'northeurope', '172.16.2.0/24', props.siteB);
    const edge = new WeaveCluster(this.network, 'edge', { kind: 'dedicated' });
    new WeaveHost(edge, 'edge-1', { ssh: { host: '203.0.113.10', user: 'core' } });
  }
}
