// Builds the real constructs for a generated network, the way stacks/seed.ts
// does: one aliased azurerm provider per subscription, secrets and account
// details as Terraform variables, so synth needs no credentials.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../../lib';
import { GeneratedNetwork } from './random-network';
import { AllocationRecord } from '../../lib/core/allocation/record';
import { planNetwork } from '../../lib/core/plan/plan';
import { tagged } from './synth-collector';

export interface RandomStack {
  readonly stack: TerraformStack;
  readonly network: WeaveNetwork;
}

/** `subscriptions` providers are shared round-robin by the Azure clusters. */
export function buildRandomStack(gen: GeneratedNetwork, subscriptions: number, outdir?: string, allocationRecord?: AllocationRecord): RandomStack {
  const spec = gen.spec;
  const [stackId, networkId] = spec.path.split('/');
  const app = Testing.app({ stackTraces: false, ...(outdir ? { outdir } : {}) });
  const stack = new TerraformStack(app, stackId);
  const variable = (name: string) => new TerraformVariable(stack, name, { type: 'string', nullable: false });
  const providers = Array.from({ length: subscriptions }, (_, k) =>
    new AzurermProvider(stack, `azurerm-sub${k + 1}`, {
      alias: `sub${k + 1}`,
      subscriptionId: variable(`subscription_id_${k + 1}`).stringValue,
      features: [{}],
    }),
  );

  const network = new WeaveNetwork(stack, networkId, {
    ipallocRange: spec.ipallocRange,
    bridgeRange: spec.bridgeRange,
    bootstrapSize: spec.bootstrapSize,
    wantedBy: [...spec.wantedBy],
    proxy: spec.proxy,
    plugin: spec.plugin,
    ...(spec.dnsDomain === false ? { dns: false } : { dnsDomain: spec.dnsDomain }),
    bootFormat: gen.azureBootFormat,
    connLimit: spec.connLimit,
    mtu: spec.mtu,
    extraLaunchArgs: spec.extraLaunchArgs,
    sshPublicKey: variable('ssh_public_key').stringValue,
    // Always in memory: tests never read or write the repository's record file.
    allocationRecord: allocationRecord ?? planNetwork(spec).allocation.record,
  });

  let azureIndex = 0;
  for (const c of spec.clusters) {
    const cluster =
      c.kind === 'azure'
        ? new WeaveCluster(network, c.name, {
            provider: providers[azureIndex++ % providers.length],
            location: c.location,
            dnsLabel: c.dnsLabel,
            vnetCidr: c.vnetCidr,
            bootstrapHosts: c.bootstrapHosts,
            peering: c.options?.peering,
            natGateway: c.options?.natGateway,
            sshSourceCidr: c.options?.sshSourceCidr,
            trustVnet: c.options?.trustVnet,
          })
        : new WeaveCluster(network, c.name, { kind: 'dedicated', dnsName: c.dnsName, bootstrapHosts: c.bootstrapHosts });
    for (const h of c.hosts) {
      // A host named like one of the cluster's own resources (lb, public-ip, ...) takes
      // another construct id and keeps its name, as the library's host-id-taken error says.
      const id = cluster.node.tryFindChild(h.name) === undefined ? h.name : `${h.name}-host`;
      new WeaveHost(cluster, id, {
        hostName: h.name,
        bridgeAddress: h.bridgeAddress,
        ...(h.options?.dnsLabel !== undefined ? { dnsLabel: h.options.dnsLabel } : {}),
        ...(c.kind === 'dedicated'
          ? { ssh: { host: gen.sshHosts.get(h.name)!, user: 'core' }, publicAddress: h.publicAddress, dialAddress: h.dialAddress }
          : {}),
      });
    }
  }
  return { stack, network };
}

/**
 * Builds the stack and returns `Testing.synth`'s JSON, parsed, in a scratch
 * output directory that is removed afterwards.
 */
export function synthRandomStack(gen: GeneratedNetwork, subscriptions: number, allocationRecord?: AllocationRecord): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'weave-props-'));
  try {
    return withPlainStackTraces(() => {
      const { stack } = buildRandomStack(gen, subscriptions, outdir, allocationRecord);
      // Tagged for terraform-validate's replay, which samples the random networks.
      return JSON.parse(tagged('random-network', () => Testing.synth(stack))) as Record<string, unknown>;
    });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * cdktf records a full creation stack trace for every token it makes (only
 * ever shown in error messages). Under Jest each trace is formatted through
 * source-map-support, which makes building and synthesizing a stack with
 * thousands of tokens about three times slower. This formats traces plainly
 * while `fn` runs and restores the formatter afterwards; nothing synthesized
 * depends on it.
 */
export function withPlainStackTraces<T>(fn: () => T): T {
  const saved = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => `${error}\n${frames.map((f) => `    at ${f}`).join('\n')}`;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = saved;
  }
}
