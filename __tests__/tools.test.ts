// The skip policy for suites that need external tools: skipped with one line
// on a contributor's machine, failed under CI=true. Checked on a fixture run
// in a child jest, because a suite's fate is decided when jest collects it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findTool, toolsRequired } from './support/tools';

const ROOT = join(__dirname, '..');
const FIXTURE = '__tests__/fixtures/tool-suite.fixture.ts';

// The project's transform, without its cdktf setup file (a second of start-up the fixture does not need).
const CONFIG = JSON.stringify({
  rootDir: ROOT,
  roots: ['<rootDir>/__tests__'],
  testEnvironment: 'node',
  testMatch: ['**/fixtures/tool-suite.fixture.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
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

describe('findTool', () => {
  it('finds an executable on PATH, and only there', () => {
    expect(findTool('node')).toMatch(/\/node$/);
    expect(findTool('node', { PATH: '' })).toBeUndefined();
    expect(findTool('weave-no-such-tool')).toBeUndefined();
  });

  it('takes an absolute path as it is', () => {
    expect(findTool(process.execPath, { PATH: '' })).toBe(process.execPath);
    expect(findTool('/nonexistent/terraform', { PATH: '' })).toBeUndefined();
  });
});

describe('toolsRequired', () => {
  it.each([
    ['true', true], ['1', true], ['yes', true], ['', false], ['0', false], ['false', false], ['FALSE', false],
  ])('CI=%j -> %s', (ci, required) => {
    expect(toolsRequired({ CI: ci })).toBe(required);
  });

  it('is off without CI', () => {
    expect(toolsRequired({})).toBe(false);
  });
});

describe('a suite whose tool is missing', () => {
  it('is skipped with one line naming the suite, the tool and how to install it', () => {
    const { status, stderr } = runFixture('');
    expect(status).toBe(0);
    const lines = stderr.split('\n').filter((l) => l.startsWith('SKIPPED'));
    expect(lines).toEqual([
      'SKIPPED "a suite without its tool": weave-no-such-tool is not installed. Install it: apt-get install weave-no-such-tool. (CI=true makes this a failure.)',
    ]);
    expect(stderr).toMatch(/Tests:\s+1 skipped, 1 passed, 2 total/);
  }, 60_000);

  it('fails under CI=true, with the same advice, without running its body', () => {
    const { status, stderr } = runFixture('true');
    expect(status).toBe(1);
    expect(stderr).not.toContain('SKIPPED');
    expect(stderr).toContain('a suite without its tool › needs weave-no-such-tool');
    expect(stderr).toContain('weave-no-such-tool is not installed, and CI=true makes every suite mandatory. Install it: apt-get install weave-no-such-tool.');
    expect(stderr).not.toContain('the body of a suite without its tool ran');
    expect(stderr).toMatch(/Tests:\s+1 failed, 1 passed, 2 total/);
  }, 60_000);
});
