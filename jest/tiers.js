'use strict';
// Which tier each test file belongs to (file names under __tests__/, without
// `.test.ts`). Every test file is in exactly one tier: harness.test.ts fails
// on a file in none or in two, so a new suite cannot silently run nowhere.
//
// fast         `npm test`: the pure core, the stacks, the schema check and the
//              properties. No external program runs (not even bash), so it
//              needs nothing but Node.js and stays within 40 s on 2 cores.
// integration  `npm run test:integration`: every suite that drives an
//              external program (validators, bash, terraform, npm pack, the
//              TypeScript consumers, CDK Terrain, the app as `cdktf synth`
//              runs it).
//
// boot         `npm run test:boot`: QEMU guests boot the synthesized boot data
//              (root, qemu, mmdebstrap; support in __tests__/boot/).
module.exports = {
  fast: [
    'allocation',
    'allocation-synth',
    'azure-placement',
    'beside-weave',
    'config-errors',
    'day-two',
    'config-slips',
    'diagram',
    'flatcar-boot-docs',
    'flatcar-tools',
    'harness',
    'key-vault-stack',
    'peering',
    'plan',
    'pool',
    'pool-properties',
    'pool-stack',
    'properties',
    'properties-synth',
    'property-seed',
    'reach',
    'render',
    'schema-check',
    'seed-stack',
    'ssh-key',
    'user-content',
    'user-content-stack',
    'validation',
  ],
  integration: [
    'app-synth',
    'bench-twin',
    'boot-applier',
    'cdk-terrain',
    'config-errors-app',
    'day-two-scripts',
    'diagram-render',
    'first-day',
    'first-hour',
    'key-vault-fetch',
    'key-vault-terraform',
    'package',
    'pool-scripts',
    'provisioner-move',
    'quick-start',
    'registry-terraform',
    'retirement-terraform',
    'shell',
    'terraform-eval',
    'terraform-validate',
    'terraform-version',
    'terraform-workspace',
    'tools',
    'user-content-terraform',
    'validators',
  ],
  boot: [
    'boot-seed',
  ],
};
