import { Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { NetworkInterfaceBackendAddressPoolAssociation } from '@cdktf/provider-azurerm/lib/network-interface-backend-address-pool-association';
import {
  DEFAULT_ADMIN_USER,
  DEFAULT_FLATCAR_CHANNEL,
  DEFAULT_IMAGE_VERSION,
  DEFAULT_OS_DISK_TYPE,
  DEFAULT_SSH_PORT,
  DEFAULT_VM_SIZE,
  FLATCAR_IMAGE,
} from '../core/defaults';
import { HostSpec, SHARED_ENV_PATH } from '../core/model';
import { WeaveConfigError } from '../core/problems';
import { nsgAddress } from '../core/validate';
import { bootExpression } from './boot-data';
import { dedicatedKeyVaultProvisioners } from './key-vault';
import { CLUSTER_MARK, HOST_MARK, HostBinding, hasMark } from './marks';
import { outputId } from './names';
import { TerraformData, requireTerraform } from './terraform-data';
import type { WeaveCluster } from './cluster';
import { WeaveFile, WeaveUnit, userContentSpec } from './user-content';
import { userContentLifecycle } from './user-content-host';

/** Flatcar channels published in the no-plan `corevm` offer. */
export type FlatcarChannel = 'stable' | 'beta' | 'alpha';

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
   * @default - the cluster's osDiskType, else 'StandardSSD_LRS'
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
  /**
   * Address other hosts dial to reach this dedicated server: an IPv4
   * address, or a DNS name public resolvers answer. Set it when `ssh.host` is
   * not an address peers can use (an SSH alias, a VPN address, a name only
   * your machine resolves). A private address (10/8, 172.16/12, 192.168/16,
   * 100.64/10) only reaches servers of the same cluster.
   * @default - publicAddress, else ssh.host, when it is one public IPv4 address
   */
  readonly dialAddress?: string;

  // --- users' own boot content ---
  /**
   * Files for this host only, after its cluster's and the network's; an
   * entry with the same path replaces theirs.
   * @default - none
   */
  readonly files?: WeaveFile[];
  /**
   * systemd units (or drop-ins) for this host only, after its cluster's and
   * the network's; an entry with the same name replaces theirs whole.
   * @default - none
   */
  readonly units?: WeaveUnit[];

  // --- VM options overriding the cluster's ---
  /**
   * Admin (SSH login) user of the VM.
   * @default - the cluster's adminUsername, else 'core'
   */
  readonly adminUsername?: string;
  /**
   * Availability zone of the VM (`'1'`, `'2'` or `'3'`).
   * @default - the cluster's availabilityZone, else none
   */
  readonly availabilityZone?: string;
  /**
   * Accelerated networking on the VM's NIC (the VM size must support it).
   * @default - the cluster's acceleratedNetworking, else false
   */
  readonly acceleratedNetworking?: boolean;
  /**
   * Tags for the VM and its NIC, merged over the cluster's tags (the
   * library's `weave-network` and `weave-cluster` tags cannot be replaced).
   * @default - the cluster's tags
   */
  readonly tags?: Record<string, string>;
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
  /**
   * Set for dedicated hosts: the resource that pushes the config, a
   * `terraform_data` (built into Terraform, so no provider to install).
   */
  readonly provisioner?: TerraformData;
  /** Address Azure NSGs admit for a dedicated host: publicAddress, else an IPv4 dialAddress, else ssh.host. */
  readonly publicAddress?: string;
  private readonly props: WeaveHostProps;
  private readonly bridgeOutput: TerraformOutput;
  private planned?: string;
  private bridgeToken?: string;

  constructor(scope: WeaveCluster, id: string, props: WeaveHostProps = {}) {
    if (!hasMark(scope, CLUSTER_MARK)) {
      throw new Error(`WeaveHost ${id}: its scope must be a WeaveCluster, got ${(scope as Construct)?.node?.path ?? String(scope)}. Fix: new WeaveHost(cluster, '${id}', {...}).`);
    }
    scope.network._assertOpen(`WeaveHost ${id}`, `${scope.node.path}/${id}`);
    // The cluster's own resources (lb, public-ip, ...) are its children too:
    // a host of the same id would otherwise fail with constructs' bare error.
    if (scope.node.tryFindChild(id) !== undefined) {
      throw new WeaveConfigError([{
        code: 'host-id-taken',
        path: `${scope.node.path}/${id}`,
        field: 'id',
        value: id,
        message: `is already the construct id of ${scope.node.tryFindChild(id)!.node.path} in cluster ${scope.node.path}`,
        fix: `give the host another construct id and keep its name: new WeaveHost(cluster, '${id}-host', { hostName: '${id}' })`,
      }]);
    }
    super(scope, id);
    Object.defineProperty(this, HOST_MARK, { value: true });
    this.cluster = scope;
    this.props = props;
    this.hostName = props.hostName ?? id;
    this.publicAddress = scope.kind === 'dedicated' ? nsgAddress(this._spec()) : undefined;

    if (scope.kind === 'azure' && scope.refs) {
      this.azure = this.buildAzure(scope, scope.refs);
    } else if (scope.kind === 'dedicated' && props.ssh) {
      this.provisioner = this.buildDedicated(props.ssh);
    }
    this.bridgeOutput = new TerraformOutput(this, 'bridge-address', {
      value: '',
      description: `Weave bridge address of host ${this.hostName}`,
    });
    this.bridgeOutput.overrideLogicalId(outputId(scope.network, this.hostName, 'bridge_address'));
  }

  /**
   * Whether `x` is a `WeaveHost`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveHost(x: unknown): x is WeaveHost {
    return hasMark(x, HOST_MARK);
  }

  /** The hosts of a cluster, in declaration order. */
  static of(cluster: WeaveCluster): WeaveHost[] {
    return cluster.node.children.filter((c): c is WeaveHost => hasMark(c, HOST_MARK));
  }

  /**
   * This host's bridge address (`a.b.c.d/n`). Decided when the network is
   * built at synth; read before that, it is a token that resolves then.
   */
  get bridgeAddress(): string {
    if (this.planned) return this.planned;
    return (this.bridgeToken ??= Lazy.stringValue({ produce: () => this.planned }));
  }

  /** @internal The host as the pure core sees it. */
  _spec(): HostSpec {
    const p = this.props;
    return {
      path: this.node.path,
      name: this.hostName,
      bridgeAddress: p.bridgeAddress,
      sshHost: p.ssh?.host,
      sshUser: p.ssh?.user,
      publicAddress: p.publicAddress,
      dialAddress: p.dialAddress,
      vmSize: p.vmSize,
      hasSshPublicKey: !!(p.sshPublicKey ?? this.cluster.sshPublicKey),
      sshPublicKey: p.sshPublicKey ?? this.cluster.sshPublicKey,
      given: p as Record<string, unknown>,
      content: userContentSpec(this, this.cluster.network.node.id, p.files, p.units),
    };
  }

  /** @internal Receives its plan and boot document, and fills in the resources' values. */
  _bind(binding: HostBinding): void {
    const { host, sharedEnvRef } = binding;
    const kv = binding.keyVault;
    this.planned = host.plan.bridgeAddress;
    this.bridgeOutput.value = host.plan.bridgeAddress;
    const expr = bootExpression(host.boot, sharedEnvRef, kv?.bootValues);
    const vm = this.azure?.virtualMachine;
    // Key Vault mode: the VM reads the password with its cluster's identity.
    if (vm && kv?.identityId) vm.putIdentity({ type: 'UserAssigned', identityIds: [kv.identityId] });
    if (vm) {
      // Static per host: settings that change when the network grows are
      // kept out of it (see userData), so growth never replaces a VM.
      vm.customData = `\${base64encode(${expr})}`;
      // The host env file (peers, IPAM mode, bridge address): no secrets,
      // updated in place, re-read by weave-host-env.service on every start.
      // Ignition VMs get none: Ignition would read it instead of custom data.
      if (host.userData !== undefined) vm.userData = host.userData;
      if (host.format === 'ignition') {
        // Ignition applies custom data on first boot only; a change could
        // only take effect by replacing the VM, which must be deliberate.
        // The network's boot generation replaces them when the password or
        // a network-wide setting changes.
        vm.lifecycle = { ignoreChanges: ['custom_data'], replaceTriggeredBy: [...binding.bootGenerations!] };
      }
      // Users' content: first-boot-only VMs are replaced when it changes;
      // content Terraform fills in is size-checked at plan time.
      userContentLifecycle(this, vm, host);
    }
    const res = this.provisioner;
    if (res && kv?.passwordFile !== undefined) {
      // Key Vault mode: the script holds no password, so its hash may sit in
      // state; the rotation number re-runs it when the password changes.
      res.triggersReplace = { host: this.props.ssh!.host, config: `\${sha256(${expr})}`, rotation: String(kv.rotation) };
      res.provisioners = dedicatedKeyVaultProvisioners(expr, kv.passwordFile, SHARED_ENV_PATH);
    } else if (res) {
      // Re-run whenever anything in the script, the password included, changes.
      res.triggersReplace = { host: this.props.ssh!.host, config: `\${sha256(${expr})}` };
      const apply = `${STAGING_DIR}/apply.sh`;
      res.provisioners = [
        // A private staging directory: the script holds the password.
        { type: 'remote-exec', inline: [`rm -rf ${STAGING_DIR}`, `mkdir -m 0700 ${STAGING_DIR}`] },
        { type: 'file', content: `\${${expr}}`, destination: apply },
        {
          type: 'remote-exec',
          inline: [
            `if [ "$(id -u)" = 0 ]; then bash ${apply}; else sudo -n bash ${apply}; fi; rc=$?; rm -rf ${STAGING_DIR}; exit $rc`,
          ],
        },
      ];
    }
  }

  private buildAzure(cluster: WeaveCluster, az: NonNullable<WeaveCluster['refs']>): AzureHostResources {
    const p = this.props;
    const provider = cluster.provider;
    const network = cluster.network;
    const adminUser = p.adminUsername ?? az.vm.adminUsername ?? DEFAULT_ADMIN_USER;
    const accelerated = p.acceleratedNetworking ?? az.vm.acceleratedNetworking;
    const zone = p.availabilityZone ?? az.vm.availabilityZone;
    const common = {
      provider,
      location: az.location,
      resourceGroupName: az.resourceGroupName,
      // A host's tags go over its cluster's, and the library's stay on top.
      tags: p.tags ? { ...cluster.tags, ...p.tags, 'weave-network': cluster.tags['weave-network'], 'weave-cluster': cluster.tags['weave-cluster'] } : cluster.tags,
    };
    const networkInterface = new NetworkInterface(this, 'nic', {
      ...common,
      name: `${this.hostName}-nic`,
      ipConfiguration: [{ name: IP_CONFIG, subnetId: az.subnetId, privateIpAddressAllocation: 'Dynamic' }],
      ...(accelerated !== undefined ? { acceleratedNetworkingEnabled: accelerated } : {}),
    });
    const nicId = networkInterface.id;
    if (az.nicSecurityGroupId) {
      // An existing subnet keeps its own NSG association; Weave's rules reach this VM through its NIC.
      const { NetworkInterfaceSecurityGroupAssociation } = require('@cdktf/provider-azurerm/lib/network-interface-security-group-association') as typeof import('@cdktf/provider-azurerm/lib/network-interface-security-group-association');
      new NetworkInterfaceSecurityGroupAssociation(this, 'nic-nsg', { provider, networkInterfaceId: nicId, networkSecurityGroupId: az.nicSecurityGroupId });
    }
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
      // Hosts are declared in order, so this one's position is the count so far.
      const index = cluster.node.children.filter((c) => hasMark(c, HOST_MARK)).indexOf(this);
      const nat = new LbNatRule(this, 'ssh-nat', {
        provider,
        resourceGroupName: az.resourceGroupName,
        loadbalancerId: az.loadBalancerId,
        name: `ssh-${this.hostName}`,
        protocol: 'Tcp',
        frontendIpConfigurationName: cluster._lbFrontendName(),
        frontendPort: cluster._sshPort(index),
        backendPort: 22,
      });
      new NetworkInterfaceNatRuleAssociation(this, 'ssh-nat-assoc', {
        provider,
        networkInterfaceId: nicId,
        ipConfigurationName: IP_CONFIG,
        natRuleId: nat.id,
      });
      new TerraformOutput(this, 'ssh', {
        value: `ssh -p ${cluster._sshPort(index)} ${adminUser}@${az.fqdn}`,
        description: `SSH command for host ${this.hostName}`,
      }).overrideLogicalId(outputId(network, this.hostName, 'ssh'));
    }
    const virtualMachine = new LinuxVirtualMachine(this, 'vm', {
      ...common,
      name: this.hostName,
      computerName: this.hostName,
      size: p.vmSize ?? DEFAULT_VM_SIZE,
      adminUsername: adminUser,
      disablePasswordAuthentication: true,
      adminSshKey: [{ username: adminUser, publicKey: (p.sshPublicKey ?? cluster.sshPublicKey)! }],
      ...(zone !== undefined ? { zone } : {}),
      networkInterfaceIds: [nicId],
      osDisk: {
        caching: 'ReadWrite',
        storageAccountType: p.osDiskType ?? az.vm.osDiskType ?? DEFAULT_OS_DISK_TYPE,
        diskSizeGb: p.osDiskSizeGb,
      },
      sourceImageReference: {
        ...FLATCAR_IMAGE,
        sku: `${p.flatcarChannel ?? DEFAULT_FLATCAR_CHANNEL}-gen2`,
        version: p.imageVersion ?? DEFAULT_IMAGE_VERSION,
      },
      bootDiagnostics: {},
      // The first boot downloads weave through the load balancer's outbound rule.
      dependsOn: [poolMembership],
    });
    return { networkInterface, virtualMachine };
  }

  private buildDedicated(ssh: DedicatedSshOptions): TerraformData {
    // terraform_data rather than the null provider's null_resource: same
    // triggers-and-provisioners behaviour, no provider to install, and the
    // same class in cdktf and CDK Terrain (which has no null provider).
    const res = new TerraformData(this, 'provision', {
      triggersReplace: { host: ssh.host },
      connection: {
        type: 'ssh' as const,
        host: ssh.host,
        user: ssh.user ?? DEFAULT_ADMIN_USER,
        port: ssh.port ?? DEFAULT_SSH_PORT,
        ...(ssh.privateKey !== undefined ? { privateKey: ssh.privateKey } : { agent: 'true' }),
      },
    });
    // Stacks synthesized by earlier releases made a null_resource under the
    // same logical id: Terraform >= 1.9 (OpenTofu >= 1.10) moves its state
    // over, keeping the same triggers, so the provisioners do not run again.
    // Written as a plain `moved` block: cdktf's moveFromId would make every
    // synth run `terraform version` and fail where Terraform is not installed.
    addMovedBlock(res, `null_resource.${res.friendlyUniqueId}`, `terraform_data.${res.friendlyUniqueId}`);
    // terraform_data needs 1.4; moving a null_resource's state into it, 1.9.
    requireTerraform(TerraformStack.of(this), '1.9.0');
    return res;
  }
}

const MOVED = new WeakMap<TerraformStack, { from: string; to: string }[]>();

/** Adds a top-level `moved { from, to }` block to the element's stack. */
function addMovedBlock(element: Construct, from: string, to: string): void {
  const stack = TerraformStack.of(element);
  const blocks = MOVED.get(stack) ?? [];
  MOVED.set(stack, blocks);
  blocks.push({ from, to });
  stack.addOverride('moved', [...blocks]);
}
