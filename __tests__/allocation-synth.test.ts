// The allocation record through the constructs: where the file is read and
// written, frozen mode for CI, pins against the record, and growth in any
// order leaving every existing host's Terraform attributes as they were.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Testing } from 'cdktf';
import fc from 'fast-check';
import { WeaveConfigError } from '../lib';
import { AllocationRecord, parseAllocationFile } from '../lib/core/allocation/record';
import { planNetwork } from '../lib/core/plan/plan';
import { SeedStack } from '../stacks/seed';
import { GrowthNames, applyGrowthOp, growthOps, prepareForGrowth, withoutBootstrapPins } from './support/growth-ops';
import { capHosts, rawNetwork, toGenerated } from './support/random-network';
import { synthRandomStack, withPlainStackTraces } from './support/random-stack';
import { decodeBootDocument, dedicatedProvisioners } from './support/synth';

const ROOT = join(__dirname, '..');
type Json = { resource?: Record<string, Record<string, Record<string, unknown>>> };

const committed = () => parseAllocationFile(readFileSync(join(ROOT, 'weave-allocation.json'), 'utf8')).file!;
const seedRecord = (): AllocationRecord => committed().networks['weave-seed/weave'];

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof WeaveConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('the allocation record file', () => {
  it('with no file, a real synth writes the first record: the seed gets consensus=5 and 10.1.0.1 … 10.1.0.5, as committed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-alloc-'));
    const file = join(dir, 'weave-allocation.json');
    const app = new App({ outdir: join(dir, 'out') });
    new SeedStack(app, 'weave-seed', { network: { allocationFile: file } });
    app.synth();
    const written = parseAllocationFile(readFileSync(file, 'utf8')).file!;
    expect(Object.keys(written.networks)).toEqual(['weave-seed/weave']);
    expect(written.networks['weave-seed/weave']).toEqual(seedRecord());
    const r = seedRecord();
    expect(r.consensus).toBe(5);
    expect(Object.values(r.hosts).map((h) => h.bridgeAddress).sort()).toEqual(['10.1.0.1/16', '10.1.0.2/16', '10.1.0.3/16', '10.1.0.4/16', '10.1.0.5/16']);
  });

  it('Testing.synth reads the file but never writes it, and an in-memory record reads nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weave-alloc-'));
    const file = join(dir, 'weave-allocation.json');
    Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { network: { allocationFile: file }, extraCluster01Hosts: ['azure-prd-05'] }));
    expect(existsSync(file)).toBe(false);
    // A corrupt file at that path is never read when the record is in memory.
    writeFileSync(file, '{ not json');
    expect(() => Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { network: { allocationFile: file, allocationRecord: seedRecord() } }))).not.toThrow();
    // … and stops the synth otherwise, naming the file, without overwriting it.
    const p = problemsOf(() => Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { network: { allocationFile: file } })));
    expect(p.map((x) => x.code)).toEqual(['allocation-file-invalid']);
    expect(readFileSync(file, 'utf8')).toBe('{ not json');
  });

  it('a pin that contradicts the record is an error naming both values', () => {
    const stack = new SeedStack(Testing.app(), 'weave-seed', { network: { allocationRecord: seedRecord() } });
    // Pinning is done on the host's props; rebuild the seed with one pin.
    const pinned = new SeedStack(Testing.app(), 'weave-seed', { network: { allocationRecord: seedRecord(), bootstrapSize: 4 } });
    expect(problemsOf(() => Testing.synth(stack))).toEqual([]);
    const p = problemsOf(() => Testing.synth(pinned));
    expect(p.map((x) => [x.code, x.path])).toEqual([['allocation-consensus-pin', 'weave-seed/weave']]);
    expect(`${p[0].value} ${p[0].message}`).toMatch(/4.*5|5.*4/);
  });
});

describe('frozen mode (CI)', () => {
  const frozenApp = () => Testing.app({ context: { weaveAllocationFrozen: true } });

  it('passes when nothing would change', () => {
    expect(problemsOf(() => Testing.synth(new SeedStack(frozenApp(), 'weave-seed', { network: { allocationRecord: seedRecord() } })))).toEqual([]);
  });

  it('fails when the record would change, listing hosts and values and how to accept them', () => {
    const p = problemsOf(() => Testing.synth(new SeedStack(frozenApp(), 'weave-seed', {
      network: { allocationRecord: seedRecord() },
      extraCluster01Hosts: ['azure-prd-05'],
    })));
    expect(p.map((x) => x.code)).toEqual(['allocation-frozen']);
    expect(p[0].fix).toContain('host azure-prd-05: new observer at 10.1.0.6/16 in cluster-01');
    expect(p[0].fix).toMatch(/synthesize once without .* and commit/);
  });

  it('is also switched on by WEAVE_ALLOCATION_FROZEN=1', () => {
    process.env.WEAVE_ALLOCATION_FROZEN = '1';
    try {
      const p = problemsOf(() => Testing.synth(new SeedStack(Testing.app(), 'weave-seed', {
        network: { allocationRecord: seedRecord() },
        extraCluster01Hosts: ['azure-prd-05'],
      })));
      expect(p.map((x) => ({ code: x.code }))).toEqual([{ code: 'allocation-frozen' }]);
    } finally {
      delete process.env.WEAVE_ALLOCATION_FROZEN;
    }
  });
});

// Attributes of a VM that force its replacement when they change.
const REPLACING = ['custom_data', 'computer_name', 'source_image_reference', 'size', 'admin_ssh_key', 'name'] as const;

/**
 * The host a dedicated server's script is for: the one env file of its own it
 * writes (`put /etc/weave.<host>.env`), which the planner derives from the
 * host's name.
 */
function scriptHost(script: string): string {
  const hosts = [...decodeBootDocument(script).matchAll(/^put \/etc\/weave\.(.+)\.env 0600 /gm)].map((m) => m[1]);
  if (hosts.length !== 1) throw new Error(`a dedicated server's script writes ${hosts.length} host env files, expected 1`);
  return hosts[0];
}

/**
 * VMs by name and dedicated servers' scripts by host name. Keyed by the host
 * name the script itself carries, not by the logical id: cdktf drops dots from
 * logical ids, so a host `ded.prd.01` has no `_ded.prd.01_` in its id.
 */
function hostViews(json: Json) {
  const vms = new Map<string, Record<string, unknown>>();
  for (const vm of Object.values(json.resource?.azurerm_linux_virtual_machine ?? {})) vms.set(vm.name as string, vm);
  const scripts = new Map<string, string>();
  for (const r of Object.values(dedicatedProvisioners(json))) {
    const file = String((r.provisioner as { file?: { content?: string } }[]).find((p) => p.file)?.file?.content);
    scripts.set(scriptHost(file), file);
  }
  return { vms, scripts };
}

describe('finding a dedicated server\'s script', () => {
  const gen = toGenerated(fc.sample(rawNetwork, { seed: 7, numRuns: 1 })[0]);
  it('finds every dedicated host by name, dotted names included; the logical-id lookup it replaces missed them', () => {
    const spec = {
      ...gen.spec,
      clusters: [...gen.spec.clusters, { path: `${gen.spec.path}/dc-x`, name: 'dc-x', kind: 'dedicated' as const, dnsName: 'dc-x.example.net', hosts: [{ path: `${gen.spec.path}/dc-x/ded.prd.01`, name: 'ded.prd.01', sshHost: '203.0.113.77' }] }],
    };
    const dotted = { ...gen, spec, sshHosts: new Map([...gen.sshHosts, ['ded.prd.01', '203.0.113.77']]) };
    const json = synthRandomStack(dotted, 1) as Json;
    const views = hostViews(json);
    const dedicated = spec.clusters.filter((c) => c.kind === 'dedicated').flatMap((c) => c.hosts.map((h) => h.name));
    expect([...views.scripts.keys()].sort()).toEqual([...dedicated].sort());
    // Control: the old lookup (the host name, dots replaced, inside the logical id) finds no key for the dotted host.
    const ids = Object.keys(dedicatedProvisioners(json));
    expect(ids.find((k) => k.includes('_ded_prd_01_') || k.includes('_ded.prd.01_'))).toBeUndefined();
    expect(decodeBootDocument(views.scripts.get('ded.prd.01')!)).toContain('#!/bin/bash');
  });
});

describe('growth through the constructs', () => {
  it('after >= 5 random operations, every existing VM keeps its replacement-forcing attributes and dedicated scripts change only where the dial target went', () => {
    const growable = rawNetwork.map((raw) => prepareForGrowth(toGenerated(capHosts(raw, 16))));
    let steps = 0;
    let scriptsCompared = 0;
    withPlainStackTraces(() => fc.assert(
      fc.property(growable, growthOps, (gen0, ops) => {
        let gen = withoutBootstrapPins(gen0);
        let plan = planNetwork(gen0.spec);
        let views = hostViews(synthRandomStack(gen, 2, plan.allocation.record) as Json);
        const names = new GrowthNames(gen.spec);
        const usable = 2 ** (32 - Number(gen.spec.bridgeRange.split('/')[1])) - 2;
        for (const op of ops) {
          const record = plan.allocation.record;
          const step = applyGrowthOp(gen, op, names, usable - Object.keys(record.hosts).length - Object.keys(record.retired).length);
          if (!step.applied) continue;
          const next = planNetwork(step.gen.spec, { record });
          const nextViews = hostViews(synthRandomStack(step.gen, 2, record) as Json);
          steps++;
          for (const h of next.hosts) {
            const before = plan.hosts.find((b) => b.name === h.name);
            if (!before) continue;
            expect([h.name, h.bridgeAddress, h.ipallocInit]).toEqual([h.name, before.bridgeAddress, before.ipallocInit]);
            const peersKept = before.peers.join(' ') === h.peers.join(' ');
            if (h.kind === 'azure') {
              const [a, b] = [nextViews.vms.get(h.name)!, views.vms.get(h.name)!];
              // The one documented exception: an Ignition VM whose dial target
              // was removed gets new peers in custom_data, which its lifecycle
              // ignores (Ignition reads it on first boot only), so Terraform
              // replaces nothing; the VM keeps dialing the old target.
              const ignored = JSON.stringify(a.lifecycle ?? {}).includes('custom_data');
              for (const f of REPLACING) {
                if (f === 'custom_data' && ignored && !peersKept) continue;
                expect([h.name, f, JSON.stringify(a[f])]).toEqual([h.name, f, JSON.stringify(b[f])]);
              }
              if (peersKept && a.user_data !== undefined) expect(a.user_data).toBe(b.user_data);
            } else if (peersKept) {
              // Every kept server is found (no silent skip), and its script is unchanged.
              expect([h.name, nextViews.scripts.has(h.name), views.scripts.has(h.name)]).toEqual([h.name, true, true]);
              expect([h.name, nextViews.scripts.get(h.name)]).toEqual([h.name, views.scripts.get(h.name)]);
              scriptsCompared++;
            }
          }
          gen = step.gen;
          plan = next;
          views = nextViews;
        }
      }),
      { numRuns: 12 },
    ));
    expect(steps).toBeGreaterThan(30);
    expect(scriptsCompared).toBeGreaterThan(0);
  }, 120_000);
});
