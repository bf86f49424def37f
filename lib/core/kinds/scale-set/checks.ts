// The scale-set kind's checks, by phase (see KindChecks): a pool needs what
// an Azure cluster needs (a provider, a region, placement options Azure
// accepts), a size within its subnet and its load balancer's egress, and
// options a scale set can carry out; it declares no hosts and never
// bootstraps. The Azure checks it shares are the Azure kind's.
import { isCidr, parseCidr } from '../../common/cidr';
import { isToken } from '../../common/tokens';
import { hostNameProblem } from '../../check/names';
import type { ProblemList } from '../../check/problems';
import type { ClusterSpec } from '../../declare/network';
import type { WeavePoolOptions } from '../../declare/scale-set';
import { FLATCAR } from '../../os/flatcar';
import { AVAILABILITY_ZONES, checkClusterResources as checkAzurePlacement, checkProviderAndLocation, checkSizeFeatures, checkVmSize } from '../azure/checks';
import { DEFAULT_VM_SIZE, MAX_AZURE_CLUSTER_HOSTS, OUTBOUND_PORTS_PER_HOST } from '../azure/facts';
import { sshPublicKeyProblem } from '../azure/ssh-key';
import type { CheckContext, KindChecks } from '../kind';
import {
  LEAVE_TIMEOUT_SECONDS, MAX_POOL_NAME_LENGTH, PREEMPT_NOTICE_SECONDS, SMALLEST_SUBNET_PREFIX, SUBNET_RESERVED,
  TERMINATION_NOTICE_MINUTES, UPGRADE_BATCH_PERCENT,
} from './facts';
import { poolHostNamePattern, poolSubnet } from './wiring';

const isWhole = (n: unknown, min: number, max = Number.MAX_SAFE_INTEGER): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
const isNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Counts, host names, subnet and egress: what the plan needs of a pool. */
function checkCluster(c: ClusterSpec, ctx: CheckContext): void {
  const { problems, spec } = ctx;
  const pool = c.options?.pool;
  checkProviderAndLocation(c, problems);
  if (c.hosts.length > 0) {
    problems.add('pool-host-declared', c.hosts[0].path, 'hosts', c.hosts.map((h) => h.name),
      'are declared in a pool, whose instances the scale set creates and deletes itself',
      'remove the WeaveHosts from the pool (size it with pool.min and pool.max), or move them to a cluster of kind "azure"');
  }
  if (c.bootstrapHosts !== undefined) {
    problems.add('pool-bootstrap-hosts', c.path, 'bootstrapHosts', c.bootstrapHosts,
      'is set on a pool, whose instances always join as observers and never bootstrap the IPAM consensus', 'remove bootstrapHosts from the pool');
  }
  const name = hostNameProblem(c.name);
  if (name || c.name.includes('.') || c.name.length > MAX_POOL_NAME_LENGTH) {
    problems.add('pool-name-invalid', c.path, 'name', c.name,
      `is not usable as the scale set's computer name prefix: instance host names are the prefix plus six characters, and must be lowercase letters, digits and inner hyphens of at most 63 characters (a prefix of at most ${MAX_POOL_NAME_LENGTH})`,
      'give the pool construct an id such as "workers"');
  }
  if (!pool) {
    problems.add('pool-size-missing', c.path, 'pool', undefined, 'is required for a cluster of kind "scale-set"',
      'pass `pool: { min: 2, max: 20 }` (and optionally initial, vmSize, autoscale, spot, zones)');
    return;
  }
  const size = checkSize(c, pool, problems);
  const subnet = poolSubnet(c);
  if (subnet === undefined) {
    problems.add('pool-subnet-unknown', c.path, 'vnetCidr', c.vnetCidr,
      `must be ${c.options?.existingSubnet !== undefined ? 'the existing subnet\'s range' : 'the pool\'s subnet'} as a literal block: it sizes the bridge block each instance derives its address in`,
      c.options?.existingSubnet !== undefined ? 'set vnetCidr to the range of existingSubnet, e.g. "172.16.2.0/24"' : 'give vnetCidr as a literal block, e.g. "172.16.2.0/24"');
  } else if (isCidr(subnet)) {
    const bridge = parseCidr(spec.bridgeRange);
    const most = isCidr(bridge) ? bridge.prefix + 1 : 1;
    if (subnet.prefix > SMALLEST_SUBNET_PREFIX || subnet.prefix < most) {
      problems.add('pool-subnet-size', c.path, 'vnetCidr', c.vnetCidr,
        subnet.prefix > SMALLEST_SUBNET_PREFIX
          ? `is a /${subnet.prefix}; Azure's smallest subnet is a /${SMALLEST_SUBNET_PREFIX}`
          : `is a /${subnet.prefix}; the pool's bridge block is as large as its subnet and must fit in the bridge range ${spec.bridgeRange} beside the hosts' addresses`,
        `give the pool a subnet from /${Math.min(SMALLEST_SUBNET_PREFIX, Math.max(most, 24))} to /${SMALLEST_SUBNET_PREFIX}${most > 24 ? ', or a larger bridgeRange' : ', e.g. a /24'}`);
    } else if (size && size.max > subnet.size - SUBNET_RESERVED) {
      problems.add('pool-subnet-too-small', c.path, 'pool.max', size.max,
        `exceeds the ${subnet.size - SUBNET_RESERVED} instance addresses of the pool's subnet ${subnet.text} (Azure keeps five addresses of every subnet)`,
        `lower pool.max to ${subnet.size - SUBNET_RESERVED}, or give the pool a larger subnet (vnetCidr)`);
    }
  }
  // Static host names that look like the pool's instances' would make the
  // instances' own reclaim step take a static host's ranges.
  const like = poolHostNamePattern(c.name);
  for (const other of spec.clusters) {
    for (const h of other.hosts) {
      if (like.test(h.name)) {
        problems.add('pool-host-name-clash', h.path, 'hostName', h.name,
          `has the form of pool ${c.name}'s instance names (${c.name} plus six characters), and an instance of that name takes over the address ranges its predecessors left behind`,
          `rename the host, or the pool`);
      }
    }
  }
  const vnet = pool.sharesVnetWith;
  if (vnet !== undefined) {
    const target = spec.clusters.find((o) => o.name === vnet);
    if (!target) {
      problems.add('pool-vnet-cluster-unknown', c.path, 'pool.sharesVnetWith', vnet, 'is not a cluster of this network',
        `name an Azure cluster declared in the network (${spec.clusters.filter((o) => o !== c && o.hosts.length > 0).map((o) => `"${o.name}"`).join(', ') || 'none yet'})`);
    } else if (target.kind !== 'azure' || target.hosts.length === 0) {
      // Only an Azure cluster has VMs in a VNet; a pool has none to dial by name, a dedicated cluster no VNet.
      problems.add('pool-vnet-cluster-kind', c.path, 'pool.sharesVnetWith', vnet,
        target.kind === c.kind ? 'is a pool, which has no VMs to dial by name' : 'is not an Azure cluster with hosts, whose VM names the instances could resolve',
        'name a cluster of kind "azure", or leave sharesVnetWith out');
    }
    if (c.options?.existingSubnet === undefined) {
      problems.add('pool-vnet-needs-subnet', c.path, 'pool.sharesVnetWith', vnet,
        `needs existingSubnet: only a subnet in ${vnet}'s VNet puts the instances where its VM names resolve`,
        `set existingSubnet to a subnet of ${vnet}'s VNet (and vnetCidr to its range), or leave sharesVnetWith out`);
    }
  }
}

/** min ≤ initial ≤ max, within the load balancer's egress. */
function checkSize(c: ClusterSpec, pool: WeavePoolOptions, problems: ProblemList): { min: number; max: number } | undefined {
  const { min, max, initial } = pool;
  const fix = 'give whole numbers with 0 <= min <= initial <= max and max >= 1, e.g. { min: 2, max: 20 }';
  if (!isWhole(min, 0)) {
    problems.add('pool-size-invalid', c.path, 'pool.min', min, 'is not a whole number of 0 or more', fix);
    return undefined;
  }
  if (!isWhole(max, Math.max(1, min))) {
    problems.add('pool-size-invalid', c.path, 'pool.max', max, `is not a whole number of at least ${Math.max(1, min)} (pool.min, and one instance)`, fix);
    return undefined;
  }
  if (initial !== undefined && !isWhole(initial, min, max)) {
    problems.add('pool-size-invalid', c.path, 'pool.initial', initial, `is not a whole number from pool.min (${min}) to pool.max (${max})`, fix);
  }
  if (max > MAX_AZURE_CLUSTER_HOSTS) {
    problems.add('pool-too-large', c.path, 'pool.max', max,
      `exceeds ${MAX_AZURE_CLUSTER_HOSTS}: the pool's one outbound IP has 64,000 SNAT ports and each instance is given ${OUTBOUND_PORTS_PER_HOST}`,
      `lower pool.max to ${MAX_AZURE_CLUSTER_HOSTS}, or split the instances over several pools`);
  }
  return { min, max };
}

/** Options a scale set can carry out, and nothing of another kind's. */
function checkClusterOptions(c: ClusterSpec, ctx: CheckContext): void {
  const { problems } = ctx;
  ctx.reportForeignOptions('cluster', c.kind, c.path, c.options);
  const g = c.options ?? {};
  const unsupported: [keyof typeof g, string][] = [
    ['dnsLabel', 'a pool has no DNS name: nobody dials it, its instances dial out'],
    ['sshSourceCidr', 'a pool opens no SSH from outside: reach its instances from a VM of the same VNet or with `az vmss run-command invoke`'],
    ['availabilityZone', 'a pool spreads its instances over pool.zones'],
    ['metrics', 'a pool\'s instances are not known at synth, so there are no scrape targets to list or admit'],
    ['peering', 'nobody dials a pool; its instances dial out through its own load balancer'],
    ['natGateway', 'a pool\'s instances leave through its own load balancer (1,024 SNAT ports each, so at most 62 instances; declare several pools for more)'],
    ['trustVnet', 'a pool\'s instances launch with the network\'s flags only (no --trusted-subnets), so VMs of a trusting cluster still encrypt to them'],
  ];
  for (const [key, why] of unsupported) {
    if (g[key] !== undefined) {
      problems.add('pool-option-unsupported', c.path, key, g[key], `has no effect on a pool: ${why}`,
        key === 'availabilityZone' ? 'use pool.zones, e.g. ["1", "2", "3"]' : `remove ${key}`);
    }
  }
  if (g.bootFormat !== undefined && !(FLATCAR.reads as readonly unknown[]).includes(g.bootFormat)) {
    problems.add('boot-format-unknown', c.path, 'bootFormat', g.bootFormat,
      'is not a boot format Flatcar on Azure reads', 'use "cloud-config" or "ignition", or leave it out to take the network\'s');
  }
  if (!c.sshPublicKey) {
    problems.add('azure-no-ssh-key', c.path, 'sshPublicKey', undefined,
      'is required: Flatcar instances allow key login only', 'set sshPublicKey on the pool or the network (a variable works)');
  } else if (!isToken(c.sshPublicKey)) {
    const why = sshPublicKeyProblem(c.sshPublicKey);
    const key = c.sshPublicKey.length > 40 ? `${c.sshPublicKey.slice(0, 40)}…` : c.sshPublicKey;
    if (why && !problems.items.some((x) => x.code === 'ssh-key-invalid' && x.value === key)) {
      problems.add('ssh-key-invalid', c.path, 'sshPublicKey', key, why,
        'give the whole line of an id_ed25519.pub (ssh-keygen -t ed25519) or of an RSA key of 2048 bits or more, or a variable');
    }
  }
  const pool = g.pool;
  if (pool) checkPoolOptions(c.path, pool, problems);
  if (pool) checkSizeFeatures(c.path, 'pool.vmSize', pool.vmSize ?? DEFAULT_VM_SIZE, g.acceleratedNetworking, `the pool ${c.path}`, problems);
}

/** The scale set's own settings. */
function checkPoolOptions(path: string, p: WeavePoolOptions, problems: ProblemList): void {
  checkVmSize(path, 'pool.vmSize', p.vmSize, p.vmSizeUnchecked, problems);
  if (p.flatcarChannel !== undefined && !(FLATCAR.image!.channels as readonly unknown[]).includes(p.flatcarChannel)) {
    problems.add('flatcar-channel-unknown', path, 'pool.flatcarChannel', p.flatcarChannel,
      'is not a Flatcar channel with a no-plan Azure image', `use one of ${FLATCAR.image!.channels.join(', ')}`);
  }
  if (p.osDiskSizeGb !== undefined && !isWhole(p.osDiskSizeGb, 30, 4095)) {
    problems.add('os-disk-size', path, 'pool.osDiskSizeGb', p.osDiskSizeGb, 'is not a whole number of GB from 30 (the image size) to 4095', 'leave it out or give e.g. 64');
  }
  const zones = p.zones;
  if (zones !== undefined) {
    const bad = zones.filter((z) => !isToken(z) && !(AVAILABILITY_ZONES as readonly unknown[]).includes(z));
    if (bad.length > 0 || zones.length === 0 || new Set(zones).size !== zones.length) {
      problems.add('pool-zones-invalid', path, 'pool.zones', zones,
        bad.length > 0 ? `holds ${bad.map((z) => JSON.stringify(z)).join(', ')}, which ${bad.length === 1 ? 'is not an Azure availability zone' : 'are not Azure availability zones'}` : zones.length === 0 ? 'is empty' : 'names a zone twice',
        `give distinct zones of ${AVAILABILITY_ZONES.map((z) => `"${z}"`).join(', ')} (as strings), in a region that has zones, or leave zones out`);
    }
  }
  if (p.zoneBalance && (zones === undefined || zones.length < 2)) {
    problems.add('pool-zones-invalid', path, 'pool.zoneBalance', p.zoneBalance, 'balances instances over zones, but the pool has fewer than two zones', 'give two or more pool.zones, or leave zoneBalance out');
  }
  const spot = p.spot;
  if (spot) {
    if (spot.evictionPolicy !== undefined && spot.evictionPolicy !== 'Delete' && spot.evictionPolicy !== 'Deallocate') {
      problems.add('pool-spot-invalid', path, 'pool.spot.evictionPolicy', spot.evictionPolicy, 'is neither "Delete" nor "Deallocate"', 'use "Delete" (the default) or "Deallocate"');
    }
    if (spot.maxPrice !== undefined && (!isNumber(spot.maxPrice) || (spot.maxPrice !== -1 && spot.maxPrice <= 0))) {
      problems.add('pool-spot-invalid', path, 'pool.spot.maxPrice', spot.maxPrice, 'is neither -1 (up to the on-demand price) nor a price above 0', 'give the highest price per hour in US dollars, e.g. 0.05, or -1');
    }
  }
  const u = p.upgrade;
  if (u) {
    if ((u.mode as string) === 'Automatic') {
      problems.add('pool-upgrade-all-at-once', path, 'pool.upgrade.mode', u.mode,
        'upgrades every instance at the same time, so the whole pool would leave the mesh at once',
        'use "Rolling" (the default: batches gated by the health probe) or "Manual" (the provider reimages one instance at a time)');
    } else if (u.mode !== undefined && u.mode !== 'Rolling' && u.mode !== 'Manual') {
      problems.add('pool-upgrade-invalid', path, 'pool.upgrade.mode', u.mode, 'is not an upgrade mode', 'use "Rolling" or "Manual"');
    }
    if (u.maxBatchPercent !== undefined && !isWhole(u.maxBatchPercent, UPGRADE_BATCH_PERCENT.min, UPGRADE_BATCH_PERCENT.max)) {
      problems.add('pool-upgrade-invalid', path, 'pool.upgrade.maxBatchPercent', u.maxBatchPercent,
        `is not a whole percentage from ${UPGRADE_BATCH_PERCENT.min} to ${UPGRADE_BATCH_PERCENT.max}, so that an upgrade takes two batches or more`,
        `give e.g. ${UPGRADE_BATCH_PERCENT.default}`);
    }
    if (u.pauseMinutes !== undefined && !isWhole(u.pauseMinutes, 0, 60)) {
      problems.add('pool-upgrade-invalid', path, 'pool.upgrade.pauseMinutes', u.pauseMinutes, 'is not a whole number of minutes from 0 to 60', 'give e.g. 1');
    }
  }
  const a = p.autoscale;
  if (a) checkAutoscale(path, a, problems);
  if (p.terminationNoticeMinutes !== undefined && !isWhole(p.terminationNoticeMinutes, TERMINATION_NOTICE_MINUTES.min, TERMINATION_NOTICE_MINUTES.max)) {
    problems.add('pool-leave-invalid', path, 'pool.terminationNoticeMinutes', p.terminationNoticeMinutes,
      `is not a whole number of minutes from ${TERMINATION_NOTICE_MINUTES.min} to ${TERMINATION_NOTICE_MINUTES.max} (Azure's range for a termination notice)`,
      `give e.g. ${TERMINATION_NOTICE_MINUTES.default}`);
  }
  const most = spot ? LEAVE_TIMEOUT_SECONDS.spotMax : LEAVE_TIMEOUT_SECONDS.max;
  if (p.leaveTimeoutSeconds !== undefined && !isWhole(p.leaveTimeoutSeconds, LEAVE_TIMEOUT_SECONDS.min, most)) {
    problems.add('pool-leave-invalid', path, 'pool.leaveTimeoutSeconds', p.leaveTimeoutSeconds,
      `is not a whole number of seconds from ${LEAVE_TIMEOUT_SECONDS.min} to ${most}${spot ? ` (a Spot eviction may give only ${PREEMPT_NOTICE_SECONDS} s of notice)` : ''}`,
      `give e.g. ${LEAVE_TIMEOUT_SECONDS.default}`);
  }
}

/** At least one rule, each with a scale-in threshold below its scale-out one. */
function checkAutoscale(path: string, a: NonNullable<WeavePoolOptions['autoscale']>, problems: ProblemList): void {
  const bad = (field: string, value: unknown, message: string, fix: string) => problems.add('pool-autoscale-invalid', path, `pool.autoscale.${field}`, value, message, fix);
  if (!a.cpu && !a.metric) {
    bad('cpu', undefined, 'is missing, and so is metric: autoscale needs a rule', 'give cpu: { scaleOutAbove: 70, scaleInBelow: 25 }, or a metric of your own, or leave autoscale out');
  }
  if (a.cpu) {
    const { scaleOutAbove: out, scaleInBelow: low } = a.cpu;
    if (!isNumber(out) || out <= 0 || out > 100 || !isNumber(low) || low < 0 || low >= out) {
      bad('cpu', a.cpu, 'needs 0 <= scaleInBelow < scaleOutAbove <= 100 (percent)', 'give e.g. { scaleOutAbove: 70, scaleInBelow: 25 }');
    }
  }
  const m = a.metric;
  if (m) {
    if (typeof m.name !== 'string' || m.name.trim() === '' || typeof m.namespace !== 'string' || m.namespace.trim() === '') {
      bad('metric', m.name, 'needs a metric name and namespace as Azure Monitor knows them', 'give e.g. { name: "weave_connections", namespace: "weave", ... }');
    }
    if (!isNumber(m.scaleOutAbove) || !isNumber(m.scaleInBelow) || m.scaleInBelow >= m.scaleOutAbove) {
      bad('metric', { scaleOutAbove: m.scaleOutAbove, scaleInBelow: m.scaleInBelow }, 'needs a scaleInBelow below scaleOutAbove', 'give two thresholds with a gap between them, so the pool does not flap');
    }
  }
  for (const [field, value, max] of [['step', a.step, 10], ['cooldownMinutes', a.cooldownMinutes, 10080], ['windowMinutes', a.windowMinutes, 720]] as const) {
    if (value !== undefined && !isWhole(value, field === 'windowMinutes' ? 5 : 1, max)) {
      bad(field, value, `is not a whole number from ${field === 'windowMinutes' ? 5 : 1} to ${max}`, 'leave it out for the default');
    }
  }
}

/** The scale-set kind's checks. */
export const SCALE_SET_CHECKS: KindChecks = {
  cluster: checkCluster,
  clusterOptions: checkClusterOptions,
  // Where the pool lives and its VM defaults are judged as an Azure cluster's.
  clusterResources: checkAzurePlacement,
};
