import { App } from 'cdktf';
import { synthesizeApp } from './lib';
import { stateBackendFromConfig } from './stacks/backend';
import { SeedStack } from './stacks/seed';

// Declared inside synthesizeApp, so a configuration problem found while
// declaring (a bad stateBackend, a construct in the wrong scope) prints
// once without a stack trace, like the ones found at synth (WEAVE_DEBUG=1
// for a stack trace).
synthesizeApp(() => {
  const app = new App();
  const seed = new SeedStack(app, 'weave-seed', {
    stateBackend: stateBackendFromConfig(app.node.tryGetContext('stateBackend')),
    // DNS labels are global per region: pick your own prefix before deploying.
    dnsLabelPrefix: app.node.tryGetContext('dnsLabelPrefix') ?? process.env.WEAVE_DNS_LABEL_PREFIX,
  });
  // The same topology with the password in Azure Key Vault: nothing secret in
  // state, plan or VM data (docs/key-vault.md). Raise `rotation` to deploy a new password.
  // It claims the same Azure names as weave-seed: deploy one of the two.
  new SeedStack(app, 'weave-seed-keyvault', {
    stateBackend: stateBackendFromConfig(app.node.tryGetContext('stateBackend')),
    dnsLabelPrefix: app.node.tryGetContext('dnsLabelPrefix') ?? process.env.WEAVE_DNS_LABEL_PREFIX,
    keyVault: { rotation: 1 },
    network: { alternativeTo: seed.network },
  });
  return app;
});
