'use strict';
// `npm run test:integration`: jest/tiers.js `integration`. The suites drive
// real programs, some for minutes (terraform, npm pack, tsc, CDK Terrain).
module.exports = require('./base')('integration', { testTimeout: 120_000 });
