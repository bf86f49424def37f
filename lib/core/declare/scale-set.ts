// What a user may declare for a pool: a cluster of kind `scale-set`, an
// Azure Virtual Machine Scale Set of Flatcar instances that come and go
// without being declared one by one. Its instances join the mesh as
// observers, derive their bridge addresses at boot and leave on Azure's
// Terminate and Preempt notices. The pool also takes the Azure cluster
// options that say where it lives (provider, location, vnetCidr, existing
// resources, VM defaults); the scale-set driver (kinds/scale-set/) checks
// and uses them.
import type { FlatcarChannel } from './azure';

/** A metric rule of your own, for pools that scale on something other than CPU. */
export interface WeavePoolMetricRule {
  /** The metric's name, e.g. `weave_connections` as your agent publishes it to Azure Monitor. */
  readonly name: string;
  /** The metric's namespace, e.g. `azure.vm.linux.guestmetrics` or your custom namespace. */
  readonly namespace: string;
  /**
   * Resource id the metric is read from.
   * @default - the pool's scale set
   */
  readonly resourceId?: string;
  /** Add instances when the metric is above this value. */
  readonly scaleOutAbove: number;
  /** Remove instances when the metric is below this value. */
  readonly scaleInBelow: number;
  /**
   * How the instances' values are combined within a minute.
   * @default 'Average'
   */
  readonly statistic?: 'Average' | 'Max' | 'Min' | 'Sum';
  /**
   * How the minutes of the window are combined.
   * @default 'Average'
   */
  readonly timeAggregation?: 'Average' | 'Maximum' | 'Minimum' | 'Total' | 'Count' | 'Last';
  /**
   * Divide the metric by the instance count before comparing.
   * @default false
   */
  readonly perInstance?: boolean;
}

/** Autoscale rules: CPU, your own metric, or both (Azure scales out when any rule says so). */
export interface WeavePoolAutoscale {
  /**
   * Scale on the instances' average `Percentage CPU`.
   * @default - no CPU rule
   */
  readonly cpu?: {
    /** Add instances above this percentage (1-100). */
    readonly scaleOutAbove: number;
    /** Remove instances below this percentage (0-99, below scaleOutAbove). */
    readonly scaleInBelow: number;
  };
  /**
   * Scale on a metric of your own.
   * @default - no metric rule
   */
  readonly metric?: WeavePoolMetricRule;
  /**
   * Instances added or removed per step.
   * @default 1
   */
  readonly step?: number;
  /**
   * Minutes to wait after a scale action before the next one.
   * @default 5
   */
  readonly cooldownMinutes?: number;
  /**
   * Minutes of data each rule looks at.
   * @default 5
   */
  readonly windowMinutes?: number;
}

/** Spot instances: cheaper, evicted when Azure needs the capacity (the instance gets a Preempt notice of at least 30 s). */
export interface WeavePoolSpot {
  /**
   * What Azure does with an evicted instance: delete it, or deallocate it
   * (it keeps its disk and may start again, as a new observer).
   * @default 'Delete'
   */
  readonly evictionPolicy?: 'Delete' | 'Deallocate';
  /**
   * Highest price per hour, in US dollars; -1 pays up to the on-demand price
   * and is never evicted for price.
   * @default -1
   */
  readonly maxPrice?: number;
}

/** How a change to the pool's boot data reaches its instances. Never all at once. */
export interface WeavePoolUpgrade {
  /**
   * `Rolling`: Azure rolls the new model out in batches, each gated by the
   * load balancer's health probe on Weave's TCP port 6783. `Manual`: the
   * azurerm provider reimages one instance at a time (its
   * `features.virtual_machine_scale_set` defaults); a reimaged instance
   * comes back as a new peer and takes back its predecessor's address
   * ranges itself. Azure's `Automatic` mode (every instance at once) is
   * refused.
   * @default 'Rolling'
   */
  readonly mode?: 'Rolling' | 'Manual';
  /**
   * Rolling: the largest share of instances upgraded in one batch, 5-50 %.
   * @default 20
   */
  readonly maxBatchPercent?: number;
  /**
   * Rolling: minutes to wait between batches.
   * @default 1
   */
  readonly pauseMinutes?: number;
  /**
   * Rolling: create each batch's new instances first and delete the old
   * ones afterwards (MaxSurge), so old instances leave through a Terminate
   * notice instead of being reimaged. Needs the subscription feature
   * `Microsoft.Compute/MaxSurgeRollingUpgrade` registered.
   * @default true
   */
  readonly maxSurge?: boolean;
}

/** The scale set behind a pool: its size, instances and how they scale, upgrade and leave. */
export interface WeavePoolOptions {
  /** Fewest instances (autoscale never goes below it). 0 or more. */
  readonly min: number;
  /**
   * Most instances the pool may have (autoscale never goes above it). It
   * counts toward the egress limit of the pool's load balancer and toward
   * the mesh's size (the plan's `maxPeers`).
   */
  readonly max: number;
  /**
   * Instances created on the first deploy; without autoscale, the count
   * Terraform keeps.
   * @default - min, or 1 when min is 0
   */
  readonly initial?: number;
  /**
   * Azure VM size of every instance (Gen2-capable).
   * @default 'Standard_D2s_v5'
   */
  readonly vmSize?: string;
  /**
   * Skip the check of `vmSize` against the library's list of sizes Azure
   * offers (for a size newer than the list); its shape is still checked.
   * @default false
   */
  readonly vmSizeUnchecked?: boolean;
  /**
   * Autoscale rules. With them, Terraform creates the instances once and
   * then leaves their count to autoscale.
   * @default - no autoscale: the pool keeps `initial` instances
   */
  readonly autoscale?: WeavePoolAutoscale;
  /**
   * Run the instances as Spot VMs.
   * @default - regular (pay-as-you-go) VMs
   */
  readonly spot?: WeavePoolSpot;
  /**
   * Availability zones to spread the instances over, e.g. `['1', '2', '3']`.
   * @default - no zones (regional placement)
   */
  readonly zones?: readonly string[];
  /**
   * Keep the instances evenly spread over the zones (scale-out fails rather
   * than unbalance them).
   * @default false
   */
  readonly zoneBalance?: boolean;
  /**
   * How boot data changes roll out.
   * @default - Rolling, 20 % per batch, 1 minute apart, with MaxSurge
   */
  readonly upgrade?: WeavePoolUpgrade;
  /**
   * Minutes Azure waits after announcing a scale-in deletion before it
   * deletes the instance (5-15); the instance leaves the mesh as soon as
   * the notice arrives and then lets Azure go ahead.
   * @default 5
   */
  readonly terminationNoticeMinutes?: number;
  /**
   * Seconds an instance gives `weave reset` (handing its address ranges to
   * a peer) before it lets Azure delete or evict it anyway: 5-25 with Spot,
   * whose notice can be 30 s, 5-280 otherwise.
   * @default 20
   */
  readonly leaveTimeoutSeconds?: number;
  /**
   * OS disk size in GB, from 30 (the image size) to 4095.
   * @default - the image's size
   */
  readonly osDiskSizeGb?: number;
  /**
   * Flatcar release channel (image SKU `<channel>-gen2`).
   * @default 'stable'
   */
  readonly flatcarChannel?: FlatcarChannel;
  /**
   * Flatcar image version.
   * @default 'latest'
   */
  readonly imageVersion?: string;
  /**
   * Name of an Azure cluster of this network whose VNet holds the pool's
   * `existingSubnet`: the instances then dial that cluster's first host by
   * VM name (Azure-provided DNS resolves VM names inside a VNet) as well as
   * the root cluster's public DNS name.
   * @default - none: the instances dial the root cluster's public DNS name
   */
  readonly sharesVnetWith?: string;
}

/** The options of a `scale-set` cluster (a pool) of its own. */
export interface ScaleSetClusterOptions {
  /**
   * The pool's scale set. Required for `kind: 'scale-set'`.
   * @default - none
   */
  readonly pool?: WeavePoolOptions;
}
