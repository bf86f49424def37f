'use strict';
// What a test process inherits from the shell, decided in one place. Tests
// must not pick up a contributor's WEAVE_* settings (WEAVE_DNS_LABEL_PREFIX
// changes the seed's names, WEAVE_ALLOCATION_FROZEN fails synths),
// CDKTF_CONTEXT_JSON / CDKTF_* (cdktf reads context and the output folder from
// them) or TF_* (TF_VAR_* fills variables, TF_CLI_CONFIG_FILE and TF_DATA_DIR
// move Terraform's state and plugins). globalSetup strips them from the jest
// process before any worker starts, and every test file strips its own copy
// again (setupFiles). The stripped values are kept in the run's temp folder
// (shell-env.json) for the one place that must read the user's Terraform CLI
// configuration on purpose: finding installed providers (support/terraform.ts).
const { mkdirSync, mkdtempSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

/** The harness's own knobs, which a contributor sets on purpose (CONTRIBUTING.md, "Test tiers"). */
const KEEP = new Set([
  'WEAVE_JEST_TMP', 'WEAVE_JEST_MARKER', 'WEAVE_FC_SEED', 'WEAVE_TF_PROVIDERS_DIR', 'WEAVE_SHARED_DIR',
  'WEAVE_SYNTH_COLLECT_DIR', 'WEAVE_TFVALIDATE_RANDOM', 'WEAVE_TFVALIDATE_SUITES', 'WEAVE_NODE22',
]);
const STRIP = /^(WEAVE_|CDKTF_|TF_)/;

/** Removes what tests must not inherit from `env` (in place); returns what it removed. */
function stripInherited(env) {
  const removed = {};
  for (const key of Object.keys(env)) {
    if (STRIP.test(key) && !KEEP.has(key)) {
      removed[key] = env[key];
      delete env[key];
    }
  }
  return removed;
}

/** globalSetup: strip the jest process's env and keep what was stripped. */
function stripForRun(env, tmp) {
  const removed = stripInherited(env);
  writeFileSync(join(tmp, 'shell-env.json'), JSON.stringify(removed));
  env.CHECKPOINT_DISABLE = '1';
  return removed;
}

/**
 * setupFiles: the test file's own env. Also points the allocation record at a
 * file of its own that does not exist (WEAVE_ALLOCATION_FILE), so no synth
 * reads the repository's weave-allocation.json unless a test names it.
 */
function prepareTestFile(env) {
  stripInherited(env);
  env.CHECKPOINT_DISABLE = '1';
  const base = env.WEAVE_JEST_TMP || require('node:os').tmpdir();
  mkdirSync(base, { recursive: true });
  env.WEAVE_ALLOCATION_FILE = join(mkdtempSync(join(base, 'alloc-')), 'weave-allocation.json');
}

module.exports = { KEEP, STRIP, stripInherited, stripForRun, prepareTestFile };

// As a setupFiles entry, jest requires this file in the test's sandbox.
if (typeof jest !== 'undefined' && typeof expect === 'undefined') prepareTestFile(process.env);
