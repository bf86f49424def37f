import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { planNetwork, renderMermaid } from '../lib';
import { stateBackendFromConfig } from '../stacks/backend';
import { SeedStack } from '../stacks/seed';
import { seedSpec } from './fixtures/seed-spec';
import { readStack, synthApp } from './support/synth';

describe('topology picture', () => {
  it('draws clusters, hosts with bridge addresses, and every peer link', () => {
    const m = renderMermaid(planNetwork(seedSpec()), 'seed');
    expect(m.startsWith('flowchart LR\n')).toBe(true);
    expect(m).toContain('subgraph c_cluster_03["cluster-03 (dedicated)"]');
    expect(m).toContain('h_azure_prd_04["azure-prd-04<br/>10.1.0.4/16<br/>bootstrap, consensus=5"]:::bootstrap');
    expect(m).toContain('h_azure_prd_02 --> h_azure_prd_01');
    expect(m).toContain('h_ded_prd_01 -->|"cluster-01.westeurope.cloudapp.azure.com"| c_cluster_01');
    expect(m.match(/-->/g)).toHaveLength(4);
  });

  it('marks observers and retired hosts, and points DNS dials at the recorded root cluster', () => {
    const seed = planNetwork(seedSpec());
    const spec = seedSpec();
    // cluster-03 first, azure-prd-05 added, azure-prd-04 removed.
    const clusters = [spec.clusters[2], { ...spec.clusters[0], hosts: [...spec.clusters[0].hosts, { path: 'seed/weave/cluster-01/azure-prd-05', name: 'azure-prd-05' }] }, { ...spec.clusters[1], hosts: spec.clusters[1].hosts.slice(0, 1) }];
    const m = renderMermaid(planNetwork({ ...spec, clusters }, { record: seed.allocation.record }), 'seed');
    expect(m).toContain('h_azure_prd_05["azure-prd-05<br/>10.1.0.6/16<br/>observer"]:::observer');
    expect(m).toMatch(/subgraph c_cluster_02[^\n]*\n[^\n]*h_azure_prd_03[^\n]*\n    r_azure_prd_04\["azure-prd-04<br\/>10\.1\.0\.4\/16<br\/>retired, address held"\]:::retired\n  end/);
    // cluster-01 stays the root although cluster-03 is now declared first.
    expect(m).toContain('h_ded_prd_01 -->|"cluster-01.westeurope.cloudapp.azure.com"| c_cluster_01');
    expect(m).toMatch(/classDef retired /);
    // Negative control: without the record the first declared cluster is the root.
    expect(renderMermaid(planNetwork({ ...spec, clusters: [{ ...spec.clusters[2], dnsName: 'ded.example.net' }, ...spec.clusters.slice(0, 2)] }), 'seed'))
      .toContain('h_azure_prd_01 -->|"ded.example.net"| c_cluster_03');
  });

  it('is written beside the stack output by synth, and renders to SVG offline', () => {
    const outdir = synthApp();
    const mmd = join(outdir, 'stacks', 'weave-seed', 'weave.topology.mmd');
    expect(readFileSync(mmd, 'utf8')).toContain('10.1.0.5/16');
    const res = spawnSync('node', ['scripts/diagrams.mjs'], { cwd: join(__dirname, '..'), env: { ...process.env, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const svg = readFileSync(mmd.replace(/\.mmd$/, '.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('azure-prd-03');
    // Plain colours, no web fonts: renders the same in any SVG viewer and loads nothing.
    expect(svg).not.toMatch(/(fill|stroke)="var\(/);
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('the committed README picture is the seed stack\'s current one', () => {
    const committed = readFileSync(join(__dirname, '..', 'docs', 'seed-topology.mmd'), 'utf8');
    const outdir = synthApp();
    expect(readFileSync(join(outdir, 'stacks', 'weave-seed', 'weave.topology.mmd'), 'utf8')).toBe(committed);
    expect(existsSync(join(__dirname, '..', 'docs', 'seed-topology.svg'))).toBe(true);
  });
});

describe('remote state', () => {
  const config = { storageAccountName: 'weavestate01', containerName: 'tfstate', resourceGroupName: 'weave-state-rg' };

  it('keeps local state by default', () => {
    const tf = readStack(synthApp({ WEAVE_STATE_STORAGE_ACCOUNT: '' }), 'weave-seed');
    expect(tf.terraform!.backend).toEqual({ local: { path: expect.stringMatching(/terraform\.weave-seed\.tfstate$/) } });
  });

  it('puts state in Azure Blob Storage when configured', () => {
    const tf = JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { stateBackend: config })));
    expect(tf.terraform.backend).toEqual({
      azurerm: {
        storage_account_name: 'weavestate01',
        container_name: 'tfstate',
        resource_group_name: 'weave-state-rg',
        key: 'weave-seed.tfstate',
        use_azuread_auth: true,
      },
    });
  });

  it('reads the backend from cdktf context through the app', () => {
    const outdir = synthApp({ CDKTF_CONTEXT_JSON: JSON.stringify({ stateBackend: config }) });
    expect(readStack(outdir, 'weave-seed').terraform!.backend).toMatchObject({ azurerm: { container_name: 'tfstate' } });
  });

  it('reads the backend from WEAVE_STATE_* variables and names what is missing', () => {
    expect(stateBackendFromConfig(undefined, {})).toBeUndefined();
    expect(stateBackendFromConfig(undefined, {
      WEAVE_STATE_STORAGE_ACCOUNT: 'a', WEAVE_STATE_CONTAINER: 'b', WEAVE_STATE_RESOURCE_GROUP: 'c',
    })).toEqual({ storageAccountName: 'a', containerName: 'b', resourceGroupName: 'c', key: undefined, subscriptionId: undefined });
    expect(() => stateBackendFromConfig(undefined, { WEAVE_STATE_STORAGE_ACCOUNT: 'a' })).toThrow(/WEAVE_STATE_CONTAINER is not.*Fix:/);
  });
});
