'use strict';
// The network that package.test.ts's consumer project declares with the
// packed library (copied there as network.js), kept in plain JS so that
// project runs it untranspiled; terraform-validate.test.ts declares the same
// network with this repository's library.
module.exports = function declareConsumerNetwork(stack, { AzurermProvider, WeaveNetwork, WeaveCluster, WeaveHost }) {
  const azurerm = new AzurermProvider(stack, 'azurerm', {
    features: [{}],
    subscriptionId: '00000000-0000-0000-0000-000000000000',
  });
  const network = new WeaveNetwork(stack, 'weave', {
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE7b9lQ9Qz0d1wG3oQ8Zx0u0rJ5l3Yx1c2v3b4n5m6p7 first-hour@example',
  });
  const cluster = new WeaveCluster(network, 'cluster-01', { provider: azurerm, location: 'westeurope' });
  new WeaveHost(cluster, 'azure-01');
  new WeaveHost(cluster, 'azure-02');
};
