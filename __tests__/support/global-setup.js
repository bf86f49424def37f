// Runs once before all test files: every test process gets a private temp
// directory (TMPDIR, which os.tmpdir() reads), removed again by the global
// teardown, so cdktf's `cdktf.outdir.*` folders and our own temp folders
// never pile up in the system temp directory. A marker file dates the run,
// so the teardown can prove no test wrote into the repository. The shell's
// WEAVE_*, CDKTF_* and TF_* settings are stripped before any worker starts
// (support/harness-env.js), and the run's property-test seed is chosen and
// printed (support/property-seed.ts).
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomInt } = require('node:crypto');
const { stripForRun } = require('./harness-env');

module.exports = async function globalSetup(globalConfig, projectConfig) {
  const dir = mkdtempSync(join(tmpdir(), 'weave-jest-'));
  const marker = join(dir, '.started');
  writeFileSync(marker, '');
  stripForRun(process.env, dir);
  process.env.WEAVE_JEST_TMP = dir;
  process.env.WEAVE_JEST_MARKER = marker;
  process.env.TMPDIR = dir;
  process.env.TMP = dir;
  process.env.TEMP = dir;
  const given = /^-?\d+$/.test((process.env.WEAVE_FC_SEED ?? '').trim());
  if (!given) process.env.WEAVE_FC_SEED = String(randomInt(0, 2 ** 31));
  const tier = (projectConfig && projectConfig.displayName && (projectConfig.displayName.name || projectConfig.displayName)) || 'tests';
  process.stderr.write(`${tier}: property tests use WEAVE_FC_SEED=${process.env.WEAVE_FC_SEED}${given ? ' (given)' : ' (set it to replay this run)'}\n`);
};
