// Azure's names and numbers a pool rests on: how a scale set names its
// instances, which addresses of a subnet Azure keeps for itself, and where
// an instance reads its own address and its Scheduled Events. Sources:
// learn.microsoft.com (virtual-networks-faq, instance-metadata-service,
// scheduled-events, "Understand names and instance IDs for Azure Virtual
// Machine Scale Set VMs"); azurerm 4.55's schema.

/**
 * Azure reserves the first four addresses of every subnet (network, default
 * gateway, two for Azure DNS) and the last (broadcast): an instance's private
 * address is at offset 4 to size − 2 of its subnet.
 */
export const SUBNET_FIRST_USABLE_OFFSET = 4;
/** Addresses of a subnet Azure keeps for itself (first four, last one). */
export const SUBNET_RESERVED = 5;
/** Azure's smallest subnet: /29, three usable addresses. */
export const SMALLEST_SUBNET_PREFIX = 29;

/**
 * A Uniform scale set's computer names are the prefix plus the instance id
 * in base 36, always six characters ("nsgvmss00002D" in Microsoft's example;
 * Linux lower-cases it). Ids are reused after scale-in.
 */
export const INSTANCE_SUFFIX_LENGTH = 6;
/**
 * Longest computer name prefix of a pool: with the six-character suffix, an
 * instance's host name stays within one 63-character DNS label.
 */
export const MAX_POOL_NAME_LENGTH = 63 - INSTANCE_SUFFIX_LENGTH;

/** Instance metadata service, as every instance reaches it. */
export const IMDS_ENDPOINT = 'http://169.254.169.254';
/** API version of the instance metadata reads (network and compute fields exist since 2017-08-01; 2021-02-01 is current). */
export const IMDS_INSTANCE_API_VERSION = '2021-02-01';
/** API version of Scheduled Events the handler speaks. */
export const SCHEDULED_EVENTS_API_VERSION = '2020-07-01';

/**
 * Azure's range for a scale set's termination notice (`notBeforeTimeout`),
 * in minutes; the azurerm 4.x block is `termination_notification`.
 */
export const TERMINATION_NOTICE_MINUTES = { min: 5, max: 15, default: 5 } as const;
/** Seconds an instance gives `weave reset` before it lets Azure go ahead anyway. */
export const LEAVE_TIMEOUT_SECONDS = { min: 5, max: 280, spotMax: 25, default: 20 } as const;
/** Spot eviction (Preempt) gives at least this many seconds' notice, best effort. */
export const PREEMPT_NOTICE_SECONDS = 30;

/** Rolling upgrades: the batch share a pool may use, so an upgrade always takes two batches or more. */
export const UPGRADE_BATCH_PERCENT = { min: 5, max: 50, default: 20 } as const;
/** Rolling upgrades: minutes between batches when none are given. */
export const UPGRADE_PAUSE_MINUTES = 1;
/** Rolling upgrades: instances allowed to be unhealthy before and after an upgrade, in percent. */
export const UPGRADE_UNHEALTHY_PERCENT = 20;

/** Autoscale defaults: one instance per step, five-minute cooldown and window. */
export const AUTOSCALE_DEFAULTS = { step: 1, cooldownMinutes: 5, windowMinutes: 5 } as const;
/** Azure Monitor's host metric of a scale set's CPU, and its namespace. */
export const CPU_METRIC = { name: 'Percentage CPU', namespace: 'microsoft.compute/virtualmachinescalesets' } as const;

/** Where the instance's own address env file is written at every boot. */
export const POOL_ADDRESS_ENV_PATH = '/run/weave-pool.env';
/** Present while the instance is leaving: weave.service will not start again. */
export const POOL_LEAVING_FLAG = '/run/weave-pool-leaving';
