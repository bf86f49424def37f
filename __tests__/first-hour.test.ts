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
    expect(m).toContain('h_azure_prd_04["azure-prd-04<br/>10.1.0.4/16<br/>consensus=5"]');
    expect(m).toContain('h_azure_prd_02 --> h_azure_prd_01');
    expect(m).toContain('h_ded_prd_01 -->|"cluster-01.westeurope.cloudapp.azure.com"| c_cluster_01');
    expect(m.match(/-->/g)).toHaveLength(4);
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
      WEAVE_STATE_STORAGE_ACCOUNT: 'weavestate01', WEAVE_STATE_CONTAINER: 'tfstate', WEAVE_STATE_RESOURCE_GROUP: 'rg',
    })).toEqual({ storageAccountName: 'weavestate01', containerName: 'tfstate', resourceGroupName: 'rg' });
    expect(() => stateBackendFromConfig(undefined, { WEAVE_STATE_STORAGE_ACCOUNT: 'a' })).toThrow(/WEAVE_STATE_CONTAINER is not.*Fix:/);
    expect(() => stateBackendFromConfig(undefined, {
      WEAVE_STATE_STORAGE_ACCOUNT: 'Weave_State', WEAVE_STATE_CONTAINER: 'tfstate', WEAVE_STATE_RESOURCE_GROUP: 'rg',
    })).toThrow(/the WEAVE_STATE_\* variables is not a usable.*\n.*"storageAccountName" "Weave_State" is not an Azure storage account name.*Fix: did you mean "weavestate"\?/);
  });

  it('accepts a complete context backend, including the optional keys', () => {
    expect(stateBackendFromConfig({ ...config, key: 'prod.tfstate', subscriptionId: '00000000-0000-0000-0000-000000000000', useAzureadAuth: false }, {}))
      .toEqual({ ...config, key: 'prod.tfstate', subscriptionId: '00000000-0000-0000-0000-000000000000', useAzureadAuth: false });
  });

  it.each([
    ['an empty object', {}, [/missing key "storageAccountName"/, /missing key "containerName"/, /missing key "resourceGroupName"/]],
    ['snake_case keys', { storage_account_name: 'weavestate01', container_name: 'tfstate', resource_group_name: 'rg' },
      [/unknown key "storage_account_name"\. Fix: did you mean "storageAccountName"\?/, /unknown key "container_name"\. Fix: did you mean "containerName"\?/, /unknown key "resource_group_name"/,
        /missing key "storageAccountName"/, /missing key "containerName"/, /missing key "resourceGroupName"/]],
    ['a misspelled key', { storageAccountName: 'weavestate01', containerNmae: 'tfstate', resourceGroupName: 'rg' },
      [/unknown key "containerNmae"\. Fix: did you mean "containerName"\?/, /missing key "containerName"/]],
    ['a key nothing like a known one', { ...config, region: 'westeurope' }, [/unknown key "region"\. Fix: the keys are storageAccountName, containerName/]],
    ['wrong types', { ...config, containerName: 42, useAzureadAuth: 'yes' }, [/"containerName" is 42, not a non-empty string/, /"useAzureadAuth" is "yes", not true or false/]],
    ['names Azure refuses', { ...config, containerName: 'tf--state', subscriptionId: 'my-sub' }, [/"containerName" "tf--state" is not a blob container name/, /"subscriptionId" "my-sub" is not a subscription id/]],
    ['not an object', 'weavestate01', [/context "stateBackend" is "weavestate01", not an object\. Fix: give an object such as \{"storageAccountName"/]],
  ])('refuses %s, naming every bad or missing key and the fix', (_, value, expected) => {
    let message = '';
    try {
      stateBackendFromConfig(value, {});
    } catch (e) {
      message = (e as Error).message;
    }
    for (const re of expected) expect(message).toMatch(re);
    // One line per problem, nothing else listed.
    expect(message.split('\n').filter((l) => l.startsWith('  - ')).length).toBe(typeof value === 'object' ? expected.length : 0);
  });

  it('stops the synth through the app instead of writing an empty backend', () => {
    let message = '';
    try {
      synthApp({ CDKTF_CONTEXT_JSON: JSON.stringify({ stateBackend: { storageAccount: 'weavestate01' } }) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unknown key "storageAccount"\. Fix: did you mean "storageAccountName"\?/);
    expect(message).toMatch(/missing key "containerName"/);
  });
});
