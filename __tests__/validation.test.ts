import { Fn, TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import {
  WeaveCluster,
  WeaveClusterProps,
  WeaveConfigError,
  WeaveHost,
  WeaveHostProps,
  WeaveNetwork,
  WeaveNetworkProps,
} from '../lib';

interface Decl {
  network?: WeaveNetworkProps;
  clusters?: { id: string; props?: Partial<WeaveClusterProps>; hosts: (string | [string, WeaveHostProps])[] }[];
}

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITest test';
const DED = { ssh: { host: '203.0.113.10' } };

/** A valid two-cluster network, unless the case says otherwise. */
function build(decl: Decl) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'net', { sshPublicKey: KEY, ...decl.network });
  const clusters = decl.clusters ?? [
    { id: 'c1', hosts: ['h1', 'h2'] },
    { id: 'c2', hosts: ['h3'] },
  ];
  for (const c of clusters) {
    const azure = (c.props?.kind ?? 'azure') === 'azure';
    const cluster = new WeaveCluster(net, c.id, azure ? { provider, location: 'westeurope', dnsLabel: `mesh-${c.id}`, ...c.props } : { ...c.props });
    for (const h of c.hosts) {
      const [id, props] = typeof h === 'string' ? [h, azure ? {} : DED] : h;
      new WeaveHost(cluster, id, props);
    }
  }
  return { app, stack, net };
}

function problemsOf(decl: Decl) {
  const { stack } = build(decl);
  try {
    Testing.synth(stack);
  } catch (e) {
    if (e instanceof WeaveConfigError) return { error: e, problems: e.problems };
    throw e;
  }
  throw new Error('synth succeeded, but the declaration is invalid');
}

interface Case {
  name: string;
  decl: Decl;
  code: string;
  path: string;
  value: string;
  fix: RegExp;
}

const dedicated = (props: Partial<WeaveClusterProps> = {}) => ({ kind: 'dedicated' as const, ...props });

const cases: Case[] = [
  { name: 'IPAM range with host bits set', decl: { network: { ipallocRange: '10.2.0.1/16' } }, code: 'range-host-bits', path: 'stack/net', value: '"10.2.0.1/16"', fix: /write 10\.2\.0\.0\/16/ },
  { name: 'IPAM range that is not a CIDR', decl: { network: { ipallocRange: '10.2.0.0' } }, code: 'range-invalid', path: 'stack/net', value: '"10.2.0.0"', fix: /10\.2\.0\.0\/16/ },
  { name: 'bridge range with host bits set', decl: { network: { bridgeRange: '10.1.2.3/16' } }, code: 'range-host-bits', path: 'stack/net', value: '"10.1.2.3/16"', fix: /write 10\.1\.0\.0\/16/ },
  { name: 'a /31 bridge range', decl: { network: { bridgeRange: '10.1.0.0/31' } }, code: 'range-too-small', path: 'stack/net', value: '"10.1.0.0/31"', fix: /\/30 or shorter/ },
  { name: 'overlapping allocation and bridge ranges', decl: { network: { ipallocRange: '10.0.0.0/8' } }, code: 'ranges-overlap', path: 'stack/net', value: '"10.1.0.0/16"', fix: /disjoint/ },
  { name: 'VNet overlapping the IPAM range', decl: { clusters: [{ id: 'c1', props: { vnetCidr: '10.2.128.0/24' }, hosts: ['h1'] }] }, code: 'vnet-overlap', path: 'stack/net/c1', value: '"10.2.128.0/24"', fix: /outside 10\.2\.0\.0\/16/ },
  { name: 'VNet overlapping the bridge range', decl: { clusters: [{ id: 'c1', props: { vnetCidr: '10.0.0.0/8' }, hosts: ['h1'] }] }, code: 'vnet-overlap', path: 'stack/net/c1', value: '"10.0.0.0/8"', fix: /outside 10\.(1|2)\.0\.0\/16/ },
  { name: 'VNet CIDR with host bits', decl: { clusters: [{ id: 'c1', props: { vnetCidr: '172.16.1.10/24' }, hosts: ['h1'] }] }, code: 'vnet-cidr-invalid', path: 'stack/net/c1', value: '"172.16.1.10/24"', fix: /172\.16\.1\.0\/24/ },
  { name: 'bridge range too small for the hosts', decl: { network: { bridgeRange: '10.1.0.0/30' }, clusters: [{ id: 'c1', hosts: ['h1', 'h2', 'h3'] }] }, code: 'bridge-range-too-small', path: 'stack/net', value: '"10.1.0.0/30"', fix: /shorter prefix/ },
  { name: 'bridge address outside the range', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.9.0.1' }]] }] }, code: 'bridge-address-outside', path: 'stack/net/c1/h1', value: '"10.9.0.1"', fix: /inside 10\.1\.0\.0\/16/ },
  { name: 'duplicated bridge address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.0.9' }], ['h2', { bridgeAddress: '10.1.0.9/16' }]] }] }, code: 'bridge-address-duplicate', path: 'stack/net/c1/h2', value: '"10.1.0.9/16"', fix: /its own address/ },
  { name: 'bridge address = network address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.0.0' }]] }] }, code: 'bridge-address-reserved', path: 'stack/net/c1/h1', value: '"10.1.0.0"', fix: /other than 10\.1\.0\.0 and 10\.1\.255\.255/ },
  { name: 'bridge address = broadcast address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.255.255/16' }]] }] }, code: 'bridge-address-reserved', path: 'stack/net/c1/h1', value: '"10.1.255.255/16"', fix: /e\.g\. 10\.1\.0\.1\/16/ },
  { name: 'bridge address with another prefix', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: '10.1.0.7/24' }]] }] }, code: 'bridge-address-prefix', path: 'stack/net/c1/h1', value: '"10.1.0.7/24"', fix: /write 10\.1\.0\.7\/16/ },
  { name: 'bridge address that is not an address', decl: { clusters: [{ id: 'c1', hosts: [['h1', { bridgeAddress: 'host-1' }]] }] }, code: 'bridge-address-invalid', path: 'stack/net/c1/h1', value: '"host-1"', fix: /inside 10\.1\.0\.0\/16/ },
  { name: 'duplicate host names across clusters', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'c2', hosts: [['x', { hostName: 'h1' }]] }] }, code: 'host-name-duplicate', path: 'stack/net/c2/x', value: '"h1"', fix: /its own name/ },
  { name: 'host name with an underscore', decl: { clusters: [{ id: 'c1', hosts: ['azure_prd_01'] }] }, code: 'host-name-invalid', path: 'stack/net/c1/azure_prd_01', value: '"azure_prd_01"', fix: /"azure-prd-01"/ },
  { name: 'host name longer than 63 characters', decl: { clusters: [{ id: 'c1', hosts: ['h'.repeat(70)] }] }, code: 'host-name-invalid', path: `stack/net/c1/${'h'.repeat(70)}`, value: `"${'h'.repeat(70)}"`, fix: /"h{63}"/ },
  { name: 'host name ending in a hyphen', decl: { clusters: [{ id: 'c1', hosts: ['web-'] }] }, code: 'host-name-invalid', path: 'stack/net/c1/web-', value: '"web-"', fix: /"web"/ },
  { name: 'invalid DNS label', decl: { clusters: [{ id: 'c1', props: { dnsLabel: 'Cluster_01' }, hosts: ['h1'] }] }, code: 'dns-label-invalid', path: 'stack/net/c1', value: '"Cluster_01"', fix: /"cluster-01"/ },
  { name: 'two clusters with the same DNS label', decl: { clusters: [{ id: 'c1', props: { dnsLabel: 'mesh-a' }, hosts: ['h1'] }, { id: 'c2', props: { dnsLabel: 'mesh-a' }, hosts: ['h2'] }] }, code: 'dns-label-duplicate', path: 'stack/net/c2', value: '"mesh-a"', fix: /its own dnsLabel/ },
  { name: 'a cluster with no hosts', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'c2', hosts: [] }] }, code: 'cluster-empty', path: 'stack/net/c2', value: '[]', fix: /add a WeaveHost/ },
  { name: 'a network with no hosts', decl: { clusters: [] }, code: 'network-empty', path: 'stack/net', value: '[]', fix: /add a WeaveCluster/ },
  { name: 'bootstrap size 0', decl: { network: { bootstrapSize: 0 } }, code: 'bootstrap-size', path: 'stack/net', value: '0', fix: /set it to 1/ },
  { name: 'bootstrap size above the host count', decl: { network: { bootstrapSize: 7 } }, code: 'bootstrap-size', path: 'stack/net', value: '7', fix: /set it to 3/ },
  { name: 'cluster bootstrapHosts above its host count', decl: { clusters: [{ id: 'c1', props: { bootstrapHosts: 3 }, hosts: ['h1'] }] }, code: 'cluster-bootstrap-hosts', path: 'stack/net/c1', value: '3', fix: /at most 1/ },
  { name: 'bootstrapSize disagreeing with cluster pins', decl: { network: { bootstrapSize: 3 }, clusters: [{ id: 'c1', props: { bootstrapHosts: 1 }, hosts: ['h1', 'h2'] }] }, code: 'bootstrap-size-mismatch', path: 'stack/net', value: '3', fix: /set bootstrapSize to 1/ },
  { name: 'first cluster (dedicated) has no DNS name for later clusters to dial', decl: { clusters: [{ id: 'd1', props: dedicated(), hosts: ['d-1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'peer-target-no-dns', path: 'stack/net/d1', value: '(not set)', fix: /give the first cluster a dnsName/ },
  { name: 'dedicated host without SSH connection info', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', {}]] }] }, code: 'dedicated-no-ssh', path: 'stack/net/d1/d-1', value: '(not set)', fix: /ssh: \{ host:/ },
  { name: 'dedicated host whose public address is a name', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: 'ded.example.com' } }]] }] }, code: 'public-address-invalid', path: 'stack/net/d1/d-1', value: '"ded.example.com"', fix: /publicAddress/ },
  { name: 'Azure option on a dedicated cluster', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated({ location: 'westeurope' }), hosts: ['d-1'] }] }, code: 'dedicated-azure-option', path: 'stack/net/d1', value: '"westeurope"', fix: /remove location/ },
  { name: 'VM option on a dedicated host', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ...DED, vmSize: 'Standard_D2s_v5' }]] }] }, code: 'dedicated-vm-option', path: 'stack/net/d1/d-1', value: '"Standard_D2s_v5"', fix: /remove vmSize/ },
  { name: 'SSH settings on an Azure host', decl: { clusters: [{ id: 'c1', hosts: [['h1', DED]] }] }, code: 'azure-dedicated-option', path: 'stack/net/c1/h1', value: '{"host":"203.0.113.10"}', fix: /load balancer/ },
  { name: 'Azure cluster without a provider', decl: { clusters: [{ id: 'c1', props: { provider: undefined }, hosts: ['h1'] }] }, code: 'azure-no-provider', path: 'stack/net/c1', value: '(not set)', fix: /AzurermProvider/ },
  { name: 'Azure cluster without a location', decl: { clusters: [{ id: 'c1', props: { location: undefined }, hosts: ['h1'] }] }, code: 'azure-no-location', path: 'stack/net/c1', value: '(not set)', fix: /westeurope/ },
  { name: 'Azure host without an SSH key', decl: { network: { sshPublicKey: undefined } as WeaveNetworkProps, clusters: [{ id: 'c1', hosts: ['h1'] }] }, code: 'azure-no-ssh-key', path: 'stack/net/c1/h1', value: '(not set)', fix: /set sshPublicKey/ },
  { name: 'SSH open to the internet', decl: { clusters: [{ id: 'c1', props: { sshSourceCidr: '0.0.0.0/0' }, hosts: ['h1'] }] }, code: 'ssh-source-open', path: 'stack/net/c1', value: '"0.0.0.0/0"', fix: /range you administer from/ },
  { name: 'malformed sha256', decl: { network: { release: { sha256: 'abc123' } } }, code: 'sha256-invalid', path: 'stack/net', value: '"abc123"', fix: /sha256sum weave/ },
  { name: 'Weave version latest', decl: { network: { release: { version: 'latest' } } }, code: 'version-latest', path: 'stack/net', value: '"latest"', fix: /pin a release, e\.g\. "2\.9\.0"/ },
  { name: 'script URL following latest_release', decl: { network: { release: { scriptUrl: 'https://github.com/weaveworks/weave/releases/download/latest_release/weave' } } }, code: 'script-url-latest', path: 'stack/net', value: '"https://github.com/weaveworks/weave/releases/download/latest_release/weave"', fix: /versioned release/ },
  { name: 'plain-http script URL', decl: { network: { release: { scriptUrl: 'http://example.com/weave' } } }, code: 'script-url-invalid', path: 'stack/net', value: '"http://example.com/weave"', fix: /https:\/\// },
  { name: 'DNS domain without trailing dot', decl: { network: { dnsDomain: 'weave.local' } }, code: 'dns-domain-invalid', path: 'stack/net', value: '"weave.local"', fix: /"weave\.local\."/ },
  { name: 'wantedBy that is not a unit', decl: { network: { wantedBy: ['kubernetes node'] } }, code: 'wanted-by-invalid', path: 'stack/net', value: '"kubernetes node"', fix: /multi-user\.target/ },
  { name: 'boot data over the 64 KB custom data limit', decl: { network: { wantedBy: Array.from({ length: 2600 }, (_, i) => `app-${i}.target`) }, clusters: [{ id: 'c1', hosts: ['h1'] }] }, code: 'custom-data-too-large', path: 'stack/net/c1/h1', value: '"', fix: /shorten wantedBy/ },
  { name: 'unknown boot format', decl: { network: { bootFormat: 'cloud-init' as never } }, code: 'boot-format-unknown', path: 'stack/net', value: '"cloud-init"', fix: /"cloud-config" \(the default\) or "ignition"/ },
  { name: 'unknown Flatcar channel', decl: { clusters: [{ id: 'c1', hosts: [['h1', { flatcarChannel: 'lts' as never }]] }] }, code: 'flatcar-channel-unknown', path: 'stack/net/c1/h1', value: '"lts"', fix: /stable, beta, alpha/ },
  { name: 'OS disk smaller than the image', decl: { clusters: [{ id: 'c1', hosts: [['h1', { osDiskSizeGb: 8 }]] }] }, code: 'os-disk-size', path: 'stack/net/c1/h1', value: '8', fix: /e\.g\. 64/ },
  { name: 'a variable as the first cluster\'s DNS name', decl: { clusters: [{ id: 'd1', props: dedicated({ dnsName: '${var.dc_name}' }), hosts: ['d-1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'dns-name-token', path: 'stack/net/d1', value: '"${var.dc_name}"', fix: /as a literal string/ },
  { name: 'empty wantedBy', decl: { network: { wantedBy: [] } }, code: 'wanted-by-empty', path: 'stack/net', value: '[]', fix: /multi-user\.target/ },
  { name: 'more Azure hosts in one cluster than its outbound IP can serve', decl: { clusters: [{ id: 'c1', hosts: Array.from({ length: 63 }, (_, i) => `h${i}`) }] }, code: 'cluster-too-large', path: 'stack/net/c1', value: '"63 hosts"', fix: /at most 62/ },
  { name: 'SSH source that is not an address', decl: { clusters: [{ id: 'c1', props: { sshSourceCidr: '999.1.1.1/99' }, hosts: ['h1'] }] }, code: 'ssh-source-invalid', path: 'stack/net/c1', value: '"999.1.1.1/99"', fix: /198\.51\.100\.0\/24/ },
  { name: 'unknown cluster kind', decl: { clusters: [{ id: 'c1', props: { kind: 'onprem' as never }, hosts: [] }] }, code: 'cluster-kind-unknown', path: 'stack/net/c1', value: '"onprem"', fix: /"azure" or "dedicated"/ },
  // Users' own files and units (lib/core/user-content.ts).
  { name: 'user file with a relative path', decl: { network: { files: [{ path: 'etc/kubernetes/kubelet.yaml', content: 'x' }] } }, code: 'user-file-path', path: 'stack/net', value: '"etc/kubernetes/kubelet.yaml"', fix: /write "\/etc\/kubernetes\/kubelet\.yaml"/ },
  { name: 'user file path with ".."', decl: { clusters: [{ id: 'c1', props: { files: [{ path: '/etc/../root/x', content: 'x' }] }, hosts: ['h1'] }] }, code: 'user-file-path', path: 'stack/net/c1', value: '"/etc/../root/x"', fix: /without "\.\."/ },
  { name: 'user file under read-only /usr on Flatcar', decl: { clusters: [{ id: 'c1', hosts: [['h1', { files: [{ path: '/usr/local/bin/kubelet', content: 'x' }] }]] }] }, code: 'user-file-path', path: 'stack/net/c1/h1', value: '"/usr/local/bin/kubelet"', fix: /\/opt\/bin/ },
  { name: 'user file mode written as decimal 644', decl: { network: { files: [{ path: '/etc/x', content: 'x', mode: 644 }] } }, code: 'user-file-mode', path: 'stack/net', value: '"0o1204"', fix: /write 0o644/ },
  { name: 'user file owner with two colons', decl: { network: { files: [{ path: '/etc/x', content: 'x', owner: 'core:core:core' }] } }, code: 'user-file-owner', path: 'stack/net', value: '"core:core:core"', fix: /"core:core"/ },
  { name: 'user file with both content and contentBase64', decl: { network: { files: [{ path: '/etc/x', content: 'x', contentBase64: 'eA==' }] } }, code: 'user-file-content', path: 'stack/net', value: '"/etc/x"', fix: /one way/ },
  { name: 'user file with invalid base64', decl: { network: { files: [{ path: '/etc/x', contentBase64: 'not base64!' }] } }, code: 'user-file-content', path: 'stack/net', value: '"not base64!"', fix: /toString\("base64"\)/ },
  { name: 'user file over the shared env file', decl: { network: { files: [{ path: '/etc/weave.env', content: 'WEAVE_PASSWORD=x' }] } }, code: 'user-file-reserved', path: 'stack/net', value: '"/etc/weave.env"', fix: /choose another path/ },
  { name: 'user file over a library unit file', decl: { clusters: [{ id: 'c1', hosts: [['h1', { files: [{ path: '/etc/systemd/system/weave.service', content: 'x' }] }]] }] }, code: 'user-file-reserved', path: 'stack/net/c1/h1', value: '"/etc/systemd/system/weave.service"', fix: /network, cluster and host props/ },
  { name: 'two user files with one path at one level', decl: { network: { files: [{ path: '/etc/x', content: '1' }, { path: '/etc/x', content: '2' }] } }, code: 'user-file-duplicate', path: 'stack/net', value: '"/etc/x"', fix: /move the override to the cluster or host/ },
  { name: 'user file content from a sensitive() expression', decl: { network: { files: [{ path: '/etc/token', content: Fn.sensitive('s3cr3t') }] } }, code: 'user-file-sensitive', path: 'stack/net', value: 'sensitive(', fix: /Key Vault/ },
  { name: 'user unit without a type suffix', decl: { network: { units: [{ name: 'kubelet', contents: '[Service]\nExecStart=/opt/bin/kubelet\n' }] } }, code: 'user-unit-name', path: 'stack/net', value: '"kubelet"', fix: /"kubelet\.service"/ },
  { name: 'user drop-in not ending in .conf', decl: { network: { units: [{ name: 'docker.service', dropIns: [{ name: 'mirror', contents: '[Service]\n' }] }] } }, code: 'user-unit-name', path: 'stack/net', value: '"mirror"', fix: /20-registry-mirror\.conf/ },
  { name: 'user unit named like a library unit', decl: { clusters: [{ id: 'c1', props: { units: [{ name: 'weave.service', dropIns: [{ name: 'x.conf', contents: '[Service]\n' }] }] }, hosts: ['h1'] }] }, code: 'user-unit-reserved', path: 'stack/net/c1', value: '"weave.service"', fix: /After=weave-network\.target/ },
  { name: 'user docker drop-in named like the library\'s', decl: { network: { units: [{ name: 'docker.service', dropIns: [{ name: '10-weave-min-api.conf', contents: '[Service]\n' }] }] } }, code: 'user-unit-reserved', path: 'stack/net', value: '"10-weave-min-api.conf"', fix: /20-docker-opts\.conf/ },
  { name: 'two user units with one name at one level', decl: { network: { units: [{ name: 'a.service', contents: '[Service]\nExecStart=/usr/bin/true\n' }, { name: 'a.service', dropIns: [{ name: 'x.conf', contents: '[Service]\n' }] }] } }, code: 'user-unit-duplicate', path: 'stack/net', value: '"a.service"', fix: /one entry/ },
  { name: 'user unit with neither contents nor drop-ins', decl: { network: { units: [{ name: 'a.service' }] } }, code: 'user-unit-empty', path: 'stack/net', value: '"a.service"', fix: /unit text, or drop-ins/ },
  { name: 'user unit text holding a Terraform expression', decl: { network: { units: [{ name: 'a.service', contents: `[Service]\nEnvironment=V=${Fn.upper('x')}\nExecStart=/usr/bin/true\n` }] } }, code: 'user-unit-token', path: 'stack/net', value: '"a.service"', fix: /EnvironmentFile=/ },
  { name: 'user unit enabled without an [Install] section', decl: { network: { units: [{ name: 'a.service', contents: '[Service]\nExecStart=/usr/bin/true\n', enable: true }] } }, code: 'user-unit-enable-no-install', path: 'stack/net', value: '"a.service"', fix: /WantedBy=multi-user\.target/ },
  { name: 'user unit to start on an Ignition host without being enabled', decl: { clusters: [{ id: 'c1', props: { bootFormat: 'ignition', units: [{ name: 'a.service', contents: '[Service]\nExecStart=/usr/bin/true\n', start: true }] }, hosts: ['h1'] }] }, code: 'user-unit-start-ignition', path: 'stack/net/c1/h1', value: '"a.service"', fix: /\[Install\] section/ },
  { name: 'custom data over 64 KB once user files are added', decl: { clusters: [{ id: 'c1', hosts: [['h1', { files: [{ path: '/etc/big', content: 'x'.repeat(66_000) }] }]] }] }, code: 'custom-data-too-large', path: 'stack/net/c1/h1', value: 'bytes"', fix: /move large files out of the boot config/ },
  // Existing Azure networks, NSG priorities and VM options (lib/core/azure-options.ts).
  { name: 'both a resource group to create and an existing one', decl: { clusters: [{ id: 'c1', props: { resourceGroupName: 'mine', existingResourceGroup: 'theirs' }, hosts: ['h1'] }] }, code: 'resource-group-conflict', path: 'stack/net/c1', value: '"mine"', fix: /one of resourceGroupName and existingResourceGroup/ },
  { name: 'existing subnet that is not a subnet id', decl: { clusters: [{ id: 'c1', props: { existingSubnet: 'hosts' }, hosts: ['h1'] }] }, code: 'existing-subnet-invalid', path: 'stack/net/c1', value: '"hosts"', fix: /DataAzurermSubnet/ },
  { name: 'NSG priority outside Azure\'s range', decl: { clusters: [{ id: 'c1', props: { nsgPriorities: { weaveTcp: 50 } }, hosts: ['h1'] }] }, code: 'nsg-priority-invalid', path: 'stack/net/c1', value: '50', fix: /e\.g\. 100/ },
  { name: 'two library NSG rules on one priority', decl: { clusters: [{ id: 'c1', props: { nsgPriorities: { weaveUdp: 100 } }, hosts: ['h1'] }] }, code: 'nsg-priority-duplicate', path: 'stack/net/c1', value: '100', fix: /its own priority/ },
  { name: 'admin user Azure refuses', decl: { clusters: [{ id: 'c1', props: { adminUsername: 'admin' }, hosts: ['h1'] }] }, code: 'admin-user-invalid', path: 'stack/net/c1', value: '"admin"', fix: /"core"/ },
  { name: 'admin user that is not a login name', decl: { clusters: [{ id: 'c1', hosts: [['h1', { adminUsername: 'Ops Team' }]] }] }, code: 'admin-user-invalid', path: 'stack/net/c1/h1', value: '"Ops Team"', fix: /"ops"/ },
  { name: 'availability zone 4', decl: { clusters: [{ id: 'c1', hosts: [['h1', { availabilityZone: '4' }]] }] }, code: 'availability-zone-invalid', path: 'stack/net/c1/h1', value: '"4"', fix: /"1", "2", "3"/ },
  { name: 'OS disk type azurerm does not accept', decl: { clusters: [{ id: 'c1', props: { osDiskType: 'PremiumV2_LRS' }, hosts: ['h1'] }] }, code: 'os-disk-type-unknown', path: 'stack/net/c1', value: '"PremiumV2_LRS"', fix: /StandardSSD_ZRS/ },
  { name: 'a tag that would replace the library\'s', decl: { clusters: [{ id: 'c1', props: { tags: { 'weave-cluster': 'other' } }, hosts: ['h1'] }] }, code: 'tags-reserved', path: 'stack/net/c1', value: '"other"', fix: /remove weave-cluster/ },
];

describe('synth-time validation', () => {
  it('covers at least 25 distinct bad inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c]))('%s', (_, c) => {
    const { error, problems } = problemsOf(c.decl);
    const p = problems.find((x) => x.code === c.code);
    expect(p).toBeDefined();
    expect(p!.path).toBe(c.path);
    expect(p!.fix).toMatch(c.fix);
    // The message a user sees names the path, the value and the fix.
    const line = error.message.split('\n').find((l) => l.includes(`[${c.code}] ${c.path}:`))!;
    expect(line).toBeDefined();
    expect(line).toContain(c.value);
    expect(line).toMatch(/ Fix: /);
    expect(error.message).toMatch(/nothing was synthesized/);
  });

  it('does not echo a value wrapped in sensitive()', () => {
    const { error } = problemsOf({ network: { files: [{ path: '/etc/token', content: Fn.sensitive('s3cr3t-value') }] } });
    expect(error.message).toContain('[user-file-sensitive]');
    expect(error.message).not.toContain('s3cr3t-value');
  });

  it('reports every problem at once, not just the first', () => {
    const { problems } = problemsOf({
      network: { ipallocRange: '10.2.0.1/16', release: { version: 'latest' } },
      clusters: [{ id: 'c1', hosts: ['bad_name'] }],
    });
    expect(problems.map((p) => p.code).sort()).toEqual(['host-name-invalid', 'range-host-bits', 'version-latest']);
  });

  it('accepts the valid baseline declaration', () => {
    const { stack } = build({});
    expect(() => Testing.synth(stack)).not.toThrow();
  });
});

describe('construction-time errors', () => {
  it('refuses a cluster outside a network, naming the path and the fix', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'stack');
    expect(() => new WeaveCluster(stack as unknown as WeaveNetwork, 'c1', {})).toThrow(/WeaveCluster c1: its scope must be a WeaveNetwork, got stack\. Fix: new WeaveCluster\(network/);
  });

  it('refuses a host added after the network was planned', () => {
    const { stack, net } = build({});
    Testing.synth(stack);
    expect(() => new WeaveHost(WeaveCluster.of(net)[0], 'late', {})).toThrow(/after the network was planned.*Fix: declare every cluster and host before synth/);
  });
});

describe('password given as a literal', () => {
  it('warns with the safer way, naming the construct path', () => {
    const { stack } = build({ network: { password: 'hunter2hunter2' } });
    const synth = Testing.synth(stack);
    expect(synth).toContain('hunter2hunter2'); // the reason for the warning
    const net = stack.node.findChild('net');
    const messages = net.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^stack\/net: password is a plain string.*Fix: leave password unset to get a sensitive variable/);
  });

  it('does not warn for a token', () => {
    const { stack } = build({});
    const net = stack.node.findChild('net');
    expect(net.node.metadata.filter((m) => m.type === '@cdktf/warn')).toHaveLength(0);
  });
});

describe('the validation table in docs/validation.md', () => {
  it('lists every check code the library can raise', () => {
    const { readFileSync, readdirSync } = require('node:fs') as typeof import('node:fs');
    const { join } = require('node:path') as typeof import('node:path');
    const doc = readFileSync(join(__dirname, '..', 'docs', 'validation.md'), 'utf8');
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const codes = new Set<string>();
    for (const f of sources(join(__dirname, '..', 'lib'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:problems\.add\(\s*|code: |\? |: )'([a-z0-9]+(?:-[a-z0-9]+)+)'/g)) codes.add(m[1]);
    }
    expect(codes.size).toBeGreaterThan(40);
    const notChecks = new Set(['flatcar-container-linux-corevm-amd64', 'azure-imds']);
    const missing = [...codes].filter((c) => !notChecks.has(c) && !doc.includes(`\`${c}\``) && /^(range|vnet|bridge|host|dns|cluster|network|bootstrap|peer|dedicated|public|ssh|azure|sha256|version|script|image|wanted|boot|flatcar|os|custom|user|nsg|admin|availability|tags|existing|resource)-/.test(c));
    expect(missing).toEqual([]);
  });
});
