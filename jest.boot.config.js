// The boot tier (npm run test:boot): QEMU guests boot the synthesized boot
// data. Its files end in .boot.ts, so the other tiers never pick them up.
// One file, run in band: the guests are the parallelism (at most two at once).
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/__tests__/boot'],
  testMatch: ['**/*.boot.ts'],
  testTimeout: 20 * 60_000,
  maxWorkers: 1,
};
