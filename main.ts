import { App } from 'cdktf';
import { SeedStack } from './stacks/seed';

const app = new App();
new SeedStack(app, 'weave-seed');
app.synth();
