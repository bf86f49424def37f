import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceBackendAddressPoolAssociation } from '@cdktf/provider-azurerm/lib/network-interface-backend-address-pool-association';
import { Resource as NullResource } from '@cdktf/provider-null/lib/resource';
import { HostSpec } from '../core/model';
import { ProblemList } from '../core/problems';
import { isToken } from '../core/tokens';
import { bootExpression, lazyOnce } from './boot-data';
import { isAddressOrBlock } from '../core/cidr';
import { WeaveCluster } from './cluster';
import { HOST_MARK } from './marks';
import { outputId } from './names';

/** Flatcar channels published in the no-plan `corevm` offer. */
export type FlatcarChannel = 'stable' | 'beta' | 'alpha';
/** Every {@link FlatcarChannel}, for checking a channel given at runtime. */
export const FLATCAR_CHANNELS: readonly FlatcarChannel[] = ['stable', 'beta', 'alpha'];

/**
 * The Azure Marketplace image Flatcar VMs are created from. The `corevm`
 * offer needs no marketplace plan, so VMs deploy without accepting terms.
 */
export const FLATCAR_IMAGE = {
  /** Marketplace publisher of Flatcar. */
  publisher: 'kinvolk',
  /** Marketplace offer; the SKU is `<channel>-gen2`. */
  offer: 'flatcar-container-linux-corevm-amd64',
} as const;

/** How Terraform reaches a dedicated server. */
export interface DedicatedSshOptions {
  /** Address or name to SSH to. A variable's value works. */
  readonly host: string;
  /**
   * Login user; it needs passwordless sudo unless it is root.
   * @default 'core'
   */
  readonly user?: string;
  /**
   * SSH port of the server.
   * @default 22
   */
  readonly port?: number;
  /**
   * Private key (a sensitive variable's value).
   * @default - the local ssh-agent
   */
  readonly privateKey?: string;
}

/** Settings of a {@link WeaveHost}; VM options apply to Azure hosts, `ssh` and `publicAddress` to dedicated ones. */
export interface WeaveHostProps {
  /**
   * Host name: the VM and Linux computer name, the env file's name, and what
   * other hosts of the cluster dial.
   * @default - the construct id
   */
  readonly hostName?: string;
  /**
   * Fixed bridge address on the host bridge network, `a.b.c.d` or
   * `a.b.c.d/<bridge prefix>`.
   * @default - the next free address of the bridge range, in declaration order
   */
  readonly bridgeAddress?: string;
  /**
   * Azure VM size (must support Gen2 images).
   * @default 'Standard_D2s_v5'
   */
  readonly vmSize?: string;
  /**
   * SSH public key for `core`.
   * @default - the cluster's, then the network's sshPublicKey
   */
  readonly sshPublicKey?: string;
  /**
   * OS disk storage type.
   * @default 'StandardSSD_LRS'
   */
  readonly osDiskType?: string;
  /**
   * OS disk size in GB.
   * @default - the image's size
   */
  readonly osDiskSizeGb?: number;
  /**
   * Flatcar release channel (image SKU `<channel>-gen2`).
   * @default 'stable'
   */
  readonly flatcarChannel?: FlatcarChannel;
  /**
   * Flatcar image version.
   * @default 'latest'
   */
  readonly imageVersion?: string;
  /**
   * SSH connection for a dedicated host. Required in dedicated clusters.
   * @default - none
   */
  readonly ssh?: DedicatedSshOptions;
  /**
   * Public address of a dedicated host, which Azure clusters' NSGs admit on
   * Weave's ports. An IPv4 address or CIDR, or a variable's value.
   * @default - ssh.host
   */
  readonly publicAddress?: string;
}

/** Azure resources of one host. */
export interface AzureHostResources {
  /** The VM's NIC in the cluster subnet, a member of the load balancer's backend pool. */
  readonly networkInterface: NetworkInterface;
  /** The Flatcar VM; its custom data holds the boot config. */
  readonly virtualMachine: LinuxVirtualMachine;
}

const IP_CONFIG = 'primary';
const STAGING_DIR = '/var/tmp/weave-deploy';

/**
 * One Weave peer: an Azure Flatcar VM, or a dedicated server configured over
 * SSH. Its peers, IPAM mode, bridge address and boot config are derived from
 * its position in the network.
 */
export class WeaveHost extends Construct {
  /** The cluster the host belongs to (its scope). */
  readonly cluster: WeaveCluster;
  /** The host's name: VM and Linux computer name, and what its peers dial. */
  readonly hostName: string;
  /** Set for Azure hosts. */
  readonly azure?: AzureHostResources;
  /** Set for dedicated hosts: the resource that pushes the config. */
  readonly provisioner?: NullResource;
  /** Address Azure NSGs admit for a dedicated host. */
  readonly publicAddress?: string;
  /** This host's bridge address (`a.b.c.d/n`), resolved at synth. */
  readonly bridgeAddress: string;
  private readonly props: WeaveHostProps;

  constructor(scope: WeaveCluster, id: string, props: WeaveHostProps = {}) {
    if (!WeaveCluster.isWeaveCluster(scope)) {
      throw new Error(`WeaveHost ${id}: its scope must be a WeaveCluster, got ${(scope as Construct)?.node?.path ?? String(scope)}. Fix: new WeaveHost(cluster, '${id}', {...}).`);
    }
    scope.network._assertOpen(`WeaveHost ${id}`);
    super(scope, id);
    Object.defineProperty(this, HOST_MARK, { value: true });
    this.cluster = scope;
    this.props = props;
    this.hostName = props.hostName ?? id;
    this.publicAddress = scope.kind === 'dedicated' ? props.publicAddress ?? props.ssh?.host : undefined;
    const network = scope.network;
    this.bridgeAddress = lazyOnce(() => network.bootData(this.hostName).plan.bridgeAddress);

    if (scope.kind === 'azure' && scope.azure) {
      this.azure = this.buildAzure(scope);
    } else if (scope.kind === 'dedicated' && props.ssh) {
      this.provisioner = this.buildDedicated(props.ssh);
    }
    new TerraformOutput(this, 'bridge-address', {
      value: this.bridgeAddress,
      description: `Weave bridge address of host ${this.hostName}`,
    }).overrideLogicalId(outputId(network, this.hostName, 'bridge_address'));
  }

  /**
   * Whether `x` is a `WeaveHost`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveHost(x: unknown): x is WeaveHost {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[HOST_MARK] === true;
  }

  /** @internal */
  spec(): HostSpec {
    return {
      path: this.node.path,
      name: this.hostName,
      bridgeAddress: this.props.bridgeAddress,
      sshHost: this.props.ssh?.host,
    };
  }

  /** @internal */
  collectProblems(problems: ProblemList): void {
    const p = this.props;
    const path = this.node.path;
    if (this.cluster.kind === 'azure') {
      if (!(p.sshPublicKey ?? this.cluster.sshPublicKey)) {
        problems.add('azure-no-ssh-key', path, 'sshPublicKey', undefined,
          'is required: Flatcar VMs allow key login only', 'set sshPublicKey on the host, its cluster or the network (a variable works)');
      }
      if (p.flatcarChannel !== undefined && !FLATCAR_CHANNELS.includes(p.flatcarChannel)) {
        problems.add('flatcar-channel-unknown', path, 'flatcarChannel', p.flatcarChannel,
          'is not a Flatcar channel with a no-plan Azure image', `use one of ${FLATCAR_CHANNELS.join(', ')}`);
      }
      if (p.osDiskSizeGb !== undefined && (!Number.isInteger(p.osDiskSizeGb) || p.osDiskSizeGb < 30 || p.osDiskSizeGb > 4095)) {
        problems.add('os-disk-size', path, 'osDiskSizeGb', p.osDiskSizeGb,
          'is not a whole number of GB from 30 (the image size) to 4095', 'leave it out or give e.g. 64');
      }
      if (p.ssh !== undefined || p.publicAddress !== undefined) {
        problems.add('azure-dedicated-option', path, p.ssh !== undefined ? 'ssh' : 'publicAddress', p.ssh ?? p.publicAddress,
          'only applies to hosts in dedicated clusters', 'remove it; Azure hosts are reached through the cluster load balancer');
      }
    } else if (this.cluster.kind === 'dedicated') {
      for (const key of ['vmSize', 'sshPublicKey', 'osDiskType', 'osDiskSizeGb', 'flatcarChannel', 'imageVersion'] as const) {
        if (p[key] !== undefined) {
          problems.add('dedicated-vm-option', path, key, p[key], 'only applies to Azure VMs', `remove ${key}`);
        }
      }
      const addr = this.publicAddress;
      if (addr !== undefined && !isToken(addr) && !isAddressOrBlock(addr)) {
        problems.add('public-address-invalid', path, 'publicAddress', addr,
          'is not an IPv4 address or CIDR block, which Azure NSG rules need',
          'set publicAddress to the server\'s public IPv4 address (ssh.host may stay a name)');
      }
      if (p.ssh?.port !== undefined && (!Number.isInteger(p.ssh.port) || p.ssh.port < 1 || p.ssh.port > 65535)) {
        problems.add('ssh-port-invalid', path, 'ssh.port', p.ssh.port, 'is not a TCP port', 'use 22 or the port your server listens on');
      }
    }
  }

  private buildAzure(cluster: WeaveCluster): AzureHostResources {
    const az = cluster.refs!;
    const p = this.props;
    const provider = cluster.provider;
    const network = cluster.network;
    const common = {
      provider,
      location: az.location,
      resourceGroupName: az.resourceGroupName,
      tags: cluster.tags,
    };
    const networkInterface = new NetworkInterface(this, 'nic', {
      ...common,
      name: `${this.hostName}-nic`,
      ipConfiguration: [{ name: IP_CONFIG, subnetId: az.subnetId, privateIpAddressAllocation: 'Dynamic' }],
    });
    const nicId = networkInterface.id;
    const poolMembership = new NetworkInterfaceBackendAddressPoolAssociation(this, 'lb-pool-assoc', {
      provider,
      networkInterfaceId: nicId,
      ipConfigurationName: IP_CONFIG,
      backendAddressPoolId: az.backendPoolId,
    });
    if (cluster.sshSourceCidr !== undefined) {
      // Loaded only when SSH NAT is wanted: module loading is most of a small synth.
      const { LbNatRule } = require('@cdktf/provider-azurerm/lib/lb-nat-rule') as typeof import('@cdktf/provider-azurerm/lib/lb-nat-rule');
      const { NetworkInterfaceNatRuleAssociation } = require('@cdktf/provider-azurerm/lib/network-interface-nat-rule-association') as typeof import('@cdktf/provider-azurerm/lib/network-interface-nat-rule-association');
      const index = cluster.hosts.indexOf(this);
      const nat = new LbNatRule(this, 'ssh-nat', {
        provider,
        resourceGroupName: az.resourceGroupName,
        loadbalancerId: az.loadBalancerId,
        name: `ssh-${this.hostName}`,
        protocol: 'Tcp',
        frontendIpConfigurationName: cluster.lbFrontendName(),
        frontendPort: cluster.sshPort(index),
        backendPort: 22,
      });
      new NetworkInterfaceNatRuleAssociation(this, 'ssh-nat-assoc', {
        provider,
        networkInterfaceId: nicId,
        ipConfigurationName: IP_CONFIG,
        natRuleId: nat.id,
      });
      new TerraformOutput(this, 'ssh', {
        value: `ssh -p ${cluster.sshPort(index)} core@${az.fqdn}`,
        description: `SSH command for host ${this.hostName}`,
      }).overrideLogicalId(outputId(network, this.hostName, 'ssh'));
    }
    const ignition = network.bootFormat === 'ignition';
    const virtualMachine = new LinuxVirtualMachine(this, 'vm', {
      ...common,
      name: this.hostName,
      computerName: this.hostName,
      size: p.vmSize ?? 'Standard_D2s_v5',
      adminUsername: 'core',
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: 'core', publicKey: (p.sshPublicKey ?? cluster.sshPublicKey)! }],
      networkInterfaceIds: [nicId],
      osDisk: {
        caching: 'ReadWrite',
        storageAccountType: p.osDiskType ?? 'StandardSSD_LRS',
        diskSizeGb: p.osDiskSizeGb,
      },
      sourceImageReference: {
        ...FLATCAR_IMAGE,
        sku: `${p.flatcarChannel ?? 'stable'}-gen2`,
        version: p.imageVersion ?? 'latest',
      },
      // Static per host: settings that change when the network grows are
      // kept out of it (see userData), so growth never replaces a VM.
      customData: lazyOnce(() => `\${base64encode(${bootExpression(network.bootData(this.hostName).boot, (slot) => network.secretRef(slot))})}`),
      // The host env file (peers, IPAM mode, bridge address): no secrets,
      // updated in place, re-read by weave-host-env.service on every start.
      // Empty for Ignition, which would otherwise read it instead of custom data.
      userData: ignition ? undefined : lazyOnce(() => network.bootData(this.hostName).userData!),
      bootDiagnostics: {},
      // The first boot downloads weave through the load balancer's outbound rule.
      dependsOn: [poolMembership],
      // Ignition applies custom data on first boot only; a change could
      // only take effect by replacing the VM, which must be deliberate.
      // The network's boot generation replaces them when the password or a
      // network-wide setting changes.
      lifecycle: ignition ? { ignoreChanges: ['custom_data'], replaceTriggeredBy: [network.bootGenerationAddress!] } : undefined,
    });
    return { networkInterface, virtualMachine };
  }

  private buildDedicated(ssh: DedicatedSshOptions): NullResource {
    const network = this.cluster.network;
    let expr: string | undefined;
    const render = () => (expr ??= bootExpression(network.bootData(this.hostName).boot, (slot) => network.secretRef(slot)));
    const script = lazyOnce(() => `\${${render()}}`);
    const user = ssh.user ?? 'core';
    const apply = `${STAGING_DIR}/apply.sh`;
    return new NullResource(this, 'provision', {
      triggers: {
        host: ssh.host,
        // Re-run whenever anything in the script, the password included, changes.
        config: lazyOnce(() => `\${sha256(${render()})}`),
      },
      connection: {
        type: 'ssh' as const,
        host: ssh.host,
        user,
        port: ssh.port ?? 22,
        ...(ssh.privateKey !== undefined ? { privateKey: ssh.privateKey } : { agent: 'true' }),
      },
      provisioners: [
        // A private staging directory: the script holds the password.
        { type: 'remote-exec', inline: [`rm -rf ${STAGING_DIR}`, `mkdir -m 0700 ${STAGING_DIR}`] },
        { type: 'file', content: script, destination: apply },
        {
          type: 'remote-exec',
          inline: [
            `if [ "$(id -u)" = 0 ]; then bash ${apply}; else sudo -n bash ${apply}; fi; rc=$?; rm -rf ${STAGING_DIR}; exit $rc`,
          ],
        },
      ],
    });
  }
}
