import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, DataResource, Fn, ISynthesisSession, Lazy, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
// Not exported from the cdktf root in 0.21; the hook that writes the diagram.
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { renderMermaid } from '../core/diagram';
import { BootFormat, HostEnvSource, NetworkPlan, NetworkSpec, Problem, ProblemList, WeaveConfigError } from '../core';
import { buildBootConfig, renderUserData, sharedEnvContent } from '../core/boot';
import { DEFAULT_RELEASE, HostPlan, WeaveRelease } from '../core/model';
import { planNetwork } from '../core/plan';
import { cloudConfigByName, renderBoot } from '../core/render';
import { RenderedBoot, SecretSlot, filledSize } from '../core/render/rendered';
import { isToken } from '../core/tokens';
import type { WeaveCluster } from './cluster';
import type { WeaveHost } from './host';
import { CLUSTER_MARK, NETWORK_MARK } from './marks';
import { tfName } from './names';

/** Which Weave Net build the hosts install. */
export interface WeaveReleaseOptions {
  /**
   * Release version; also the image tag the `weave` script runs.
   * @default '2.9.0'
   */
  readonly version?: string;
  /**
   * URL of the `weave` script for that version.
   * @default 'https://github.com/rajch/weave/releases/download/v2.9.0/weave'
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
   * How Azure VMs receive their boot config: coreos-cloudinit `#cloud-config`
   * (re-applied every boot; host settings live in user data and update in
   * place) or Ignition spec 3.3 (first boot only; the VM ignores later
   * changes to its custom data).
   * @default 'cloud-config'
   */
  readonly bootFormat?: AzureBootFormat;
  /**
   * SSH public key for the `core` user on every Azure VM, unless a cluster or
   * host gives its own.
   * @default - none; then each Azure cluster or host must give one
   */
  readonly sshPublicKey?: string;
}

/** Everything rendered for one host. */
export interface HostBootData {
  /** What the planner decided for the host: peers, IPAM role, bridge address. */
  readonly plan: HostPlan;
  /** The boot document for the host's delivery path (VM custom data or SSH script). */
  readonly boot: RenderedBoot;
  /**
   * Azure user data (the host env file), when the host env travels that way.
   * Base64-encoded, ready for the VM's `user_data`.
   * @default - none; dedicated hosts and Ignition VMs get the env file inside `boot`
   */
  readonly userData?: string;
}

/** Azure's limit on custom data, in bytes after decoding. */
export const CUSTOM_DATA_LIMIT = 65536;
/** Longest password the size check allows for (the variable enforces it). */
export const MAX_PASSWORD_LENGTH = 256;

/**
 * Root of one Weave mesh. Declare `WeaveCluster`s inside it, in order, and
 * `WeaveHost`s inside those; the network derives peers, IPAM counts, bridge
 * addresses and boot configs from that order at synth time.
 */
export class WeaveNetwork extends Construct {
  /** The password expression every host's shared env file is built from. */
  readonly password: string;
  /** The variable created for the password, unless one was passed in. */
  readonly passwordVariable?: TerraformVariable;
  /** How the network's Azure VMs receive their boot config; dedicated hosts always get a script. */
  readonly bootFormat: AzureBootFormat;
  /** Default SSH public key for Azure VMs whose cluster and host give none. */
  readonly sshPublicKey?: string;
  private readonly props: WeaveNetworkProps;
  /** `local.<name>`: base64 of the shared env file, password included, computed by Terraform. */
  private readonly sharedEnvRef: string;
  /**
   * @internal With Ignition, VMs ignore custom data changes; this resource
   * changes when the password or network-wide settings do, and replaces them.
   */
  readonly bootGeneration?: DataResource;
  /**
   * @internal `terraform_data.<name>` of {@link bootGeneration}, as plain text:
   * cdktf 0.21 writes a resource given to `replaceTriggeredBy` as `${...}`,
   * which Terraform rejects there (hashicorp/terraform-cdk#3196).
   */
  readonly bootGenerationAddress?: string;
  private planned?: { plan: NetworkPlan; hosts: Map<string, HostBootData> };

  constructor(scope: Construct, id: string, props: WeaveNetworkProps = {}) {
    super(scope, id);
    Object.defineProperty(this, NETWORK_MARK, { value: true });
    this.props = props;
    this.bootFormat = props.bootFormat ?? 'cloud-config';
    this.sshPublicKey = props.sshPublicKey;
    if (props.password !== undefined) {
      this.password = props.password;
      if (!isToken(props.password)) {
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
        validation: [
          {
            // The value lands unquoted in a systemd EnvironmentFile.
            condition: `\${length(var.${name}) >= 12 && length(var.${name}) <= ${MAX_PASSWORD_LENGTH} && can(regex("^[!-~]+$", var.${name})) && !can(regex("[\\"'\\\\\\\\]", var.${name}))}`,
            errorMessage: `The Weave password must be 12-${MAX_PASSWORD_LENGTH} printable ASCII characters without spaces, quotes or backslashes.`,
          },
        ],
      });
      this.passwordVariable.overrideLogicalId(name);
      this.password = this.passwordVariable.stringValue;
    }
    // One Terraform expression joins the password into the shared env file;
    // every host's boot document refers to it by name.
    const sharedEnv = new TerraformLocal(this, 'shared-env', Lazy.stringValue({
      produce: () => {
        const c = sharedEnvContent(this.plan());
        return Fn.base64encode(Fn.join('', [c.before, this.password, c.after]));
      },
    }));
    const localName = `${tfName(id)}_shared_env_b64`;
    sharedEnv.overrideLogicalId(localName);
    this.sharedEnvRef = `local.${localName}`;

    if (this.bootFormat === 'ignition') {
      // Hosts that only read their config on first boot must be rebuilt when
      // the password or a network-wide setting changes, or they would keep
      // the old key and split off. Per-host values that change when the
      // network grows are left out, so growth still replaces nothing.
      this.bootGenerationAddress = `terraform_data.${tfName(id)}_boot_generation`;
      this.bootGeneration = new DataResource(this, 'boot-generation', {
        triggersReplace: {
          settings: Lazy.stringValue({
            produce: () => {
              const p = this.plan();
              const digest = createHash('sha256')
                .update(JSON.stringify([p.commonLaunchArgs, p.sharedEnv, p.spec.release, p.spec.wantedBy]))
                .digest('hex');
              return `\${sha256(join("|", ["${digest}", ${this.sharedEnvRef}]))}`;
            },
          }),
        },
      });
      this.bootGeneration.overrideLogicalId(`${tfName(id)}_boot_generation`);
    }

    // A picture beside the stack's cdk.tf.json: clusters, hosts, bridge
    // addresses and peer links, as Mermaid source (`npm run diagrams` turns
    // it into SVG).
    addCustomSynthesis(this, {
      onSynthesize: (session: ISynthesisSession) => {
        const stack = TerraformStack.of(this);
        const dir = join(session.outdir, session.manifest.forStack(stack).workingDirectory);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `${id}.topology.mmd`), renderMermaid(this.plan(), this.node.path));
      },
    });
    // Also what makes a network without hosts get validated: resolving this
    // output plans the network.
    new TerraformOutput(this, 'consensus', {
      value: Lazy.numberValue({ produce: () => this.plan().consensus }),
      description: `IPAM consensus count (bootstrap hosts) of Weave network ${this.node.path}`,
    }).overrideLogicalId(`${tfName(id)}_consensus`);
  }

  /**
   * Whether `x` is a `WeaveNetwork`. Works across copies of this package in
   * one `node_modules` tree, where `instanceof` would not.
   */
  static isWeaveNetwork(x: unknown): x is WeaveNetwork {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[NETWORK_MARK] === true;
  }

  /** The clusters, in declaration order. */
  get clusters(): WeaveCluster[] {
    return this.node.children.filter((c) => (c as unknown as Record<symbol, unknown>)[CLUSTER_MARK] === true) as unknown as WeaveCluster[];
  }

  /** Every host, in global declaration order. */
  get hosts(): WeaveHost[] {
    return this.clusters.flatMap((c) => c.hosts);
  }

  /** The declaration as the pure planner sees it. */
  spec(): NetworkSpec {
    const p = this.props;
    const r = p.release ?? {};
    const release: WeaveRelease = {
      version: r.version ?? DEFAULT_RELEASE.version,
      scriptUrl: r.scriptUrl ?? (r.version && r.version !== DEFAULT_RELEASE.version
        ? `https://github.com/rajch/weave/releases/download/v${r.version}/weave`
        : DEFAULT_RELEASE.scriptUrl),
      sha256: r.sha256,
      imageOwner: r.imageOwner ?? DEFAULT_RELEASE.imageOwner,
    };
    return {
      path: this.node.path,
      ipallocRange: p.ipallocRange ?? '10.2.0.0/16',
      bridgeRange: p.bridgeRange ?? '10.1.0.0/16',
      dnsDomain: p.dns === false ? false : p.dnsDomain ?? 'weave.local.',
      release,
      bootstrapSize: p.bootstrapSize,
      wantedBy: p.wantedBy ?? ['multi-user.target'],
      proxy: p.proxy ?? true,
      plugin: p.plugin ?? true,
      clusters: this.clusters.map((c) => c.spec()),
    };
  }

  /**
   * Plans and renders every host once, validating the whole declaration
   * first. Runs on the first synth-time read and is cached; it throws a
   * `WeaveConfigError` listing every problem.
   */
  plan(): NetworkPlan {
    return this.prepare().plan;
  }

  /**
   * @internal The `local.<name>` that fills a secret slot of a boot document.
   * Every slot holds the shared env file; anything else is a library bug.
   */
  secretRef(slot: SecretSlot): string {
    const expected = sharedEnvContent(this.plan());
    if (slot.content.before !== expected.before || slot.content.after !== expected.after) {
      throw new Error(`${this.node.path}: boot document has a secret slot that is not the shared env file (${slot.placeholder})`);
    }
    return this.sharedEnvRef;
  }

  /** Boot data for one host, by host name. */
  bootData(hostName: string): HostBootData {
    const data = this.prepare().hosts.get(hostName);
    if (!data) throw new Error(`${this.node.path}: no host named ${hostName}`);
    return data;
  }

  private prepare(): { plan: NetworkPlan; hosts: Map<string, HostBootData> } {
    if (this.planned) return this.planned;
    const problems = new ProblemList();
    if (this.bootFormat !== 'cloud-config' && this.bootFormat !== 'ignition') {
      problems.add('boot-format-unknown', this.node.path, 'bootFormat', this.bootFormat,
        'is not a boot format Flatcar on Azure reads', 'use "cloud-config" (the default) or "ignition"');
    }
    for (const c of this.clusters) c.collectProblems(problems);
    let plan: NetworkPlan;
    try {
      plan = planNetwork(this.spec());
    } catch (e) {
      if (e instanceof WeaveConfigError) throw new WeaveConfigError([...problems.items, ...e.problems]);
      throw e;
    }
    problems.throwIfAny();

    const hosts = new Map<string, HostBootData>();
    const byName = new Map(this.hosts.map((h) => [h.hostName, h]));
    const sizeProblems: Problem[] = [];
    const cloudConfigFor = cloudConfigByName(plan);
    for (const hp of plan.hosts) {
      const azure = hp.kind === 'azure';
      const format: BootFormat = azure ? this.bootFormat : 'script';
      const source: HostEnvSource = azure && format === 'cloud-config' ? 'azure-imds' : 'file';
      const boot = source === 'azure-imds'
        ? cloudConfigFor(hp)
        : renderBoot(buildBootConfig(plan, hp, { hostEnvSource: source }), format);
      if (azure) {
        const bytes = filledSize(boot, MAX_PASSWORD_LENGTH);
        if (bytes > CUSTOM_DATA_LIMIT) {
          sizeProblems.push({
            code: 'custom-data-too-large',
            path: byName.get(hp.name)?.node.path ?? hp.path,
            field: 'customData',
            value: `${bytes} bytes`,
            message: `exceeds Azure's custom data limit of ${CUSTOM_DATA_LIMIT} bytes`,
            fix: 'shorten wantedBy and other lists that are copied into every unit, or split the boot config',
          });
        }
      }
      hosts.set(hp.name, {
        plan: hp,
        boot,
        userData: source === 'azure-imds' ? Buffer.from(renderUserData(hp), 'utf8').toString('base64') : undefined,
      });
    }
    if (sizeProblems.length) throw new WeaveConfigError(sizeProblems);
    this.planned = { plan, hosts };
    return this.planned;
  }

  /** @internal called by hosts and clusters so late additions cannot go unplanned. */
  _assertOpen(what: string): void {
    if (this.planned) {
      throw new Error(`${what}: cannot be added to ${this.node.path} after the network was planned (synth has started). Fix: declare every cluster and host before synth.`);
    }
  }
}
