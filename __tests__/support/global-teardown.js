// Removes the run's private temp directory and fails the run if any test
// wrote a file into the repository (outside node_modules folders and .git).
// The walk is plain fs, not `find`: when jest runs one file in band, the fast
// tier's spawn guard is still installed in this process.
const { readdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');

/** Files under `dir` modified after `since` (ms), skipping every node_modules and the top .git. */
function newerFiles(dir, since, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || path === join(ROOT, '.git')) continue;
      newerFiles(path, since, out);
    } else if (entry.isFile() && statSync(path).mtimeMs > since) {
      out.push(path);
    }
  }
  return out;
}

module.exports = async function globalTeardown() {
  const dir = process.env.WEAVE_JEST_TMP;
  const marker = process.env.WEAVE_JEST_MARKER;
  const written = marker ? newerFiles(ROOT, statSync(marker).mtimeMs) : [];
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (written.length > 0) {
    throw new Error(`tests wrote into the repository (they must use a temp directory or memory):\n${written.join('\n')}`);
  }
};
