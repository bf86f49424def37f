// Every check on a declared network, run from one entry point,
// validateDeclaration. Each check adds a Problem with the construct path, the
// value and the fix; the planner raises them all at once. Checks that need a
// plan (allocation pins against the record, reachability of the chosen
// peers) run where that plan is made, in allocation.ts and peers.ts; checks
// that need the construct tree (network names, provider aliases, NSG rules
// of the user's) take plain data here or in the constructs' nsg-check.
import * as ipaddr from 'ipaddr.js';
import { VM_SIZE_RE, isAzureRegion, nearestRegion, regionName, suggestVmSize } from './azure';
import { validateAzureOptions } from './azure-options';
import { Cidr, isAddressOrBlock, isCidr, overlaps, parseCidr, usableHosts } from './common/cidr';
import { validateKeyVault } from './key-vault';
import { validateUserContent } from './user-content';
import { sshPublicKeyProblem } from './ssh-key';
import { FLATCAR_CHANNELS, MAX_AZURE_CLUSTER_HOSTS, OUTBOUND_PORTS_PER_HOST } from './defaults';
import { ProblemList } from './check/problems';
import { isToken } from './common/tokens';
import type { ClusterSpec, HostSpec, NetworkSpec } from './spec';

export { regionName } from './azure';

/** Azure's rule for a public IP's DNS label. */
export const DNS_LABEL_RE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const HOST_LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SHA256_RE = /^[0-9a-f]{64}$/;
/**
 * A release version that is also a valid Docker image tag (the version is the
 * `weave` and `weaveexec` image tag): `X.Y.Z` with an optional `-suffix`.
 * Docker tags are `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`, so semver build
 * metadata (`+x`) is refused; the length cap is the tag's.
 */
const VERSION_RE = /^(?=.{1,128}$)\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
/** Login names as shadow-utils' useradd accepts them by default: `[a-z_][a-z0-9_-]*`, at most 32 characters (useradd(8)). */
const LINUX_USER_RE = /^[a-z_][a-z0-9_-]{0,31}$/;
const DOCKERHUB_USER_RE = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const UNIT_NAME_RE = /^[A-Za-z0-9:_.\\@-]+\.(target|service)$/;
const DOMAIN_RE = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+$/;


/** Azure Linux computer names are at most 64 characters; keep one for a trailing dot-free FQDN label. */
export const MAX_HOST_NAME = 63;

const isHostName = (name: string) =>
  name.length > 0 && name.length <= MAX_HOST_NAME && name.split('.').every((l) => HOST_LABEL_RE.test(l)) && !/^\d+$/.test(name);

/**
 * A cleaned-up host name close to `name`: lowercase, other characters turned
 * into hyphens, empty labels dropped, at most 63 characters. `undefined`
 * when nothing valid and different comes out.
 */
function suggestHostName(name: string): string | undefined {
  let s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .split('.')
    .map((l) => l.replace(/^-+|-+$/g, ''))
    .filter(Boolean)
    .join('.')
    .slice(0, MAX_HOST_NAME)
    .replace(/[-.]+$/, '');
  if (/^\d+$/.test(s)) s = `host-${s}`.slice(0, MAX_HOST_NAME);
  return isHostName(s) && s !== name ? s : undefined;
}

export function hostNameProblem(name: string): { message: string; fix: string } | undefined {
  if (isHostName(name)) return undefined;
  const suggestion = suggestHostName(name);
  const fix = suggestion ? `use a name such as "${suggestion}"` : 'use lowercase letters, digits and hyphens, e.g. "azure-prd-01"';
  if (name.length === 0) return { message: 'is empty', fix };
  if (name.length > MAX_HOST_NAME) {
    return { message: `is ${name.length} characters; Azure Linux computer names and DNS labels allow at most ${MAX_HOST_NAME}`, fix };
  }
  if (/^\d+$/.test(name)) return { message: 'is all digits, which Azure refuses as a VM name', fix };
  return {
    message: 'is not a valid host name (lowercase letters, digits and inner hyphens, dot-separated; no "_", no leading or trailing "-" or ".")',
    fix,
  };
}

/**
 * A valid DNS label close to `label`: lowercase, other characters turned
 * into hyphens, starting with a letter, at most 63 characters; never the
 * label itself.
 */
export function suggestDnsLabel(label: string): string {
  let s = label
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (s.length > 0 && s.length < 3) s = `${s}-01`;
  return DNS_LABEL_RE.test(s) && s !== label ? s : 'weave-cluster-01';
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
        : 'is not a release version X.Y.Z (optionally -suffix) that is also a valid Docker image tag: letters, digits, "_", "." and "-", no "+", at most 128 characters',
      /^\d+\.\d+\.\d+\+/.test(r.version) ? `pin the release without build metadata, e.g. "${r.version.replace(/\+.*$/, '')}"` : 'pin a release, e.g. "2.9.0"',
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
      } else if (!isToken(c.location) && !c.locationUnchecked && !isAzureRegion(c.location)) {
        const near = nearestRegion(c.location);
        problems.add('azure-location-invalid', c.path, 'location', c.location,
          'is not an Azure public-cloud region (programmatic names such as "westeurope" and display names such as "West Europe" are accepted)',
          `${near ? `did you mean "${near}"? ` : 'use a region such as "westeurope" or "East US 2"; '}for a region opened after this library's list was made, set locationUnchecked`);
      }
      const label = c.dnsLabel;
      if (label !== undefined && !isToken(label)) {
        if (!DNS_LABEL_RE.test(label)) {
          problems.add('dns-label-invalid', c.path, 'dnsLabel', label,
            label.length > 63
              ? `is ${label.length} characters; Azure public IP DNS labels have at most 63 (^[a-z][a-z0-9-]{1,61}[a-z0-9]$)`
              : 'does not match ^[a-z][a-z0-9-]{1,61}[a-z0-9]$ (Azure public IP DNS labels)',
            `use lowercase letters, digits and hyphens, starting with a letter, e.g. "${suggestDnsLabel(label)}"`);
        } else {
          // Labels are unique per region, not globally: the same label in two
          // regions gives two different <label>.<region>.cloudapp.azure.com names.
          const region = c.location && !isToken(c.location) ? regionName(c.location) : '(unknown region)';
          const key = `${label}.${region}`;
          const owner = labelOwners.get(key);
          if (owner) {
            problems.add('dns-label-duplicate', c.path, 'dnsLabel', label,
              `is already used by ${owner} in ${region}; both clusters would claim ${label}.${region}.cloudapp.azure.com`,
              'give each cluster in a region its own dnsLabel');
          } else {
            labelOwners.set(key, c.path);
          }
        }
      }
    }
    for (const h of c.hosts) {
      // Every check below runs for every host, so one synth reports all of a
      // host's problems, not just its first.
      const bad = hostNameProblem(h.name);
      if (bad) {
        problems.add('host-name-invalid', h.path, 'hostName', h.name, bad.message, bad.fix);
      } else {
        const owner = hostOwners.get(h.name);
        if (owner) {
          problems.add('host-name-duplicate', h.path, 'hostName', h.name,
            `is already used by ${owner}; peers dial hosts by name and env files are named after them`,
            'give every host in the network its own name');
        } else {
          hostOwners.set(h.name, h.path);
        }
      }
      if (c.kind === 'dedicated') validateDedicatedHost(h, problems);
      if (c.kind === 'azure' && h.vmSize !== undefined && !isToken(h.vmSize) && !VM_SIZE_RE.test(h.vmSize)) {
        const suggestion = suggestVmSize(h.vmSize);
        problems.add('vm-size-invalid', h.path, 'vmSize', h.vmSize,
          'is not an Azure VM size name (Standard_<family><vCPUs><features>[_<accelerator>][_v<version>])',
          suggestion ? `write "${suggestion}"` : 'use a size such as "Standard_D2s_v5" (az vm list-sizes --location <region> lists them)');
      }
    }
  }
}

/** Boot formats an Azure VM can be given. */
export const AZURE_BOOT_FORMATS = ['cloud-config', 'ignition'] as const;
const AZURE_ONLY_CLUSTER_OPTIONS = [
  'provider', 'location', 'locationUnchecked', 'dnsLabel', 'vnetCidr', 'sshSourceCidr', 'resourceGroupName', 'bootFormat',
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
  const hasAzure = spec.clusters.some((c) => c.kind === 'azure');
  for (const c of spec.clusters) {
    validateClusterOptions(c, problems);
    for (const h of c.hosts) validateHostOptions(c, h, hasAzure, problems);
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

function validateHostOptions(c: ClusterSpec, h: HostSpec, hasAzure: boolean, problems: ProblemList): void {
  const p = h.given ?? {};
  const path = h.path;
  if (c.kind === 'azure') {
    if (!h.hasSshPublicKey) {
      problems.add('azure-no-ssh-key', path, 'sshPublicKey', undefined,
        'is required: Flatcar VMs allow key login only', 'set sshPublicKey on the host, its cluster or the network (a variable works)');
    }
    const key = h.sshPublicKey;
    // One line per distinct bad key: a network-wide key is shared by every VM.
    if (key !== undefined && !isToken(key) && !problems.items.some((x) => x.code === 'ssh-key-invalid' && x.value === shortKey(key))) {
      const why = sshPublicKeyProblem(key);
      if (why) {
        problems.add('ssh-key-invalid', h.path, 'sshPublicKey', shortKey(key), why,
          'give the whole line of an id_ed25519.pub (ssh-keygen -t ed25519) or of an RSA key of 2048 bits or more, or a variable');
      }
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
    const misplaced = (['ssh', 'publicAddress', 'dialAddress'] as const).find((k) => p[k] !== undefined);
    if (misplaced) {
      problems.add('azure-dedicated-option', path, misplaced, p[misplaced],
        'only applies to hosts in dedicated clusters', 'remove it; Azure hosts are reached through the cluster load balancer');
    }
  } else if (c.kind === 'dedicated') {
    for (const key of VM_ONLY_HOST_OPTIONS) {
      if (p[key] !== undefined) {
        problems.add('dedicated-vm-option', path, key, p[key], 'only applies to Azure VMs', `remove ${key}`);
      }
    }
    // Only Azure clusters' NSGs need it as an address.
    const addr = nsgAddress(h);
    if (hasAzure && addr !== undefined && !isToken(addr) && !isAddressOrBlock(addr)) {
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

function validateDedicatedHost(h: HostSpec, problems: ProblemList): void {
  if (!h.sshHost) {
    problems.add('dedicated-no-ssh', h.path, 'ssh.host', h.sshHost,
      'is required: a dedicated host is provisioned over SSH', 'pass `ssh: { host: "203.0.113.10", user: "core" }` (a variable works too)');
  } else if (!isToken(h.sshHost)) {
    const bad = sshHostProblem(h.sshHost);
    if (bad) problems.add('ssh-host-invalid', h.path, 'ssh.host', h.sshHost, bad.message, bad.fix);
  }
  if (h.sshUser !== undefined && !isToken(h.sshUser) && !LINUX_USER_RE.test(h.sshUser)) {
    const cleaned = h.sshUser.toLowerCase().replace(/[^a-z0-9_-]+/g, '').replace(/^[^a-z_]+/, '').slice(0, 32);
    problems.add('ssh-user-invalid', h.path, 'ssh.user', h.sshUser,
      'is not a Linux user name (a lowercase letter or "_", then lowercase letters, digits, "_" or "-"; at most 32 characters)',
      cleaned && cleaned !== h.sshUser ? `write "${cleaned}"` : 'use the login on the server, e.g. "core"');
  }
}

/** What is wrong with an SSH address (Terraform's connection `host`), or `undefined` when it is one. */
function sshHostProblem(host: string): { message: string; fix: string } | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(host) || ipaddr.IPv6.isValid(host)) return undefined;
  const slash = /^([^/]+)\/(\d{1,3})$/.exec(host);
  if (slash && (ipaddr.IPv4.isValidFourPartDecimal(slash[1]) || ipaddr.IPv6.isValid(slash[1]))) {
    return {
      message: 'is a CIDR block; SSH connects to one address',
      fix: `write "${slash[1]}" (a range the NSGs should admit belongs in publicAddress)`,
    };
  }
  const at = host.lastIndexOf('@');
  if (at > 0) {
    return { message: 'carries a user name', fix: `write "${host.slice(at + 1)}" and put "${host.slice(0, at)}" in ssh.user` };
  }
  const port = /^(.+):(\d+)$/.exec(host);
  if (port) return { message: 'carries a port', fix: `write "${port[1]}" and put ${port[2]} in ssh.port` };
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length <= 253 && name.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l)) && !/^[\d.]+$/.test(name)) {
    return undefined;
  }
  return {
    message: 'is neither an IP address nor a host name',
    fix: 'give the server\'s address, e.g. "203.0.113.10", or a name your machine resolves, e.g. "ded-1.example.com"',
  };
}

/**
 * The address Azure NSGs admit for a dedicated host: its `publicAddress`,
 * else its `dialAddress` when that is an IPv4 address, else `ssh.host`.
 */
export function nsgAddress(h: HostSpec): string | undefined {
  if (h.publicAddress !== undefined) return h.publicAddress;
  if (h.dialAddress !== undefined && ipaddr.IPv4.isValidFourPartDecimal(h.dialAddress)) return h.dialAddress;
  return h.sshHost;
}

/** One network of a stack, by the Terraform names it derives from its id. */
export interface NetworkNames {
  /** Construct path of the network. */
  readonly path: string;
  /** Path of the stack it is in. */
  readonly stack: string;
  /** Its construct id, which names its topology files. */
  readonly id: string;
  /** The stem of its password variable (`<stem>_password`): the id with every character but letters, digits and `_` made `_`. */
  readonly tfStem: string;
}

/**
 * Two networks of one stack must not derive the same Terraform names: they
 * would silently share one password variable, one env local, one consensus
 * output and one topology file.
 */
export function validateNetworkNames(networks: readonly NetworkNames[], problems: ProblemList): void {
  const seen = new Map<string, NetworkNames>();
  for (const n of networks) {
    for (const key of [`${n.stack}\u0000${n.tfStem}`, `${n.stack}\u0000file:${n.id}`]) {
      const first = seen.get(key);
      if (first && first !== n) {
        problems.add('network-name-collision', n.path, 'id', n.id,
          `derives the same Terraform names as ${first.path} in the same stack (variable ${n.tfStem}_password, local ${n.tfStem}_shared_env_b64, output ${n.tfStem}_consensus, files ${n.id}.topology.*), so both networks would share one password and one set of settings`,
          `give each WeaveNetwork of a stack an id that differs after "-" and "." become "_", e.g. "${n.tfStem}-2"`);
        break;
      }
      seen.set(key, n);
    }
  }
}

/** An azurerm provider of a stack that holds a network. */
export interface ProviderAlias {
  /** Construct path of the provider. */
  readonly path: string;
  /** Path of the stack it is in. */
  readonly stack: string;
  /** Its alias; `undefined` for the default provider. */
  readonly alias?: string;
}

/**
 * Terraform allows one azurerm provider per alias in a module; a second one
 * with the same alias is rejected at `terraform init`, long after synth.
 */
export function validateProviderAliases(providers: readonly ProviderAlias[], problems: ProblemList): void {
  const seen = new Map<string, string>();
  for (const p of providers) {
    const key = `${p.stack}\u0000${p.alias ?? ''}`;
    const first = seen.get(key);
    if (first) {
      problems.add('provider-alias-duplicate', p.path, 'alias', p.alias,
        `is already the alias of ${first}; Terraform allows one azurerm provider per alias`,
        'give each subscription\'s AzurermProvider its own alias, e.g. "sub1", "sub2", and pass each to its clusters');
    } else {
      seen.set(key, p.path);
    }
  }
}

const shortKey = (key: string): string => (key.length > 40 ? `${key.slice(0, 40)}…` : key);

/**
 * A range setting parsed, or a problem added for it.
 * @internal
 */
export function checkedRange(spec: NetworkSpec, field: string, text: string, problems: ProblemList): Cidr | undefined {
  const r = parseCidr(text);
  if (isCidr(r)) {
    if (usableHosts(r) === 0) {
      problems.add('range-too-small', spec.path, field, text, 'leaves no usable host addresses',
        'use a prefix of /30 or shorter (a /16 is usual)');
      return undefined;
    }
    return r;
  }
  problems.add(
    r.suggestion ? 'range-host-bits' : 'range-invalid',
    spec.path,
    field,
    text,
    r.reason,
    r.suggestion ? `write ${r.suggestion}` : 'write a block such as 10.2.0.0/16',
  );
  return undefined;
}

/** What {@link validateDeclaration} checks besides the wiring. */
export interface DeclarationCheckOptions {
  /**
   * A record exists, so host counts may differ from what was bootstrapped.
   * @default false
   */
  readonly recorded?: boolean;
  /**
   * Also check what the constructs turn into resources and boot content:
   * options per kind of host, VM and placement options, users' files and
   * units, Key Vault settings. A plan made by hand for its boot configs
   * alone skips them.
   * @default false
   */
  readonly resources?: boolean;
}

/** The ranges as parsed, when valid: the planner goes on from them. */
export interface DeclaredRanges {
  /** Weave's IPAM range. */
  readonly ipalloc?: Cidr;
  /** The hosts' bridge range. */
  readonly bridge?: Cidr;
}

/**
 * Runs every check on the declaration itself: settings, names, ranges and
 * VNets, options per kind of cluster and host, Azure placement and VM
 * options, users' files and units, and the Key Vault settings.
 */
export function validateDeclaration(spec: NetworkSpec, problems: ProblemList, options: DeclarationCheckOptions = {}): DeclaredRanges {
  validateSettings(spec, problems, options);
  validateNames(spec, problems);
  if (options.resources) {
    validateOptions(spec, problems);
    validateUserContent(spec, problems);
    validateKeyVault(spec, problems);
  }
  const ipalloc = checkedRange(spec, 'ipallocRange', spec.ipallocRange, problems);
  const bridge = checkedRange(spec, 'bridgeRange', spec.bridgeRange, problems);
  if (ipalloc && bridge && overlaps(ipalloc, bridge)) {
    problems.add('ranges-overlap', spec.path, 'bridgeRange', spec.bridgeRange,
      `overlaps ipallocRange ${ipalloc.text}; host bridge addresses would collide with container addresses`,
      'choose disjoint blocks, e.g. ipallocRange 10.2.0.0/16 and bridgeRange 10.1.0.0/16');
  }
  for (const c of spec.clusters) {
    if (c.vnetCidr === undefined || isToken(c.vnetCidr)) continue;
    const vnet = parseCidr(c.vnetCidr);
    if (!isCidr(vnet)) {
      problems.add('vnet-cidr-invalid', c.path, 'vnetCidr', c.vnetCidr, vnet.reason,
        vnet.suggestion ? `write ${vnet.suggestion}` : 'give an IPv4 block such as 172.16.1.0/24');
      continue;
    }
    for (const [field, r] of [['ipallocRange', ipalloc], ['bridgeRange', bridge]] as const) {
      if (r && overlaps(vnet, r)) {
        problems.add('vnet-overlap', c.path, 'vnetCidr', c.vnetCidr,
          `overlaps the network's ${field} ${r.text}; routes to containers or bridges would shadow the VNet`,
          `pick a VNet block outside ${r.text}, e.g. 172.16.1.0/24`);
      }
    }
  }
  return { ipalloc, bridge };
}

/** Azure's limit on custom data, checked per VM once its document is rendered. */
export function validateCustomDataSize(path: string, bytes: number, weaveBytes: number, limit: number, hasExpressions: boolean, problems: ProblemList): void {
  if (bytes <= limit) return;
  const user = bytes - weaveBytes;
  problems.add('custom-data-too-large', path, 'customData', `${bytes} bytes`,
    `exceeds Azure's custom data limit of ${limit} bytes (Weave's part ${weaveBytes} bytes, your files and units ${user} bytes${hasExpressions ? ', plus what Terraform fills in' : ''})`,
    user > 0
      ? `cut ${bytes - limit} bytes: move large files out of the boot config (e.g. download them in a unit at boot) or put them only on the hosts that need them`
      : 'shorten wantedBy and other lists that are copied into every unit, or split the boot config');
}
