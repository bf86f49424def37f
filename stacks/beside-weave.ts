import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { DataAzurermSubnet } from '@cdktf/provider-azurerm/lib/data-azurerm-subnet';
import { WeaveCluster, WeaveHost, WeaveNetwork, WeaveUnit } from '../lib';

const KUBERNETES_VERSION = 'v1.31.4';

// Targets Weave (and everything else a node runs) hangs off; Flatcar has none.
const target = (role: string): WeaveUnit => ({
  name: `kubernetes.${role}.target`,
  contents: `[Unit]\nDescription=Kubernetes ${role}\n\n[Install]\nWantedBy=multi-user.target\n`,
});

// Fetches the pinned kubelet once; the checksum comes from a file Terraform fills in.
const kubeletInstall: WeaveUnit = {
  name: 'kubelet-install.service',
  contents: [
    '[Unit]',
    'Description=Install kubelet',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'EnvironmentFile=/etc/kubernetes/release.env',
    'ExecStart=/usr/bin/bash -c \'test -x /opt/bin/kubelet-${KUBELET_VERSION} || { /usr/bin/curl -fsSL --retry 5 -o /opt/bin/kubelet.download https://dl.k8s.io/release/${KUBELET_VERSION}/bin/linux/amd64/kubelet && echo "${KUBELET_SHA256}  /opt/bin/kubelet.download" | /usr/bin/sha256sum --check --strict && /usr/bin/chmod 0755 /opt/bin/kubelet.download && /usr/bin/mv -f /opt/bin/kubelet.download /opt/bin/kubelet-${KUBELET_VERSION}; }\'',
    'ExecStart=/usr/bin/bash -c \'/usr/bin/ln -sfn /opt/bin/kubelet-${KUBELET_VERSION} /opt/bin/kubelet\'',
    '',
  ].join('\n'),
};

// Starts after the mesh and is stopped and restarted with it (Requires=).
const kubelet: WeaveUnit = {
  name: 'kubelet.service',
  contents: [
    '[Unit]',
    'Description=Kubernetes node agent',
    'After=weave-network.target kubelet-install.service docker.service',
    'Requires=weave-network.target kubelet-install.service',
    '',
    '[Service]',
    'EnvironmentFile=-/etc/kubernetes/kubelet.env',
    'ExecStart=/opt/bin/kubelet --config=/etc/kubernetes/kubelet.yaml --kubeconfig=/etc/kubernetes/kubelet.conf $KUBELET_EXTRA_ARGS',
    'Restart=always',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=kubernetes.node.target',
    '',
  ].join('\n'),
};

/**
 * Kubernetes nodes beside Weave: the masters' cluster in a VNet the stack
 * creates, the nodes' cluster in a subnet the platform team already has,
 * each host's kubelet and its files in the same boot document as Weave's.
 */
export class BesideWeaveStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const variable = (name: string, sensitive = false) => new TerraformVariable(this, name, { type: 'string', sensitive, nullable: false }).stringValue;
    const provider = new AzurermProvider(this, 'azurerm', { subscriptionId: variable('subscription_id'), features: [{}] });

    const mesh = new WeaveNetwork(this, 'mesh', {
      sshPublicKey: variable('ssh_public_key'),
      bootstrapSize: 3,
      // Weave starts with whichever role the host has.
      wantedBy: ['kubernetes.master.target', 'kubernetes.node.target'],
      files: [
        // Non-secret values from Terraform: filled in at apply time.
        { path: '/etc/kubernetes/pki/ca.crt', content: variable('cluster_ca_pem') },
        { path: '/etc/kubernetes/release.env', content: `KUBELET_VERSION=${KUBERNETES_VERSION}\nKUBELET_SHA256=${variable('kubelet_sha256')}\n` },
        { path: '/etc/kubernetes/kubelet.yaml', content: 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nclusterDomain: cluster.local\n' },
      ],
      units: [
        target('node'),
        kubeletInstall,
        kubelet,
        // Docker keeps Weave's drop-in and gets this one beside it.
        { name: 'docker.service', dropIns: [{ name: '20-log-size.conf', contents: '[Service]\nEnvironment="DOCKER_OPTS=--log-opt max-size=50m"\n' }] },
      ],
    });

    const masters = new WeaveCluster(mesh, 'k8s-masters', {
      provider,
      location: 'westeurope',
      dnsLabel: 'acme-k8s-masters',
      bootstrapHosts: 1,
      tags: { team: 'platform' },
      osDiskType: 'Premium_LRS',
      // Masters are nodes too, and something must pull their target in.
      units: [target('master')],
    });
    new WeaveHost(masters, 'master-1', { vmSize: 'Standard_D4s_v5' });

    const nodes = new WeaveCluster(mesh, 'k8s-nodes', {
      provider,
      location: 'westeurope',
      dnsLabel: 'acme-k8s-nodes',
      bootstrapHosts: 2,
      bootFormat: 'ignition',
      // The platform team's subnet; the library adds its NSG to the NICs.
      existingResourceGroup: 'platform-network',
      existingSubnet: new DataAzurermSubnet(this, 'nodes-subnet', {
        provider,
        name: 'k8s-nodes',
        virtualNetworkName: 'platform',
        resourceGroupName: 'platform-network',
      }),
      vnetCidr: '172.16.8.0/24',
      nsgPriorities: { weaveTcp: 1000, weaveUdp: 1010, weaveEsp: 1020 },
      adminUsername: 'ops',
      acceleratedNetworking: true,
      tags: { team: 'platform' },
    });
    new WeaveHost(nodes, 'node-1', { availabilityZone: '1' });
    new WeaveHost(nodes, 'node-2', {
      availabilityZone: '2',
      // Replaces nothing: an extra file for this host only.
      files: [{ path: '/etc/kubernetes/kubelet.env', content: 'KUBELET_EXTRA_ARGS=--node-labels=gpu=true\n', mode: 0o600 }],
    });
  }
}
