// Property tests are reproducible from one number. globalSetup picks the
// run's seed (or takes WEAVE_FC_SEED from the shell) and prints it; every
// fast-check property in every suite starts from it (fc.configureGlobal), and
// a failing `fc.assert` says how to replay exactly that run. fast-check's own
// report (seed, path, counterexample) stays in the message.

/** The env var that fixes the run's seed. */
export const SEED_ENV = 'WEAVE_FC_SEED';

/** The seed in `env`, or undefined when it is missing or not a 32-bit integer. */
export function seedFrom(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = (env[SEED_ENV] ?? '').trim();
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 32 ? n : undefined;
}

/** How to replay a failure: the one env var, the file and the test. */
export function replayHint(seed: number, testPath?: string, testName?: string): string {
  const file = testPath ? ` ${testPath.replace(/^.*?(__tests__\/)/, '$1')}` : '';
  const name = testName ? ` -t ${JSON.stringify(testName)}` : '';
  return `Replay this run: ${SEED_ENV}=${seed} npx jest -c jest/<tier>.config.js${file}${name}`;
}

type Fc = {
  configureGlobal(params: Record<string, unknown>): void;
  readConfigureGlobal(): Record<string, unknown>;
  assert: (...args: unknown[]) => unknown;
};

/**
 * The fast-check module with the run's seed set and an `assert` whose
 * failures name it. A copy: the module's exports are getters, which cannot
 * be reassigned. `import fc from 'fast-check'` reads its `default`, so that
 * gets the same `assert`.
 */
export function instrumented(fc: Fc & { default?: Fc }): Fc {
  const seed = seedFrom();
  if (seed === undefined) return fc;
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
  const assert = fc.assert;
  const annotate = (e: unknown, params: unknown): never => {
    if (e instanceof Error) {
      const own = (params as { seed?: unknown } | undefined)?.seed;
      const state = (globalThis as { expect?: { getState(): { testPath?: string; currentTestName?: string } } }).expect?.getState();
      e.message += own !== undefined
        ? `\n(this property fixes its own seed ${String(own)}: ${replayHint(Number(own), state?.testPath, state?.currentTestName).replace(/^Replay this run: /, 'replay with ')})`
        : `\n${replayHint(seed, state?.testPath, state?.currentTestName)}`;
    }
    throw e;
  };
  const wrapped = function (this: unknown, ...args: unknown[]) {
    try {
      const out = assert.apply(this, args);
      if (out && typeof (out as Promise<unknown>).then === 'function') return (out as Promise<unknown>).catch((e) => annotate(e, args[1]));
      return out;
    } catch (e) {
      return annotate(e, args[1]);
    }
  };
  const copy = (m: object): Record<string, unknown> => Object.fromEntries(Object.keys(m).map((k) => [k, (m as Record<string, unknown>)[k]]));
  const mod = { ...copy(fc), assert: wrapped } as Record<string, unknown>;
  if (fc.default) mod.default = { ...copy(fc.default), assert: wrapped };
  Object.defineProperty(mod, '__esModule', { value: true });
  return mod as unknown as Fc;
}
