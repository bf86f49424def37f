// The Azure kind's checks, by phase (see KindChecks): what an Azure cluster
// and its VMs need to exist at all, the options they are given, and what
// becomes resources. The checks shared by every kind are in check/.
import { distance } from 'fastest-levenshtein';
import { isAddressOrBlock } from '../../common/cidr';
import { PRIVATE_KEY_SHOWN, holdsPrivateKey } from '../../common/secrets';
import { isToken } from '../../common/tokens';
import { DNS_LABEL_RE, suggestDnsLabel } from '../../check/names';
import type { ProblemList } from '../../check/problems';
import { FLATCAR } from '../../os/flatcar';
import type { AzureVmDefaults } from '../../declare/azure';
import type { ClusterSpec, HostSpec } from '../../declare/network';
import type { CheckContext, KindChecks } from '../kind';
import { DEFAULT_VM_SIZE, NSG_PRIORITIES, NSG_PRIORITY_RANGE, nsgPriorities } from './facts';
import { checkMetrics } from './metrics';
import { isDirect } from './peering';
import { checkClusterSize, checkHostLabel, checkPeeringOptions } from './peering-checks';
import { VM_SIZE_RE, locationProblem, regionName, suggestVmSize } from './regions';
import { isKnownVmSize, nearestVmSizes, vmSizeFeatures } from './vm-sizes';
import { sshPublicKeyProblem } from './ssh-key';

/**
 * Admin user names azurerm 4.x refuses for Linux VMs
 * (`internal/services/compute/validate/linux_admin_username.go`).
 */
export const DISALLOWED_ADMIN_USERS: readonly string[] = [
  'administrator', 'admin', 'user', 'user1', 'test', 'user2', 'test1', 'user3', 'admin1', '1', '123', 'a', 'actuser', 'adm',
  'admin2', 'aspnet', 'backup', 'console', 'david', 'guest', 'john', 'owner', 'root', 'server', 'sql', 'support',
  'support_388945a0', 'sys', 'test2', 'test3', 'user4', 'user5',
];
/** OS disk storage types azurerm 4.x accepts for `azurerm_linux_virtual_machine.os_disk`. */
export const OS_DISK_TYPES = ['Standard_LRS', 'StandardSSD_LRS', 'Premium_LRS', 'StandardSSD_ZRS', 'Premium_ZRS'] as const;
/** Azure availability zones (regions with zones have 1, 2 and 3). */
export const AVAILABILITY_ZONES = ['1', '2', '3'] as const;
/** Tags the library sets on every resource of a cluster; users may add others, not replace these. */
export const LIBRARY_TAGS = ['weave-network', 'weave-cluster'] as const;
const SUBNET_ID_RE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
// A Linux login name the VM agent can create (useradd's default NAME_REGEX), within Azure's 64 characters.
const ADMIN_USER_RE = /^[a-z_][a-z0-9_-]{0,63}$/;

/** The formats an Azure VM can be given: those Flatcar reads from custom data. */
const BOOT_FORMATS: readonly unknown[] = FLATCAR.reads;

/** An Azure cluster needs a provider and a region, fits its egress and subnet, and has a valid, unclaimed DNS label. */
function checkCluster(c: ClusterSpec, { problems, dnsLabels }: CheckContext): void {
  checkClusterSize(c, problems);
  checkProviderAndLocation(c, problems);
  const label = c.dnsLabel;
  if (label !== undefined && !isToken(label)) {
    if (!DNS_LABEL_RE.test(label)) {
      problems.add('dns-label-invalid', c.path, 'dnsLabel', label,
        label.length > 63
          ? `is ${label.length} characters; Azure public IP DNS labels have at most 63 (^[a-z][a-z0-9-]{1,61}[a-z0-9]$)`
          : 'does not match ^[a-z][a-z0-9-]{1,61}[a-z0-9]$ (Azure public IP DNS labels)',
        `use lowercase letters, digits and hyphens, starting with a letter, e.g. "${suggestDnsLabel(label)}"`);
    } else if (!isDirect(c)) {
      // (With direct peering the label only prefixes the VMs' own labels, which they claim.)
      // Labels are unique per region, not globally: the same label in two
      // regions gives two different <label>.<region>.cloudapp.azure.com names.
      const region = c.location && !isToken(c.location) ? regionName(c.location) : '(unknown region)';
      const key = `${label}.${region}`;
      const owner = dnsLabels.get(key);
      if (owner) {
        problems.add('dns-label-duplicate', c.path, 'dnsLabel', label,
          `is already used by ${owner} in ${region}; both clusters would claim ${label}.${region}.cloudapp.azure.com`,
          'give each cluster in a region its own dnsLabel');
      } else {
        dnsLabels.set(key, c.path);
      }
    }
  }
}

/** An Azure cluster (or pool) needs a provider and a region Azure has. */
export function checkProviderAndLocation(c: ClusterSpec, problems: ProblemList): void {
  if (!c.hasProvider) {
    problems.add('azure-no-provider', c.path, 'provider', undefined,
      'is required for an Azure cluster (azurerm 4.x needs one aliased provider per subscription)',
      'pass `provider: new AzurermProvider(stack, "sub1", { alias: "sub1", subscriptionId, features: [{}] })`');
  }
  if (!c.location) {
    problems.add('azure-no-location', c.path, 'location', c.location,
      'is required for an Azure cluster', 'pass a region such as "westeurope"');
  } else if (!isToken(c.location) && !c.locationUnchecked) {
    const bad = locationProblem(c.location);
    if (bad) problems.add('azure-location-invalid', c.path, 'location', c.location, bad.message, bad.fix);
  }
}

/** A VM's size must be shaped like an Azure size name, and be one Azure offers (unless vmSizeUnchecked); a direct-peering VM's DNS label is valid and its own. */
function checkHost(h: HostSpec, c: ClusterSpec, ctx: CheckContext): void {
  checkHostLabel(h, c, ctx);
  checkVmSize(h.path, 'vmSize', h.vmSize, h.options?.vmSizeUnchecked, ctx.problems);
}

/**
 * A size (of a VM, or a pool's instances) shaped like an Azure size name and
 * one Azure offers, unless `unchecked`.
 *
 * @param field - how the option is named in a problem (`vmSize`, `pool.vmSize`)
 */
export function checkVmSize(path: string, field: string, size: string | undefined, unchecked: boolean | undefined, problems: ProblemList): void {
  if (size === undefined || isToken(size)) return;
  const unset = field.replace(/vmSize$/, 'vmSizeUnchecked');
  if (!VM_SIZE_RE.test(size)) {
    const suggestion = suggestVmSize(size);
    problems.add('vm-size-invalid', path, field, size,
      'is not an Azure VM size name (Standard_<family><vCPUs><features>[_<accelerator>][_v<version>])',
      suggestion ? `write "${suggestion}"` : 'use a size such as "Standard_D2s_v5" (az vm list-sizes --location <region> lists them)');
  } else if (!isKnownVmSize(size) && !unchecked) {
    const near = nearestVmSizes(size, distance);
    problems.add('vm-size-unknown', path, field, size,
      'is shaped like an Azure VM size but is not one in the library\'s list of sizes Azure offers',
      `${near.length ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}? ` : ''}\`az vm list-sizes --location <region>\` lists the sizes of a region; for a size newer than the library's list, set ${unset}: true`);
  }
}

/** What the VM's size can do: Accelerated Networking, a Generation 2 image. */
function checkVmSizeFeatures(h: HostSpec, c: ClusterSpec, problems: ProblemList): void {
  const own = h.options?.acceleratedNetworking;
  checkSizeFeatures(h.path, 'vmSize', h.vmSize ?? DEFAULT_VM_SIZE, own ?? c.options?.acceleratedNetworking, own !== undefined ? 'the host' : `its cluster ${c.path}`, problems);
}

/**
 * What a known size can do, for a VM or a pool's instances.
 *
 * @param from - who set acceleratedNetworking, for the message
 */
export function checkSizeFeatures(path: string, field: string, size: string, accelerated: boolean | undefined, from: string, problems: ProblemList): void {
  if (isToken(size) || !isKnownVmSize(size)) return;
  const can = vmSizeFeatures(size);
  if (accelerated === true && !can.acceleratedNetworking) {
    problems.add('accelerated-networking-unsupported', path, 'acceleratedNetworking', true,
      `is set (by ${from}), but ${size} cannot have Accelerated Networking; Azure refuses the NIC`,
      'leave acceleratedNetworking out for this host (acceleratedNetworking: false overrides its cluster\'s), or pick a size that has it, e.g. "Standard_D2s_v5"');
  }
  // Azure's size names mark Arm64 (Ampere, Cobalt) sizes with the feature letter p.
  if (/^Standard_[A-Z]+\d+(?:-\d+)?[a-z]*p[a-z]*(?:_|$)/.test(size)) {
    problems.add('vm-size-arm64', path, field, size,
      'is an Arm64 size (the "p" in its features), and the library boots the x86-64 Flatcar image (flatcar-container-linux-corevm-amd64); Azure refuses the VM',
      `pick the x86-64 size of the same shape, e.g. "${size.replace(/^(Standard_[A-Z]+\d+(?:-\d+)?[a-z]*?)p([a-z]*)/, '$1$2')}"`);
  }
  if (!can.generation2) {
    problems.add('vm-size-generation', path, field, size,
      'boots Generation 1 images only, and the Flatcar image is Generation 2 (flatcar-container-linux-corevm-amd64 <channel>-gen2)',
      'pick a size with Generation 2 support, e.g. "Standard_D2s_v5" or "Standard_B2s_v2"');
  }
}

/** An Azure cluster's own options: nothing of another kind's, a boot format Flatcar reads, a usable SSH source. */
function checkClusterOptions(c: ClusterSpec, ctx: CheckContext): void {
  const { problems } = ctx;
  const given = c.options ?? {};
  ctx.reportForeignOptions('cluster', c.kind, c.path, c.options);
  checkPeeringOptions(c, ctx);
  const format = given.bootFormat;
  if (format !== undefined && !BOOT_FORMATS.includes(format)) {
    problems.add('boot-format-unknown', c.path, 'bootFormat', format,
      'is not a boot format Flatcar on Azure reads', 'use "cloud-config" or "ignition", or leave it out to take the network\'s');
  }
  const cidr = given.sshSourceCidr;
  if (typeof cidr === 'string' && !isToken(cidr) && !isAddressOrBlock(cidr)) {
    problems.add('ssh-source-invalid', c.path, 'sshSourceCidr', cidr,
      'is not an IPv4 address or CIDR block', 'give the range you administer from, e.g. "198.51.100.0/24"');
  } else if (cidr === '0.0.0.0/0') {
    problems.add('ssh-source-open', c.path, 'sshSourceCidr', cidr,
      'opens SSH to the whole internet', 'give the range you administer from, e.g. "198.51.100.0/24"');
  }
  checkMetrics(c.path, given.metrics, problems);
}

/** A VM needs an SSH key azurerm accepts, a Flatcar channel, a disk size in range, and nothing of another kind's. */
function checkHostOptions(h: HostSpec, c: ClusterSpec, ctx: CheckContext): void {
  const { problems } = ctx;
  const p = h.options ?? {};
  const path = h.path;
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
        'give the whole line of an id_ed25519.pub (ssh-keygen -t ed25519; `ssh-keygen -y -f <private key>` prints the public line of a key you have) or of an RSA key of 2048 bits or more, or a variable');
    }
  }
  if (p.flatcarChannel !== undefined && !(FLATCAR.image!.channels as readonly unknown[]).includes(p.flatcarChannel)) {
    problems.add('flatcar-channel-unknown', path, 'flatcarChannel', p.flatcarChannel,
      'is not a Flatcar channel with a no-plan Azure image', `use one of ${FLATCAR.image!.channels.join(', ')}`);
  }
  const disk = p.osDiskSizeGb;
  if (disk !== undefined && (typeof disk !== 'number' || !Number.isInteger(disk) || disk < 30 || disk > 4095)) {
    problems.add('os-disk-size', path, 'osDiskSizeGb', disk,
      'is not a whole number of GB from 30 (the image size) to 4095', 'leave it out or give e.g. 64');
  }
  ctx.reportForeignOptions('host', c.kind, path, h.options);
}

/** Resource options of an Azure cluster (or pool): its VM defaults, where it is placed, its NSG priorities. */
export function checkClusterResources(c: ClusterSpec, { problems }: CheckContext): void {
  const g = c.options ?? {};
  checkVmOptions(c.path, g, problems);
  if (g.resourceGroupName !== undefined && g.existingResourceGroup !== undefined) {
    problems.add('resource-group-conflict', c.path, 'resourceGroupName', g.resourceGroupName,
      'names a group to create, but existingResourceGroup says to use an existing one', 'give one of resourceGroupName and existingResourceGroup');
  }
  const subnet = g.existingSubnet;
  if (typeof subnet === 'string' && !isToken(subnet) && !SUBNET_ID_RE.test(subnet)) {
    problems.add('existing-subnet-invalid', c.path, 'existingSubnet', subnet,
      'is not an Azure subnet resource id',
      'give /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>, or the Subnet / DataAzurermSubnet construct');
  }
  const p = nsgPriorities(g.nsgPriorities);
  const used = new Map<number, string>();
  for (const [rule, priority] of Object.entries(p)) {
    if (rule === 'ssh' && g.sshSourceCidr === undefined) continue;
    if ((rule === 'metrics' || rule === 'metricsDeny') && g.metrics === undefined) continue;
    if (!Number.isInteger(priority) || priority < NSG_PRIORITY_RANGE.min || priority > NSG_PRIORITY_RANGE.max) {
      problems.add('nsg-priority-invalid', c.path, `nsgPriorities.${rule}`, priority,
        `is not a whole number from ${NSG_PRIORITY_RANGE.min} to ${NSG_PRIORITY_RANGE.max} (Azure's range for NSG rules)`,
        `pick a free priority in that range, e.g. ${NSG_PRIORITIES[rule as keyof typeof NSG_PRIORITIES]}`);
      continue;
    }
    const other = used.get(priority);
    if (other) {
      problems.add('nsg-priority-duplicate', c.path, `nsgPriorities.${rule}`, priority,
        `is also the priority of the ${other} rule; Azure allows one rule per priority and direction`,
        'give each of the library\'s rules its own priority');
    }
    used.set(priority, rule);
  }
}

/** A VM's own options over its cluster's, and what its size can do. */
function checkHostResources(h: HostSpec, c: ClusterSpec, { problems }: CheckContext): void {
  checkVmOptions(h.path, h.options ?? {}, problems);
  checkVmSizeFeatures(h, c, problems);
}

/** The VM options a cluster or a host gives (a pool's cluster options too). */
export function checkVmOptions(path: string, g: AzureVmDefaults & { readonly tags?: Record<string, string> }, problems: ProblemList): void {
  const user = g.adminUsername;
  if (user !== undefined && !isToken(user)) {
    if (typeof user !== 'string' || !ADMIN_USER_RE.test(user)) {
      problems.add('admin-user-invalid', path, 'adminUsername', user,
        'is not a Linux login name of 1-64 lowercase letters, digits, "_" and "-", starting with a letter or "_"', 'use e.g. "core" (the default) or "ops"');
    } else if (DISALLOWED_ADMIN_USERS.includes(user)) {
      problems.add('admin-user-invalid', path, 'adminUsername', user, 'is one of the admin names Azure refuses for Linux VMs',
        'use e.g. "core" (the default) or "ops"');
    }
  }
  const zone = g.availabilityZone;
  if (zone !== undefined && !isToken(zone) && !(AVAILABILITY_ZONES as readonly unknown[]).includes(zone)) {
    problems.add('availability-zone-invalid', path, 'availabilityZone', zone, 'is not an Azure availability zone',
      `use one of ${AVAILABILITY_ZONES.map((z) => `"${z}"`).join(', ')} (as a string), in a region that has zones`);
  }
  const disk = g.osDiskType;
  if (disk !== undefined && !isToken(disk) && !(OS_DISK_TYPES as readonly unknown[]).includes(disk)) {
    problems.add('os-disk-type-unknown', path, 'osDiskType', disk, 'is not an OS disk storage type azurerm accepts',
      `use one of ${OS_DISK_TYPES.join(', ')}`);
  }
  const tags = g.tags;
  if (tags !== undefined && tags !== null && typeof tags === 'object') {
    for (const key of LIBRARY_TAGS) {
      if (key in tags) {
        problems.add('tags-reserved', path, `tags.${key}`, (tags as Record<string, unknown>)[key],
          'is a tag the library sets on every resource (and finds its resources by)', `remove ${key} from tags; your other tags are merged with the library's`);
      }
    }
  }
}

/**
 * How a bad SSH key shows in a problem line: the start of a public key line
 * (not secret), but never a private key, nor text that is not a key line at
 * all (it could be anything, a secret included).
 */
const shortKey = (key: string): string => {
  if (holdsPrivateKey(key)) return PRIVATE_KEY_SHOWN;
  if (!/^\s*(ssh-|ecdsa-|sk-)/.test(key)) return `(${key.length} characters, not an SSH public key line)`;
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
};

/** Azure's limit on custom data, checked per VM once its document is rendered. */
export function reportCustomDataSize(path: string, bytes: number, weaveBytes: number, hasExpressions: boolean, problems: ProblemList, limit: number): void {
  const user = bytes - weaveBytes;
  problems.add('custom-data-too-large', path, 'customData', `${bytes} bytes`,
    `exceeds Azure's custom data limit of ${limit} bytes (Weave's part ${weaveBytes} bytes, your files and units ${user} bytes${hasExpressions ? ', plus what Terraform fills in' : ''})`,
    user > 0
      ? `cut ${bytes - limit} bytes: move large files out of the boot config (e.g. download them in a unit at boot) or put them only on the hosts that need them`
      : 'shorten wantedBy and other lists that are copied into every unit, or split the boot config');
}

/** The Azure kind's checks. */
export const AZURE_CHECKS: KindChecks = {
  cluster: checkCluster,
  host: checkHost,
  clusterOptions: checkClusterOptions,
  hostOptions: checkHostOptions,
  clusterResources: checkClusterResources,
  hostResources: checkHostResources,
};
