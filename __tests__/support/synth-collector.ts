// Every stack any suite synthesizes is checked against the provider schema
// at the moment it is synthesized: setup-cdktf.ts wraps cdktf's
// `Testing.synth` (which `synthScope` calls), `Testing.fullSynth` and
// `App.prototype.synth` when a suite first loads cdktf, and helpers that run
// the app in another process (support/synth.ts `synthApp`) hand their output
// here. So "every stack the suite synthesizes" is found structurally, not
// from a list kept by hand: a new test's stack is checked without anyone
// remembering to add it.
//
// With WEAVE_SYNTH_COLLECT_DIR set, each distinct stack is also written there
// (sha256 of its JSON as the file name) with the test that made it, which is
// how terraform-validate.test.ts replays the fast tier and runs the real
// provider on the very same stacks.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSchemaProblems, schemaProblems } from './schema-check';

/** A stack that failed the schema check, with the problems. */
export class SchemaCheckError extends Error {}

let suspended = 0;
let checkedCount = 0;
/** Digests of the stacks this test file has already seen pass (many tests synthesize the same seed). */
const passed = new Set<string>();
const tags: string[] = [];

/** How many stacks this test file has had checked so far. */
export function checkedStacks(): number {
  return checkedCount;
}

/**
 * Runs `fn` without the schema check, for a test that synthesizes a stack it
 * knows is invalid on purpose and checks that itself (a negative control).
 */
export function withoutSchemaCheck<T>(fn: () => T): T {
  suspended++;
  try {
    return fn();
  } finally {
    suspended--;
  }
}

/** Runs `fn` with its synthesized stacks tagged (e.g. `random-network`), for the collection. */
export function tagged<T>(tag: string, fn: () => T): T {
  tags.push(tag);
  try {
    return fn();
  } finally {
    tags.pop();
  }
}

function origin(): { file: string; test: string } {
  const state = (globalThis as { expect?: { getState(): { testPath?: string; currentTestName?: string } } }).expect?.getState();
  return { file: (state?.testPath ?? '').replace(/^.*__tests__\//, ''), test: state?.currentTestName ?? '(collection)' };
}

/**
 * Checks one synthesized `cdk.tf.json` (text or parsed) and, when collecting,
 * records it. Throws {@link SchemaCheckError} naming every problem.
 */
export function checkSynthesized(config: string | Record<string, unknown>, label?: string): void {
  if (suspended > 0) return;
  const text = typeof config === 'string' ? config : JSON.stringify(config);
  checkedCount++;
  const digest = createHash('sha256').update(text).digest('hex');
  const collect = process.env.WEAVE_SYNTH_COLLECT_DIR;
  // The check is a pure function of the text: a stack seen passing passes again.
  if (passed.has(digest) && !collect) return;
  const tf = typeof config === 'string' ? (JSON.parse(config) as Record<string, unknown>) : config;
  const problems = schemaProblems(tf);
  const from = origin();
  if (problems.length > 0) {
    throw new SchemaCheckError(
      `the synthesized stack${label ? ` ${label}` : ''} (${from.file}: ${from.test}) fails the azurerm schema check (${problems.length} problem(s)):\n${formatSchemaProblems(problems)}`,
    );
  }
  passed.add(digest);
  if (collect) {
    const file = join(collect, `${digest.slice(0, 32)}.json`);
    if (!existsSync(file)) writeFileSync(file, JSON.stringify({ origin: from, tags: [...tags], label: label ?? '', config: tf }));
  }
}

/** Checks every stack an app wrote into `outdir` (`stacks/<name>/cdk.tf.json`). */
export function checkOutdir(outdir: string, label = 'app'): void {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return;
  for (const name of readdirSync(stacks).sort()) {
    const file = join(stacks, name, 'cdk.tf.json');
    if (existsSync(file)) checkSynthesized(readFileSync(file, 'utf8'), `${label} stack ${name}`);
  }
}

interface CdktfModule {
  Testing: { synth: (...args: unknown[]) => string; fullSynth: (...args: unknown[]) => string };
  App: { prototype: { synth: (...args: unknown[]) => void; outdir?: string } };
}

const INSTRUMENTED = Symbol.for('weave.synth-collector');

/** Wraps cdktf's synth entry points (once per module instance). */
export function instrument(cdktf: CdktfModule): void {
  const testing = cdktf.Testing as unknown as Record<symbol, boolean> & CdktfModule['Testing'];
  if (testing[INSTRUMENTED]) return;
  testing[INSTRUMENTED] = true;
  const synth = cdktf.Testing.synth;
  cdktf.Testing.synth = function (this: unknown, ...args: unknown[]) {
    const out = synth.apply(this, args);
    checkSynthesized(out, 'Testing.synth');
    return out;
  };
  const fullSynth = cdktf.Testing.fullSynth;
  cdktf.Testing.fullSynth = function (this: unknown, ...args: unknown[]) {
    const outdir = fullSynth.apply(this, args);
    checkOutdir(outdir, 'Testing.fullSynth');
    return outdir;
  };
  const appSynth = cdktf.App.prototype.synth;
  cdktf.App.prototype.synth = function (this: { outdir: string }, ...args: unknown[]) {
    appSynth.apply(this, args);
    checkOutdir(this.outdir, 'App.synth');
  };
}

/** What cdktf records as a token's creation stack under jest. */
export const NOT_RECORDED = ['(token creation stacks are not recorded in tests: __tests__/support/synth-collector.ts)'];

/**
 * cdktf records a full creation stack trace for every token it makes, shown
 * only in its own error messages ("token created at …"). Capturing and
 * formatting those traces (through source-map-support under jest) was about
 * half of building and synthesizing a stack in tests, so tests record a
 * one-line marker instead. Nothing synthesized depends on them, and jest's
 * own failure traces are untouched.
 */
export function plainTokenTraces(stackTrace: { captureStackTrace: (below?: unknown) => string[] }): void {
  stackTrace.captureStackTrace = () => [...NOT_RECORDED];
}
