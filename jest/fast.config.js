'use strict';
// `npm test` (after tsc --noEmit): jest/tiers.js `fast`.
module.exports = require('./base')('fast', {
  setupFiles: ['<rootDir>/__tests__/support/setup-fast.js'],
  // Both cores run suites (jest's default leaves one to the parent, which
  // only waits): the tier is CPU-bound and its suites share nothing.
  maxWorkers: 2,
});
