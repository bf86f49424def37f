// The skip policy (support/skip.ts) as jest really applies it: a fixture file
// run in a child jest, because a suite's fate is decided when jest collects
// it. Skipped with one line each on a contributor's machine; under CI=true a
// missing tool fails, and a requirement CI may lack (the providers) still
// skips with its one line. The policy as data is tested in harness.test.ts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const FIXTURE = '__tests__/fixtures/tool-suite.fixture.ts';

// The project's transform and environment setup, for the fixture alone.
const CONFIG = JSON.stringify({
  rootDir: ROOT,
  roots: ['<rootDir>/__tests__'],
  testEnvironment: 'node',
  testMatch: ['**/fixtures/tool-suite.fixture.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  setupFiles: ['<rootDir>/__tests__/support/setup-env.js'],
  moduleFileExtensions: ['ts', 'js', 'json'],
});

function runFixture(ci: string): { status: number | null; stderr: string } {
  const res = spawnSync(
    process.execPath,
    [require.resolve('jest/bin/jest'), '--config', CONFIG, '--colors=false', FIXTURE],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: ci, FORCE_COLOR: '0' }, timeout: 60_000 },
  );
  return { status: res.status, stderr: res.stderr };
}

describe('suites whose requirement is missing', () => {
  it('are skipped with one line each, naming the suite, what is missing and how to install it', () => {
    const { status, stderr } = runFixture('');
    expect(status).toBe(0);
    const lines = stderr.split('\n').filter((l) => l.startsWith('SKIPPED'));
    expect(lines).toEqual([
      'SKIPPED "a suite without its tool": needs weave-no-such-tool, but no executable `weave-no-such-tool` on PATH. To run it: apt-get install weave-no-such-tool (with CI=true this fails instead of skipping)',
      'SKIPPED "a suite CI may lack": needs a provider, but none can be installed here. To run it: use a mirror (CI skips it too where it cannot be installed)',
    ]);
    expect(stderr).toMatch(/Tests:\s+2 skipped, 1 passed, 3 total/);
  }, 60_000);

  it('fail under CI=true with the same advice, without running their body; what CI may lack still skips', () => {
    const { status, stderr } = runFixture('true');
    expect(status).toBe(1);
    expect(stderr).toContain('a suite without its tool › needs weave-no-such-tool');
    expect(stderr).toContain('weave-no-such-tool is required under CI=true (.ci/run installs it), but no executable `weave-no-such-tool` on PATH. Fix: apt-get install weave-no-such-tool');
    expect(stderr).not.toContain('the body of a suite without its tool ran');
    expect(stderr.split('\n').filter((l) => l.startsWith('SKIPPED'))).toEqual([
      'SKIPPED "a suite CI may lack": needs a provider, but none can be installed here. To run it: use a mirror (skipped in CI too: CI cannot install it)',
    ]);
    expect(stderr).not.toContain('the body of a suite CI may lack ran');
    expect(stderr).toMatch(/Tests:\s+1 failed, 1 skipped, 1 passed, 3 total/);
  }, 60_000);
});
