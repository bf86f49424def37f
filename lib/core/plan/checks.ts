// Every check on a declared network, in one pass and in a fixed order: the
// network's settings; each cluster and host (their names, then their kind's
// own checks); with the resource checks, what becomes resources and boot
// content (each kind's options and resources, users' files and units, Key
// Vault); and Weave's ranges. The checks themselves live by subject in
// check/ and with their kind in kinds/; this module only runs them. Checks
// that need the plan (allocation pins against the record, reachability of
// the chosen peers) run where that plan is made.
import { checkUserContent } from '../check/content';
import { checkKeyVault } from '../check/key-vault';
import { checkImages } from '../check/images';
import { checkHostName } from '../check/names';
import type { ProblemList } from '../check/problems';
import { DeclaredRanges, checkRanges } from '../check/ranges';
import { checkRouterOptions } from '../check/router';
import { checkSettings } from '../check/settings';
import { KINDS, kindDriver } from '../kinds';
import { locationProblem } from '../kinds/azure/regions';
import type { CheckContext, GivenOption } from '../kinds/kind';
import type { NetworkSpec } from '../declare/network';

/** What {@link checkDeclaration} checks besides the wiring. */
export interface DeclarationCheckOptions {
  /**
   * A record exists, so host counts may differ from what was bootstrapped.
   * @default false
   */
  readonly recorded?: boolean;
  /**
   * Also check what the constructs turn into resources and boot content:
   * each kind's options and resources, users' files and units, Key Vault
   * settings. A plan made by hand for its boot configs alone skips them.
   * @default false
   */
  readonly resources?: boolean;
}

/**
 * Runs every check on the declaration itself, adding to `problems`.
 * @returns the ranges as parsed, when valid
 */
export function checkDeclaration(spec: NetworkSpec, problems: ProblemList, options: DeclarationCheckOptions = {}): DeclaredRanges {
  const drivers = spec.clusters.map((c) => kindDriver(c.kind));
  // Pools' instances join as observers: a network needs declared hosts to
  // bootstrap the IPAM consensus, which a network of pools alone never has.
  const onlyPools = spec.clusters.length > 0 && drivers.every((d) => d?.pool !== undefined);
  checkSettings(spec, problems, { ...options, onlyPools });
  checkImages(spec, problems);
  if (onlyPools) {
    problems.add('pool-only-network', spec.path, 'clusters', spec.clusters.map((c) => c.name),
      'are all pools, whose instances join as observers and never bootstrap the IPAM consensus, so nobody could ever hand out addresses',
      'declare a cluster of hosts (kind "azure" or "dedicated") with at least one WeaveHost; the pools join it');
  }
  const ctx = checkContext(spec, problems);
  // The mesh's size counts every pool at its max (ClusterPlan.maxHosts).
  const peers = spec.clusters.reduce((n, c, i) => n + (drivers[i]?.pool?.size(c)?.max ?? c.hosts.length), 0);
  checkRouterOptions(spec, problems, [...new Set(drivers.flatMap((d) => (d?.wiring.pathMtu === undefined ? [] : [d.wiring.pathMtu])))], peers);

  const hostOwners = new Map<string, string>();
  spec.clusters.forEach((c, i) => {
    // A pool declares no hosts: its instances come and go.
    if (c.hosts.length === 0 && !drivers[i]?.pool) {
      problems.add('cluster-empty', c.path, 'hosts', [],
        'is empty; a cluster without hosts has nobody for later clusters to dial', 'add a WeaveHost to the cluster or remove it');
    }
    const d = drivers[i];
    if (!d) {
      problems.add('cluster-kind-unknown', c.path, 'kind', c.kind, 'is not a cluster kind', `use ${Object.keys(KINDS).map((k) => `"${k}"`).join(' or ')}`);
    }
    d?.checks.cluster?.(c, ctx);
    for (const h of c.hosts) {
      // Every check runs for every host, so one synth reports all of a
      // host's problems, not just its first.
      checkHostName(h, hostOwners, problems);
      d?.checks.host?.(h, c, ctx);
    }
  });

  if (options.resources) {
    const formats = [...new Set(Object.values(KINDS).flatMap((k) => k.os.reads))];
    if (spec.bootFormat !== undefined && !(formats as string[]).includes(spec.bootFormat)) {
      problems.add('boot-format-unknown', spec.path, 'bootFormat', spec.bootFormat,
        'is not a boot format Flatcar on Azure reads', `use ${formats.map((f, k) => `"${f}"${k === 0 ? ' (the default)' : ''}`).join(' or ')}`);
    }
    // Options first for every cluster and host, then what becomes resources.
    spec.clusters.forEach((c, i) => {
      drivers[i]?.checks.clusterOptions?.(c, ctx);
      for (const h of c.hosts) drivers[i]?.checks.hostOptions?.(h, c, ctx);
    });
    spec.clusters.forEach((c, i) => {
      drivers[i]?.checks.clusterResources?.(c, ctx);
      for (const h of c.hosts) drivers[i]?.checks.hostResources?.(h, c, ctx);
    });
    checkUserContent(spec, problems, (c) => kindDriver(c.kind)?.os);
    checkKeyVault(spec, problems, locationProblem);
  }
  return checkRanges(spec, problems);
}

/** The shared context of one pass of every kind's checks. */
function checkContext(spec: NetworkSpec, problems: ProblemList): CheckContext {
  return {
    spec,
    problems,
    dnsLabels: new Map(),
    firewalled: spec.clusters.some((c) => kindDriver(c.kind)?.wiring.firewall),
    reportForeignOptions(level, kind, path, given) {
      if (!given) return;
      const own = kindDriver(kind)?.options[level].keys ?? {};
      // Kinds share some options (a pool takes an Azure cluster's location):
      // a misplaced one is reported once, by the first kind that owns it.
      const reported = new Set<string>();
      for (const owner of Object.values(KINDS)) {
        if (owner.kind === kind) continue;
        const table = owner.options[level];
        const misplaced: GivenOption[] = [];
        for (const [key, report] of Object.entries(table.keys)) {
          const value = (given as Record<string, unknown>)[key];
          if (report === false || value === undefined || key in own || reported.has(key)) continue;
          reported.add(key);
          misplaced.push({ key, value: typeof report === 'function' ? report(value) : value });
        }
        if (misplaced.length) table.misplaced(misplaced, path, problems);
      }
    },
  };
}
