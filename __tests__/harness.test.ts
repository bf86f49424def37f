// The test harness itself: every suite is in exactly one tier, the skip
// policy as data, what tests inherit from the shell, which allocation record
// a synth reads, and that no test asserts on wall-clock time. Each check has
// a control that fails.
import fs, { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { SeedStack } from '../stacks/seed';
import { failMessage, onCI, skipLine, verdict } from './support/skip';

const ROOT = join(__dirname, '..');
const tiers = require('../jest/tiers.js') as Record<string, string[]>;
const { stripInherited, KEEP } = require('./support/harness-env.js') as { stripInherited: (env: NodeJS.ProcessEnv) => Record<string, string>; KEEP: Set<string> };

/** Test files not in exactly one tier (name → tiers it is in). */
function tierProblems(files: string[], map: Record<string, string[]>): string[] {
  return files.flatMap((f) => {
    const inTiers = Object.entries(map).filter(([, list]) => list.includes(f)).map(([t]) => t);
    return inTiers.length === 1 ? [] : [`${f}: in ${inTiers.length ? inTiers.join(' and ') : 'no tier'}`];
  });
}

describe('tiers', () => {
  const files = readdirSync(join(ROOT, '__tests__')).filter((f) => f.endsWith('.test.ts')).map((f) => f.replace(/\.test\.ts$/, ''));

  it('every test file is in exactly one tier, every listed file exists, every tier has a config', () => {
    expect(tierProblems(files, tiers)).toEqual([]);
    for (const [tier, list] of Object.entries(tiers)) {
      for (const f of list) expect([tier, f, files.includes(f)]).toEqual([tier, f, true]);
      expect([tier, existsSync(join(ROOT, 'jest', `${tier}.config.js`))]).toEqual([tier, true]);
    }
  });

  it('control: a file in no tier, or in two, is reported', () => {
    expect(tierProblems(['a', 'b', 'c'], { fast: ['a', 'b'], integration: ['b'] })).toEqual(['b: in fast and integration', 'c: in no tier']);
  });
});

describe('the skip policy', () => {
  const have = { what: 'x', install: 'get x' };
  const lack = { what: 'x', missing: 'not here', install: 'get x' };
  const providers = { ...lack, ciMayLack: true };

  it.each([
    ['met', have, {}, 'run'], ['met, CI', have, { CI: 'true' }, 'run'],
    ['missing', lack, {}, 'skip'], ['missing, CI=0', lack, { CI: '0' }, 'skip'], ['missing, CI=false', lack, { CI: 'false' }, 'skip'],
    ['missing, CI=true', lack, { CI: 'true' }, 'fail'], ['missing, CI=1', lack, { CI: '1' }, 'fail'],
    ['providers missing', providers, {}, 'skip'], ['providers missing, CI=true', providers, { CI: 'true' }, 'skip'],
  ] as const)('%s: %s', (_, req, env, expected) => {
    expect(verdict(req, env)).toBe(expected);
  });

  it('says what is missing and how to get it, in one line', () => {
    expect(onCI({ CI: 'yes' })).toBe(true);
    expect(skipLine('s', lack, {})).toBe('SKIPPED "s": needs x, but not here. To run it: get x (with CI=true this fails instead of skipping)');
    expect(skipLine('s', providers, { CI: 'true' })).toBe('SKIPPED "s": needs x, but not here. To run it: get x (skipped in CI too: CI cannot install it)');
    expect(skipLine('s', lack, {})).not.toContain('\n');
    expect(failMessage(lack)).toBe('x is required under CI=true (.ci/run installs it), but not here. Fix: get x');
  });
});

describe('what tests inherit from the shell', () => {
  it('nothing WEAVE_*, CDKTF_* or TF_* but the harness\'s own knobs, in this very process', () => {
    const leaked = Object.keys(process.env).filter((k) => /^(WEAVE_|CDKTF_|TF_)/.test(k) && !KEEP.has(k) && k !== 'WEAVE_ALLOCATION_FILE');
    expect(leaked).toEqual([]);
  });

  it('control: the strip removes a shell\'s settings and keeps the knobs', () => {
    const env: NodeJS.ProcessEnv = {
      PATH: '/bin', WEAVE_DNS_LABEL_PREFIX: 'zz-', WEAVE_ALLOCATION_FROZEN: '1', CDKTF_CONTEXT_JSON: '{"weaveAllocationFrozen":true}',
      CDKTF_OUTDIR: '/tmp/x', TF_VAR_weave_password: 'pw', TF_CLI_CONFIG_FILE: '/root/.terraformrc', WEAVE_FC_SEED: '7',
    };
    expect(Object.keys(stripInherited(env)).sort()).toEqual(['CDKTF_CONTEXT_JSON', 'CDKTF_OUTDIR', 'TF_CLI_CONFIG_FILE', 'TF_VAR_weave_password', 'WEAVE_ALLOCATION_FROZEN', 'WEAVE_DNS_LABEL_PREFIX']);
    expect(env).toEqual({ PATH: '/bin', WEAVE_FC_SEED: '7' });
  });
});

describe('the allocation record a test synth reads', () => {
  const repoFile = join(ROOT, 'weave-allocation.json');
  const opened = (fn: () => void): string[] => {
    const seen: string[] = [];
    const origExists = fs.existsSync;
    const origRead = fs.readFileSync;
    const spies = [jest.spyOn(fs, 'existsSync'), jest.spyOn(fs, 'readFileSync')];
    (spies[0] as jest.SpyInstance).mockImplementation(((p: fs.PathLike) => { seen.push(String(p)); return origExists(p); }) as never);
    (spies[1] as jest.SpyInstance).mockImplementation(((p: fs.PathOrFileDescriptor, o?: unknown) => { seen.push(String(p)); return origRead(p, o as never); }) as never);
    try {
      fn();
    } finally {
      for (const s of spies) s.mockRestore();
    }
    return seen;
  };

  it('is a file of the test\'s own that does not exist, never the repository\'s weave-allocation.json', () => {
    expect(process.env.WEAVE_ALLOCATION_FILE).toMatch(/alloc-[^/]+\/weave-allocation\.json$/);
    expect(process.env.WEAVE_ALLOCATION_FILE!.startsWith(ROOT)).toBe(false);
    const paths = opened(() => Testing.synth(new SeedStack(Testing.app(), 'weave-seed')));
    expect(paths).toContain(process.env.WEAVE_ALLOCATION_FILE);
    expect(paths).not.toContain(repoFile);
  });

  it('control: without the harness\'s setting the same synth reads the repository\'s file', () => {
    const saved = process.env.WEAVE_ALLOCATION_FILE;
    delete process.env.WEAVE_ALLOCATION_FILE;
    try {
      expect(opened(() => Testing.synth(new SeedStack(Testing.app(), 'weave-seed')))).toContain(repoFile);
    } finally {
      process.env.WEAVE_ALLOCATION_FILE = saved;
    }
  });
});

/** Lines that assert on elapsed time: timing belongs in the bench (bench/), never in a test. */
function wallClockAsserts(source: string): string[] {
  return source.split('\n').filter((l) => /interruptAfterTimeLimit|failOnInterrupt|expect\([^)]*(Ms|Millis|elapsed|duration|took)\b[^)]*\)\.toBeLessThan/i.test(l));
}

describe('no wall-clock asserts', () => {
  it('no test file asserts on elapsed time', () => {
    const hits = readdirSync(join(ROOT, '__tests__')).filter((f) => f.endsWith('.test.ts') && f !== 'harness.test.ts')
      .flatMap((f) => wallClockAsserts(readFileSync(join(ROOT, '__tests__', f), 'utf8')).map((l) => `${f}: ${l.trim()}`));
    expect(hits).toEqual([]);
  });

  it('control: the asserts this repository had are found', () => {
    expect(wallClockAsserts("    expect(packMs).toBeLessThan(60_000);\n{ plugins: [fc.interruptAfterTimeLimit(40_000, { failOnInterrupt: true })] }\nexpect(a).toBeLessThan(b);")).toHaveLength(2);
  });
});

describe('the fast tier runs no external program', () => {
  it('starting one throws, naming the tier to move it to; a command that does not exist runs nothing and is let through', () => {
    const cp = require('node:child_process') as typeof import('node:child_process');
    expect(() => cp.spawnSync('sh', ['-c', 'true'])).toThrow(/the fast tier runs no external program, but this test starts "sh" \(child_process\.spawnSync\); move the test to a suite of the integration tier/);
    expect(() => cp.execFileSync(process.execPath, ['--version'])).toThrow(/fast tier/);
    expect(() => cp.execSync('true')).toThrow(/fast tier/);
    expect(cp.spawnSync('/nonexistent/terraform', ['version']).error).toMatchObject({ code: 'ENOENT' });
  });

  it('control: the guard\'s own test of a command line', () => {
    const { startsProgram } = require('./support/fast-guard.js') as { startsProgram: (n: string, c: unknown, env: NodeJS.ProcessEnv) => boolean };
    expect(startsProgram('spawnSync', 'node', process.env)).toBe(true);
    expect(startsProgram('spawnSync', 'weave-no-such-tool', process.env)).toBe(false);
    expect(startsProgram('spawnSync', process.execPath, {})).toBe(true);
  });
});

describe('cdktf is loaded by the suites that require it', () => {
  it('this one does (it imports cdktf): the control for property-seed.test.ts, which does not', () => {
    expect([...((globalThis as { weaveLoaded?: Set<string> }).weaveLoaded ?? [])]).toEqual(['cdktf']);
  });
});
