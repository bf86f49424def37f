'use strict';
// `npm run test:boot`: jest/tiers.js `boot`. QEMU guests boot the synthesized
// boot data; one file, in band: the guests are the parallelism (at most two
// at once on 2 cores).
module.exports = require('./base')('boot', { testTimeout: 20 * 60_000, maxWorkers: 1 });
