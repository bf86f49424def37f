'use strict';
// `npm test` (after tsc --noEmit): jest/tiers.js `fast`.
module.exports = require('./base')('fast', {
  setupFiles: ['<rootDir>/__tests__/support/setup-fast.js'],
});
