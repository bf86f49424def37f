// WeaveHost: one Weave peer. What every kind shares (its name, its bridge
// address output, the network's view of it) is here; its VM or its SSH
// provisioner is its kind's part (kinds/).
import { Lazy, TerraformOutput } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { raise } from '../core/check/problems';
import { kindDriver } from '../core/kinds';
import type { OsProfile } from '../core/os/profile';
import type { HostSpec } from '../core/declare/network';
import type { WeaveCluster } from './cluster';
import type { AzureHostResources } from './kinds/azure/resources';
import type { HostPart } from './kinds/kind';
import { CLUSTER_MARK, HOST_MARK, HostBinding, isMarked } from './marks';
import { checkPropTypes } from './prop-types';
import type { WeaveHostProps } from './props';
import { hostIdTakenError, scopeError } from './scope';
import type { TerraformData } from './terraform/data';
import { outputId } from './terraform/names';
import { userContentSpec } from './user-content';

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
  private readonly part: HostPart;
  private readonly bridgeOutput: TerraformOutput;
  private planned?: string;
  private bridgeToken?: string;

  constructor(scope: WeaveCluster, id: string, props: WeaveHostProps = {}) {
    if (!isMarked(scope, CLUSTER_MARK)) raise(scopeError('WeaveHost', id, scope, 'WeaveCluster', 'cluster'));
    scope.network._assertOpen(`WeaveHost ${id}`, `${scope.node.path}/${id}`);
    const taken = scope.node.tryFindChild(id);
    if (taken !== undefined) raise(hostIdTakenError(scope.node.path, id, taken.node.path));
    super(scope, id);
    // From JavaScript or JSON anything may come: a wrong type is a problem, not a TypeError later.
    props = props ?? {};
    checkPropTypes('host', this.node.path, props);
    Object.defineProperty(this, HOST_MARK, { value: true });
    this.cluster = scope;
    this.props = props;
    this.hostName = props.hostName ?? id;
    this.part = scope._part.host(this, props);
    this.publicAddress = this.part.publicAddress;
    this.azure = this.part.azure;
    this.provisioner = this.part.provisioner;
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
    return isMarked(x, HOST_MARK);
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
      options: p,
      content: userContentSpec(this, this.cluster.network.node.id, p.files, p.units),
    };
  }

  /** @internal The OS the host runs. */
  _os(): OsProfile {
    return kindDriver(this.cluster.kind)!.os;
  }

  /** @internal A retired peer's reclaim step on this host. */
  _reclaim(scope: IConstruct, id: string, logicalId: string, peer: string, script: string): void {
    if (!this.part.reclaim) throw new Error(`${this.node.path}: its kind does not reclaim retired peers`);
    this.part.reclaim(scope as Construct, id, logicalId, peer, script);
  }

  /** @internal The Terraform address of the host's machine: its VM, or its provisioner. */
  _resourceAddress(): string | undefined {
    const r = this.azure?.virtualMachine ?? this.provisioner;
    return r ? `${r.terraformResourceType}.${r.friendlyUniqueId}` : undefined;
  }

  /** @internal Receives its plan and boot document, and fills in the resources' values. */
  _bind(binding: HostBinding): void {
    this.planned = binding.host.plan.bridgeAddress;
    this.bridgeOutput.value = binding.host.plan.bridgeAddress;
    this.part.bind(binding);
  }
}
