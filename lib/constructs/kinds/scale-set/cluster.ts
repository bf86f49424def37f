// A pool's resources: where it lives (the Azure kind's placement: its own
// VNet and subnet, or an existing subnet), the NSG rules that admit Weave
// from the other clusters, its edge (resources.ts), the Uniform scale set
// of Flatcar instances that all boot one document, and its autoscale
// setting. Uniform, not Flexible: a Flexible scale set rolls upgrades only
// with the Application Health extension, which Flatcar cannot run, while a
// Uniform one gates them on the load balancer's probe, can turn
// overprovisioning off (extra instances would join the mesh and vanish)
// and has a scale-in policy. docs/pools.md has the sources.
import { TerraformOutput } from 'cdktf';
import { LinuxVirtualMachineScaleSet } from '@cdktf/provider-azurerm/lib/linux-virtual-machine-scale-set';
import type { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import type { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { IDENTITY_CLIENT_ID_SLOT, KEY_VAULT_URL_SLOT } from '../../../core/boot/slots';
import { WEAVE_CONTROL_PORT, WEAVE_FASTDP_PORT } from '../../../core/defaults';
import { CUSTOM_DATA_LIMIT, DEFAULT_OS_DISK_TYPE, DEFAULT_VM_SIZE, DEFAULT_VNET_CIDR, nsgPriorities } from '../../../core/kinds/azure/facts';
import {
  TERMINATION_NOTICE_MINUTES, UPGRADE_BATCH_PERCENT, UPGRADE_PAUSE_MINUTES, UPGRADE_UNHEALTHY_PERCENT,
} from '../../../core/kinds/scale-set/facts';
import { FLATCAR } from '../../../core/os/flatcar';
import type { ClusterBinding, NsgRuleSlots } from '../../marks';
import type { WeaveClusterProps } from '../../props';
import { bootExpression } from '../../terraform/boot-data';
import { outputId } from '../../terraform/names';
import { inboundRules } from '../azure/inbound-rules';
import { placeCluster } from '../azure/placement';
import type { ClusterKindConstructs, ClusterPart, ClusterScope } from '../kind';
import { createAutoscale } from './autoscale';
import { PoolEdge, ScaleSetResources, createPoolEdge } from './resources';

const IP_CONFIG = 'primary';

/** The scale-set kind's part of a cluster. */
export const scaleSetCluster: ClusterKindConstructs = (cluster, props): ClusterPart => {
  const provider = props.provider;
  const created = provider && props.location && props.pool ? createPool(cluster, props, provider, props.location) : undefined;
  return {
    scaleSet: created?.resources,
    // Sizes the pool's bridge block: an existing subnet's range must be given.
    spec: () => ({ vnetCidr: props.vnetCidr ?? (props.existingSubnet === undefined ? DEFAULT_VNET_CIDR : undefined), bootFormat: cluster.bootFormat, sshPublicKey: cluster.sshPublicKey }),
    grantTarget: () => (created && provider
      ? { scope: cluster, clusterName: cluster.clusterName, provider, tags: cluster.tags, location: props.location!, resourceGroupName: created.resourceGroupName }
      : undefined),
    keyVault: (vault, grant) => ({
      identityId: grant?.identityId,
      bootValues: { [KEY_VAULT_URL_SLOT]: vault.vaultUriExpression, ...(grant ? { [IDENTITY_CLIENT_ID_SLOT]: grant.clientId } : {}) },
    }),
    publicAddressRef: () => created?.edge.publicAddress,
    nsgRuleSlots: () => created?.nsgSlots,
    bind: (binding) => {
      for (const r of created?.weaveRules ?? []) {
        r.sourceAddressPrefixes = [...binding.peerSources];
        r.addOverride('count', binding.peerSources.length > 0 ? 1 : 0);
      }
      if (created && binding.pool) bindScaleSet(cluster, created.resources.scaleSet, binding.pool);
    },
    // A pool declares no hosts (the planner reports any); they make nothing.
    host: () => ({ bind: () => undefined }),
  };
};

interface Created {
  readonly resources: ScaleSetResources;
  readonly edge: PoolEdge;
  readonly weaveRules: readonly NetworkSecurityRule[];
  readonly nsgSlots: NsgRuleSlots;
  readonly resourceGroupName: string;
}

function createPool(cluster: ClusterScope, props: WeaveClusterProps, provider: AzurermProvider, location: string): Created {
  const name = cluster.clusterName;
  const pool = props.pool!;
  const tags = cluster.tags;
  const placed = placeCluster(cluster, name, props, { provider, location, tags });
  const { resourceGroupName } = placed;
  const priorities = nsgPriorities(props.nsgPriorities);
  const { rule: inbound, slots: ruleSlots } = inboundRules(cluster, provider, placed.ruleTarget);
  const rule = (id: string, priority: number, protocol: string, port: string, description: string) => inbound(id, priority, protocol, port, [], description);
  // The other clusters' egress addresses are bound once every cluster is declared.
  const weaveRules = [
    rule('weave-tcp', priorities.weaveTcp, 'Tcp', `${WEAVE_CONTROL_PORT}`, 'Weave control plane from other clusters'),
    rule('weave-udp', priorities.weaveUdp, 'Udp', `${WEAVE_CONTROL_PORT}-${WEAVE_FASTDP_PORT}`, 'Weave sleeve and fast datapath from other clusters'),
    rule('weave-esp', priorities.weaveEsp, 'Esp', '*', 'Encrypted fast datapath (ESP) from other clusters'),
  ];
  const edge = createPoolEdge(cluster, name, { provider, location, tags, resourceGroupName });
  const image = FLATCAR.image!;
  const adminUser = props.adminUsername ?? FLATCAR.defaultUser;
  const upgrade = pool.upgrade ?? {};
  const rolling = (upgrade.mode ?? 'Rolling') === 'Rolling';
  const initial = pool.initial ?? Math.max(pool.min, 1);
  const scaleSet = new LinuxVirtualMachineScaleSet(cluster, 'scale-set', {
    provider,
    name,
    location,
    resourceGroupName,
    tags,
    sku: pool.vmSize ?? DEFAULT_VM_SIZE,
    instances: initial,
    computerNamePrefix: name,
    adminUsername: adminUser,
    disablePasswordAuthentication: true,
    adminSshKey: [{ username: adminUser, publicKey: cluster.sshPublicKey ?? '' }],
    sourceImageReference: {
      publisher: image.publisher,
      offer: image.offer,
      sku: image.sku(pool.flatcarChannel ?? image.channels[0]),
      version: pool.imageVersion ?? image.defaultVersion,
    },
    osDisk: { caching: 'ReadWrite', storageAccountType: props.osDiskType ?? DEFAULT_OS_DISK_TYPE, diskSizeGb: pool.osDiskSizeGb },
    networkInterface: [{
      name: 'nic',
      primary: true,
      ...(placed.nicSecurityGroupId ? { networkSecurityGroupId: placed.nicSecurityGroupId } : {}),
      ...(props.acceleratedNetworking !== undefined ? { enableAcceleratedNetworking: props.acceleratedNetworking } : {}),
      ipConfiguration: [{ name: IP_CONFIG, primary: true, subnetId: placed.subnetId, loadBalancerBackendAddressPoolIds: [edge.backendPoolId] }],
    }],
    // Overprovisioned extra instances would boot, join the mesh and be deleted again.
    overprovision: false,
    upgradeMode: rolling ? 'Rolling' : 'Manual',
    ...(rolling ? {
      healthProbeId: edge.probeId,
      rollingUpgradePolicy: {
        maxBatchInstancePercent: upgrade.maxBatchPercent ?? UPGRADE_BATCH_PERCENT.default,
        maxUnhealthyInstancePercent: UPGRADE_UNHEALTHY_PERCENT,
        maxUnhealthyUpgradedInstancePercent: UPGRADE_UNHEALTHY_PERCENT,
        pauseTimeBetweenBatches: `PT${upgrade.pauseMinutes ?? UPGRADE_PAUSE_MINUTES}M`,
        maximumSurgeInstancesEnabled: upgrade.maxSurge ?? true,
      },
    } : {}),
    // A forced deletion skips the termination notice, and with it the instance's leaving.
    scaleIn: { rule: 'Default', forceDeletionEnabled: false },
    terminationNotification: { enabled: true, timeout: `PT${pool.terminationNoticeMinutes ?? TERMINATION_NOTICE_MINUTES.default}M` },
    ...(pool.spot ? { priority: 'Spot', evictionPolicy: pool.spot.evictionPolicy ?? 'Delete', maxBidPrice: pool.spot.maxPrice ?? -1 } : {}),
    ...(pool.zones ? { zones: [...pool.zones], ...(pool.zoneBalance ? { zoneBalance: true } : {}) } : {}),
    bootDiagnostics: {},
    // The first boot downloads weave through the outbound rule; a rolling
    // upgrade needs the probe to serve a rule.
    dependsOn: [...edge.before],
  });
  const autoscale = pool.autoscale ? createAutoscale(cluster, name, pool, initial, scaleSet, { provider, location, tags, resourceGroupName }) : undefined;
  // With autoscale, Terraform creates the instances once and leaves their count alone.
  if (autoscale) scaleSet.lifecycle = { ignoreChanges: ['instances'] };
  new TerraformOutput(cluster, 'public-address', {
    value: edge.publicAddress,
    description: `Egress address of Weave pool ${cluster.node.path}`,
  }).overrideLogicalId(outputId(cluster.network, name, 'public_address'));
  new TerraformOutput(cluster, 'scale-set-id', {
    value: scaleSet.id,
    description: `Resource id of the scale set of Weave pool ${cluster.node.path}`,
  }).overrideLogicalId(outputId(cluster.network, name, 'scale_set_id'));
  const { resourceGroup, virtualNetwork, subnet, securityGroup } = placed;
  return {
    resources: { resourceGroup, virtualNetwork, subnet, securityGroup, publicIp: edge.publicIp, loadBalancer: edge.loadBalancer, backendPool: edge.backendPool, scaleSet, autoscale },
    edge,
    weaveRules,
    nsgSlots: { nsg: placed.ruleTarget, existing: props.existingSecurityGroup, rules: ruleSlots },
    resourceGroupName,
  };
}

/** Fills in the instances' boot document and, in Key Vault mode, their identity. */
function bindScaleSet(cluster: ClusterScope, scaleSet: LinuxVirtualMachineScaleSet, pool: NonNullable<ClusterBinding['pool']>): void {
  const { derived, sharedEnvRef, keyVault: kv, identity } = pool;
  // The identity's client id fills its slot for the registry login too (an ACR without Key Vault mode).
  const values = { ...(identity ? { [IDENTITY_CLIENT_ID_SLOT]: identity.clientId } : {}), ...kv?.bootValues };
  const expr = bootExpression(derived.boot, sharedEnvRef, values);
  const identityId = kv?.identityId ?? identity?.identityId;
  if (identityId) scaleSet.putIdentity({ type: 'UserAssigned', identityIds: [identityId] });
  // One document for every instance; a change rolls out by the upgrade policy.
  scaleSet.customData = `\${base64encode(${expr})}`;
  const refs = (derived.boot.expressions ?? []).map((e) => e.content.ref);
  if (refs.length > 0) {
    // Each slot's fill is base64 (ASCII), so its length is its size in bytes.
    scaleSet.lifecycle = {
      ...(scaleSet.lifecycle ?? {}),
      precondition: [{
        condition: `\${${derived.knownBytes} + ${refs.map((r) => `length(${r})`).join(' + ')} <= ${CUSTOM_DATA_LIMIT}}`,
        errorMessage: `Custom data of pool ${cluster.clusterName} would exceed Azure's ${CUSTOM_DATA_LIMIT} bytes: ${derived.knownBytes} bytes are known at synth, and your files filled in by Terraform add the rest.`,
      }],
    };
  }
}
