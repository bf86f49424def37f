// synthesizeApp prints problems found while the stacks are declared (here a
// bad state backend) once and without a stack trace, in a real Node.js
// process as `cdktf synth` runs the app (integration tier: it starts node).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('synthesizeApp prints declaration-time problems without a stack trace', () => {
  const run = (body: string) => spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', `
    const { App } = require('cdktf');
    const { synthesizeApp, stateBackendFromConfig } = require(${JSON.stringify(join(__dirname, '..', 'lib'))});
    ${body}
  `], { cwd: join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, WEAVE_DEBUG: '' } });

  it('a bad backend while declaring: the message once, status 1, no stack', () => {
    const res = run(`synthesizeApp(() => { const app = new App({ outdir: require('os').tmpdir() + '/weave-config-errors' }); stateBackendFromConfig({ storageAccount: 'x' }, {}); return app; });`);
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/^context "stateBackend" is not a usable Azure state backend/);
    expect(res.stderr).toMatch(/unknown key "storageAccount"\. Fix: did you mean "storageAccountName"\?/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('any other error is rethrown with its stack (control)', () => {
    const res = run(`synthesizeApp(() => { throw new Error('not a configuration problem'); });`);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/not a configuration problem/);
    expect(res.stderr).toMatch(/\n\s+at /);
  });
});
