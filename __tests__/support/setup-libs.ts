// setupFilesAfterEnv (every tier). Nothing here loads a library: each
// `jest.mock` factory runs only when a suite first requires the module, so a
// suite that never imports cdktf (the pure core) never pays for it.
//
// cdktf: its jest matchers, and the schema check of every stack synthesized
// (support/synth-collector.ts).
jest.mock('cdktf', () => {
  const real = jest.requireActual('cdktf');
  // cdktf's own modules require their index while it loads; that inner call
  // gets the half-built module, and the outer one instruments it once whole.
  if (real.Testing === undefined) return real;
  // Seen by harness.test.ts and property-seed.test.ts: which suites loaded cdktf.
  (globalThis as { weaveLoaded?: Set<string> }).weaveLoaded = new Set([...((globalThis as { weaveLoaded?: Set<string> }).weaveLoaded ?? []), 'cdktf']);
  const collector = require('./synth-collector');
  collector.instrument(real);
  collector.plainTokenTraces(jest.requireActual('cdktf/lib/tokens/private/stack-trace'));
  real.Testing.setupJest();
  return real;
});

// fast-check: one seed per run (WEAVE_FC_SEED, chosen by globalSetup unless
// given), and every failing property names it (support/property-seed.ts).
jest.mock('fast-check', () => require('./property-seed').instrumented(jest.requireActual('fast-check')));

// Every rendered cloud-config and Ignition document is decoded strictly, as
// today's Flatcar reads it (support/strict-boot-docs.ts).
jest.mock('../../lib/core/render/cloud-config', () =>
  jest.requireActual('./strict-boot-docs').strictCloudConfigModule(jest.requireActual('../../lib/core/render/cloud-config')));
jest.mock('../../lib/core/derive/templates', () =>
  jest.requireActual('./strict-boot-docs').strictTemplatesModule(jest.requireActual('../../lib/core/derive/templates')));
jest.mock('../../lib/core/render/ignition', () =>
  jest.requireActual('./strict-boot-docs').strictIgnitionModule(jest.requireActual('../../lib/core/render/ignition')));
