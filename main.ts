import { App } from 'cdktf';
import { stateBackendFromConfig } from './stacks/backend';
import { SeedStack } from './stacks/seed';

const app = new App();
new SeedStack(app, 'weave-seed', {
  stateBackend: stateBackendFromConfig(app.node.tryGetContext('stateBackend')),
});
app.synth();
