// A pool's autoscale setting: one profile holding the pool's min, max and
// initial count, and a scale-out and a scale-in rule per metric (the
// instances' CPU, or the user's own). Scale-in deletes instances, and each
// deletion gives the instance its Terminate notice, on which it leaves the
// mesh.
import type { Construct } from 'constructs';
import type { LinuxVirtualMachineScaleSet } from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set';
import { MonitorAutoscaleSetting, MonitorAutoscaleSettingProfileRule } from '@cdktf/provider-azurerm/lib/monitor-autoscale-setting';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import type { WeavePoolOptions } from '../../../core/declare/scale-set';
import { AUTOSCALE_DEFAULTS, CPU_METRIC } from '../../../core/kinds/scale-set/facts';

/** A rule pair for one metric: out above the high mark, in below the low one. */
interface Trigger {
  readonly name: string;
  readonly namespace: string;
  readonly resourceId: string;
  readonly above: number;
  readonly below: number;
  readonly statistic: string;
  readonly timeAggregation: string;
  readonly perInstance: boolean;
}

/** Creates the pool's autoscale setting. */
export function createAutoscale(
  scope: Construct,
  name: string,
  pool: WeavePoolOptions,
  initial: number,
  scaleSet: LinuxVirtualMachineScaleSet,
  base: { readonly provider: AzurermProvider; readonly location: string; readonly tags: Record<string, string>; readonly resourceGroupName: string },
): MonitorAutoscaleSetting {
  const a = pool.autoscale!;
  const scaleSetId = scaleSet.id;
  const triggers: Trigger[] = [];
  if (a.cpu) {
    triggers.push({
      ...CPU_METRIC, resourceId: scaleSetId, above: a.cpu.scaleOutAbove, below: a.cpu.scaleInBelow,
      statistic: 'Average', timeAggregation: 'Average', perInstance: false,
    });
  }
  if (a.metric) {
    const m = a.metric;
    triggers.push({
      name: m.name, namespace: m.namespace, resourceId: m.resourceId ?? scaleSetId, above: m.scaleOutAbove, below: m.scaleInBelow,
      statistic: m.statistic ?? 'Average', timeAggregation: m.timeAggregation ?? 'Average', perInstance: m.perInstance ?? false,
    });
  }
  const step = a.step ?? AUTOSCALE_DEFAULTS.step;
  const cooldown = `PT${a.cooldownMinutes ?? AUTOSCALE_DEFAULTS.cooldownMinutes}M`;
  const timeWindow = `PT${a.windowMinutes ?? AUTOSCALE_DEFAULTS.windowMinutes}M`;
  const rule = (t: Trigger, out: boolean): MonitorAutoscaleSettingProfileRule => ({
    metricTrigger: {
      metricName: t.name,
      metricNamespace: t.namespace,
      metricResourceId: t.resourceId,
      operator: out ? 'GreaterThan' : 'LessThan',
      statistic: t.statistic,
      threshold: out ? t.above : t.below,
      timeAggregation: t.timeAggregation,
      timeGrain: 'PT1M',
      timeWindow,
      ...(t.perInstance ? { divideByInstanceCount: true } : {}),
    },
    scaleAction: { direction: out ? 'Increase' : 'Decrease', type: 'ChangeCount', value: step, cooldown },
  });
  return new MonitorAutoscaleSetting(scope, 'autoscale', {
    ...base,
    name: `${name}-autoscale`,
    targetResourceId: scaleSetId,
    profile: [{
      name: 'weave-pool',
      capacity: { minimum: pool.min, maximum: pool.max, default: initial },
      rule: triggers.flatMap((t) => [rule(t, true), rule(t, false)]),
    }],
  });
}
