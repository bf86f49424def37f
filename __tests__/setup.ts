import { Testing } from 'cdktf';

Testing.setupJest();

// Every rendered cloud-config and Ignition document is decoded strictly, as
// today's Flatcar reads it (support/strict-boot-docs.ts).
jest.mock('../lib/core/render/cloud-config', () =>
  jest.requireActual('./support/strict-boot-docs').strictCloudConfigModule(jest.requireActual('../lib/core/render/cloud-config')));
jest.mock('../lib/core/render/ignition', () =>
  jest.requireActual('./support/strict-boot-docs').strictIgnitionModule(jest.requireActual('../lib/core/render/ignition')));
