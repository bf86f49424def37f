// One pass from a declared network to everything each host needs: checks,
// plan, and the rendered boot document per host in its own format. The
// constructs call this once and only turn the result into Terraform objects.
import { createHash } from 'node:crypto';
import { BootConfig, HostEnvSource, SecretContent, buildBootConfig, renderUserData, sharedEnvContent } from './boot';
import { CUSTOM_DATA_LIMIT, MAX_PASSWORD_LENGTH } from './defaults';
import { ProblemList, WeaveConfigError } from './check/problems';
import { PlanOptions, planNetwork } from './plan';
import type { HostPlan, NetworkPlan } from './plan';
import type { ClusterKind, NetworkSpec } from './spec';
import { BootFormat, RenderedBoot, cloudConfigByName, knownSize, renderBoot } from './render';
import { MergedUserContent, userContentResolver, validateUserUnitsForFormat, withUserContent } from './user-content';
import { nsgAddress, validateCustomDataSize } from './validate';
import {
  IDENTITY_CLIENT_ID_SLOT,
  KEY_VAULT_SLOT_ALLOWANCE,
  KEY_VAULT_URL_SLOT,
  withKeyVaultFetch,
  withoutSharedEnvFile,
} from './secret-fetch';

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
  /**
   * Digest of the host's merged user content (files and units from network,
   * cluster and host), for first-boot-only hosts' replacement trigger.
   */
  readonly userContentDigest: string;
  /**
   * Bytes of the decoded boot document known at synth (password slots at
   * the longest password, Terraform-supplied file content not counted);
   * Azure VMs only.
   * @default - not computed (dedicated servers)
   */
  readonly knownBytes?: number;
}

/** Digest of "no user content", shared by every host without any. */
const NO_USER_CONTENT = createHash('sha256').update('[]').digest('hex');

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
  // planNetwork runs every check on the declaration (validate.ts) and those
  // that need the plan; what needs rendered documents is checked below.
  const plan = planNetwork(spec, { ...options, checkResources: true });

  const clusters: ClusterBuild[] = spec.clusters.map((c, i) => ({
    name: c.name,
    kind: c.kind,
    format: c.kind === 'azure' ? ((c.bootFormat ?? spec.bootFormat ?? 'cloud-config') as BootFormat) : 'script',
    peerClusters: spec.clusters.flatMap((o, j) => (j !== i && o.kind === 'azure' ? [j] : [])),
    peerAddresses: spec.clusters.flatMap((o, j) =>
      j !== i && o.kind === 'dedicated' ? o.hosts.flatMap((h) => { const a = nsgAddress(h); return a ? [a] : []; }) : []),
  }));

  // Key Vault mode: no document carries the password file. Azure VMs fetch
  // it (the slots become the vault's URI and the identity's client id);
  // dedicated servers get it from a separate provisioner step.
  const shared = sharedEnvContent(plan);
  const kv = spec.keyVault;
  const fetching = (boot: BootConfig): BootConfig => !kv ? boot
    : withKeyVaultFetch(boot, shared, { vaultUrl: KEY_VAULT_URL_SLOT, secretName: kv.secretName, clientId: IDENTITY_CLIENT_ID_SLOT });
  const adapt = (hp: HostPlan, boot: BootConfig): BootConfig =>
    !kv ? boot : hp.kind === 'azure' ? fetching(boot) : withoutSharedEnvFile(boot);
  // Users' files and units, merged network → cluster → host; hosts without
  // their own share their cluster's object, so cloud-config renders once per cluster.
  const resolveContent = userContentResolver(spec);
  const contents = plan.hosts.map((hp) => resolveContent(hp.clusterIndex, spec.clusters[hp.clusterIndex].hosts[hp.indexInCluster]));
  const contentFor = (hp: HostPlan): MergedUserContent | undefined => contents[hp.index];
  const cloudConfigFor = cloudConfigByName(plan, contentFor, fetching);
  const weaveOnlyCloudConfig = cloudConfigByName(plan, undefined, fetching);
  const startChecks = new Set<string>();
  const hosts = plan.hosts.map((hp): HostBuild => {
    const format = clusters[hp.clusterIndex].format;
    const source: HostEnvSource = format === 'cloud-config' ? 'azure-imds' : 'file';
    const content = contentFor(hp);
    const cluster = spec.clusters[hp.clusterIndex];
    validateUserUnitsForFormat(cluster.hosts[hp.indexInCluster], cluster, content, format, problems, startChecks);
    const render = (c: MergedUserContent | undefined) => (source === 'azure-imds'
      ? (c ? cloudConfigFor : weaveOnlyCloudConfig)(hp)
      : renderBoot(withUserContent(adapt(hp, buildBootConfig(plan, hp, { hostEnvSource: source })), c), format));
    const boot = render(content);
    let knownBytes: number | undefined;
    if (hp.kind === 'azure') {
      knownBytes = knownSize(boot, MAX_PASSWORD_LENGTH) + (kv ? KEY_VAULT_SLOT_ALLOWANCE : 0);
      if (knownBytes > CUSTOM_DATA_LIMIT) {
        // Rendered again only on this error path: the split tells the user whose bytes to cut.
        const weave = content ? knownSize(render(undefined), MAX_PASSWORD_LENGTH) : knownBytes;
        validateCustomDataSize(hp.path, knownBytes, weave, CUSTOM_DATA_LIMIT, !!content?.files.some((f) => f.expression), problems);
      }
    }
    return {
      plan: hp,
      format,
      boot,
      userData: source === 'azure-imds' ? Buffer.from(renderUserData(hp), 'utf8').toString('base64') : undefined,
      userContentDigest: content?.digest ?? NO_USER_CONTENT,
      ...(knownBytes !== undefined ? { knownBytes } : {}),
    };
  });
  problems.throwIfAny();

  const settingsDigest = createHash('sha256')
    // Key Vault mode adds what first-boot-only hosts fetch with: the secret's name.
    .update(JSON.stringify([plan.commonLaunchArgs, plan.sharedEnv, spec.release, spec.wantedBy, ...(kv ? [kv.secretName] : [])]))
    .digest('hex');
  return { plan, hosts, clusters, sharedEnv: shared, settingsDigest };
}
