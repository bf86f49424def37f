// WeaveNetwork: the root of one mesh. Clusters and hosts declare themselves
// inside it; before synthesis one aspect checks, plans and renders the whole
// app's networks in the pure core (deriveNetwork) and hands every cluster and
// host its part. Also the network-wide Terraform objects: the password
// variable, the shared env local, the consensus output, the boot
// generations, the allocation record file and the topology pictures.
import { Annotations, Aspects, IAspect, TerraformLocal, TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { frozenAllocationProblem } from '../core/allocation/changes';
import { ALLOCATION_FROZEN_CONTEXT, ALLOCATION_FROZEN_ENV, AllocationRecord } from '../core/allocation/record';
import { MIN_TERRAFORM_VERSION } from '../core/check/key-vault';
import { ProblemList, WeaveConfigError, formatProblem, raise } from '../core/check/problems';
import { checkNetworkNames, checkProviderAliases } from '../core/check/stack';
import { isTruthy } from '../core/common/text';
import { isToken } from '../core/common/tokens';
import type { AzureBootFormat } from '../core/declare/azure';
import type { NetworkSpec, WeaveRelease } from '../core/declare/network';
import {
  DEFAULT_BRIDGE_RANGE,
  DEFAULT_DNS_DOMAIN,
  DEFAULT_IPALLOC_RANGE,
  DEFAULT_RELEASE,
  DEFAULT_WANTED_BY,
  releaseScriptUrl,
} from '../core/defaults';
import { DerivedNetwork, deriveNetwork } from '../core/derive/derive';
import { renderMermaid, topologyView } from '../core/diagram/diagram';
import { renderTopologySvg } from '../core/diagram/diagram-svg';
import type { NetworkPlan } from '../core/plan/plan';
import { allocationFilePath, readAllocationFile, writeNetworkRecord } from './allocation-file';
import { ClusterGrant, clusterIdentity } from './identity';
import { PasswordVault } from './key-vault';
import { checkAzureNames } from './kinds/azure/name-check';
import { ImageRegistry } from './registry';
import { createRetirements } from './retirement';
import { nsgProblems } from './kinds/azure/nsg-check';
import { ClusterMember, NETWORK_MARK, clusterMembers } from './marks';
import { guardPasswordVariable, literalPasswordProblems, passwordValidation, sharedEnvExpression } from './password';
import { checkPropTypes } from './prop-types';
import type { WeaveNetworkProps } from './props';
import { writeBesideStack } from './terraform/artifacts';
import { TerraformData, requireTerraform } from './terraform/data';
import { expressionOf, resolveText } from './terraform/expressions';
import { tfName, tfVariableName } from './terraform/names';
import { terraformVersion } from './terraform/version';
import { createContentLocals, userContentSpec } from './user-content';

/**
 * Root of one Weave mesh. Declare `WeaveCluster`s inside it, in order, and
 * `WeaveHost`s inside those; the network derives peers, IPAM counts, bridge
 * addresses and boot configs from that order at synth time.
 *
 * Data flows one way: clusters and hosts declare themselves and create their
 * Terraform resources; before synthesis an aspect checks and plans the whole
 * network once in the pure core, then hands each cluster and host its
 * values.
 */
export class WeaveNetwork extends Construct {
  /** The password expression every host's shared env file is built from. */
  readonly password: string;
  /** The variable created for the password, unless one was passed in. */
  readonly passwordVariable?: TerraformVariable;
  /** Default boot format of the network's Azure VMs; dedicated hosts always get a script. */
  readonly bootFormat: AzureBootFormat;
  /** Default SSH public key for Azure VMs whose cluster and host give none. */
  readonly sshPublicKey?: string;
  /** The password's vault, secret and grants, in Key Vault mode. */
  readonly keyVault?: PasswordVault;
  /** The registry's pull grants and login, when `registry` is set. */
  readonly registry?: ImageRegistry;
  private readonly props: WeaveNetworkProps;
  // Default mode only: in Key Vault mode no boot document carries the password.
  private readonly sharedEnv?: TerraformLocal;
  private readonly consensusOutput: TerraformOutput;
  // What the pipeline derived, until the network is bound; afterwards only
  // the plan, so the rendered documents (held by the resources) are not kept twice.
  private result?: DerivedNetwork | { plan: NetworkPlan };
  private bound = false;
  private pendingRecord?: { file: string; record: AllocationRecord };

  constructor(scope: Construct, id: string, props: WeaveNetworkProps = {}) {
    super(scope, id);
    // From JavaScript or JSON anything may come: a wrong type is a problem, not a TypeError later.
    props = props ?? {};
    checkPropTypes('network', this.node.path, props);
    Object.defineProperty(this, NETWORK_MARK, { value: true });
    this.props = props;
    this.bootFormat = props.bootFormat ?? 'cloud-config';
    this.sshPublicKey = props.sshPublicKey;
    if (props.password !== undefined) {
      this.password = props.password;
      // Key Vault mode reports a literal as a problem at synth.
      if (!Token.isUnresolved(props.password) && !props.keyVault) {
        Annotations.of(this).addWarning(
          `${this.node.path}: password is a plain string, so it is written into cdk.tf.json and state as a literal. ` +
            'Fix: leave password unset to get a sensitive variable, or pass a sensitive TerraformVariable\'s stringValue.',
        );
      }
    } else {
      // It becomes the shell variable TF_VAR_<name>.
      const name = `${tfVariableName(id)}_password`;
      this.passwordVariable = new TerraformVariable(this, 'password', {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: `Weave Net password of network ${this.node.path}; every host must share it.`,
        validation: [passwordValidation(name)],
      });
      this.passwordVariable.overrideLogicalId(name);
      this.password = this.passwordVariable.stringValue;
      if (props.keyVault) {
        // Never stored in state or plan; Terraform then allows it only in
        // write-only arguments, provisioners and connections. cdktf 0.21's
        // TerraformVariable has no prop for it.
        this.passwordVariable.addOverride('ephemeral', true);
      }
    }
    if (props.registry) this.registry = new ImageRegistry(this, 'registry', props.registry, this);
    if (props.keyVault) {
      this.keyVault = new PasswordVault(this, 'key-vault', props.keyVault, this.password, this);
      // Terraform itself refuses older releases, wherever the stack is applied.
      requireTerraform(TerraformStack.of(this), MIN_TERRAFORM_VERSION);
    } else {
      // One Terraform expression joins the password into the shared env file;
      // every host's boot document refers to it by name. Its text is filled in
      // when the network is bound.
      this.sharedEnv = new TerraformLocal(this, 'shared-env', '');
      this.sharedEnv.overrideLogicalId(`${tfName(id)}_shared_env_b64`);
    }
    this.consensusOutput = new TerraformOutput(this, 'consensus', {
      value: 0,
      description: `IPAM consensus count (bootstrap hosts) of Weave network ${this.node.path}`,
    });
    this.consensusOutput.overrideLogicalId(`${tfName(id)}_consensus`);

    // The explicit hook: cdktf runs aspects before it validates and writes
    // the stack (and `Testing.synth` runs them too).
    Aspects.of(this).add(new DeriveNetworks(this));
    // A picture beside the stack's cdk.tf.json, from the same plan, as
    // Mermaid text and as SVG that any viewer shows.
    writeBesideStack(this, (stack) => {
      if (this.pendingRecord) {
        writeNetworkRecord(this.pendingRecord.file, this.node.path, this.pendingRecord.record);
        this.pendingRecord = undefined;
      }
      // A cluster's subscription as the user names it, by its provider's alias.
      const subscriptions = Object.fromEntries(clusterMembers(this).flatMap(({ cluster }) =>
        cluster.provider ? [[cluster.node.id, cluster.provider.alias ?? 'default']] : []));
      const view = topologyView(this.plan(), { title: this.node.path, resolve: (v) => resolveText(stack, v), subscriptions });
      return { [`${id}.topology.mmd`]: renderMermaid(view), [`${id}.topology.svg`]: renderTopologySvg(view) };
    });
  }

  /**
   * Whether `x` is a `WeaveNetwork`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveNetwork(x: unknown): x is WeaveNetwork {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[NETWORK_MARK] === true;
  }

  /**
   * The network's plan: peers, IPAM roles and bridge addresses of every host.
   * Available once synthesis has started (it is made by the network's
   * aspect); before that it checks and plans the declaration on demand.
   */
  plan(): NetworkPlan {
    return this.derived().plan;
  }

  /** @internal Derives the network once (checks, plan, boot documents), then hands every cluster and host its part. */
  _bind(): void {
    if (this.bound) return;
    const members = clusterMembers(this);
    const derived = this.derived(members) as DerivedNetwork;
    this.bound = true;
    this.result = { plan: derived.plan };
    if (this.sharedEnv) {
      this.sharedEnv.expression = sharedEnvExpression(derived.sharedEnv, this.password);
    }
    this.consensusOutput.value = derived.plan.consensus;
    if (!this.passwordVariable && Token.isUnresolved(this.password)) guardPasswordVariable(this, this.password);
    const sharedEnvRef = `local.${tfName(this.node.id)}_shared_env_b64`;
    const grants = this.grantClusters(members);
    let bootGeneration: string | undefined;
    if (derived.hosts.some((h) => h.format === 'ignition')) {
      // Hosts that only read their config on first boot must be rebuilt when
      // the password or a network-wide setting changes, or they would keep
      // the old key and split off. Per-host values that change when the
      // network grows are left out, so growth still replaces nothing.
      // In Key Vault mode they fetch the password at every start: what they
      // must be rebuilt for is where they fetch it from, not the password.
      const name = `${tfName(this.node.id)}_boot_generation`;
      // Each cluster's identity is its own cluster's business (a trigger per
      // cluster below), so adding, removing or reordering clusters leaves
      // every other cluster's VMs alone.
      const inputs = this.keyVault ? [this.keyVault.vaultUriExpression] : [sharedEnvRef];
      new TerraformData(this, 'boot-generation', {
        triggersReplace: { settings: `\${sha256(join("|", ["${derived.settingsDigest}", ${inputs.join(', ')}]))}` },
      }).overrideLogicalId(name);
      // Plain text: cdktf 0.21 writes a resource given to `replaceTriggeredBy`
      // as `${...}`, which Terraform rejects there (hashicorp/terraform-cdk#3196).
      bootGeneration = `terraform_data.${name}`;
    }
    // Users' files whose content is a Terraform expression: one local each.
    createContentLocals(this, derived.plan.spec);
    const clash = nsgProblems(this, members.flatMap((m) => {
      const slots = m.cluster._nsgRuleSlots?.();
      return slots ? [{ path: m.cluster.node.path, slots }] : [];
    }));
    if (clash.length) raise(new WeaveConfigError(clash));
    const egress = members.map((m) => m.cluster._egressAddressRefs());
    derived.clusters.forEach((cb, i) => {
      const { cluster, hosts } = members[i];
      // Key Vault mode: a cluster's Ignition VMs fetch with its identity's
      // client id, baked in at first boot; a new identity must rebuild them.
      let clusterGeneration: string | undefined;
      const grant = grants[i];
      if (grant && cb.format === 'ignition' && !cb.pool) {
        const name = `${tfName(this.node.id)}_${tfName(cluster.node.id)}_boot_generation`;
        new TerraformData(this, `boot-generation-${cluster.node.id}`, { triggersReplace: { identity: grant.clientId } }).overrideLogicalId(name);
        clusterGeneration = `terraform_data.${name}`;
      }
      cluster._bind({
        peerSources: [...cb.peerClusters.flatMap((j) => egress[j]), ...cb.peerAddresses],
        // A pool's one document for all its instances; a change rolls out by its upgrade policy.
        ...(cb.pool ? {
          pool: {
            derived: cb.pool,
            sharedEnvRef,
            keyVault: this.keyVault ? cluster._keyVault(this.keyVault, grant, derived.sharedEnv, expressionOf(this, this.password)) : undefined,
            identity: grant ? { identityId: grant.identityId, clientId: grant.clientId } : undefined,
          },
        } : {}),
      });
      hosts.forEach((host, k) => {
        const hb = derived.hosts[derived.plan.clusters[i].hosts[k].index];
        host._bind({
          host: hb,
          sharedEnvRef,
          bootGenerations: hb.format === 'ignition' ? [bootGeneration!, ...(clusterGeneration ? [clusterGeneration] : [])] : undefined,
          keyVault: this.keyVault ? cluster._keyVault(this.keyVault, grants[i], derived.sharedEnv, expressionOf(this, this.password)) : undefined,
          identity: grant ? { identityId: grant.identityId, clientId: grant.clientId } : undefined,
          registryLogin: this.registry?.dedicatedLogin(derived.plan.spec.release.imageOwner),
        });
      });
    });
    // Retired hosts: the survivor's reclaim steps, the teardown blocks kept for their destroy step.
    createRetirements(this, derived.plan, members.flatMap((m) => m.hosts));
  }

  /**
   * An identity for every cluster whose hosts fetch with one (Azure), when
   * they fetch anything: its Key Vault read grant and its registry pull
   * grant (`undefined` for the other clusters).
   */
  private grantClusters(members: readonly ClusterMember[]): (ClusterGrant | undefined)[] {
    if (!this.keyVault && !this.props.registry?.azureContainerRegistry) return [];
    return members.map((m) => {
      const target = m.cluster._grantTarget();
      if (!target) return undefined;
      const identity = clusterIdentity(this, target);
      this.keyVault?.grant(target, identity);
      this.registry?.grant(target, identity);
      return identity;
    });
  }

  private derived(members = clusterMembers(this)): DerivedNetwork | { plan: NetworkPlan } {
    if (this.result) return this.result;
    const inMemory = this.props.allocationRecord;
    const file = inMemory ? undefined : allocationFilePath(this.props.allocationFile);
    const record = inMemory ?? (file ? readAllocationFile(file)?.networks[this.node.path] : undefined);
    const password = literalPasswordProblems(this.node.path, this.props.password, this.props.keyVault !== undefined);
    let derived: DerivedNetwork;
    try {
      const addresses = new Map(members.flatMap((m) => m.hosts.map((h) => [h.node.path, h] as const)));
      derived = deriveNetwork(this.spec(members), {
        record,
        recordSource: file ?? 'allocationRecord',
        hostAddress: (path) => addresses.get(path)?._resourceAddress(),
      });
    } catch (e) {
      if (e instanceof WeaveConfigError && password.items.length) raise(new WeaveConfigError([...password.items, ...e.problems]));
      throw e;
    }
    password.throwIfAny();
    for (const w of derived.warnings) Annotations.of(this).addWarning(formatProblem(w));
    const changes = derived.plan.allocation.changes;
    if (isTruthy(this.node.tryGetContext(ALLOCATION_FROZEN_CONTEXT) ?? process.env[ALLOCATION_FROZEN_ENV])) {
      const problem = frozenAllocationProblem(this.node.path, changes, { source: file ?? 'allocationRecord' });
      if (problem) raise(new WeaveConfigError([problem]));
    }
    // Written on a real synth only (Testing.synth runs no custom synthesis),
    // and only when the record changed.
    if (file && changes.length > 0) this.pendingRecord = { file, record: derived.plan.allocation.record };
    return (this.result = derived);
  }

  private spec(members: readonly ClusterMember[]): NetworkSpec {
    const p = this.props;
    const r = p.release ?? {};
    const release: WeaveRelease = {
      version: r.version ?? DEFAULT_RELEASE.version,
      scriptUrl: r.scriptUrl ?? releaseScriptUrl(r.version ?? DEFAULT_RELEASE.version),
      sha256: r.sha256,
      imageOwner: r.imageOwner ?? DEFAULT_RELEASE.imageOwner,
      ...(r.weavedbVersion !== undefined ? { weavedbVersion: r.weavedbVersion } : {}),
      ...(r.digests !== undefined ? { digests: r.digests } : {}),
    };
    return {
      path: this.node.path,
      ipallocRange: p.ipallocRange ?? DEFAULT_IPALLOC_RANGE,
      bridgeRange: p.bridgeRange ?? DEFAULT_BRIDGE_RANGE,
      dnsDomain: p.dns === false ? false : p.dnsDomain ?? DEFAULT_DNS_DOMAIN,
      release,
      bootstrapSize: p.bootstrapSize,
      wantedBy: p.wantedBy ?? [...DEFAULT_WANTED_BY],
      proxy: p.proxy ?? true,
      connLimit: p.connLimit,
      mtu: p.mtu,
      extraLaunchArgs: p.extraLaunchArgs,
      plugin: p.plugin ?? true,
      bootFormat: p.bootFormat,
      content: userContentSpec(this, this.node.id, p.files, p.units),
      clusters: members.map((m) => m.cluster._spec(m.hosts.map((h) => h._spec()))),
      keyVault: p.keyVault && this.keyVault ? {
        secretName: this.keyVault.secretName,
        rotation: p.keyVault.rotation ?? 1,
        vaultId: p.keyVault.vaultId,
        createName: p.keyVault.create?.name,
        createLocation: p.keyVault.create?.location,
        createLocationUnchecked: p.keyVault.create?.locationUnchecked,
        softDeleteRetentionDays: p.keyVault.create?.softDeleteRetentionDays,
        hasProvider: p.keyVault.provider !== undefined,
        passwordIsLiteral: p.password !== undefined && !isToken(p.password),
        // Asked only here, once per process: the default mode spawns nothing.
        terraform: terraformVersion(),
      } : undefined,
      registry: this.registry?.spec(),
    };
  }

  /** @internal The network this one is an alternative of, followed to the end: networks with one root may share Azure names. */
  _alternativeRoot(): WeaveNetwork {
    const seen = new Set<WeaveNetwork>();
    let n: WeaveNetwork = this;
    while (WeaveNetwork.isWeaveNetwork(n.props.alternativeTo) && !seen.has(n)) {
      seen.add(n);
      n = n.props.alternativeTo;
    }
    return n;
  }

  /** @internal called by hosts and clusters so late additions cannot go unplanned. */
  _assertOpen(what: string, path: string): void {
    if (!this.result && !this.bound) return;
    const problems = new ProblemList();
    problems.add('declared-after-synth', path, 'scope', what,
      `is added to ${this.node.path} after the network was planned (synth has started)`,
      'declare every cluster and host before synth, not in an aspect or after calling plan()');
    problems.throwIfAny();
  }
}

/** Derives and binds every network of the app when cdktf visits the first network's node. */
class DeriveNetworks implements IAspect {
  constructor(private readonly network: WeaveNetwork) {}

  visit(node: IConstruct): void {
    if (node === this.network) deriveAll(this.network);
  }
}

/**
 * Derives every network of the app at the first visit, so that a bad network
 * in a later stack stops the synth before an earlier stack is written, and
 * one synth reports the problems of every network at once.
 */
function deriveAll(first: WeaveNetwork): void {
  const all = first.node.root.node.findAll();
  const networks = all.filter(WeaveNetwork.isWeaveNetwork);
  const problems = new ProblemList();
  const stackOf = (c: IConstruct) => TerraformStack.of(c).node.path;
  checkNetworkNames(networks.map((n) => ({ path: n.node.path, stack: stackOf(n), id: n.node.id, tfStem: tfVariableName(n.node.id) })), problems);
  const withNetworks = new Set(networks.map(stackOf));
  checkProviderAliases(all.filter((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c)
    && c.terraformResourceType === 'azurerm' && withNetworks.has(stackOf(c)))
    .map((p) => ({ path: p.node.path, stack: stackOf(p), alias: p.alias })), problems);
  checkAzureNames(networks, (a, b) => (a as WeaveNetwork)._alternativeRoot() === (b as WeaveNetwork)._alternativeRoot(), problems);
  for (const n of networks) {
    try {
      n._bind();
    } catch (e) {
      if (!(e instanceof WeaveConfigError)) throw e;
      problems.items.push(...e.problems);
    }
  }
  problems.throwIfAny();
}
