// One pass from a declared network to everything each host needs: checks,
// plan, and the rendered boot document per host in its own format. The
// constructs call this once and only turn the result into Terraform objects.
import { createHash } from 'node:crypto';
import { HostEnvSource, SecretContent, buildBootConfig, renderUserData, sharedEnvContent } from './boot';
import { CUSTOM_DATA_LIMIT, MAX_PASSWORD_LENGTH } from './defaults';
import { ClusterKind, HostPlan, NetworkPlan, NetworkSpec } from './model';
import { PlanOptions, planNetwork } from './plan';
import { ProblemList, WeaveConfigError } from './problems';
import { BootFormat, RenderedBoot, cloudConfigByName, filledSize, renderBoot } from './render';
import { nsgAddress, validateOptions } from './validate';

/** Everything rendered for one host. */
export interface HostBuild {
  /** What the planner decided for the host. */
  readonly plan: HostPlan;
  /** Format of {@link boot}: the cluster's boot format for Azure VMs, `script` for dedicated servers. */
  readonly format: BootFormat;
  /** The boot document: VM custom data, or the script run over SSH. */
  readonly boot: RenderedBoot;
  /**
   * Base64 user data (the host env file) for Azure cloud-config VMs, whose
   * growth-dependent settings update in place.
   * @default - none: dedicated servers and Ignition VMs carry the env file in `boot`
   */
  readonly userData?: string;
}

/** What one cluster needs beyond its hosts. */
export interface ClusterBuild {
  /** Cluster name. */
  readonly name: string;
  /** Cluster kind. */
  readonly kind: ClusterKind;
  /** Boot format of the cluster's Azure VMs (`script` for dedicated clusters). */
  readonly format: BootFormat;
  /** Indexes (into {@link NetworkBuild.clusters}) of the other Azure clusters, whose egress addresses its NSG admits. */
  readonly peerClusters: readonly number[];
  /** Public addresses of dedicated hosts its NSG admits. */
  readonly peerAddresses: readonly string[];
}

/** The result of {@link buildNetwork}. */
export interface NetworkBuild {
  /** The plan the documents were rendered from. */
  readonly plan: NetworkPlan;
  /** One entry per host, in global declaration order. */
  readonly hosts: readonly HostBuild[];
  /** One entry per cluster, in declaration order. */
  readonly clusters: readonly ClusterBuild[];
  /** The shared env file around the password; every secret slot of every document stands for it. */
  readonly sharedEnv: SecretContent;
  /**
   * Digest of the network-wide settings a first-boot-only (Ignition) host
   * cannot pick up later; a change must replace those hosts. Per-host values
   * that change when the network grows are left out.
   */
  readonly settingsDigest: string;
}

/**
 * Checks, plans and renders a whole network at once. Throws a
 * {@link WeaveConfigError} listing every problem found.
 * @param options - the network's allocation record, if any (see {@link planNetwork})
 */
export function buildNetwork(spec: NetworkSpec, options: PlanOptions = {}): NetworkBuild {
  const problems = new ProblemList();
  validateOptions(spec, problems);
  let plan: NetworkPlan;
  try {
    plan = planNetwork(spec, options);
  } catch (e) {
    if (e instanceof WeaveConfigError) throw new WeaveConfigError([...problems.items, ...e.problems]);
    throw e;
  }
  problems.throwIfAny();

  const clusters: ClusterBuild[] = spec.clusters.map((c, i) => ({
    name: c.name,
    kind: c.kind,
    format: c.kind === 'azure' ? ((c.bootFormat ?? spec.bootFormat ?? 'cloud-config') as BootFormat) : 'script',
    peerClusters: spec.clusters.flatMap((o, j) => (j !== i && o.kind === 'azure' ? [j] : [])),
    peerAddresses: spec.clusters.flatMap((o, j) =>
      j !== i && o.kind === 'dedicated' ? o.hosts.flatMap((h) => { const a = nsgAddress(h); return a ? [a] : []; }) : []),
  }));

  const cloudConfigFor = cloudConfigByName(plan);
  const hosts = plan.hosts.map((hp): HostBuild => {
    const format = clusters[hp.clusterIndex].format;
    const source: HostEnvSource = format === 'cloud-config' ? 'azure-imds' : 'file';
    const boot = source === 'azure-imds'
      ? cloudConfigFor(hp)
      : renderBoot(buildBootConfig(plan, hp, { hostEnvSource: source }), format);
    if (hp.kind === 'azure') {
      const bytes = filledSize(boot, MAX_PASSWORD_LENGTH);
      if (bytes > CUSTOM_DATA_LIMIT) {
        problems.add('custom-data-too-large', hp.path, 'customData', `${bytes} bytes`,
          `exceeds Azure's custom data limit of ${CUSTOM_DATA_LIMIT} bytes`,
          'shorten wantedBy and other lists that are copied into every unit, or split the boot config');
      }
    }
    return {
      plan: hp,
      format,
      boot,
      userData: source === 'azure-imds' ? Buffer.from(renderUserData(hp), 'utf8').toString('base64') : undefined,
    };
  });
  problems.throwIfAny();

  const settingsDigest = createHash('sha256')
    .update(JSON.stringify([plan.commonLaunchArgs, plan.sharedEnv, spec.release, spec.wantedBy]))
    .digest('hex');
  return { plan, hosts, clusters, sharedEnv: sharedEnvContent(plan), settingsDigest };
}
