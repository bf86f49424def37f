// Problems found while the stacks are declared (a construct in the wrong
// scope, the state backend) are WeaveConfigErrors like the ones found at
// synth: each carries its code, where, field, value and fix. That
// synthesizeApp prints them without a stack trace is config-errors-app.test.ts.
import { TerraformStack, Testing } from 'cdktf';
import { WeaveCluster, WeaveConfigError, WeaveHost, WeaveNetwork, stateBackendFromConfig } from '../lib';

/** The problems of the WeaveConfigError `fn` throws. */
function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    if (e instanceof WeaveConfigError) return e.problems.map((p) => ({ code: p.code, path: p.path, field: p.field, value: p.value, fix: p.fix }));
    throw e;
  }
  throw new Error('expected a WeaveConfigError, but nothing was thrown');
}

const CONFIG = { storageAccountName: 'weavestate01', containerName: 'tfstate', resourceGroupName: 'rg' };

describe('construction-time problems are WeaveConfigErrors', () => {
  it('a cluster outside a network, and a host outside a cluster: construct-scope, naming where and the fix', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    expect(problemsOf(() => new WeaveCluster(stack as unknown as WeaveNetwork, 'c1', {}))).toEqual([
      { code: 'construct-scope', path: 'stack/c1', field: 'scope', value: 'stack', fix: "new WeaveCluster(network, 'c1', {...})" },
    ]);
    const net = new WeaveNetwork(stack, 'net');
    expect(problemsOf(() => new WeaveHost(net as unknown as WeaveCluster, 'h1', {}))).toEqual([
      { code: 'construct-scope', path: 'stack/net/h1', field: 'scope', value: 'stack/net', fix: "new WeaveHost(cluster, 'h1', {...})" },
    ]);
  });

  it('a cluster and a host in the right scopes construct (control)', () => {
    const stack = new TerraformStack(Testing.app(), 'stack');
    const net = new WeaveNetwork(stack, 'net');
    expect(() => new WeaveHost(new WeaveCluster(net, 'c1', { kind: 'dedicated' }), 'h1', { ssh: { host: '203.0.113.10' } })).not.toThrow();
  });
});

describe('state backend problems are WeaveConfigErrors, one problem per key', () => {
  it.each([
    ['not an object', 'weavestate01', {}, [{ code: 'backend-not-object', field: '(backend)', value: 'weavestate01' }]],
    ['missing keys', {}, {}, ['storageAccountName', 'containerName', 'resourceGroupName'].map((field) => ({ code: 'backend-key-missing', field, value: undefined }))],
    ['a misspelled key', { ...CONFIG, containerNmae: 'x', containerName: undefined }, {},
      [{ code: 'backend-key-unknown', field: 'containerNmae', value: 'x' }, { code: 'backend-key-missing', field: 'containerName', value: undefined }]],
    ['wrong types', { ...CONFIG, containerName: 42, useAzureadAuth: 'yes' }, {},
      [{ code: 'backend-value-invalid', field: 'containerName', value: 42 }, { code: 'backend-value-invalid', field: 'useAzureadAuth', value: 'yes' }]],
    ['names Azure refuses', { ...CONFIG, storageAccountName: 'Weave_State', subscriptionId: 'my-sub' }, {},
      [{ code: 'backend-name-invalid', field: 'storageAccountName', value: 'Weave_State' }, { code: 'backend-name-invalid', field: 'subscriptionId', value: 'my-sub' }]],
    ['incomplete WEAVE_STATE_* variables', undefined, { WEAVE_STATE_STORAGE_ACCOUNT: 'a' }, [{ code: 'backend-env-incomplete', field: 'WEAVE_STATE_CONTAINER', value: undefined }]],
  ])('%s', (_, value, env, expected) => {
    const problems = problemsOf(() => stateBackendFromConfig(value, env));
    expect(problems.map(({ code, field, value: v }) => ({ code, field, value: v }))).toEqual(expected);
    for (const p of problems) expect([p.path.length > 0, p.fix.length > 0]).toEqual([true, true]);
  });

  it('a complete backend is no problem (control)', () => {
    expect(stateBackendFromConfig(CONFIG, {})).toEqual(CONFIG);
  });
});
