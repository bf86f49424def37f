// Runs once before all test files: every test process gets a private temp
// directory (TMPDIR, which os.tmpdir() reads), removed again by the global
// teardown, so cdktf's `cdktf.outdir.*` folders and our own temp folders
// never pile up in the system temp directory. A marker file dates the run,
// so the teardown can prove no test wrote into the repository.
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'weave-jest-'));
  const marker = join(dir, '.started');
  writeFileSync(marker, '');
  process.env.WEAVE_JEST_TMP = dir;
  process.env.WEAVE_JEST_MARKER = marker;
  process.env.TMPDIR = dir;
  process.env.TMP = dir;
  process.env.TEMP = dir;
};
