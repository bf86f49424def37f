import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { stateBackendFromConfig } from '../stacks/backend';
import { SeedStack } from '../stacks/seed';
import { renderMermaid } from '../lib';
import { planNetwork } from '../lib/core/plan/plan';
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
    expect(mmd).toContain('h2_0["ded-prd-01<br/>bridge 10.1.0.5/16 · bootstrap<br/>ssh var.dedicated_address:22"]');
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

describe('synth needs no Terraform', () => {
  it('the app synthesizes both seed stacks with no terraform binary on PATH (terraform_data without cdktf\'s synth-time version probe)', () => {
    const { existsSync: exists, mkdtempSync: mkdtemp, symlinkSync: symlink } = require('node:fs') as typeof import('node:fs');
    const { tmpdir: tmp } = require('node:os') as typeof import('node:os');
    const { delimiter, dirname: dir, join: joinPath } = require('node:path') as typeof import('node:path');
    const bin = mkdtemp(joinPath(tmp(), 'weave-noterraform-'));
    symlink(process.execPath, joinPath(bin, 'node'));
    const path = [bin, ...(process.env.PATH ?? '').split(delimiter).filter((d) => d && !exists(joinPath(d, 'terraform')) && d !== dir(process.execPath))].join(delimiter);
    const outdir = synthApp({ PATH: path, TERRAFORM_BINARY_NAME: 'terraform' });
    expect(readStack(outdir, 'weave-seed').terraform!.required_version).toBe('>= 1.9.0');
    expect(readStack(outdir, 'weave-seed-keyvault').terraform!.required_version).toBe('>= 1.11.0');
  });
});
