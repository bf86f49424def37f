'use strict';
// The jest configuration every tier shares; jest/<tier>.config.js picks its
// files from jest/tiers.js. Transpile-only (swc): type checking is the one
// `tsc --noEmit` in `npm test`, instead of ts-jest checking the azurerm
// bindings once per test file.
const { join } = require('node:path');
const tiers = require('./tiers');

const ROOT = join(__dirname, '..');

/** The config of one tier; `extra` adds setup files or overrides. */
module.exports = function tierConfig(tier, extra = {}) {
  const files = tiers[tier];
  if (!files) throw new Error(`no tier ${tier} in jest/tiers.js`);
  return {
    rootDir: ROOT,
    displayName: tier,
    testEnvironment: 'node',
    roots: ['<rootDir>/__tests__'],
    testMatch: files.map((f) => `<rootDir>/__tests__/${f}.test.ts`),
    transform: {
      '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
    },
    setupFiles: ['<rootDir>/__tests__/support/setup-env.js', ...(extra.setupFiles ?? [])],
    setupFilesAfterEnv: ['<rootDir>/__tests__/support/setup-libs.ts'],
    globalSetup: '<rootDir>/__tests__/support/global-setup.js',
    globalTeardown: '<rootDir>/__tests__/support/global-teardown.js',
    moduleFileExtensions: ['ts', 'js', 'json'],
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'setupFiles')),
  };
};
