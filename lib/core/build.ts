// One pass from a declared network to everything each host needs: checks,
// plan, and the rendered boot document per host in its own format. The
// constructs call this once and only turn the result into Terraform objects.
import { createHash } from 'node:crypto';
import { BootConfig, HostEnvSource, SecretContent, buildBootConfig, renderUserData, sharedEnvContent } from './boot';
import { CUSTOM_DATA_LIMIT, MAX_PASSWORD_LENGTH } from './defaults';
import { ClusterKind, HostPlan, NetworkPlan, NetworkSpec } from './model';
import { planNetwork } from './plan';
import { ProblemList, WeaveConfigError } from './problems';
import { BootFormat, RenderedBoot, cloudConfigByName, filledSize, renderBoot } from './render';
import { validateOptions } from './validate';
import { validateKeyVault } from './key-vault';
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
 */
export function buildNetwork(spec: NetworkSpec): NetworkBuild {
  const problems = new ProblemList();
  validateOptions(spec, problems);
  validateKeyVault(spec, problems);
  let plan: NetworkPlan;
  try {
    plan = planNetwork(spec);
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
      j !== i && o.kind === 'dedicated' ? o.hosts.flatMap((h) => (h.publicAddress ? [h.publicAddress] : [])) : []),
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
  const cloudConfigFor = cloudConfigByName(plan, fetching);
  const hosts = plan.hosts.map((hp): HostBuild => {
    const format = clusters[hp.clusterIndex].format;
    const source: HostEnvSource = format === 'cloud-config' ? 'azure-imds' : 'file';
    const boot = source === 'azure-imds'
      ? cloudConfigFor(hp)
      : renderBoot(adapt(hp, buildBootConfig(plan, hp, { hostEnvSource: source })), format);
    if (hp.kind === 'azure') {
      const bytes = filledSize(boot, MAX_PASSWORD_LENGTH) + (kv ? KEY_VAULT_SLOT_ALLOWANCE : 0);
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
    // Key Vault mode adds what first-boot-only hosts fetch with: the secret's name.
    .update(JSON.stringify([plan.commonLaunchArgs, plan.sharedEnv, spec.release, spec.wantedBy, ...(kv ? [kv.secretName] : [])]))
    .digest('hex');
  return { plan, hosts, clusters, sharedEnv: shared, settingsDigest };
}
