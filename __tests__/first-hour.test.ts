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
    expect(m).toContain('subgraph c2["cluster-03 (dedicated)"]');
    expect(m).toContain('h3["azure-prd-04<br/>10.1.0.4/16<br/>consensus=5"]');
    expect(m).toContain('h1 --> h0');
    expect(m).toContain('h4 -->|"cluster-01.westeurope.cloudapp.azure.com"| c0');
    expect(m.match(/-->/g)).toHaveLength(4);
  });

  it('keeps hosts whose names differ only in punctuation apart (web.1, web-1)', () => {
    const spec = seedSpec();
    const c = spec.clusters[0];
    const hosts = [{ ...c.hosts[0], name: 'web.1', path: 'n/c/web.1' }, { ...c.hosts[1], name: 'web-1', path: 'n/c/web-1' }];
    const m = renderMermaid(planNetwork({ ...spec, clusters: [{ ...c, hosts }] }), 'punct');
    expect(m).toContain('h0["web.1<br/>');
    expect(m).toContain('h1["web-1<br/>');
    expect(m).toContain('h1 --> h0');
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
