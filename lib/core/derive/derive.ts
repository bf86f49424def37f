// The pure pipeline, in one pass from a declared network to everything each
// host needs: every check, the plan, and each host's boot document, built
// (Weave's part, the user's content, the Key Vault adaptation) and rendered
// in its kind's format for its kind's OS. The constructs call this once and
// only turn the result into Terraform objects; callers without cdktf get the
// same documents.
import { createHash } from 'node:crypto';
import type { BootDocument, SecretContent } from '../boot/document';
import { withKeyVaultFetch, withoutSharedEnvFile, KEY_VAULT_SLOT_ALLOWANCE } from '../boot/key-vault';
import { IDENTITY_CLIENT_ID_SLOT, KEY_VAULT_URL_SLOT } from '../boot/slots';
import { poolBootDocument } from '../boot/pool';
import { MergedUserContent, userContentResolver, withUserContent } from '../boot/user-content';
import { registryLoginOf } from '../boot/registry';
import { renderUserData, sharedEnvContent, weaveBootDocument } from '../boot/weave';
import { checkUserUnitsForFormat } from '../check/content';
import { movedAnchorWarnings } from '../allocation/anchors';
import { Problem, ProblemList } from '../check/problems';
import { MAX_PASSWORD_LENGTH } from '../defaults';
import { kindDriver } from '../kinds';
import type { KindDriver } from '../kinds/kind';
import { PlanOptions, planNetwork } from '../plan/plan';
import type { HostPlan, NetworkPlan } from '../plan/plan';
import type { PoolPlan } from '../plan/pool';
import { RenderedBoot, knownSize, renderBoot } from '../render';
import type { BootFormat, HostEnvSource, NetworkSpec } from '../declare/network';
import { cloudConfigByName } from './templates';

/** Everything derived for one host. */
export interface DerivedHost {
  /** What the planner decided for the host. */
  readonly plan: HostPlan;
  /** Format of {@link boot}: its kind's (the cluster's boot format for Azure VMs, `script` for dedicated servers). */
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
   * cluster and host) and of its cluster's own launch flags, for
   * first-boot-only hosts' replacement trigger. A host whose cluster has no
   * flags of its own keeps the digest of its content alone.
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

/** Everything derived for a pool: the one document all its instances boot. */
export interface DerivedPool {
  /** What every instance shares. */
  readonly plan: PoolPlan;
  /** Format of {@link boot}: the pool's, else the network's boot format. */
  readonly format: BootFormat;
  /** The instances' boot document, their custom data. */
  readonly boot: RenderedBoot;
  /** Digest of the pool's merged user content (network and pool levels). */
  readonly userContentDigest: string;
  /** Bytes of the decoded document known at synth, as for a VM. */
  readonly knownBytes: number;
}

/** A content digest with the cluster's own launch flags folded in, when it has any. */
function ownDigest(content: string, flags: readonly string[]): string {
  return flags.length === 0 ? content : createHash('sha256').update(JSON.stringify([content, flags])).digest('hex');
}

/**
 * What one cluster needs beyond its hosts' documents (its plan is the
 * plan's cluster of the same index).
 */
export interface DerivedCluster {
  /** Boot format of the cluster's hosts: its kind's (the cluster's or the network's for Azure VMs, `script` for dedicated servers). */
  readonly format: BootFormat;
  /** Indexes (into {@link DerivedNetwork.clusters}) of the other clusters whose egress addresses its firewall (an Azure NSG) admits. */
  readonly peerClusters: readonly number[];
  /** Other hosts' addresses its firewall admits (dedicated servers'). */
  readonly peerAddresses: readonly string[];
  /**
   * A pool's document and plan.
   * @default - none: the cluster's hosts are declared
   */
  readonly pool?: DerivedPool;
}

/** The result of {@link deriveNetwork}. */
export interface DerivedNetwork {
  /** The plan the documents were rendered from. */
  readonly plan: NetworkPlan;
  /** One entry per host, in global declaration order. */
  readonly hosts: readonly DerivedHost[];
  /** One entry per cluster, in declaration order. */
  readonly clusters: readonly DerivedCluster[];
  /** The shared env file around the password; every secret slot of every document stands for it. */
  readonly sharedEnv: SecretContent;
  /**
   * Digest of the network-wide settings a first-boot-only (Ignition) host
   * cannot pick up later; a change must replace those hosts. Per-host values
   * that change when the network grows are left out.
   */
  readonly settingsDigest: string;
  /**
   * What the synth goes on with but the user must act on, each with a fix:
   * e.g. Ignition hosts that keep dialing a removed anchor until replaced.
   */
  readonly warnings: readonly Problem[];
}

/** Options of {@link deriveNetwork}: the planner's, and how warnings name resources. */
export interface DeriveOptions extends PlanOptions {
  /**
   * The Terraform address of a host's VM, by the host's construct path, for
   * warnings that ask for a VM to be replaced.
   * @default - such warnings name the hosts only
   */
  readonly hostAddress?: (hostPath: string) => string | undefined;
}

/**
 * Checks, plans and renders a whole network at once: the pipeline the
 * constructs run, for callers who want the boot documents without cdktf.
 * Throws a {@link WeaveConfigError} listing every problem found.
 *
 * @param spec - the declared network
 * @param options - the network's allocation record, if any (see {@link PlanOptions}), and how warnings name VMs
 */
export function deriveNetwork(spec: NetworkSpec, options: DeriveOptions = {}): DerivedNetwork {
  const problems = new ProblemList();
  // planNetwork runs every check on the declaration and those that need the
  // plan; what needs rendered documents is checked below.
  const plan = planNetwork(spec, { ...options, checkResources: true });
  // Every kind is known here: an unknown one stops the plan.
  const drivers: KindDriver[] = spec.clusters.map((c) => kindDriver(c.kind)!);

  const clusters: DerivedCluster[] = spec.clusters.map((c, i) => {
    const sources = spec.clusters.flatMap((o, j) => (j === i ? [] : drivers[j].wiring.peerSources(o, j)));
    return {
      format: drivers[i].boot.format(c, spec),
      peerClusters: sources.flatMap((s) => ('egressOf' in s ? [s.egressOf] : [])),
      peerAddresses: sources.flatMap((s) => ('address' in s ? [s.address] : [])),
    };
  });

  // Key Vault mode: no document carries the password file. Hosts that fetch
  // it get the fetch unit (the slots become the vault's URI and the
  // identity's client id); the others get it from a separate provisioner step.
  const shared = sharedEnvContent(plan);
  const kv = spec.keyVault;
  const fetching = (boot: BootDocument): BootDocument => !kv ? boot
    : withKeyVaultFetch(boot, shared, { vaultUrl: KEY_VAULT_URL_SLOT, secretName: kv.secretName, clientId: IDENTITY_CLIENT_ID_SLOT });
  const adapt = (driver: KindDriver, boot: BootDocument): BootDocument =>
    !kv ? boot : driver.boot.keyVault === 'fetch' ? fetching(boot) : withoutSharedEnvFile(boot);
  // Users' files and units, merged network → cluster → host; hosts without
  // their own share their cluster's object, so cloud-config renders once per cluster.
  const resolveContent = userContentResolver(spec);
  const contents = plan.hosts.map((hp) => resolveContent(hp.clusterIndex, spec.clusters[hp.clusterIndex].hosts[hp.indexInCluster]));
  const contentFor = (hp: HostPlan): MergedUserContent | undefined => contents[hp.index];
  const templates = new Map<KindDriver, [(hp: HostPlan) => RenderedBoot, (hp: HostPlan) => RenderedBoot]>();
  const templatesOf = (driver: KindDriver) => {
    let t = templates.get(driver);
    if (!t) templates.set(driver, t = [cloudConfigByName(plan, contentFor, fetching, driver.os), cloudConfigByName(plan, undefined, fetching, driver.os)]);
    return t;
  };
  const startChecks = new Set<string>();
  const hosts = plan.hosts.map((hp): DerivedHost => {
    const driver = drivers[hp.clusterIndex];
    const format = clusters[hp.clusterIndex].format;
    const source: HostEnvSource = driver.boot.hostEnvSource(format);
    const content = contentFor(hp);
    const cluster = spec.clusters[hp.clusterIndex];
    checkUserUnitsForFormat(cluster.hosts[hp.indexInCluster], cluster, content, format, problems, startChecks);
    const render = (c: MergedUserContent | undefined) => (source === 'azure-imds'
      ? templatesOf(driver)[c ? 0 : 1](hp)
      : renderBoot(withUserContent(adapt(driver, weaveBootDocument(plan, hp, { hostEnvSource: source, os: driver.os })), c), format, driver.os));
    const boot = render(content);
    let knownBytes: number | undefined;
    const limit = driver.boot.sizeLimit;
    if (limit) {
      knownBytes = knownSize(boot, MAX_PASSWORD_LENGTH) + (kv && driver.boot.keyVault === 'fetch' ? KEY_VAULT_SLOT_ALLOWANCE
        // An Azure Container Registry login names the identity's client id (a GUID) in its unit.
        : registryLoginOf(spec, hp) === 'identity' ? 36 - IDENTITY_CLIENT_ID_SLOT.length : 0);
      if (knownBytes > limit.bytes) {
        // Rendered again only on this error path: the split tells the user whose bytes to cut.
        const weave = content ? knownSize(render(undefined), MAX_PASSWORD_LENGTH) : knownBytes;
        limit.report(hp.path, knownBytes, weave, !!content?.files.some((f) => f.expression), problems);
      }
    }
    return {
      plan: hp,
      format,
      boot,
      userData: source === 'azure-imds' ? Buffer.from(renderUserData(hp), 'utf8').toString('base64') : undefined,
      userContentDigest: ownDigest(content?.digest ?? NO_USER_CONTENT, plan.clusters[hp.clusterIndex].launchArgs),
      ...(knownBytes !== undefined ? { knownBytes } : {}),
    };
  });
  // Pools: one document per pool, built from its plan, with the pool's
  // content (network and pool levels) and the Key Vault adaptation.
  plan.pools.forEach((pp) => {
    const i = pp.clusterIndex;
    const driver = drivers[i];
    const c = spec.clusters[i];
    const format = clusters[i].format;
    const content = resolveContent(i, { path: c.path, name: c.name });
    checkUserUnitsForFormat({ path: c.path, name: c.name }, c, content, format, problems, startChecks);
    const render = (mc: MergedUserContent | undefined) =>
      renderBoot(withUserContent(adapt(driver, poolBootDocument(plan, pp, driver.os)), mc), format, driver.os);
    const boot = render(content);
    const knownBytes = knownSize(boot, MAX_PASSWORD_LENGTH) + (kv && driver.boot.keyVault === 'fetch' ? KEY_VAULT_SLOT_ALLOWANCE : 0);
    const limit = driver.boot.sizeLimit;
    if (limit && knownBytes > limit.bytes) {
      const weave = content ? knownSize(render(undefined), MAX_PASSWORD_LENGTH) : knownBytes;
      limit.report(c.path, knownBytes, weave, !!content?.files.some((f) => f.expression), problems);
    }
    clusters[i] = { ...clusters[i], pool: { plan: pp, format, boot, userContentDigest: content?.digest ?? NO_USER_CONTENT, knownBytes } };
  });
  problems.throwIfAny();

  const settingsDigest = createHash('sha256')
    // Key Vault mode adds what first-boot-only hosts fetch with: the secret's
    // name; a registry, how they log in. Each only when set, so the digest of
    // a network without them stays what earlier releases computed.
    .update(JSON.stringify([plan.commonLaunchArgs, plan.sharedEnv, spec.release, spec.wantedBy, ...(kv ? [kv.secretName] : []),
      ...(spec.registry ? [{ registry: spec.clusters.map((c) => registryLoginOf(spec, c)) }] : [])]))
    .digest('hex');
  const warnings = movedAnchorWarnings(spec.clusters, plan.allocation.changes, clusters.map((c) => c.format === 'ignition'), options.hostAddress);
  return { plan, hosts, clusters, sharedEnv: shared, settingsDigest, warnings };
}
