// Removing a host, applied with Terraform itself (the stack reduced to
// built-in `terraform_data` stand-ins, support/terraform-standin.ts, whose
// remote commands are logged instead of run): a removed dedicated server's
// teardown runs its destroy-time step in the apply that removes it, the
// retired peer's reclaim runs on the survivor once, and a later apply runs
// neither again. The control removes the teardown block instead of keeping it
// with count = 0: Terraform then drops the instance without running the step.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../lib';
import type { AllocationRecord } from '../lib/core/allocation/record';
import { ED25519 } from './fixtures/ssh-keys';
import { standInConfig, terraform } from './support/terraform-standin';
import { describeWhen, tool } from './support/skip';

type Json = Record<string, any>;
const ENV = { TF_VAR_mesh_password: 'Retire-Pa55word-xyz' };

/** Two Azure VMs and the dedicated servers named, with the record given; returns the stack and the record after it. */
function synth(servers: string[], record?: AllocationRecord): { tf: Json; record: AllocationRecord } {
  const app = Testing.app();
  const s = new TerraformStack(app, 's');
  const provider = new AzurermProvider(s, 'az', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(s, 'mesh', { sshPublicKey: ED25519, ...(record ? { allocationRecord: record } : {}) });
  const west = new WeaveCluster(net, 'west', { provider, location: 'westeurope', dnsLabel: 'acme-west' });
  for (const h of ['w1', 'w2']) new WeaveHost(west, h);
  const dc = new WeaveCluster(net, 'dc', { kind: 'dedicated' });
  servers.forEach((h, i) => new WeaveHost(dc, h, { ssh: { host: `203.0.113.${10 + i}` } }));
  const tf = JSON.parse(Testing.synth(s)) as Json;
  return { tf, record: net.plan().allocation.record };
}

/** Writes the stand-in of `tf` into `dir`, applies it; returns the lines the remote commands logged during this apply. */
function apply(dir: string, tf: Json): string[] {
  const log = join(dir, 'remote-exec.log');
  const before = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(standInConfig(tf, dir), null, 1));
  terraform(dir, ['init', '-input=false', '-no-color'], ENV);
  terraform(dir, ['apply', '-input=false', '-no-color', '-auto-approve'], ENV);
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).slice(before) : [];
}

describeWhen('removing a dedicated server, through terraform apply', [tool(process.env.TERRAFORM_BINARY_NAME || 'terraform')], () => {
  const first = synth(['d1', 'd2']);
  const second = synth(['d1'], first.record);
  const third = synth(['d1'], second.record);
  let dir: string;
  let logs: string[][];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'weave-retire-tf-'));
    logs = [apply(dir, first.tf), apply(dir, second.tf), apply(dir, third.tf)];
  }, 240_000);

  it('the first deploy provisions both servers; no teardown or reclaim step runs', () => {
    expect(logs[0].filter((l) => /_teardown |_reclaim /.test(l))).toEqual([]);
    expect(logs[0].filter((l) => /_provision_[0-9A-F]+ create$/.test(l)).length).toBeGreaterThan(0);
  });

  it('deleting d2 and applying runs d2\'s teardown (destroy time) and its reclaim on the survivor d1, each once', () => {
    expect(second.record.retired).toHaveProperty('d2');
    expect(second.tf.resource.terraform_data.mesh_d2_teardown.count).toBe(0);
    // The reclaim's create has two remote-exec steps (its private directory, then the run); the teardown one.
    expect(logs[1].filter((l) => /_teardown |_reclaim /.test(l)).sort()).toEqual(['mesh_d2_reclaim create', 'mesh_d2_reclaim create', 'mesh_d2_teardown destroy']);
  });

  it('the next apply, with d2 still retired in the record, runs neither again', () => {
    expect(third.tf.resource.terraform_data.mesh_d2_reclaim).toBeDefined();
    expect(logs[2]).toEqual([]);
    expect(terraform(dir, ['plan', '-input=false', '-no-color'], ENV)).toMatch(/No changes\./);
  });

  it('control: with the teardown block removed instead of kept at count = 0, Terraform drops d2 without running the step', () => {
    const other = mkdtempSync(join(tmpdir(), 'weave-retire-tf-'));
    apply(other, first.tf);
    const dropped = JSON.parse(JSON.stringify(second.tf)) as Json;
    delete dropped.resource.terraform_data.mesh_d2_teardown;
    const log = apply(other, dropped);
    expect(log.filter((l) => /_teardown /.test(l))).toEqual([]);
    expect(log).toContain('mesh_d2_reclaim create');
  }, 120_000);
});
