// Property tests are reproducible from one env var: the run's seed
// (WEAVE_FC_SEED) is fixed for every fast-check property, and a failing one
// says how to replay it. The control: a property that fails, replayed with
// the printed seed, fails on the same counterexample.
import fc from 'fast-check';
import { SEED_ENV, replayHint, seedFrom } from './support/property-seed';

/** A property that fails on large numbers, and the error fast-check reports for it. */
function failure(seed?: number): Error {
  try {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1_000_000 }), (n) => n < 1000), seed === undefined ? {} : { seed });
  } catch (e) {
    return e as Error;
  }
  throw new Error('the property did not fail');
}

describe('property-test seeds', () => {
  it('the run has one seed, from WEAVE_FC_SEED, and fast-check uses it', () => {
    const seed = seedFrom();
    expect(seed).toEqual(expect.any(Number));
    expect(fc.readConfigureGlobal().seed).toBe(seed);
  });

  it('a failing property names the env var and the seed that replays it', () => {
    const e = failure();
    expect(e.message).toContain(`Replay this run: ${SEED_ENV}=${seedFrom()} npx jest`);
    expect(e.message).toContain('property-seed.test.ts');
    // fast-check's own report stays: the seed, the path and the counterexample.
    expect(e.message).toMatch(/seed: -?\d+, path:/);
  });

  it('control: replaying with that seed fails on the same counterexample; another seed explores other values', () => {
    const seed = seedFrom()!;
    const counterexample = (e: Error) => /Counterexample: \[(\d+)\]/.exec(e.message)?.[1];
    const a = counterexample(failure(seed));
    expect(a).toBeDefined();
    expect(counterexample(failure(seed))).toBe(a);
    const samples = (s: number) => fc.sample(fc.integer(), { seed: s, numRuns: 5 });
    expect(samples(seed)).toEqual(samples(seed));
    expect(samples(seed)).not.toEqual(samples(seed + 1));
  });

  it('reads only a 32-bit integer', () => {
    expect(seedFrom({ [SEED_ENV]: '42' })).toBe(42);
    expect(seedFrom({ [SEED_ENV]: 'x' })).toBeUndefined();
    expect(seedFrom({})).toBeUndefined();
    expect(replayHint(42, '/r/__tests__/p.test.ts', 'a b')).toBe('Replay this run: WEAVE_FC_SEED=42 npx jest -c jest/<tier>.config.js __tests__/p.test.ts -t "a b"');
  });
});

describe('a suite that does not import cdktf', () => {
  it('never loads it (the setup defers it to the first require; harness.test.ts is the control, which does)', () => {
    expect([...((globalThis as { weaveLoaded?: Set<string> }).weaveLoaded ?? [])]).toEqual([]);
  });
});
