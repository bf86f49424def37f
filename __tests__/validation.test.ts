import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Fn, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveClusterProps, WeaveConfigError, WeaveHost, WeaveNetwork, WeaveNetworkProps, formatProblem } from '../lib';
import { DNS_LABEL_RE } from '../lib/core/check/names';
import { planNetwork } from '../lib/core/plan/plan';
import { ClusterSpec, HostSpec, NetworkSpec } from '../lib/core/declare/network';
import { seedSpec } from './fixtures/seed-spec';
import { FAKE_PRIVATE_KEY } from './fixtures/ssh-keys';
import { DED, Decl, build, synthProblems } from './support/declared-network';

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
  /** The value as the problem line shows it (a regular expression where the exact text varies). */
  value: string | RegExp;
  fix: RegExp;
}

const dedicated = (props: Partial<WeaveClusterProps> = {}) => ({ kind: 'dedicated' as const, ...props });

const cases: Case[] = [
  { name: 'a DNS label with an underscore is reported once (not also as an invalid derived name)', decl: { clusters: [{ id: 'c1', props: { dnsLabel: 'acme_c1' }, hosts: ['h1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'dns-label-invalid', path: 'stack/net/c1', value: '"acme_c1"', fix: /"acme-c1"/ },
  { name: 'an SSH key azurerm would refuse', decl: { network: { sshPublicKey: 'ssh-ed25519 AAAA test' } }, code: 'ssh-key-invalid', path: 'stack/net/c1/h1', value: '"ssh-ed25519 AAAA test"', fix: /id_ed25519\.pub/ },
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
  // A private SSH address says nothing about what other clusters can reach.
  { name: 'first cluster (dedicated) has no public name or address for later clusters to dial', decl: { clusters: [{ id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: '10.0.0.5' } }]] }, { id: 'c2', hosts: ['h2'] }] }, code: 'peer-target-no-dns', path: 'stack/net/d1', value: '(not set)', fix: /give the first cluster a dnsName that resolves to d-1, or set dialAddress on d-1/ },
  { name: 'dedicated cluster first, its second server with nothing to dial', decl: { clusters: [{ id: 'd1', props: dedicated(), hosts: [['ded-a', { ssh: { host: 'ded-a.lan', user: 'core' }, publicAddress: '192.168.1.10' }], ['ded-b', { ssh: { host: '192.168.1.11' } }]] }] }, code: 'dedicated-no-dial-address', path: 'stack/net/d1/ded-a', value: '(not set)', fix: /set dialAddress on ded-a to its public IPv4 address/ },
  { name: 'a dnsName that is not a DNS name', decl: { clusters: [{ id: 'd1', props: dedicated({ dnsName: 'edge.example.com; rm -rf /' }), hosts: ['d-1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'dns-name-invalid', path: 'stack/net/d1', value: '"edge.example.com; rm -rf /"', fix: /e\.g\. "edge\.example\.com"/ },
  { name: 'a dnsName that is a bare host name', decl: { clusters: [{ id: 'd1', props: dedicated({ dnsName: 'ded-a' }), hosts: ['d-1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'dns-name-invalid', path: 'stack/net/d1', value: '"ded-a"', fix: /public resolvers answer/ },
  { name: 'ssh.host given as a CIDR block', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: '198.51.100.7/32' } }]] }] }, code: 'ssh-host-invalid', path: 'stack/net/d1/d-1', value: '"198.51.100.7/32"', fix: /write "198\.51\.100\.7"/ },
  { name: 'ssh.host with the user in it', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: 'core@198.51.100.7' }, publicAddress: '198.51.100.7' }]] }] }, code: 'ssh-host-invalid', path: 'stack/net/d1/d-1', value: '"core@198.51.100.7"', fix: /write "198\.51\.100\.7" and put "core" in ssh\.user/ },
  { name: 'a misspelled Azure region', decl: { clusters: [{ id: 'c1', props: { location: 'westeurop' }, hosts: ['h1'] }] }, code: 'azure-location-invalid', path: 'stack/net/c1', value: '"westeurop"', fix: /did you mean "westeurope"\?/ },
  { name: 'a misspelled Azure region display name', decl: { clusters: [{ id: 'c1', props: { location: 'East US2 ' }, hosts: ['h1'] }, { id: 'c2', props: { location: 'Nort Europe' }, hosts: ['h2'] }] }, code: 'azure-location-invalid', path: 'stack/net/c2', value: '"Nort Europe"', fix: /did you mean "northeurope"\?/ },
  { name: 'a DNS label longer than 63 characters', decl: { clusters: [{ id: 'c1', props: { dnsLabel: `mesh-${'a'.repeat(70)}` }, hosts: ['h1'] }] }, code: 'dns-label-invalid', path: 'stack/net/c1', value: `"mesh-${'a'.repeat(70)}"`, fix: new RegExp(`e\\.g\\. "mesh-a{58}"`) },
  { name: 'dnsName on an Azure cluster', decl: { clusters: [{ id: 'c1', props: { dnsName: 'mesh.example.com' }, hosts: ['h1'] }] }, code: 'azure-dns-name', path: 'stack/net/c1', value: '"mesh.example.com"', fix: /set dnsLabel instead/ },
  { name: 'an image owner that is not a Docker Hub account', decl: { network: { release: { imageOwner: 'Raj Chaudhuri' } } }, code: 'image-owner-invalid', path: 'stack/net', value: '"Raj Chaudhuri"', fix: /"rajchaudhuri"/ },
  { name: 'an SSH port out of range', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: '203.0.113.10', port: 70000 } }]] }] }, code: 'ssh-port-invalid', path: 'stack/net/d1/d-1', value: '70000', fix: /use 22/ },
  { name: 'a version with build metadata, not a Docker tag', decl: { network: { release: { version: '2.9.0+x' } } }, code: 'version-invalid', path: 'stack/net', value: '"2.9.0+x"', fix: /without build metadata, e\.g\. "2\.9\.0"/ },
  { name: 'a version that is not X.Y.Z', decl: { network: { release: { version: 'v2.9' } } }, code: 'version-invalid', path: 'stack/net', value: '"v2.9"', fix: /pin a release, e\.g\. "2\.9\.0"/ },
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
  { name: 'boot data over the 64 KB custom data limit', decl: { network: { wantedBy: Array.from({ length: 2600 }, (_, i) => `app-${i}.target`) }, clusters: [{ id: 'c1', hosts: ['h1'] }] }, code: 'custom-data-too-large', path: 'stack/net/c1/h1', value: /customData "(6[6-9]|[7-9]\d|\d{3,})\d{3} bytes" exceeds/, fix: /shorten wantedBy/ },
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
  { name: 'user file content from a sensitive() expression', decl: { network: { files: [{ path: '/etc/token', content: Fn.sensitive('s3cr3t') }] } }, code: 'user-file-sensitive', path: 'stack/net', value: /sensitive\(/, fix: /Key Vault/ },
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
  // Slips that used to pass or crash (issue 23).
  { name: 'a literal password shorter than 12 characters', decl: { network: { password: 'hunter2' } }, code: 'password-invalid', path: 'stack/net', value: '"(a plain string of 7 characters, not shown)"', fix: /TF_VAR_<id>_password/ },
  { name: 'a literal password with a quote and a space (invalid HCL before)', decl: { network: { password: 'correct horse"battery' } }, code: 'password-invalid', path: 'stack/net', value: '"(a plain string of 21 characters, not shown)"', fix: /openssl rand/ },
  { name: 'a dedicated server known only by a private address beside Azure clusters', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: '10.0.0.5' } }]] }] }, code: 'public-address-private', path: 'stack/net/d1/d-1', value: '"10.0.0.5"', fix: /set publicAddress to the server's public IPv4 address/ },
  { name: 'a literal SSH private key for a dedicated server', decl: { clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['d-1', { ssh: { host: '203.0.113.10', privateKey: FAKE_PRIVATE_KEY } }]] }] }, code: 'ssh-private-key-literal', path: 'stack/net/d1/d-1', value: '"(a plain string, not shown)"', fix: /ssh-agent/ },
  { name: 'a private key pasted as sshPublicKey', decl: { network: { sshPublicKey: FAKE_PRIVATE_KEY } }, code: 'ssh-key-invalid', path: 'stack/net/c1/h1', value: '"(a private key, not shown)"', fix: /ssh-keygen -y -f/ },
  { name: 'a VM size with a valid shape that Azure does not offer', decl: { clusters: [{ id: 'c1', hosts: [['h1', { vmSize: 'Standard_D4s_v9' }]] }] }, code: 'vm-size-unknown', path: 'stack/net/c1/h1', value: '"Standard_D4s_v9"', fix: /did you mean "Standard_D4s_v6" or "Standard_D4s_v5" or "Standard_D4s_v4"\? .*vmSizeUnchecked/ },
  { name: 'accelerated networking (from the cluster) on a size without it', decl: { clusters: [{ id: 'c1', props: { acceleratedNetworking: true }, hosts: [['h1', { vmSize: 'Standard_B2s' }]] }] }, code: 'accelerated-networking-unsupported', path: 'stack/net/c1/h1', value: 'true', fix: /acceleratedNetworking: false overrides/ },
  { name: 'a VM size that boots Generation 1 images only', decl: { clusters: [{ id: 'c1', hosts: [['h1', { vmSize: 'Standard_A2_v2' }]] }] }, code: 'vm-size-generation', path: 'stack/net/c1/h1', value: '"Standard_A2_v2"', fix: /Generation 2/ },
  { name: 'an Arm64 VM size (the Flatcar image is x86-64)', decl: { clusters: [{ id: 'c1', hosts: [['h1', { vmSize: 'Standard_D2ps_v5' }]] }] }, code: 'vm-size-arm64', path: 'stack/net/c1/h1', value: '"Standard_D2ps_v5"', fix: /"Standard_D2s_v5"/ },
  { name: 'a partial allocationRecord (a TypeError before)', decl: { network: { allocationRecord: { bridgeRange: '10.1.0.0/16' } as never } }, code: 'allocation-record-invalid', path: 'stack/net', value: '(not set) is missing', fix: /bridgeRange, consensus, root, anchors, hosts and retired/ },
  { name: 'two clusters of a network with one resourceGroupName', decl: { clusters: [{ id: 'c1', props: { resourceGroupName: 'mesh-rg' }, hosts: ['h1'] }, { id: 'c2', props: { resourceGroupName: 'Mesh-RG' }, hosts: ['h2'] }] }, code: 'azure-name-duplicate', path: 'stack/net/c2', value: '"Mesh-RG"', fix: /its own resourceGroupName; to share one group on purpose/ },
  { name: 'a tag that would replace the library\'s', decl: { clusters: [{ id: 'c1', props: { tags: { 'weave-cluster': 'other' } }, hosts: ['h1'] }] }, code: 'tags-reserved', path: 'stack/net/c1', value: '"other"', fix: /remove weave-cluster/ },
];

describe('synth-time validation', () => {
  // Coverage of the documented codes is checked against docs/validation.md
  // below; here only that every case can be told apart in the report.
  it('reports a bad DNS label once: its cause, not also the derived name', () => {
    const { problems } = problemsOf({ clusters: [{ id: 'c1', props: { dnsLabel: 'acme_c1' }, hosts: ['h1'] }, { id: 'c2', hosts: ['h2'] }] });
    expect(problems.map((p) => [p.code, p.path])).toEqual([['dns-label-invalid', 'stack/net/c1']]);
  });

  it('names every case differently', () => {
    const names = [...cases, ...pureCases].map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
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
    if (typeof c.value === 'string') expect(line).toContain(` ${c.value} `);
    else expect(line).toMatch(c.value);
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

  it('reports a bad host name and a missing ssh.host on the same host together', () => {
    const { problems } = problemsOf({ clusters: [{ id: 'c1', hosts: ['h1'] }, { id: 'd1', props: dedicated(), hosts: [['Bad_Name', {}]] }] });
    expect(problems.filter((p) => p.path === 'stack/net/d1/Bad_Name').map((p) => p.code).sort()).toEqual(['dedicated-no-ssh', 'host-name-invalid']);
  });

  it('accepts the valid baseline declaration', () => {
    const { stack } = build({});
    expect(() => Testing.synth(stack)).not.toThrow();
  });
});

/**
 * Checks on HostSpec/ClusterSpec fields the constructs do not pass to the
 * planner yet (dialAddress, publicAddress, vmSize, ssh.user): run through
 * planNetwork on the seed declaration with one change.
 */
interface PureCase {
  name: string;
  spec: NetworkSpec;
  code: string;
  path: string;
  value: string;
  fix: RegExp;
}

/** The seed spec with a change to its clusters. */
type MutableCluster = Omit<ClusterSpec, 'hosts'> & { hosts: HostSpec[] };
function seedWith(change: (clusters: MutableCluster[]) => void): NetworkSpec {
  const spec = seedSpec();
  const clusters = spec.clusters.map((c) => ({ ...c, hosts: c.hosts.map((h) => ({ ...h })) }));
  change(clusters);
  return { ...spec, clusters };
}

/** A dedicated cluster ded-a + ded-b put first, ahead of the seed's clusters. */
function dedicatedFirst(a: object, b: object = { sshHost: '198.51.100.7' }, extra: object = {}): NetworkSpec {
  return seedWith((cs) => {
    cs.unshift({
      path: 'seed/weave/dc', name: 'dc', kind: 'dedicated', ...extra,
      hosts: [
        { path: 'seed/weave/dc/ded-a', name: 'ded-a', sshHost: 'ded-a.example.com', ...a },
        { path: 'seed/weave/dc/ded-b', name: 'ded-b', ...b },
      ],
    });
    cs.pop(); // drop the seed's own dedicated cluster
  });
}

const pureCases: PureCase[] = [
  { name: 'two clusters with one name (a hand-written spec)', spec: seedWith((cs) => { cs[1] = { ...cs[1], name: 'cluster-01' }; }), code: 'cluster-name-duplicate', path: 'seed/weave/cluster-02', value: '"cluster-01"', fix: /one name per cluster|its own name/ },
  { name: 'dialAddress that is neither an address nor a DNS name', spec: dedicatedFirst({ dialAddress: 'ded a' }), code: 'dial-address-invalid', path: 'seed/weave/dc/ded-a', value: '"ded a"', fix: /public IPv4 address, e\.g\. "203\.0\.113\.10"/ },
  { name: 'dialAddress that is a loopback address', spec: dedicatedFirst({ dialAddress: '127.0.0.1' }), code: 'dial-address-invalid', path: 'seed/weave/dc/ded-a', value: '"127.0.0.1"', fix: /public DNS name|public resolvers/ },
  { name: 'dialAddress that is a Terraform expression', spec: dedicatedFirst({ dialAddress: '${var.ded_a_ip}' }), code: 'dial-address-token', path: 'seed/weave/dc/ded-a', value: '"${var.ded_a_ip}"', fix: /literal IPv4 address/ },
  { name: 'first cluster reached only at a private address', spec: dedicatedFirst({ dialAddress: '10.0.0.5' }), code: 'peer-unreachable', path: 'seed/weave/cluster-01/azure-prd-01', value: '"10.0.0.5"', fix: /public IPv4 dialAddress, or a dnsName/ },
  { name: 'a VM size that is not an Azure size name', spec: seedWith((cs) => { cs[0].hosts[1] = { ...cs[0].hosts[1], vmSize: 'standard_d2s_v5' }; }), code: 'vm-size-invalid', path: 'seed/weave/cluster-01/azure-prd-02', value: '"standard_d2s_v5"', fix: /write "Standard_D2s_v5"/ },
  { name: 'an SSH user that is not a Linux user name', spec: seedWith((cs) => { cs[2].hosts[0] = { ...cs[2].hosts[0], sshUser: 'Core Admin' }; }), code: 'ssh-user-invalid', path: 'seed/weave/cluster-03/ded-prd-01', value: '"Core Admin"', fix: /write "coreadmin"/ },
];

function pureProblems(spec: NetworkSpec) {
  try {
    planNetwork(spec);
  } catch (e) {
    if (e instanceof WeaveConfigError) return { error: e, problems: e.problems };
    throw e;
  }
  throw new Error('planNetwork succeeded, but the declaration is invalid');
}

describe('synth-time validation of fields the constructs do not pass yet (planNetwork)', () => {
  it.each(pureCases.map((c) => [c.name, c]))('%s', (_, c) => {
    const { error, problems } = pureProblems(c.spec);
    const p = problems.find((x) => x.code === c.code);
    expect(p).toBeDefined();
    expect(p!.path).toBe(c.path);
    expect(p!.fix).toMatch(c.fix);
    const line = error.message.split('\n').find((l) => l.includes(`[${c.code}] ${c.path}:`))!;
    expect(line).toContain(` ${c.value} `);
  });

  it('says a missing or unresolvable address once, though the entry and the later servers both need it', () => {
    const token = pureProblems(dedicatedFirst({ dialAddress: '${var.ded_a_ip}' })).problems;
    expect(token.map((p) => p.code)).toEqual(['dial-address-token']);
    // Only ded-a's own cluster dials its name: the token dnsName is refused there too.
    const alone = { ...dedicatedFirst({}, { sshHost: '198.51.100.7' }, { dnsName: '${var.dc_name}' }) };
    const single = pureProblems({ ...alone, clusters: alone.clusters.slice(0, 1) }).problems;
    expect(single.map((p) => [p.code, p.path])).toEqual([['dns-name-token', 'seed/weave/dc']]);
    // An invalid dnsName is reported as such, not also as a missing dial address.
    const invalid = pureProblems(dedicatedFirst({}, { sshHost: '198.51.100.7' }, { dnsName: 'edge.example.com; rm -rf /' })).problems;
    expect(invalid.map((p) => p.code)).toEqual(['dns-name-invalid']);
  });

  it('accepts each of those fields when it is right (negative controls)', () => {
    expect(() => planNetwork(dedicatedFirst({ dialAddress: '203.0.113.10' }))).not.toThrow();
    expect(() => planNetwork(dedicatedFirst({ dialAddress: 'ded-a.example.net' }))).not.toThrow();
    expect(() => planNetwork(dedicatedFirst({ dialAddress: '10.0.0.5' }, { sshHost: '198.51.100.7' }, { dnsName: 'edge.example.com' }))).not.toThrow();
    for (const vmSize of ['Standard_D2s_v5', 'Standard_M8-2ms', 'Standard_NC4as_T4_v3', 'Standard_NC24ads_A100_v4', 'Standard_B1s', 'Standard_DS1_v2']) {
      expect(() => planNetwork(seedWith((cs) => { cs[0].hosts[0] = { ...cs[0].hosts[0], vmSize }; }))).not.toThrow();
    }
    for (const sshUser of ['core', '_deploy', 'ops-admin', 'u1']) {
      expect(() => planNetwork(seedWith((cs) => { cs[2].hosts[0] = { ...cs[2].hosts[0], sshUser }; }))).not.toThrow();
    }
  });
});

describe('legitimate inputs that used to be refused', () => {
  it('accepts the same dnsLabel in two regions (the FQDNs differ), and still refuses it twice in one region', () => {
    const twoRegions = build({ clusters: [
      { id: 'c1', props: { dnsLabel: 'mesh', location: 'westeurope' }, hosts: ['h1'] },
      { id: 'c2', props: { dnsLabel: 'mesh', location: 'North Europe' }, hosts: ['h2'] },
    ] });
    expect(() => Testing.synth(twoRegions.stack)).not.toThrow();
    const oneRegion = problemsOf({ clusters: [
      { id: 'c1', props: { dnsLabel: 'mesh', location: 'westeurope' }, hosts: ['h1'] },
      { id: 'c2', props: { dnsLabel: 'mesh', location: 'West Europe' }, hosts: ['h2'] },
    ] });
    expect(oneRegion.problems.map((p) => p.code)).toEqual(['dns-label-duplicate']);
  });

  it('accepts Azure display names for regions', () => {
    const { stack } = build({ clusters: [{ id: 'c1', props: { location: 'East US 2' }, hosts: ['h1'] }, { id: 'c2', props: { location: 'West Europe' }, hosts: ['h2'] }] });
    expect(() => Testing.synth(stack)).not.toThrow();
  });

  it('suggests, for every invalid DNS label, a label that is valid and different', () => {
    for (const label of [`mesh-${'a'.repeat(70)}`, 'Cluster_01', '1-mesh', 'ab', 'a-', '--', 'x'.repeat(64), 'MESH']) {
      const { problems } = problemsOf({ clusters: [{ id: 'c1', props: { dnsLabel: label }, hosts: ['h1'] }] });
      const fix = problems.find((p) => p.code === 'dns-label-invalid')!.fix;
      const suggested = /e\.g\. "([^"]*)"/.exec(fix)![1];
      expect([label, DNS_LABEL_RE.test(suggested), suggested !== label]).toEqual([label, true, true]);
    }
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
    expect(() => new WeaveHost(WeaveCluster.of(net)[0], 'late', {})).toThrow(/\[declared-after-synth\] stack\/net\/c1\/late: scope "WeaveHost late" is added to stack\/net after the network was planned.*Fix: declare every cluster and host before synth/);
  });

  it('refuses a host whose construct id the cluster already uses (found by the synth property: a host named lb), and hostName keeps the name', () => {
    const { net } = build({ clusters: [{ id: 'c1', hosts: ['h1'] }] });
    const cluster = WeaveCluster.of(net)[0];
    expect(() => new WeaveHost(cluster, 'lb')).toThrow(/\[host-id-taken\] stack\/net\/c1\/lb: id "lb" is already the construct id of stack\/net\/c1\/lb in cluster stack\/net\/c1.*Fix: give the host another construct id and keep its name: new WeaveHost\(cluster, 'lb-host', \{ hostName: 'lb' \}\)/);
    new WeaveHost(cluster, 'lb-host', { hostName: 'lb' });
  });
});

describe('password given as a literal', () => {
  it('warns with the safer way, naming the construct path', () => {
    const { stack } = build({ network: { password: 'hunter2hunter2' } });
    const synth = JSON.parse(Testing.synth(stack));
    // The reason for the warning: the password is in cdk.tf.json (base64, in the env file's local).
    expect(Buffer.from(synth.locals.net_shared_env_b64, 'base64').toString()).toMatch(/\nWEAVE_PASSWORD=hunter2hunter2\n$/);
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
  const root = join(__dirname, '..');
  const doc = readFileSync(join(root, 'docs', 'validation.md'), 'utf8');
  /** Codes in the first column of the doc's tables. */
  const documented = new Set([...doc.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]));

  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

  /**
   * The text of the first argument of a call whose "(" is at `open`: up to the
   * first comma outside brackets and string literals.
   */
  function firstArgument(text: string, open: number): string {
    let depth = 0;
    for (let i = open + 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === "'" || ch === '"' || ch === '`') {
        const end = text.indexOf(ch, i + 1);
        i = end < 0 ? text.length : end;
      } else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) {
        if (depth === 0) return text.slice(open + 1, i);
        depth--;
      } else if (ch === ',' && depth === 0) return text.slice(open + 1, i);
    }
    return text.slice(open + 1);
  }

  /**
   * Every code the library can raise: the string literals in the first
   * argument of each `problems.add(...)` / `problems.addOnce(...)` call and in each `code:` property.
   * A call whose code is not a literal fails the test, so no check can hide
   * from it.
   */
  function raisedCodes(): { codes: Set<string>; opaque: string[] } {
    const codes = new Set<string>();
    const opaque: string[] = [];
    for (const f of sources(join(root, 'lib'))) {
      const text = readFileSync(f, 'utf8');
      const sites = [
        ...[...text.matchAll(/\bproblems\.add(?:Once)?\(/g)].map((m) => firstArgument(text, m.index! + m[0].length - 1)),
        // `code: string` is the Problem type itself, not a check.
        ...[...text.matchAll(/(?<![$\w])code: (?!string\b)/g)].map((m) => firstArgument(text, m.index! + m[0].length - 1)),
      ];
      for (const arg of sites) {
        // Codes are kebab-case with at least one hyphen; other literals in a
        // conditional (e.g. 'latest' in a comparison) are not codes.
        const literals = [...arg.matchAll(/'([^']*)'/g)].map((m) => m[1]).filter((l) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(l));
        if (literals.length === 0) opaque.push(`${f.slice(root.length + 1)}: ${arg.trim().slice(0, 60)}`);
        for (const l of literals) codes.add(l);
      }
    }
    return { codes, opaque };
  }

  it('lists every check code the library can raise, and none it cannot', () => {
    const { codes, opaque } = raisedCodes();
    expect(opaque).toEqual([]);
    expect(codes.size).toBeGreaterThan(50);
    expect([...codes].filter((c) => !documented.has(c)).sort()).toEqual([]);
    expect([...documented].filter((c) => !codes.has(c)).sort()).toEqual([]);
  });

  it('has a test case for every documented code', () => {
    // Cases here, plus the case tables of the other test files (e.g. the
    // allocation record's in allocation.test.ts): an expected `code: '…'`.
    const elsewhere = readdirSync(__dirname).filter((f) => f.endsWith('.test.ts') && f !== 'validation.test.ts')
      // The code as a literal in another file's cases ('code', in a table row
      // or an expected value) or as `[code]` in an expected message.
      .flatMap((f) => [...readFileSync(join(__dirname, f), 'utf8').matchAll(/'([a-z0-9]+(?:-[a-z0-9]+)+)'|\\\[([a-z0-9]+(?:-[a-z0-9]+)+)\\\]/g)].map((m) => m[1] ?? m[2]));
    const tested = new Set([...[...cases, ...pureCases, ...treeCases].map((c) => c.code), ...elsewhere]);
    expect([...documented].filter((c) => !tested.has(c)).sort()).toEqual([]);
  });

  it('the code scanner finds codes in conditional first arguments and flags non-literal ones (negative control)', () => {
    const sample = "problems.add(x ? 'a-b' : 'c-d', path, 'f', v, 'm', 'fix, with a comma');";
    expect(firstArgument(sample, sample.indexOf('('))).toBe("x ? 'a-b' : 'c-d'");
    const opaqueCall = 'problems.add(code, path)';
    expect(firstArgument(opaqueCall, opaqueCall.indexOf('('))).toBe('code');
    expect(documented.has('range-host-bits')).toBe(true);
    expect(documented.has('no-such-code')).toBe(false);
  });
});

// Checks across the construct tree, not one network's declaration.
const treeCases = [{ code: 'network-name-collision' }, { code: 'provider-alias-duplicate' }, { code: 'declared-after-synth' }, { code: 'host-id-taken' }] as const;

describe('checks across the construct tree', () => {
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE7b9lQ9Qz0d1wG3oQ8Zx0u0rJ5l3Yx1c2v3b4n5m6p7 t@example';
  function twoNetworks(idA: string, idB: string, aliasB = 'sub2') {
    const stack = new TerraformStack(Testing.app(), 'site');
    const pa = new AzurermProvider(stack, 'pa', { alias: 'sub1', features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000001' });
    const pb = new AzurermProvider(stack, 'pb', { alias: aliasB, features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000002' });
    for (const [scope, id, provider, label] of [[stack, idA, pa, 'mesh-a'], [new Construct(stack, 'other'), idB, pb, 'mesh-b']] as const) {
      const net = new WeaveNetwork(scope, id, { sshPublicKey: key });
      new WeaveHost(new WeaveCluster(net, 'c1', { provider, location: 'westeurope', dnsLabel: label }), `${label}-h1`);
    }
    return stack;
  }
  const problems = synthProblems;

  it('refuses two networks of a stack whose ids give the same Terraform names, naming both', () => {
    const p = problems(twoNetworks('weave', 'weave'));
    expect(p.map((x) => x.code)).toEqual(['network-name-collision']);
    // One is reported at its path, the message names the other.
    const other = p[0].path === 'site/weave' ? 'site/other/weave' : 'site/weave';
    expect(['site/weave', 'site/other/weave']).toContain(p[0].path);
    expect(p[0].message).toContain(`as ${other} in the same stack`);
    expect(p[0].message).toContain('weave_password');
    expect(problems(twoNetworks('weave-1', 'weave_1')).map((x) => x.code)).toEqual(['network-name-collision']);
    // Different names are fine (the negative control).
    expect(problems(twoNetworks('weave-a', 'weave-b'))).toEqual([]);
  });

  it('refuses two azurerm providers with one alias in a stack that holds a network', () => {
    const p = problems(twoNetworks('weave-a', 'weave-b', 'sub1'));
    expect(p.map((x) => [x.code, x.path, x.value])).toEqual([['provider-alias-duplicate', 'site/pb', 'sub1']]);
    expect(formatProblem(p[0])).toMatch(/is already the alias of site\/pa.*Fix: give each subscription's AzurermProvider its own alias/);
  });

  it("gives a user's own password variable the library's validation when it has none", () => {
    const stack = new TerraformStack(Testing.app(), 'site');
    const provider = new AzurermProvider(stack, 'pa', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000001' });
    const mine = new TerraformVariable(stack, 'mesh_secret', { type: 'string', sensitive: true });
    const checked = new TerraformVariable(stack, 'checked_secret', {
      type: 'string', sensitive: true, validation: [{ condition: '${length(var.checked_secret) > 30}', errorMessage: 'long' }],
    });
    for (const [id, v] of [['net-a', mine], ['net-b', checked]] as const) {
      const net = new WeaveNetwork(stack, id, { sshPublicKey: key, password: v.stringValue });
      // Clusters of their own names: in one subscription, two `c1` would claim one resource group.
      new WeaveHost(new WeaveCluster(net, `${id}-c1`, { provider, location: 'westeurope', dnsLabel: `mesh-${id}` }), `${id}-h1`);
    }
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.variable.mesh_secret.validation).toEqual([expect.objectContaining({ condition: expect.stringContaining('length(var.mesh_secret) >= 12') })]);
    // A variable with its own validation is left as the user wrote it.
    expect(tf.variable.checked_secret.validation).toEqual([{ condition: '${length(var.checked_secret) > 30}', error_message: 'long' }]);
  });
});
