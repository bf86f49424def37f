// Checks on settings and names that do not need address math. Each check adds
// a Problem with the construct path, the value and the fix; the planner raises
// them all at once.
import { validateAzureOptions } from './azure-options';
import { isAddressOrBlock } from './cidr';
import { FLATCAR_CHANNELS, MAX_AZURE_CLUSTER_HOSTS, OUTBOUND_PORTS_PER_HOST } from './defaults';
import { ClusterSpec, HostSpec, NetworkSpec } from './model';
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

export function validateSettings(spec: NetworkSpec, problems: ProblemList): void {
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
  if (b !== undefined && (!Number.isInteger(b) || b < 1 || (hostCount > 0 && b > hostCount))) {
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

/** Boot formats an Azure VM can be given. */
export const AZURE_BOOT_FORMATS = ['cloud-config', 'ignition'] as const;
const AZURE_ONLY_CLUSTER_OPTIONS = [
  'provider', 'location', 'dnsLabel', 'vnetCidr', 'sshSourceCidr', 'resourceGroupName', 'bootFormat',
  // Placement in existing Azure networks and VM defaults (lib/core/azure-options.ts).
  'existingResourceGroup', 'existingSubnet', 'existingSecurityGroup', 'nsgPriorities',
  'adminUsername', 'availabilityZone', 'acceleratedNetworking', 'osDiskType', 'tags',
] as const;
const VM_ONLY_HOST_OPTIONS = [
  'vmSize', 'sshPublicKey', 'osDiskType', 'osDiskSizeGb', 'flatcarChannel', 'imageVersion',
  'adminUsername', 'availabilityZone', 'acceleratedNetworking', 'tags',
] as const;

/**
 * Checks on options that only make sense for one kind of cluster or host,
 * and on the values of those options. They judge what the user wrote
 * (`given`), so a misplaced option is reported even where it has no effect.
 */
export function validateOptions(spec: NetworkSpec, problems: ProblemList): void {
  if (spec.bootFormat !== undefined && !(AZURE_BOOT_FORMATS as readonly string[]).includes(spec.bootFormat)) {
    problems.add('boot-format-unknown', spec.path, 'bootFormat', spec.bootFormat,
      'is not a boot format Flatcar on Azure reads', 'use "cloud-config" (the default) or "ignition"');
  }
  for (const c of spec.clusters) {
    validateClusterOptions(c, problems);
    for (const h of c.hosts) validateHostOptions(c, h, problems);
  }
  validateAzureOptions(spec, problems);
}

function validateClusterOptions(c: ClusterSpec, problems: ProblemList): void {
  const given = c.given ?? {};
  if (c.kind !== 'azure' && c.kind !== 'dedicated') {
    problems.add('cluster-kind-unknown', c.path, 'kind', c.kind, 'is not a cluster kind', 'use "azure" or "dedicated"');
    return;
  }
  if (c.kind === 'dedicated') {
    for (const key of AZURE_ONLY_CLUSTER_OPTIONS) {
      if (given[key] !== undefined) {
        problems.add('dedicated-azure-option', c.path, key, key === 'provider' ? '(provider)' : given[key],
          'only applies to Azure clusters', `remove ${key}, or set kind: "azure"`);
      }
    }
  } else {
    if (given.dnsName !== undefined) {
      problems.add('azure-dns-name', c.path, 'dnsName', given.dnsName,
        'is derived from dnsLabel and location for Azure clusters', 'remove dnsName and set dnsLabel instead');
    }
    const format = given.bootFormat;
    if (format !== undefined && !(AZURE_BOOT_FORMATS as readonly unknown[]).includes(format)) {
      problems.add('boot-format-unknown', c.path, 'bootFormat', format,
        'is not a boot format Flatcar on Azure reads', 'use "cloud-config" or "ignition", or leave it out to take the network\'s');
    }
  }
  const cidr = given.sshSourceCidr;
  if (typeof cidr === 'string' && !isToken(cidr) && !isAddressOrBlock(cidr)) {
    problems.add('ssh-source-invalid', c.path, 'sshSourceCidr', cidr,
      'is not an IPv4 address or CIDR block', 'give the range you administer from, e.g. "198.51.100.0/24"');
  } else if (cidr === '0.0.0.0/0') {
    problems.add('ssh-source-open', c.path, 'sshSourceCidr', cidr,
      'opens SSH to the whole internet', 'give the range you administer from, e.g. "198.51.100.0/24"');
  }
}

function validateHostOptions(c: ClusterSpec, h: HostSpec, problems: ProblemList): void {
  const p = h.given ?? {};
  const path = h.path;
  if (c.kind === 'azure') {
    if (!h.hasSshPublicKey) {
      problems.add('azure-no-ssh-key', path, 'sshPublicKey', undefined,
        'is required: Flatcar VMs allow key login only', 'set sshPublicKey on the host, its cluster or the network (a variable works)');
    }
    if (p.flatcarChannel !== undefined && !(FLATCAR_CHANNELS as readonly unknown[]).includes(p.flatcarChannel)) {
      problems.add('flatcar-channel-unknown', path, 'flatcarChannel', p.flatcarChannel,
        'is not a Flatcar channel with a no-plan Azure image', `use one of ${FLATCAR_CHANNELS.join(', ')}`);
    }
    const disk = p.osDiskSizeGb;
    if (disk !== undefined && (typeof disk !== 'number' || !Number.isInteger(disk) || disk < 30 || disk > 4095)) {
      problems.add('os-disk-size', path, 'osDiskSizeGb', disk,
        'is not a whole number of GB from 30 (the image size) to 4095', 'leave it out or give e.g. 64');
    }
    if (p.ssh !== undefined || p.publicAddress !== undefined) {
      problems.add('azure-dedicated-option', path, p.ssh !== undefined ? 'ssh' : 'publicAddress', p.ssh ?? p.publicAddress,
        'only applies to hosts in dedicated clusters', 'remove it; Azure hosts are reached through the cluster load balancer');
    }
  } else if (c.kind === 'dedicated') {
    for (const key of VM_ONLY_HOST_OPTIONS) {
      if (p[key] !== undefined) {
        problems.add('dedicated-vm-option', path, key, p[key], 'only applies to Azure VMs', `remove ${key}`);
      }
    }
    const addr = h.publicAddress;
    if (addr !== undefined && !isToken(addr) && !isAddressOrBlock(addr)) {
      problems.add('public-address-invalid', path, 'publicAddress', addr,
        'is not an IPv4 address or CIDR block, which Azure NSG rules need',
        'set publicAddress to the server\'s public IPv4 address (ssh.host may stay a name)');
    }
    const port = (p.ssh as { port?: unknown } | undefined)?.port;
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      problems.add('ssh-port-invalid', path, 'ssh.port', port, 'is not a TCP port', 'use 22 or the port your server listens on');
    }
  }
}
