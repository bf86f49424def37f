// Checks on the ordinary Azure VM and placement options (admin user, zone,
// disk type, tags, NSG priorities, existing resource group / subnet). They
// judge what the user wrote (`given`), like the other option checks.
import { NSG_PRIORITIES } from './defaults';
import { ProblemList } from './check/problems';
import { isToken } from './common/tokens';
import type { ClusterSpec, NetworkSpec } from './spec';

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
/** Azure's range for NSG rule priorities. */
export const NSG_PRIORITY_RANGE = { min: 100, max: 4096 } as const;
const SUBNET_ID_RE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;
// A Linux login name the VM agent can create (useradd's default NAME_REGEX), within Azure's 64 characters.
const ADMIN_USER_RE = /^[a-z_][a-z0-9_-]{0,63}$/;

/** The NSG rule priorities a cluster uses: its own where given, else the defaults. */
export function nsgPriorities(given: unknown): Record<keyof typeof NSG_PRIORITIES, number> {
  const g = (typeof given === 'object' && given !== null ? given : {}) as Partial<Record<keyof typeof NSG_PRIORITIES, number>>;
  return {
    weaveTcp: g.weaveTcp ?? NSG_PRIORITIES.weaveTcp,
    weaveUdp: g.weaveUdp ?? NSG_PRIORITIES.weaveUdp,
    weaveEsp: g.weaveEsp ?? NSG_PRIORITIES.weaveEsp,
    ssh: g.ssh ?? NSG_PRIORITIES.ssh,
  };
}

/** Checks the Azure options of every Azure cluster and host. */
export function validateAzureOptions(spec: NetworkSpec, problems: ProblemList): void {
  for (const c of spec.clusters) {
    if (c.kind !== 'azure') continue;
    validateCluster(c, problems);
    for (const h of c.hosts) validateVmOptions(h.path, h.given ?? {}, problems);
  }
}

function validateCluster(c: ClusterSpec, problems: ProblemList): void {
  const g = c.given ?? {};
  validateVmOptions(c.path, g, problems);
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

function validateVmOptions(path: string, g: Readonly<Record<string, unknown>>, problems: ProblemList): void {
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
