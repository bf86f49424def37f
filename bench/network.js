'use strict';
// Generated Weave networks for the benchmark, built from the COMPILED library
// (dist/), the same way stacks/seed.ts builds the seed: variables for every
// account-specific value, one aliased AzurermProvider per cluster, Azure
// clusters only (so "hosts" is exactly the number of VMs).
const path = require('path');

// WEAVE_BENCH_DIST: measure a snapshot of dist/ instead (e.g. a copy in a
// directory with a node_modules symlink), so a rebuild or a clean of dist/
// during a long investigation does not change what is measured.
const DIST = process.env.WEAVE_BENCH_DIST || path.join(__dirname, '..', 'dist');

/** Shapes of the generated cases: clusters x hosts per cluster. */
const NETWORKS = {
  'net-100': { clusters: 20, hostsPerCluster: 5 },
  'net-1000': { clusters: 50, hostsPerCluster: 20 },
};

const pad = (n, w) => String(n).padStart(w, '0');

/**
 * Declares one TerraformStack holding one WeaveNetwork of
 * `clusters` x `hostsPerCluster` Azure hosts.
 */
function buildNetworkStack(app, id, { clusters, hostsPerCluster }) {
  const { TerraformStack, TerraformVariable } = require('cdktf');
  const { AzurermProvider } = require('@cdktf/provider-azurerm/lib/provider');
  const { WeaveNetwork, WeaveCluster, WeaveHost } = require(path.join(DIST, 'lib'));

  const stack = new TerraformStack(app, id);
  const sshKey = new TerraformVariable(stack, 'ssh_public_key', {
    type: 'string',
    description: 'SSH public key for the core user on every Azure VM',
    nullable: false,
  });
  const network = new WeaveNetwork(stack, 'weave', {
    ipallocRange: '10.2.0.0/16',
    bridgeRange: '10.1.0.0/16',
    wantedBy: ['multi-user.target', 'kubernetes.master.target', 'kubernetes.node.target'],
    sshPublicKey: sshKey.stringValue,
    // A synth-cost case, not a mesh to run: past Weave's default of 200
    // connections the mesh-size guardrail (mesh-conn-limit) wants the limit said.
    ...(clusters * hostsPerCluster > 200 ? { connLimit: clusters * hostsPerCluster } : {}),
  });
  const w = Math.max(2, String(clusters).length);
  const hw = Math.max(2, String(hostsPerCluster).length);
  for (let c = 1; c <= clusters; c++) {
    const sub = new TerraformVariable(stack, `subscription_id_${c}`, {
      type: 'string',
      description: `Azure subscription of cluster-${pad(c, w)}`,
      nullable: false,
    });
    const provider = new AzurermProvider(stack, `azurerm-sub${c}`, {
      alias: `sub${c}`,
      subscriptionId: sub.stringValue,
      features: [{}],
    });
    const cluster = new WeaveCluster(network, `cluster-${pad(c, w)}`, { provider, location: 'westeurope' });
    for (let h = 1; h <= hostsPerCluster; h++) new WeaveHost(cluster, `azure-c${pad(c, w)}-h${pad(h, hw)}`);
  }
  return stack;
}

module.exports = { DIST, NETWORKS, buildNetworkStack };
