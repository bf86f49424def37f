// Removes the run's private temp directory and fails the run if any test
// wrote a file into the repository (outside node_modules folders and .git).
const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

module.exports = async function globalTeardown() {
  const dir = process.env.WEAVE_JEST_TMP;
  const marker = process.env.WEAVE_JEST_MARKER;
  let written = '';
  if (marker) {
    // Every node_modules (compat/cdktn has its own), not just the root's.
    written = execFileSync('find', [ROOT, '-name', 'node_modules', '-prune', '-o', '-path', join(ROOT, '.git'), '-prune',
      '-o', '-newer', marker, '-type', 'f', '-print'], { encoding: 'utf8' }).trim();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (written) {
    throw new Error(`tests wrote into the repository (they must use a temp directory or memory):\n${written}`);
  }
};
