import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { stateBackendFromConfig } from '../stacks/backend';
import { SeedStack } from '../stacks/seed';
import { planNetwork, renderMermaid } from '../lib';
import { seedSpec } from './fixtures/seed-spec';
import { pictureProblems, readPicture } from './support/svg-geometry';
import { readStack, synthApp } from './support/synth';

describe('topology picture', () => {
  it('keeps hosts whose names differ only in punctuation apart (web.1, web-1)', () => {
    const spec = seedSpec();
    const c = spec.clusters[0];
    const hosts = [{ ...c.hosts[0], name: 'web.1', path: 'n/c/web.1' }, { ...c.hosts[1], name: 'web-1', path: 'n/c/web-1' }];
    const m = renderMermaid(planNetwork({ ...spec, clusters: [{ ...c, hosts }] }), 'punct');
    expect(m).toContain('h0_0["web.1<br/>');
    expect(m).toContain('h0_1["web-1<br/>');
    expect(m).toContain('h0_1 --> h0_0');
  });

  // What the picture shows and how it reads is tested in diagram.test.ts.
  it('is written beside the stack output by synth, as Mermaid text and as SVG', () => {
    const outdir = synthApp();
    const dir = join(outdir, 'stacks', 'weave-seed');
    const mmd = readFileSync(join(dir, 'weave.topology.mmd'), 'utf8');
    expect(mmd).toContain('h2_0["ded-prd-01<br/>bridge 10.1.0.5/16<br/>bootstrap<br/>ssh var.dedicated_address"]');
    expect(mmd).toContain('h1_0 -->|"cluster-01.westeurope.cloudapp.azure.com"| lb0');
    const svg = readFileSync(join(dir, 'weave.topology.svg'), 'utf8');
    expect(pictureProblems(readPicture(svg))).toEqual([]);
    // The README's copies are the seed stack's current picture.
    expect(mmd).toBe(readFileSync(join(__dirname, '..', 'docs', 'seed-topology.mmd'), 'utf8'));
    expect(svg).toBe(readFileSync(join(__dirname, '..', 'docs', 'seed-topology.svg'), 'utf8'));
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
