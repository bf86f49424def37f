// The synth property: the real constructs for 12 random networks capped at
// 100 hosts (properties.test.ts has the planner's). Every VM boots from
// exactly the planner's documents and no VM depends on another, and the
// schema check (support/synth-collector.ts) checks each stack as it is
// synthesized. Seeds: one per run, replayed with WEAVE_FC_SEED.
import fc from 'fast-check';
import { renderUserData } from '../lib/core/boot/weave';
import { planNetwork } from '../lib/core/plan/plan';
import { SynthJson, embeddedDocument, renderHost, vmToVmReferences } from './support/network-checks';
import { capHosts, rawNetwork, toGenerated } from './support/random-network';
import { synthRandomStack } from './support/random-stack';
import { dedicatedProvisioners } from './support/synth';

const SYNTH_RUNS = 12;
const SYNTH_MAX_HOSTS = 100;
const JEST_TIMEOUT_MS = 90_000;

function expectNoViolations(violations: readonly string[]): void {
  if (violations.length > 0) {
    const shown = violations.slice(0, 15).map((v) => `  - ${v}`).join('\n');
    throw new Error(`${violations.length} violation(s):\n${shown}`);
  }
}

describe('synth properties over random networks', () => {
  it(`synthesized VMs never reference another VM and boot from the planner's documents (${SYNTH_RUNS} networks, at most ${SYNTH_MAX_HOSTS} hosts)`, () => {
    const capped = rawNetwork.map((raw) => toGenerated(capHosts(raw, SYNTH_MAX_HOSTS)));
    fc.assert(
      fc.property(capped, fc.integer({ min: 1, max: 3 }), (gen, subscriptions) => {
        const json = synthRandomStack(gen, subscriptions) as SynthJson;
        const vms = Object.values(json.resource?.azurerm_linux_virtual_machine ?? {});
        const plan = planNetwork(gen.spec);
        const azureHosts = plan.hosts.filter((h) => h.kind === 'azure');
        // One VM per Azure host, so the walk below is not vacuous.
        expect(vms.map((vm) => vm.name).sort()).toEqual(azureHosts.map((h) => h.name).sort());
        expectNoViolations(vmToVmReferences(json));
        // What each VM boots from is exactly the planner's plain text: the
        // user data (cloud-config) byte for byte, and the custom data's
        // static document (the password slot is its only expression).
        const byName = new Map(vms.map((vm) => [vm.name as string, vm]));
        for (const h of azureHosts) {
          const vm = byName.get(h.name)!;
          if (gen.azureBootFormat === 'ignition') {
            expect(vm.user_data).toBeUndefined();
          } else {
            expect(Buffer.from(vm.user_data as string, 'base64').toString('utf8')).toBe(renderUserData(h));
          }
          expect(embeddedDocument(vm.custom_data)).toBe(renderHost(plan, h, gen.azureBootFormat).text);
        }
        // Likewise the script pushed to each dedicated host.
        const scripts = Object.values(dedicatedProvisioners(json)).map((r) => {
          const provisioners = r.provisioner as { file?: { content?: string } }[];
          return embeddedDocument(provisioners.find((p) => p.file)?.file?.content);
        });
        const dedicated = plan.hosts.filter((h) => h.kind === 'dedicated');
        expect(scripts.sort()).toEqual(dedicated.map((h) => renderHost(plan, h, gen.azureBootFormat).text).sort());
      }),
      { numRuns: SYNTH_RUNS },
    );
  }, JEST_TIMEOUT_MS);
});
