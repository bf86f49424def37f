// Checks on settings and names that do not need address math. Each check adds
// a Problem with the construct path, the value and the fix; the planner raises
// them all at once.
import { NetworkSpec } from './model';
import { ProblemList } from './problems';
import { isToken } from './tokens';

/** Azure's rule for a public IP's DNS label. */
export const DNS_LABEL_RE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const HOST_LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
const VERSION_RE = /^\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;
const DOCKERHUB_USER_RE = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const UNIT_NAME_RE = /^[A-Za-z0-9:_.\\@-]+\.(target|service)$/;
const DOMAIN_RE = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+$/;

/**
 * Azure's short region name (`West Europe` → `westeurope`), as used in
 * `<label>.<region>.cloudapp.azure.com`.
 *
 * @param location - a region as given by the user
 * @returns the lowercase name without spaces
 */
export function regionName(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

/** SNAT ports the load balancer's outbound rule gives each VM. */
export const OUTBOUND_PORTS_PER_HOST = 1024;
/** VMs one outbound frontend IP (64,000 ports) can serve at that allocation. */
export const MAX_AZURE_CLUSTER_HOSTS = Math.floor(64000 / OUTBOUND_PORTS_PER_HOST);

/** Azure Linux computer names are at most 64 characters; keep one for a trailing dot-free FQDN label. */
export const MAX_HOST_NAME = 63;

export function hostNameProblem(name: string): { message: string; fix: string } | undefined {
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_HOST_NAME);
  const fix = suggestion && suggestion !== name ? `use a name such as "${suggestion}"` : 'use lowercase letters, digits and hyphens, e.g. "azure-prd-01"';
  if (name.length === 0) return { message: 'is empty', fix };
  if (name.length > MAX_HOST_NAME) {
    return { message: `is ${name.length} characters; Azure Linux computer names and DNS labels allow at most ${MAX_HOST_NAME}`, fix };
  }
  const labels = name.split('.');
  if (!labels.every((l) => HOST_LABEL_RE.test(l))) {
    return {
      message: 'is not a valid host name (lowercase letters, digits and inner hyphens, dot-separated; no "_", no leading or trailing "-" or ".")',
      fix,
    };
  }
  if (/^\d+$/.test(name)) return { message: 'is all digits, which Azure refuses as a VM name', fix: 'add a letter, e.g. "host-' + name + '"' };
  return undefined;
}

/**
 * Checks on the network's own settings.
 * @param options - `recorded`: an allocation record decides the bootstrap
 *   count, so `bootstrapSize` is compared with it instead of with the host
 *   count (hosts may have been removed since bootstrap)
 */
export function validateSettings(spec: NetworkSpec, problems: ProblemList, options: { recorded?: boolean } = {}): void {
  const r = spec.release;
  const path = spec.path;
  if (r.version === 'latest' || !VERSION_RE.test(r.version)) {
    problems.add(
      r.version === 'latest' ? 'version-latest' : 'version-invalid',
      path, 'release.version', r.version,
      r.version === 'latest'
        ? 'is not a pinned version; hosts booted on different days would run different releases'
        : 'is not a release version of the form X.Y.Z',
      'pin a release, e.g. "2.9.0"',
    );
  }
  if (r.sha256 !== undefined && !SHA256_RE.test(r.sha256)) {
    problems.add('sha256-invalid', path, 'release.sha256', r.sha256,
      'is not 64 lowercase hex digits',
      'give the output of `sha256sum weave` for the pinned script, or leave sha256 out');
  }
  if (!/^https:\/\/[^\s'"\\$%]+$/.test(r.scriptUrl)) {
    problems.add('script-url-invalid', path, 'release.scriptUrl', r.scriptUrl,
      'is not an https URL without quotes, spaces, "$" or "%"',
      'use e.g. https://github.com/rajch/weave/releases/download/v2.9.0/weave');
  } else if (/\/latest(\/|$)|latest_release/.test(r.scriptUrl)) {
    problems.add('script-url-latest', path, 'release.scriptUrl', r.scriptUrl,
      'follows a moving "latest" release', 'point at a versioned release asset, e.g. .../download/v2.9.0/weave');
  }
  if (!DOCKERHUB_USER_RE.test(r.imageOwner)) {
    problems.add('image-owner-invalid', path, 'release.imageOwner', r.imageOwner,
      'is not a Docker Hub account name', 'use e.g. "rajchaudhuri"');
  }
  if (spec.dnsDomain !== false && !DOMAIN_RE.test(spec.dnsDomain)) {
    problems.add('dns-domain-invalid', path, 'dnsDomain', spec.dnsDomain,
      'is not a lowercase domain ending in "."', 'use e.g. "weave.local."');
  }
  if (spec.wantedBy.length === 0) {
    problems.add('wanted-by-empty', path, 'wantedBy', [],
      'is empty, so nothing would ever start weave-network.target', 'leave it out (multi-user.target) or name the targets that should pull Weave in');
  }
  for (const unit of spec.wantedBy) {
    if (!UNIT_NAME_RE.test(unit)) {
      problems.add('wanted-by-invalid', path, 'wantedBy', unit,
        'is not a systemd target or service name', 'use names such as "multi-user.target" or "kubernetes.node.target"');
    }
  }
  const hostCount = spec.clusters.reduce((n, c) => n + c.hosts.length, 0);
  if (hostCount === 0) {
    problems.add('network-empty', path, 'clusters', spec.clusters.map((c) => c.name),
      'declare no hosts, so there is no mesh to build', 'add a WeaveCluster with at least one WeaveHost');
  }
  const b = spec.bootstrapSize;
  if (b !== undefined && (!Number.isInteger(b) || b < 1 || (!options.recorded && hostCount > 0 && b > hostCount))) {
    problems.add('bootstrap-size', path, 'bootstrapSize', b,
      `must be a whole number from 1 to the host count (${hostCount}); every bootstrap peer waits for that many peers before handing out addresses`,
      hostCount > 0 ? `set it to ${Math.min(Math.max(1, Math.trunc(b) || 1), hostCount)} or leave it out to use all ${hostCount} hosts` : 'declare hosts first');
  }
}

export function validateNames(spec: NetworkSpec, problems: ProblemList): void {
  const hostOwners = new Map<string, string>();
  const labelOwners = new Map<string, string>();
  for (const c of spec.clusters) {
    if (c.hosts.length === 0) {
      problems.add('cluster-empty', c.path, 'hosts', [],
        'is empty; a cluster without hosts has nobody for later clusters to dial', 'add a WeaveHost to the cluster or remove it');
    }
    if (c.kind === 'azure') {
      if (c.hosts.length > MAX_AZURE_CLUSTER_HOSTS) {
        problems.add('cluster-too-large', c.path, 'hosts', `${c.hosts.length} hosts`,
          `exceeds ${MAX_AZURE_CLUSTER_HOSTS}: the cluster's one outbound IP has 64,000 SNAT ports and each VM is given ${OUTBOUND_PORTS_PER_HOST}`,
          `split the hosts over several clusters of at most ${MAX_AZURE_CLUSTER_HOSTS}`);
      }
      if (!c.hasProvider) {
        problems.add('azure-no-provider', c.path, 'provider', undefined,
          'is required for an Azure cluster (azurerm 4.x needs one aliased provider per subscription)',
          'pass `provider: new AzurermProvider(stack, "sub1", { alias: "sub1", subscriptionId, features: [{}] })`');
      }
      if (!c.location) {
        problems.add('azure-no-location', c.path, 'location', c.location,
          'is required for an Azure cluster', 'pass a region such as "westeurope"');
      } else if (!isToken(c.location) && !/^[a-z0-9]+$/.test(regionName(c.location))) {
        problems.add('azure-location-invalid', c.path, 'location', c.location,
          'is not an Azure region name', 'use a region such as "westeurope" or "East US 2"');
      }
      const label = c.dnsLabel;
      if (label !== undefined && !isToken(label)) {
        if (!DNS_LABEL_RE.test(label)) {
          problems.add('dns-label-invalid', c.path, 'dnsLabel', label,
            'does not match ^[a-z][a-z0-9-]{1,61}[a-z0-9]$ (Azure public IP DNS labels)',
            `use lowercase letters, digits and hyphens, starting with a letter, e.g. "${label.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+|-+$/g, '') || 'weave-cluster-01'}"`);
        } else {
          const owner = labelOwners.get(label);
          if (owner) {
            problems.add('dns-label-duplicate', c.path, 'dnsLabel', label,
              `is already used by ${owner}; both clusters would claim the same cloudapp.azure.com name`, 'give each cluster its own dnsLabel');
          } else {
            labelOwners.set(label, c.path);
          }
        }
      }
    }
    for (const h of c.hosts) {
      const bad = hostNameProblem(h.name);
      if (bad) {
        problems.add('host-name-invalid', h.path, 'hostName', h.name, bad.message, bad.fix);
        continue;
      }
      const owner = hostOwners.get(h.name);
      if (owner) {
        problems.add('host-name-duplicate', h.path, 'hostName', h.name,
          `is already used by ${owner}; peers dial hosts by name and env files are named after them`,
          'give every host in the network its own name');
      } else {
        hostOwners.set(h.name, h.path);
      }
      if (c.kind === 'dedicated' && !h.sshHost) {
        problems.add('dedicated-no-ssh', h.path, 'ssh.host', h.sshHost,
          'is required: a dedicated host is provisioned over SSH', 'pass `ssh: { host: "203.0.113.10", user: "core" }` (a variable works too)');
      }
    }
  }
}
