import { Annotations, Aspects, Fn, IAspect, TerraformLocal, TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable, TerraformVariableValidationConfig } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ALLOCATION_FROZEN_CONTEXT, ALLOCATION_FROZEN_ENV, AllocationRecord, frozenAllocationProblem } from '../core/allocation';
import { NetworkBuild, buildNetwork } from '../core/build';
import {
  DEFAULT_BRIDGE_RANGE,
  DEFAULT_DNS_DOMAIN,
  DEFAULT_IPALLOC_RANGE,
  DEFAULT_RELEASE,
  DEFAULT_WANTED_BY,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  releaseScriptUrl,
} from '../core/defaults';
import { NetworkPlan, NetworkSpec, WeaveRelease } from '../core/model';
import { ProblemList, WeaveConfigError } from '../core/problems';
import { validateNetworkNames, validateProviderAliases } from '../core/validate';
import { isToken } from '../core/tokens';
import { allocationFilePath, readAllocationFile, writeNetworkRecord } from './allocation-file';
import { resolveText, writeBesideStack } from './artifacts';
import { renderMermaid, topologyView } from '../core/diagram';
import { renderTopologySvg } from '../core/diagram-svg';
import { ClusterMember, HostKeyVault, NETWORK_MARK, clusterMembers } from './marks';
import { tfName } from './names';
import { TerraformData, requireTerraform } from './terraform-data';
import { nsgProblems } from './nsg-check';
import { WeaveFile, WeaveUnit, createContentLocals, userContentSpec } from './user-content';
import { ClusterGrant, PasswordVault, WeaveKeyVaultOptions, expressionOf, passwordFileExpression } from './key-vault';
import { terraformVersion } from './terraform-version';
import { IDENTITY_CLIENT_ID_SLOT, KEY_VAULT_URL_SLOT } from '../core/secret-fetch';
import { MIN_TERRAFORM_VERSION } from '../core/key-vault';

/** Which Weave Net build the hosts install. */
export interface WeaveReleaseOptions {
  /**
   * Release version; also the image tag the `weave` script runs.
   * @default '2.9.0'
   */
  readonly version?: string;
  /**
   * URL of the `weave` script for that version.
   * @default 'https://github.com/rajch/weave/releases/download/v<version>/weave'
   */
  readonly scriptUrl?: string;
  /**
   * sha256 of the script. When given, hosts refuse to install a script that
   * does not match.
   * @default - not checked
   */
  readonly sha256?: string;
  /**
   * Docker Hub account of the `weave`, `weaveexec` and `weavedb` images.
   * @default 'rajchaudhuri'
   */
  readonly imageOwner?: string;
}

/** Boot config format for Azure VMs. */
export type AzureBootFormat = 'cloud-config' | 'ignition';

/** Settings of a {@link WeaveNetwork}; every one has a working default. */
export interface WeaveNetworkProps {
  /**
   * Weave IPAM range that containers get addresses from. Host bits must be zero.
   * @default '10.2.0.0/16'
   */
  readonly ipallocRange?: string;
  /**
   * Range the hosts' own bridge addresses (`weave expose`) come from.
   * @default '10.1.0.0/16'
   */
  readonly bridgeRange?: string;
  /**
   * The network password, as a token (a sensitive `TerraformVariable`'s
   * `.stringValue`, or a data source attribute). A plain string works but is
   * written into `cdk.tf.json` and draws a warning. Whatever you pass must
   * meet what the generated variable checks: 12-256 printable ASCII
   * characters, no spaces, quotes or backslashes (it is written unquoted into
   * a systemd EnvironmentFile).
   * @default - a sensitive variable named `<id>_password` (set `TF_VAR_<id>_password`)
   */
  readonly password?: string;
  /**
   * weaveDNS domain.
   * @default 'weave.local.'
   */
  readonly dnsDomain?: string;
  /**
   * Run weaveDNS. `false` launches with `--no-dns`.
   * @default true
   */
  readonly dns?: boolean;
  /**
   * Run weave's Docker API proxy (on `/var/run/weave/weave.sock`).
   * @default true
   */
  readonly proxy?: boolean;
  /**
   * Run weave's Docker network plugin.
   * @default true
   */
  readonly plugin?: boolean;
  /**
   * Which Weave Net build the hosts install. Pin it so that hosts booted at
   * different times run the same release.
   * @default - rajch/weave 2.9.0 from GitHub, images from `rajchaudhuri`
   */
  readonly release?: WeaveReleaseOptions;
  /**
   * Hosts present when the mesh first starts; each gets `--ipalloc-init
   * consensus=N`, later hosts get `observer`. Pin this to the count you first
   * deployed before you grow the network.
   * @default - every declared host
   */
  readonly bootstrapSize?: number;
  /**
   * Units that pull in `weave-network.target`.
   * @default ['multi-user.target']
   */
  readonly wantedBy?: string[];
  /**
   * How Azure VMs receive their boot config, unless their cluster says
   * otherwise: coreos-cloudinit `#cloud-config` (re-applied every boot; host
   * settings live in user data and update in place) or Ignition spec 3.3
   * (first boot only; the VM ignores later changes to its custom data).
   * @default 'cloud-config'
   */
  readonly bootFormat?: AzureBootFormat;
  /**
   * SSH public key for the `core` user on every Azure VM, unless a cluster or
   * host gives its own.
   * @default - none; then each Azure cluster or host must give one
   */
  readonly sshPublicKey?: string;
  /**
   * The network's allocation record, given in memory: who was a bootstrap
   * host, the consensus count, each host's bridge address and dial anchors.
   * When set, no file is read or written (what tests use).
   * @default - read from (and, on `cdktf synth`, written to) the allocation file
   */
  readonly allocationRecord?: AllocationRecord;
  /**
   * Path of the committed allocation record file, shared by every network of
   * the app (each under its construct path).
   * @default - `WEAVE_ALLOCATION_FILE`, else `weave-allocation.json` in the
   *   working directory (beside `cdktf.json` under `cdktf synth`)
   */
  readonly allocationFile?: string;
  /**
   * Your own files for every host of the network (Azure VMs and dedicated
   * servers), written beside Weave's in the same boot document. Clusters and
   * hosts may add files; an entry with the same path at a more specific
   * level replaces this one.
   * @default - none
   */
  readonly files?: WeaveFile[];
  /**
   * Your own systemd units (or drop-ins for existing units such as
   * `docker.service`) for every host. Order them after the mesh with
   * `After=weave-network.target`. Clusters and hosts may add units; an entry
   * with the same name at a more specific level replaces this one whole.
   * @default - none
   */
  readonly units?: WeaveUnit[];
  /**
   * Keep the password in Azure Key Vault: the recommended production
   * setting. The password variable becomes ephemeral and reaches only the
   * secret (write-only) and the dedicated servers' provisioners; Azure VMs
   * fetch it at boot with a managed identity. Nothing secret lands in
   * Terraform state, plan or VM metadata. Needs Terraform 1.11 or OpenTofu
   * 1.11. See docs/key-vault.md. A `password` you pass yourself must then be
   * an ephemeral variable too (`addOverride('ephemeral', true)`), or a saved
   * plan would keep it.
   * @default - the password is filled into every host's boot data (simple, but it sits in state)
   */
  readonly keyVault?: WeaveKeyVaultOptions;
}

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
  private readonly props: WeaveNetworkProps;
  // Default mode only: in Key Vault mode no boot document carries the password.
  private readonly sharedEnv?: TerraformLocal;
  private readonly consensusOutput: TerraformOutput;
  // The build until the network is bound; afterwards only the plan, so the
  // rendered documents (held by the resources) are not kept twice.
  private built?: NetworkBuild | { plan: NetworkPlan };
  private bound = false;
  private pendingRecord?: { file: string; record: AllocationRecord };

  constructor(scope: Construct, id: string, props: WeaveNetworkProps = {}) {
    super(scope, id);
    Object.defineProperty(this, NETWORK_MARK, { value: true });
    this.props = props;
    this.bootFormat = props.bootFormat ?? 'cloud-config';
    this.sshPublicKey = props.sshPublicKey;
    if (props.password !== undefined) {
      this.password = props.password;
      // Key Vault mode reports a literal as a problem at synth.
      if (!isToken(props.password) && !props.keyVault) {
        Annotations.of(this).addWarning(
          `${this.node.path}: password is a plain string, so it is written into cdk.tf.json and state as a literal. ` +
            'Fix: leave password unset to get a sensitive variable, or pass a sensitive TerraformVariable\'s stringValue.',
        );
      }
    } else {
      // Underscores only: it becomes the shell variable TF_VAR_<name>.
      const name = `${id.replace(/[^A-Za-z0-9_]/g, '_')}_password`;
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
    if (props.keyVault) {
      this.keyVault = new PasswordVault(this, 'key-vault', props.keyVault, this.password, this);
      // Terraform itself refuses older releases, wherever the stack is applied.
      requireTerraform(TerraformStack.of(this), MIN_TERRAFORM_VERSION);
    } else {
      // One Terraform expression joins the password into the shared env file;
      // every host's boot document refers to it by name. Its text is filled in
      // when the network is built.
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
    Aspects.of(this).add(new BuildNetwork(this));
    // A picture beside the stack's cdk.tf.json, from the same build, as
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
    return this.build().plan;
  }

  /** @internal Checks, plans and renders once, then hands every cluster and host its part. */
  _build(): void {
    if (this.bound) return;
    const members = clusterMembers(this);
    const build = this.build(members) as NetworkBuild;
    this.bound = true;
    this.built = { plan: build.plan };
    if (this.sharedEnv) {
      this.sharedEnv.expression = Fn.base64encode(Fn.join('', [build.sharedEnv.before, this.password, build.sharedEnv.after]));
    }
    this.consensusOutput.value = build.plan.consensus;
    if (!this.passwordVariable && isToken(this.password)) guardPasswordVariable(this, this.password);
    const sharedEnvRef = `local.${tfName(this.node.id)}_shared_env_b64`;
    const grants = this.keyVault ? this.grantClusters(members) : [];
    let bootGeneration: string | undefined;
    if (build.clusters.some((c) => c.format === 'ignition')) {
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
        triggersReplace: { settings: `\${sha256(join("|", ["${build.settingsDigest}", ${inputs.join(', ')}]))}` },
      }).overrideLogicalId(name);
      // Plain text: cdktf 0.21 writes a resource given to `replaceTriggeredBy`
      // as `${...}`, which Terraform rejects there (hashicorp/terraform-cdk#3196).
      bootGeneration = `terraform_data.${name}`;
    }
    // Users' files whose content is a Terraform expression: one local each.
    createContentLocals(this, build.plan.spec);
    const clash = nsgProblems(this, members.flatMap((m) => {
      const slots = m.cluster._nsgRuleSlots?.();
      return slots ? [{ path: m.cluster.node.path, slots }] : [];
    }));
    if (clash.length) throw new WeaveConfigError(clash);
    const publicAddresses = members.map((m) => m.cluster._publicAddressRef());
    build.clusters.forEach((cb, i) => {
      const { cluster, hosts } = members[i];
      // Key Vault mode: a cluster's Ignition VMs fetch with its identity's
      // client id, baked in at first boot; a new identity must rebuild them.
      let clusterGeneration: string | undefined;
      const grant = grants[i];
      if (grant && cb.format === 'ignition') {
        const name = `${tfName(this.node.id)}_${tfName(cluster.node.id)}_boot_generation`;
        new TerraformData(this, `boot-generation-${cluster.node.id}`, { triggersReplace: { identity: grant.clientId } }).overrideLogicalId(name);
        clusterGeneration = `terraform_data.${name}`;
      }
      cluster._bind({
        peerSources: [...cb.peerClusters.map((j) => publicAddresses[j]!), ...cb.peerAddresses],
      });
      hosts.forEach((host, k) => {
        const hb = build.hosts[build.plan.clusters[i].hosts[k].index];
        host._bind({
          host: hb,
          sharedEnvRef,
          bootGenerations: hb.format === 'ignition' ? [bootGeneration!, ...(clusterGeneration ? [clusterGeneration] : [])] : undefined,
          keyVault: this.keyVault ? this.hostKeyVault(hb.plan.kind, grants[i], build.sharedEnv) : undefined,
        });
      });
    });
  }

  /** Key Vault mode: an identity and a read grant for every Azure cluster (`undefined` for the others). */
  private grantClusters(members: readonly ClusterMember[]): (ClusterGrant | undefined)[] {
    return members.map((m) => {
      const target = m.cluster._grantTarget();
      return target ? this.keyVault!.grant(target) : undefined;
    });
  }

  /** Key Vault mode: what one host needs, by kind. */
  private hostKeyVault(kind: string, grant: ClusterGrant | undefined, shared: NetworkBuild['sharedEnv']): HostKeyVault {
    const vault = this.keyVault!;
    if (kind === 'azure') {
      return {
        identityId: grant?.identityId,
        bootValues: {
          [KEY_VAULT_URL_SLOT]: vault.vaultUriExpression,
          ...(grant ? { [IDENTITY_CLIENT_ID_SLOT]: grant.clientId } : {}),
        },
      };
    }
    return { passwordFile: passwordFileExpression(shared, expressionOf(this, this.password)), rotation: vault.rotation };
  }

  private build(members = clusterMembers(this)): NetworkBuild | { plan: NetworkPlan } {
    if (this.built) return this.built;
    const inMemory = this.props.allocationRecord;
    const file = inMemory ? undefined : allocationFilePath(this.props.allocationFile);
    const record = inMemory ?? (file ? readAllocationFile(file)?.networks[this.node.path] : undefined);
    const build = buildNetwork(this.spec(members), { record, recordSource: file ?? 'allocationRecord' });
    const changes = build.plan.allocation.changes;
    const frozen = this.node.tryGetContext(ALLOCATION_FROZEN_CONTEXT) ?? process.env[ALLOCATION_FROZEN_ENV];
    if (/^(1|true|yes)$/i.test(String(frozen ?? ''))) {
      const problem = frozenAllocationProblem(this.node.path, changes, { source: file ?? 'allocationRecord' });
      if (problem) throw new WeaveConfigError([problem]);
    }
    // Written on a real synth only (Testing.synth runs no custom synthesis),
    // and only when the record changed.
    if (file && changes.length > 0) this.pendingRecord = { file, record: build.plan.allocation.record };
    return (this.built = build);
  }

  private spec(members: readonly ClusterMember[]): NetworkSpec {
    const p = this.props;
    const r = p.release ?? {};
    const release: WeaveRelease = {
      version: r.version ?? DEFAULT_RELEASE.version,
      scriptUrl: r.scriptUrl ?? releaseScriptUrl(r.version ?? DEFAULT_RELEASE.version),
      sha256: r.sha256,
      imageOwner: r.imageOwner ?? DEFAULT_RELEASE.imageOwner,
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
      plugin: p.plugin ?? true,
      bootFormat: p.bootFormat,
      content: userContentSpec(this, this.node.id, p.files, p.units),
      clusters: members.map((m) => m.cluster._spec(m.hosts.map((h) => h._spec()))),
      keyVault: p.keyVault && this.keyVault ? {
        secretName: this.keyVault.secretName,
        rotation: p.keyVault.rotation ?? 1,
        vaultId: p.keyVault.vaultId,
        createName: p.keyVault.create?.name,
        softDeleteRetentionDays: p.keyVault.create?.softDeleteRetentionDays,
        hasProvider: p.keyVault.provider !== undefined,
        passwordIsLiteral: p.password !== undefined && !isToken(p.password),
        // Asked only here, once per process: the default mode spawns nothing.
        terraform: terraformVersion(),
      } : undefined,
    };
  }

  /** @internal called by hosts and clusters so late additions cannot go unplanned. */
  _assertOpen(what: string, path: string): void {
    if (this.built || this.bound) {
      throw new WeaveConfigError([{
        code: 'declared-after-synth',
        path,
        field: 'scope',
        value: what,
        message: `is added to ${this.node.path} after the network was planned (synth has started)`,
        fix: 'declare every cluster and host before synth, not in an aspect or after calling plan()',
      }]);
    }
  }

}

/** What a password variable must hold: the value lands unquoted in a systemd EnvironmentFile. */
function passwordValidation(name: string): TerraformVariableValidationConfig {
  return {
    condition: `\${length(var.${name}) >= ${MIN_PASSWORD_LENGTH} && length(var.${name}) <= ${MAX_PASSWORD_LENGTH} && can(regex("^[!-~]+$", var.${name})) && !can(regex("[\\"'\\\\\\\\]", var.${name}))}`,
    errorMessage: `The Weave password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} printable ASCII characters without spaces, quotes or backslashes.`,
  };
}

/**
 * A password passed as a reference to the user's own variable gets the same
 * check as the library's variable, when the variable has none of its own.
 */
function guardPasswordVariable(network: WeaveNetwork, password: string): void {
  const stack = TerraformStack.of(network);
  const ref = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(resolveText(stack, password));
  if (!ref) return;
  const variable = stack.node.findAll().find((c): c is TerraformVariable =>
    c instanceof TerraformVariable && c.friendlyUniqueId === ref[1]);
  if (variable && !(variable.validation?.length)) variable.addValidation(passwordValidation(ref[1]));
}

/** Builds its network when cdktf visits the network's node. */
class BuildNetwork implements IAspect {
  constructor(private readonly network: WeaveNetwork) {}

  visit(node: IConstruct): void {
    if (node === this.network) buildAll(this.network);
  }
}

/**
 * Builds every network of the app at the first visit, so that a bad network
 * in a later stack stops the synth before an earlier stack is written, and
 * one synth reports the problems of every network at once.
 */
function buildAll(first: WeaveNetwork): void {
  const all = first.node.root.node.findAll();
  const networks = all.filter(WeaveNetwork.isWeaveNetwork);
  const problems = new ProblemList();
  const stackOf = (c: IConstruct) => TerraformStack.of(c).node.path;
  validateNetworkNames(networks.map((n) => ({ path: n.node.path, stack: stackOf(n), id: n.node.id, tfStem: n.node.id.replace(/[^A-Za-z0-9_]/g, '_') })), problems);
  const withNetworks = new Set(networks.map(stackOf));
  validateProviderAliases(all.filter((c): c is TerraformProvider => TerraformProvider.isTerraformProvider(c)
    && c.terraformResourceType === 'azurerm' && withNetworks.has(stackOf(c)))
    .map((p) => ({ path: p.node.path, stack: stackOf(p), alias: p.alias })), problems);
  for (const n of networks) {
    try {
      n._build();
    } catch (e) {
      if (!(e instanceof WeaveConfigError)) throw e;
      problems.items.push(...e.problems);
    }
  }
  problems.throwIfAny();
}
