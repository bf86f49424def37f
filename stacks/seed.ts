import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork, WeaveNetworkProps, WeavePoolOptions, WeaveUnit } from '../lib';
import { StateBackendConfig, useAzureStateBackend } from './backend';

export interface SeedStackProps {
  /**
   * Azure region of both Azure clusters.
   * @default 'westeurope'
   */
  readonly location?: string;
  /**
   * Extra network settings (tests use this to vary the seed).
   * @default - the seed's own settings
   */
  readonly network?: Partial<WeaveNetworkProps>;
  /**
   * Hosts appended to cluster-01 after the seed's two (the growth scenario).
   * @default []
   */
  readonly extraCluster01Hosts?: string[];
  /**
   * Prefix for the Azure clusters' DNS labels. Labels are unique per region
   * across all of Azure, so a real deployment needs its own (e.g. `acme-`).
   * @default '' (labels `cluster-01`, `cluster-02`)
   */
  readonly dnsLabelPrefix?: string;
  /**
   * Keep state in Azure Blob Storage (locked by a blob lease).
   * @default - local state in terraform.weave-seed.tfstate
   */
  readonly stateBackend?: StateBackendConfig;
  /**
   * Keep the Weave password in a Key Vault the stack creates in
   * subscription 1 (named by the `key_vault_name` variable); the password
   * variable becomes ephemeral. See docs/key-vault.md.
   * @default - the password reaches the hosts through their boot data
   */
  readonly keyVault?: SeedKeyVaultProps;
  /**
   * A pool of workers (`workers`, kind `scale-set`) in subscription 1 beside
   * the seed's clusters: README's worked example. Its instances join as
   * observers and dial cluster-01's DNS name.
   * @default - no pool
   */
  readonly pool?: WeavePoolOptions;
}

/** The seed's Key Vault mode. */
export interface SeedKeyVaultProps {
  /**
   * Rotation number of the password: raise it by one to deploy a new one.
   * @default 1
   */
  readonly rotation?: number;
  /**
   * Purge protection of the created vault (on for production).
   * @default true
   */
  readonly purgeProtectionEnabled?: boolean;
}

/**
 * The seed's example of a user unit beside Weave: a node service wanted by
 * `kubernetes.node.target` that starts once the mesh is up (and is
 * restarted with it: `Requires=`). A real stack would put kubelet here.
 */
export const SEED_NODE_UNIT: WeaveUnit = {
  name: 'node-mesh-ready.service',
  contents: [
    '[Unit]',
    'Description=Kubernetes node prerequisite: the Weave bridge is up on this host',
    'After=weave-network.target',
    'Requires=weave-network.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'ExecStart=/usr/bin/ip -brief address show dev weave',
    '',
    '[Install]',
    'WantedBy=kubernetes.node.target',
    '',
  ].join('\n'),
};

/**
 * The target the seed's node services hang off. Weave's `wantedBy` and
 * {@link SEED_NODE_UNIT} name it, but Flatcar has no such unit, and a unit
 * wanted only by a target nothing starts never runs (found by booting the
 * seed): the seed ships the target itself, started at every boot and
 * when the config is applied.
 */
export const SEED_NODE_TARGET: WeaveUnit = {
  name: 'kubernetes.node.target',
  // Also started when the config is applied: coreos-cloudinit and the
  // dedicated servers' script apply it while the boot is under way (or on a
  // running server), after systemd has chosen what this boot starts, so an
  // enabled-only unit would first run at the next boot (found by booting).
  start: true,
  contents: [
    '[Unit]',
    'Description=Kubernetes node services (the seed\'s hosts are all nodes)',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n'),
};

/**
 * The seed write-up's topology: cluster-01 (azure-prd-01, azure-prd-02) in
 * subscription 1, cluster-02 (azure-prd-03, azure-prd-04) in subscription 2,
 * cluster-03 (ded-prd-01) on a dedicated server. Everything secret or
 * account-specific is a Terraform variable, so synth needs no credentials.
 */
export class SeedStack extends TerraformStack {
  readonly network: WeaveNetwork;

  constructor(scope: Construct, id: string, props: SeedStackProps = {}) {
    super(scope, id);
    const location = props.location ?? 'westeurope';
    const prefix = props.dnsLabelPrefix ?? '';
    if (props.stateBackend) useAzureStateBackend(this, props.stateBackend);
    const variable = (name: string, description: string, sensitive = false) =>
      new TerraformVariable(this, name, { type: 'string', description, sensitive, nullable: false });

    const sub1 = variable('subscription_id_1', 'Azure subscription of cluster-01');
    const sub2 = variable('subscription_id_2', 'Azure subscription of cluster-02');
    const sshKey = variable('ssh_public_key', 'SSH public key for the core user on every Azure VM');
    const dedicatedAddress = variable('dedicated_address', 'Public IPv4 address of the dedicated server ded-prd-01');

    const subscription1 = new AzurermProvider(this, 'azurerm-sub1', { alias: 'sub1', subscriptionId: sub1.stringValue, features: [{}] });
    const subscription2 = new AzurermProvider(this, 'azurerm-sub2', { alias: 'sub2', subscriptionId: sub2.stringValue, features: [{}] });

    const keyVault = props.keyVault && {
      provider: subscription1,
      create: {
        name: variable('key_vault_name', 'Name of the Key Vault that holds the Weave password (3-24 letters, digits and hyphens, unique across Azure)').stringValue,
        location,
        purgeProtectionEnabled: props.keyVault.purgeProtectionEnabled,
      },
      rotation: props.keyVault.rotation,
    };

    this.network = new WeaveNetwork(this, 'weave', {
      ...(keyVault ? { keyVault } : {}),
      ipallocRange: '10.2.0.0/16',
      bridgeRange: '10.1.0.0/16',
      // No hand pins: weave-allocation.json (committed beside cdktf.json)
      // records the five bootstrap hosts, consensus=5 and every address, so
      // hosts added anywhere later join as observers and change nobody else.
      wantedBy: ['multi-user.target', 'kubernetes.master.target', 'kubernetes.node.target'],
      sshPublicKey: sshKey.stringValue,
      // The seed's hosts were Kubernetes nodes: their own units rode in the
      // same boot config as Weave's. This one stands in for them.
      units: [SEED_NODE_TARGET, SEED_NODE_UNIT],
      ...props.network,
    });

    const cluster01 = new WeaveCluster(this.network, 'cluster-01', { provider: subscription1, location, dnsLabel: `${prefix}cluster-01` });
    new WeaveHost(cluster01, 'azure-prd-01');
    new WeaveHost(cluster01, 'azure-prd-02');
    for (const name of props.extraCluster01Hosts ?? []) new WeaveHost(cluster01, name);

    const cluster02 = new WeaveCluster(this.network, 'cluster-02', { provider: subscription2, location, dnsLabel: `${prefix}cluster-02` });
    new WeaveHost(cluster02, 'azure-prd-03');
    new WeaveHost(cluster02, 'azure-prd-04');

    const cluster03 = new WeaveCluster(this.network, 'cluster-03', { kind: 'dedicated' });
    new WeaveHost(cluster03, 'ded-prd-01', { ssh: { host: dedicatedAddress.stringValue, user: 'core' } });

    if (props.pool) {
      new WeaveCluster(this.network, 'workers', { kind: 'scale-set', provider: subscription1, location, vnetCidr: '172.16.2.0/24', pool: props.pool });
    }
  }
}
