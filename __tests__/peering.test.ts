// Issue 20: direct peering, NAT gateway egress, Weave's router flags, SSH
// ports the record keeps, and the scale guardrail. Each stack synthesized
// here is also checked against the azurerm schema (support/synth-collector.ts)
// and is in terraform-validate's replay of the fast tier.
import { TerraformStack, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../lib';
import { allocateSshPorts } from '../lib/core/allocation/ports';
import { AllocationRecord } from '../lib/core/allocation/record';
import { ProblemList } from '../lib/core/check/problems';
import { seedSpec } from './fixtures/seed-spec';
import { renderMermaid, topologyView } from '../lib/core/diagram/diagram';
import { renderTopologySvg } from '../lib/core/diagram/diagram-svg';
import type { NetworkPlan } from '../lib/core/plan/plan';
import { SitesStack, SitesStackProps } from '../stacks/sites';
import { SeedStack } from '../stacks/seed';
import { ED25519 } from './fixtures/ssh-keys';
import { Decl, build, synthProblems } from './support/declared-network';
import { checkReachability, documentTexts } from './support/network-checks';
import { pictureProblems, readPicture } from './support/svg-geometry';
import { schemaProblems } from './support/schema-check';
import { TfJson, decodeBootDocument } from './support/synth';

function synthSites(props: SitesStackProps = {}, record?: AllocationRecord): { tf: TfJson; plan: NetworkPlan; stack: SitesStack } {
  const stack = new SitesStack(Testing.app(), 'sites', { ...props, network: { ...props.network, ...(record ? { allocationRecord: record } : {}) } });
  const tf = JSON.parse(Testing.synth(stack)) as TfJson;
  return { tf, plan: stack.network.plan(), stack };
}

const resources = (tf: TfJson, type: string) => tf.resource[type] ?? {};
/** A library NSG rule by its cluster and name. */
const rule = (tf: TfJson, cluster: string, name: string) =>
  Object.entries(resources(tf, 'azurerm_network_security_rule')).find(([k, v]) => k.includes(`_${cluster}_`) && v.name === name)![1];

const problemsOf = (decl: Decl) => synthProblems(build(decl).stack);

describe('direct peering: two Azure sites and a dedicated server', () => {
  const { tf, plan } = synthSites();

  it('gives every VM its own Standard public IP with a DNS label, on its NIC, and makes no load balancer', () => {
    const ips = Object.values(resources(tf, 'azurerm_public_ip'));
    expect(ips.map((ip) => [ip.name, ip.sku, ip.allocation_method, ip.domain_name_label]).sort()).toEqual([
      ['site-a-vm-1-pip', 'Standard', 'Static', 'site-a-site-a-vm-1'],
      ['site-a-vm-2-pip', 'Standard', 'Static', 'site-a-site-a-vm-2'],
      ['site-b-vm-1-pip', 'Standard', 'Static', 'site-b-site-b-vm-1'],
      ['site-b-vm-2-pip', 'Standard', 'Static', 'site-b-site-b-vm-2'],
    ]);
    for (const nic of Object.values(resources(tf, 'azurerm_network_interface'))) {
      const [config] = nic.ip_configuration as { public_ip_address_id?: string }[];
      expect(config.public_ip_address_id).toMatch(/^\$\{azurerm_public_ip\.[\w-]+\.id\}$/);
    }
    for (const type of ['azurerm_lb', 'azurerm_lb_rule', 'azurerm_lb_outbound_rule', 'azurerm_lb_backend_address_pool', 'azurerm_network_interface_backend_address_pool_association', 'azurerm_nat_gateway']) {
      expect([type, Object.keys(resources(tf, type))]).toEqual([type, []]);
    }
    // Nothing to wait for: the NIC carries the VM's way out.
    for (const vm of Object.values(resources(tf, 'azurerm_linux_virtual_machine'))) expect(vm.depends_on).toBeUndefined();
  });

  it('has later sites and the dedicated server dial the first site\'s first VM by its own name, and VNet neighbours by VM name', () => {
    const peers = Object.fromEntries(plan.hosts.map((h) => [h.name, h.peers]));
    const first = 'site-a-site-a-vm-1.westeurope.cloudapp.azure.com';
    expect(peers).toEqual({
      'site-a-vm-1': [], 'site-a-vm-2': ['site-a-vm-1'], 'site-b-vm-1': [first], 'site-b-vm-2': ['site-b-vm-1'], 'edge-1': [first],
    });
    // The dial leads to that one VM (no load balancer picking a host).
    expect(plan.hosts[2].dials).toEqual([{ address: first, via: 'public-dns', cluster: 0, host: 0 }]);
    expect(checkReachability(plan)).toEqual([]);
    // The controls: the model refuses site-b-vm-1 dialing site-a-vm-1 by VM name
    // (another VNet), and a direct VM's public name leads to that VM alone.
    type Dial = NetworkPlan['hosts'][number]['dials'][number];
    const dialing = (dial: Dial) => ({ ...plan, hosts: plan.hosts.map((h, i) => (i === 2 ? { ...h, peers: [dial.address], dials: [dial] } : h)) });
    expect(checkReachability(dialing({ address: 'site-a-vm-1', via: 'vm-name', cluster: 0, host: 0 })).join('\n'))
      .toMatch(/site-b-vm-1 cannot reach its peer "site-a-vm-1": an Azure VM name outside the dialer's own VNet/);
    expect(checkReachability(dialing({ address: 'site-a-site-a-vm-2.westeurope.cloudapp.azure.com', via: 'public-dns', cluster: 0, host: 0 })).join('\n'))
      .toMatch(/the plan says site-a-site-a-vm-2\.westeurope\.cloudapp\.azure\.com leads to hosts \[0\], the model says \[1\]/);
  });

  it('admits Weave\'s TCP 6783, UDP 6783-6784 and ESP only from the mesh\'s known addresses, never from *', () => {
    const other = (site: string) => [1, 2].map((k) => `\${azurerm_public_ip.${Object.keys(resources(tf, 'azurerm_public_ip')).find((id) => id.includes(`${site}-vm-${k}`))}.ip_address}`);
    for (const [site, peer] of [['site-a', 'site-b'], ['site-b', 'site-a']] as const) {
      for (const [id, protocol, port] of [['weave-tcp', 'Tcp', '6783'], ['weave-udp', 'Udp', '6783-6784'], ['weave-esp', 'Esp', '*']]) {
        const r = rule(tf, site, id);
        expect([site, id, r.protocol, r.destination_port_range, r.access, r.direction]).toEqual([site, id, protocol, port, 'Allow', 'Inbound']);
        expect([site, id, r.source_address_prefixes]).toEqual([site, id, [...other(peer), '203.0.113.10']]);
        expect(r.source_address_prefix).toBeUndefined();
      }
    }
    const sources = Object.values(resources(tf, 'azurerm_network_security_rule')).flatMap((r) => [r.source_address_prefix, ...((r.source_address_prefixes as string[]) ?? [])]);
    for (const open of ['*', 'Internet', '0.0.0.0/0', 'Any']) expect(sources).not.toContain(open);
  });

  it('outputs each VM\'s public address and DNS name, and no cluster-wide ones', () => {
    const outputs = Object.keys(tf.output ?? {});
    expect(outputs).toEqual(expect.arrayContaining(['weave_site-a-vm-1_public_address', 'weave_site-a-vm-1_dns_name', 'weave_site-b-vm-2_dns_name']));
    expect(outputs.filter((o) => /^weave_site-[ab]_(dns_name|public_address)$/.test(o))).toEqual([]);
  });

  it('draws the direct links: no load balancer box, the first VM\'s name on its box and on the arrows into it', () => {
    const view = topologyView(plan);
    expect(view.clusters.slice(0, 2).map((c) => [c.direct, c.links])).toEqual([[true, 'direct peering'], [true, 'direct peering']]);
    const m = renderMermaid(view);
    expect(m).not.toContain('lb0');
    expect(m).not.toContain('load balancer');
    expect(m).toContain('dial site-a-site-a-vm-1.westeurope.cloudapp.azure.com');
    expect(m).toContain('h1_0 -->|"site-a-site-a-vm-1.westeurope.cloudapp.azure.com"| h0_0');
    expect(m).toContain('h2_0 -->|"site-a-site-a-vm-1.westeurope.cloudapp.azure.com"| h0_0');
    // The SVG draws the same: arrows straight into site-a-vm-1's box, no load balancer box.
    const picture = readPicture(renderTopologySvg(view));
    const first = 'site-a-site-a-vm-1.westeurope.cloudapp.azure.com';
    expect(picture.edges.map((e) => [e.from, e.toKind, e.to, e.label])).toEqual([
      ['site-a-vm-2', 'host', 'site-a-vm-1', undefined],
      ['site-b-vm-1', 'host', 'site-a-vm-1', first],
      ['site-b-vm-2', 'host', 'site-b-vm-1', undefined],
      ['edge-1', 'host', 'site-a-vm-1', first],
    ]);
    expect(picture.boxes.filter((b) => b.kind === 'endpoint')).toEqual([]);
    expect(picture.clusters.find((c) => c.name === 'site-a')?.lines).toContain('direct peering');
    expect(pictureProblems(picture)).toEqual([]);
    // The control: the seed's load-balanced clusters still have their box.
    const seed = new SeedStack(Testing.app(), 'seed');
    Testing.synth(seed);
    expect(renderMermaid(seed.network.plan())).toContain('lb0(["load balancer (any host)');
  });

  it('gives the dedicated server\'s script the same dial, and SSH to a VM\'s own name on port 22', () => {
    const script = Object.values(resources(tf, 'terraform_data')).map((r) => (r.provisioner as { file?: { content: string } }[] | undefined)?.find((p) => p.file)?.file?.content).find(Boolean)!;
    const texts = documentTexts({ format: 'script', text: decodeBootDocument(script), slots: [] });
    expect(texts.some((t) => t.includes('WEAVE_PEERS=site-a-site-a-vm-1.westeurope.cloudapp.azure.com\n'))).toBe(true);
    const ssh = synthSites({ siteA: { sshSourceCidr: '198.51.100.0/24' } }).tf;
    expect(ssh.output!['weave_site-a-vm-2_ssh'].value).toMatch(/^ssh core@\$\{azurerm_public_ip\.[\w-]+\.fqdn\}$/);
    expect(Object.keys(resources(ssh, 'azurerm_lb_nat_rule'))).toEqual([]);
    expect(rule(ssh, 'site-a', 'ssh').source_address_prefixes).toEqual(['198.51.100.0/24']);
  });
});

describe('switching a cluster between the load balancer and direct peering', () => {
  const lb = synthSites({ siteA: { peering: 'load-balancer', sshSourceCidr: '198.51.100.0/24' }, siteB: { peering: 'load-balancer' } });
  const record = lb.plan.allocation.record;
  const direct = synthSites({ siteA: { peering: 'direct', sshSourceCidr: '198.51.100.0/24' }, siteB: { peering: 'load-balancer' } }, record);
  const back = synthSites({ siteA: { peering: 'load-balancer', sshSourceCidr: '198.51.100.0/24' }, siteB: { peering: 'load-balancer' } }, direct.plan.allocation.record);
  const addresses = (tf: TfJson) => new Set(Object.entries(tf.resource).flatMap(([type, rs]) => Object.keys(rs).map((id) => `${type}.${id}`)));

  it('keeps the allocation record: every host\'s address, role, anchor and SSH port', () => {
    expect(direct.plan.allocation.changes).toEqual([]);
    expect(back.plan.allocation.changes).toEqual([]);
    expect(back.plan.hosts.map((h) => [h.name, h.sshPort])).toEqual(lb.plan.hosts.map((h) => [h.name, h.sshPort]));
  });

  it('replaces no VM: each VM\'s custom data and user data stay as they were', () => {
    const vms = (tf: TfJson) => Object.fromEntries(Object.entries(resources(tf, 'azurerm_linux_virtual_machine')).map(([id, vm]) => [id, [vm.custom_data, vm.user_data]]));
    const before = vms(lb.tf);
    const after = vms(direct.tf);
    for (const id of Object.keys(before).filter((k) => k.includes('site-a'))) expect(after[id]).toEqual(before[id]);
    // The other sites' first hosts dial site-a's first VM by its own name now: their user data changes, in place.
    const b1 = Object.keys(before).find((k) => k.includes('site-b-vm-1'))!;
    expect(Buffer.from(after[b1][1] as string, 'base64').toString()).toContain('WEAVE_PEERS=site-a-site-a-vm-1.westeurope.cloudapp.azure.com');
    expect(after[b1][0]).toEqual(before[b1][0]);
  });

  it('removes exactly the load balancer\'s resources and adds exactly each VM\'s public IP (docs/peering.md lists them)', () => {
    const was = addresses(lb.tf);
    const now = addresses(direct.tf);
    const gone = [...was].filter((a) => !now.has(a)).map((a) => a.replace(/_[0-9A-F]{8}$/, '')).sort();
    const added = [...now].filter((a) => !was.has(a)).map((a) => a.replace(/_[0-9A-F]{8}$/, '')).sort();
    expect(gone).toEqual([
      'azurerm_lb.weave_site-a_lb',
      'azurerm_lb_backend_address_pool.weave_site-a_lb-pool',
      'azurerm_lb_nat_rule.weave_site-a_site-a-vm-1_ssh-nat',
      'azurerm_lb_nat_rule.weave_site-a_site-a-vm-2_ssh-nat',
      'azurerm_lb_outbound_rule.weave_site-a_lb-outbound',
      'azurerm_lb_probe.weave_site-a_lb-probe',
      'azurerm_lb_rule.weave_site-a_lb-rule-tcp-6783',
      'azurerm_lb_rule.weave_site-a_lb-rule-udp-6783',
      'azurerm_lb_rule.weave_site-a_lb-rule-udp-6784',
      'azurerm_network_interface_backend_address_pool_association.weave_site-a_site-a-vm-1_lb-pool-assoc',
      'azurerm_network_interface_backend_address_pool_association.weave_site-a_site-a-vm-2_lb-pool-assoc',
      'azurerm_network_interface_nat_rule_association.weave_site-a_site-a-vm-1_ssh-nat-assoc',
      'azurerm_network_interface_nat_rule_association.weave_site-a_site-a-vm-2_ssh-nat-assoc',
      'azurerm_public_ip.weave_site-a_public-ip',
    ]);
    expect(added).toEqual(['azurerm_public_ip.weave_site-a_site-a-vm-1_public-ip', 'azurerm_public_ip.weave_site-a_site-a-vm-2_public-ip']);
    // The rest stays, updated in place: NICs gain public_ip_address_id, NSG rules their sources.
    const nic = (tf: TfJson) => Object.entries(resources(tf, 'azurerm_network_interface')).find(([k]) => k.includes('site-a-vm-1'))!;
    expect(nic(direct.tf)[0]).toBe(nic(lb.tf)[0]);
    expect((nic(lb.tf)[1].ip_configuration as object[])[0]).not.toHaveProperty('public_ip_address_id');
    // And back: the same ports, the same resource set.
    expect([...addresses(back.tf)].sort()).toEqual([...was].sort());
  });
});

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `vm-${i + 1}`);

describe('NAT gateway egress', () => {
  it('takes a cluster past 62 VMs: 63 per public IP, with the gateway on the subnet and no outbound rule', () => {
    const { tf } = synthSites({ siteA: { peering: 'load-balancer', natGateway: { publicIpCount: 2, idleTimeoutMinutes: 10 } }, vmsPerSite: 64 });
    const gw = Object.values(resources(tf, 'azurerm_nat_gateway'));
    expect(gw.map((g) => [g.name, g.sku_name, g.idle_timeout_in_minutes])).toEqual([['site-a-nat', 'Standard', 10]]);
    const natIps = Object.entries(resources(tf, 'azurerm_public_ip')).filter(([, ip]) => /nat-ip/.test(ip.name as string));
    expect(natIps.map(([, ip]) => [ip.name, ip.sku, ip.allocation_method])).toEqual([['site-a-nat-ip-1', 'Standard', 'Static'], ['site-a-nat-ip-2', 'Standard', 'Static']]);
    expect(Object.keys(resources(tf, 'azurerm_nat_gateway_public_ip_association'))).toHaveLength(2);
    expect(Object.values(resources(tf, 'azurerm_subnet_nat_gateway_association')).map((a) => a.subnet_id)).toEqual([expect.stringMatching(/^\$\{azurerm_subnet\.weave_site-a_subnet/)]);
    expect(Object.keys(resources(tf, 'azurerm_lb_outbound_rule'))).toEqual([]);
    // The load balancer still forwards Weave's ports in; the VMs wait for the gateway before first boot.
    expect(Object.keys(resources(tf, 'azurerm_lb_rule'))).toHaveLength(3);
    const vm = Object.entries(resources(tf, 'azurerm_linux_virtual_machine')).find(([k]) => k.includes('site-a-vm-1_'))![1];
    expect(vm.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^azurerm_subnet_nat_gateway_association\./), expect.stringMatching(/^azurerm_nat_gateway_public_ip_association\./)]));
    // site-b (direct) admits the gateway's addresses, which is where site-a's traffic comes from.
    const natRefs = natIps.map(([id]) => `\${azurerm_public_ip.${id}.ip_address}`);
    const b = rule(tf, 'site-b', 'weave-tcp');
    expect(b.source_address_prefixes).toEqual([...natRefs, '203.0.113.10']);
    expect(tf.output!['weave_site-a_egress_addresses'].value).toEqual(natRefs);
  });

  it('still refuses a cluster past what its egress serves, naming the limit and both ways out (and accepts the fix)', () => {
    const lbOnly = problemsOf({ clusters: [{ id: 'c1', hosts: hosts(63) }] });
    expect(lbOnly.map((p) => p.code)).toEqual(['cluster-too-large']);
    expect(lbOnly[0].message).toMatch(/exceeds 62: .*outbound rule, whose one IP has 64,000 SNAT ports, and each VM is given 1,024/);
    expect(lbOnly[0].fix).toMatch(/natGateway: \{ publicIpCount: 1 \}.*or set peering: "direct".*or split/);
    const oneIp = problemsOf({ clusters: [{ id: 'c1', props: { natGateway: {} }, hosts: hosts(64) }] });
    expect(oneIp.map((p) => [p.code, p.value])).toEqual([['cluster-too-large', '64 hosts']]);
    expect(oneIp[0].message).toMatch(/exceeds 63: the cluster's NAT gateway has 1 public IP\(s\) of 64,512 SNAT ports/);
    expect(oneIp[0].fix).toMatch(/publicIpCount: 2/);
    expect(problemsOf({ clusters: [{ id: 'c1', props: { natGateway: {} }, hosts: hosts(63) }] })).toEqual([]);
    expect(problemsOf({ clusters: [{ id: 'c1', props: { peering: 'direct' }, hosts: hosts(70) }] })).toEqual([]);
  });
});

describe('Weave router flags', () => {
  const unit = (tf: TfJson, host: string) => {
    const vm = Object.entries(resources(tf, 'azurerm_linux_virtual_machine')).find(([k]) => k.includes(`${host}_`))![1];
    return decodeBootDocument(vm.custom_data as string);
  };

  it('launches a trusting cluster with --trusted-subnets for its own VNet, and only that cluster', () => {
    const { tf, plan } = synthSites({ siteA: { trustVnet: true } });
    expect(plan.hosts[0].launchArgs).toContain('--trusted-subnets=172.16.1.0/24');
    expect(unit(tf, 'site-a-vm-2')).toMatch(/weave launch --no-restart .* --trusted-subnets=172\.16\.1\.0\/24 --ipalloc-init \$WEAVE_IPALLOC_INIT \$WEAVE_PEERS/);
    expect(unit(tf, 'site-b-vm-1')).not.toContain('--trusted-subnets');
    expect(plan.hosts.find((h) => h.name === 'edge-1')!.launchArgs.join(' ')).not.toContain('trusted');
  });

  it('passes --conn-limit, WEAVE_MTU and extra flags when set, and nothing of them otherwise', () => {
    const set = synthSites({ network: { connLimit: 300, mtu: 1412, extraLaunchArgs: ['--log-level=debug'] } });
    expect(set.plan.commonLaunchArgs).toEqual(expect.arrayContaining(['--conn-limit=300', '--log-level=debug']));
    expect(unit(set.tf, 'site-a-vm-1')).toMatch(/--conn-limit=300 --log-level=debug --ipalloc-init/);
    expect(set.plan.sharedEnv).toContainEqual(['WEAVE_MTU', '1412']);
    const unset = synthSites();
    expect(unset.plan.commonLaunchArgs.join(' ')).not.toMatch(/conn-limit|log-level/);
    expect(unset.plan.sharedEnv.map(([k]) => k)).not.toContain('WEAVE_MTU');
  });

  it('refuses a mesh past the connection limit, and accepts it with a limit that carries it', () => {
    const big = (network: object) => problemsOf({ network, clusters: Array.from({ length: 5 }, (_, c) => ({ id: `c${c}`, props: { peering: 'direct' as const, vnetCidr: `172.16.${c}.0/24` }, hosts: hosts(41).map((h) => `c${c}-${h}`) })) });
    const refused = big({});
    expect(refused.map((p) => p.code)).toEqual(['mesh-conn-limit']);
    expect(refused[0].message).toMatch(/Weave's default connection limit of 200, but the mesh may have 205 peers \(a pool counts at its max\) and Weave's peer discovery connects each to the 204 others/);
    expect(refused[0].fix).toMatch(/split the hosts into separate networks, or set connLimit to at least 204/);
    expect(big({ connLimit: 203 }).map((p) => p.code)).toEqual(['mesh-conn-limit']);
    expect(big({ connLimit: 250 })).toEqual([]);
  });

  it('refuses extra flags that would override what the library derives, and takes the others', () => {
    const ps = problemsOf({ network: { extraLaunchArgs: ['--ipalloc-init=observer', '--password=x', '--dns-domain=a.', '--mtu=1400', '--no-fastdp'] } });
    expect(ps.map((p) => [p.code, p.value])).toEqual([
      ['launch-arg-derived', '--ipalloc-init=observer'], ['launch-arg-derived', '--password=x'], ['launch-arg-derived', '--dns-domain=a.'], ['launch-arg-derived', '--mtu=1400'],
    ]);
    expect(ps[3].fix).toMatch(/set the network's mtu/);
  });
});

describe('SSH frontend ports the record keeps', () => {
  function net(hostNames: string[], record?: AllocationRecord) {
    const stack = new TerraformStack(Testing.app(), 'ports');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
    const network = new WeaveNetwork(stack, 'net', { sshPublicKey: ED25519, ...(record ? { allocationRecord: record } : {}) });
    const c = new WeaveCluster(network, 'site-1', { provider, location: 'westeurope', sshSourceCidr: '198.51.100.0/24' });
    for (const h of hostNames) new WeaveHost(c, h);
    const tf = JSON.parse(Testing.synth(stack)) as TfJson;
    const ports = Object.fromEntries(Object.values(resources(tf, 'azurerm_lb_nat_rule')).map((r) => [(r.name as string).replace(/^ssh-/, ''), r.frontend_port]));
    return { tf, plan: network.plan(), ports };
  }

  it('keeps h1 and h2 on 50001/50002 when h0 is inserted before them (the issue\'s case), and gives h0 the next free port', () => {
    const first = net(['h1', 'h2']);
    expect(first.ports).toEqual({ h1: 50001, h2: 50002 });
    const inserted = net(['h0', 'h1', 'h2'], first.plan.allocation.record);
    expect(inserted.ports).toEqual({ h0: 50003, h1: 50001, h2: 50002 });
    expect(inserted.tf.output!.net_h1_ssh.value).toMatch(/^ssh -p 50001 core@\$\{azurerm_public_ip\.[\w-]+\.fqdn\}$/);
    expect(inserted.tf.output!.net_h0_ssh.value).toMatch(/^ssh -p 50003 /);
    expect(inserted.plan.allocation.changes.filter((c) => c.field === 'sshPort')).toEqual([{ scope: 'host', name: 'h0', field: 'sshPort', after: '50003' }]);
    // A removed host's port stays held: the next newcomer does not take it.
    const removed = net(['h0', 'h2', 'h3'], inserted.plan.allocation.record);
    expect(removed.ports).toEqual({ h0: 50003, h2: 50002, h3: 50004 });
  });

  it('gives hosts of a record written before ports were recorded the port they had (first port + position)', () => {
    const first = net(['h1', 'h2']).plan.allocation.record;
    const legacy: AllocationRecord = { ...first, hosts: Object.fromEntries(Object.entries(first.hosts).map(([n, { sshPort: _, ...e }]) => [n, e])) };
    const upgraded = net(['h1', 'h0', 'h2'], legacy);
    expect(upgraded.ports).toEqual({ h1: 50001, h2: 50002, h0: 50003 });
  });
});

describe('the peering and egress checks, each with its control', () => {
  const direct = { peering: 'direct' as const };
  const cases: { name: string; decl: Decl; code: string; value: unknown; fixed: Decl }[] = [
    { name: 'a NAT gateway with direct peering', decl: { clusters: [{ id: 'c1', props: { ...direct, natGateway: {} }, hosts: ['h1'] }] }, code: 'nat-gateway-direct', value: {}, fixed: { clusters: [{ id: 'c1', props: direct, hosts: ['h1'] }] } },
    { name: 'a NAT gateway on an existing subnet', decl: { clusters: [{ id: 'c1', props: { natGateway: {}, existingSubnet: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/hosts' }, hosts: ['h1'] }] }, code: 'nat-gateway-existing-subnet', value: {}, fixed: { clusters: [{ id: 'c1', props: { natGateway: {} }, hosts: ['h1'] }] } },
    { name: '17 NAT gateway IPs', decl: { clusters: [{ id: 'c1', props: { natGateway: { publicIpCount: 17 } }, hosts: ['h1'] }] }, code: 'nat-gateway-invalid', value: 17, fixed: { clusters: [{ id: 'c1', props: { natGateway: { publicIpCount: 16 } }, hosts: ['h1'] }] } },
    { name: 'a NAT idle timeout of 2 minutes', decl: { clusters: [{ id: 'c1', props: { natGateway: { idleTimeoutMinutes: 2 } }, hosts: ['h1'] }] }, code: 'nat-gateway-invalid', value: 2, fixed: { clusters: [{ id: 'c1', props: { natGateway: { idleTimeoutMinutes: 4 } }, hosts: ['h1'] }] } },
    { name: 'two NAT IPs beside a load-balanced cluster', decl: { clusters: [{ id: 'c1', props: { natGateway: { publicIpCount: 2 } }, hosts: ['h1'] }, { id: 'c2', hosts: ['h2'] }] }, code: 'nat-gateway-split-flows', value: 2, fixed: { clusters: [{ id: 'c1', props: { natGateway: { publicIpCount: 2 } }, hosts: ['h1'] }, { id: 'c2', props: direct, hosts: ['h2'] }] } },
    { name: 'an unknown peering mode', decl: { clusters: [{ id: 'c1', props: { peering: 'vpn' as never }, hosts: ['h1'] }] }, code: 'peering-unknown', value: 'vpn', fixed: { clusters: [{ id: 'c1', props: direct, hosts: ['h1'] }] } },
    { name: 'a host DNS label without direct peering', decl: { clusters: [{ id: 'c1', hosts: [['h1', { dnsLabel: 'my-vm' }]] }] }, code: 'host-dns-label-unused', value: 'my-vm', fixed: { clusters: [{ id: 'c1', props: direct, hosts: [['h1', { dnsLabel: 'my-vm' }]] }] } },
    { name: 'a derived VM label over 63 characters', decl: { clusters: [{ id: 'c1', props: { ...direct, dnsLabel: `mesh-${'a'.repeat(40)}` }, hosts: [`h${'b'.repeat(30)}`] }] }, code: 'dns-label-invalid', value: `mesh-${'a'.repeat(40)}-h${'b'.repeat(30)}`, fixed: { clusters: [{ id: 'c1', props: { ...direct, dnsLabel: `mesh-${'a'.repeat(40)}` }, hosts: [[`h${'b'.repeat(30)}`, { dnsLabel: 'mesh-vm-1' }]] }] } },
    { name: 'a VM label a load-balanced cluster already claims', decl: { clusters: [{ id: 'c1', props: { dnsLabel: 'mesh-c2-h2' }, hosts: ['h1'] }, { id: 'c2', props: direct, hosts: ['h2'] }] }, code: 'dns-label-duplicate', value: 'mesh-c2-h2', fixed: { clusters: [{ id: 'c1', props: { dnsLabel: 'mesh-c1' }, hosts: ['h1'] }, { id: 'c2', props: direct, hosts: ['h2'] }] } },
    { name: 'trustVnet on an existing subnet of unknown range', decl: { clusters: [{ id: 'c1', props: { trustVnet: true, existingSubnet: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/hosts' }, hosts: ['h1'] }] }, code: 'trust-vnet-no-range', value: true, fixed: { clusters: [{ id: 'c1', props: { trustVnet: true, vnetCidr: '172.20.0.0/24', existingSubnet: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/hosts' }, hosts: ['h1'] }] } },
    { name: 'more VMs than the subnet holds', decl: { clusters: [{ id: 'c1', props: { ...direct, vnetCidr: '172.20.0.0/29' }, hosts: ['h1', 'h2', 'h3', 'h4'] }] }, code: 'cluster-subnet-too-small', value: '172.20.0.0/29', fixed: { clusters: [{ id: 'c1', props: { ...direct, vnetCidr: '172.20.0.0/29' }, hosts: ['h1', 'h2', 'h3'] }] } },
    { name: 'a connection limit of 0', decl: { network: { connLimit: 0 } }, code: 'conn-limit-invalid', value: 0, fixed: { network: { connLimit: 10 } } },
    { name: 'a connection limit below the mesh', decl: { network: { connLimit: 1 } }, code: 'mesh-conn-limit', value: 1, fixed: { network: { connLimit: 2 } } },
    { name: 'an MTU the Azure path cannot carry with encryption', decl: { network: { mtu: 1416 } }, code: 'mtu-invalid', value: 1416, fixed: { network: { mtu: 1412 } } },
    { name: 'an MTU not divisible by four', decl: { network: { mtu: 1375 } }, code: 'mtu-invalid', value: 1375, fixed: { network: { mtu: 1376 } } },
    { name: 'an extra flag with a space', decl: { network: { extraLaunchArgs: ['--log-level debug'] } }, code: 'launch-arg-invalid', value: '--log-level debug', fixed: { network: { extraLaunchArgs: ['--log-level=debug'] } } },
    { name: 'a peer given as an extra argument', decl: { network: { extraLaunchArgs: ['10.0.0.5'] } }, code: 'launch-arg-invalid', value: '10.0.0.5', fixed: { network: { extraLaunchArgs: [] } } },
    { name: 'an extra --http-addr', decl: { network: { extraLaunchArgs: ['--http-addr=0.0.0.0:6784'] } }, code: 'launch-arg-derived', value: '--http-addr=0.0.0.0:6784', fixed: { network: { extraLaunchArgs: ['--log-level=info'] } } },
    { name: 'an extra --status-addr (metrics decides it)', decl: { network: { extraLaunchArgs: ['--status-addr=0.0.0.0:6782'] } }, code: 'launch-arg-derived', value: '--status-addr=0.0.0.0:6782', fixed: { network: { extraLaunchArgs: ['--log-level=info'] } } },
  ];

  it.each(cases.map((c) => [c.name, c]))('%s', (_, c) => {
    const got = problemsOf(c.decl);
    const p = got.find((x) => x.code === c.code);
    expect([c.code, p?.value]).toEqual([c.code, c.value]);
    expect(p!.fix.length).toBeGreaterThan(20);
    expect(problemsOf(c.fixed)).toEqual([]);
  });

  it('refuses two networks whose direct-peering VMs claim one DNS label, resource names the host owns, and takes distinct labels (the control)', () => {
    const twoNetworks = (labels: [string, string]) => {
      const stack = new TerraformStack(Testing.app(), 'app');
      const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
      labels.forEach((label, k) => {
        const network = new WeaveNetwork(stack, `net-${k}`, { sshPublicKey: ED25519 });
        new WeaveHost(new WeaveCluster(network, `c-${k}`, { provider, location: 'westeurope', peering: 'direct', dnsLabel: label }), `vm-${k}`, { dnsLabel: 'mesh-vm' });
      });
      return synthProblems(stack);
    };
    const p = twoNetworks(['mesh-a', 'mesh-b']);
    expect(p.map((x) => [x.code, x.path, x.value])).toEqual([['dns-label-duplicate', 'app/net-1/c-1/vm-1', 'mesh-vm']]);
    expect(p[0].fix).toMatch(/^give one of the VMs its own dnsLabel/);
    const control = (() => {
      const stack = new TerraformStack(Testing.app(), 'app');
      const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
      for (const k of [0, 1]) new WeaveHost(new WeaveCluster(new WeaveNetwork(stack, `net-${k}`, { sshPublicKey: ED25519 }), `c-${k}`, { provider, location: 'westeurope', peering: 'direct', dnsLabel: `mesh-${k}` }), `vm-${k}`);
      return synthProblems(stack);
    })();
    expect(control).toEqual([]);
  });

  it('reports the mesh-conn-limit and mtu problems at the network, the others at the cluster or host', () => {
    expect(problemsOf({ network: { mtu: 1416 } })[0].path).toBe('stack/net');
    expect(problemsOf({ clusters: [{ id: 'c1', hosts: [['h1', { dnsLabel: 'x-y' }]] }] })[0].path).toBe('stack/net/c1/h1');
  });
});

describe('the azurerm 4.55.0 schema', () => {
  it('takes a direct-peering stack, a NAT-gateway stack and the seed, and refuses a broken NAT gateway (the control)', () => {
    const direct = synthSites({ siteA: { sshSourceCidr: '198.51.100.0/24', trustVnet: true } }).tf;
    const nat = synthSites({ siteA: { peering: 'load-balancer', natGateway: { publicIpCount: 2 }, sshSourceCidr: '198.51.100.0/24' } }).tf;
    const seed = JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed'))) as TfJson;
    expect([schemaProblems(direct), schemaProblems(nat), schemaProblems(seed)]).toEqual([[], [], []]);
    expect(Object.keys(resources(nat, 'azurerm_nat_gateway'))).toHaveLength(1);
    const broken = structuredClone(nat);
    const gw = Object.values(resources(broken, 'azurerm_nat_gateway'))[0] as Record<string, unknown>;
    gw.public_ip_address_ids = ['x'];
    delete gw.resource_group_name;
    expect(schemaProblems(broken).map((p) => p.class).sort()).toEqual(['missing-required', 'unknown-argument']);
  });
});

describe('the SSH port allocation', () => {
  it('reports a cluster whose port range is used up, and fits one that is not (the control)', () => {
    const spec = seedSpec();
    const run = (last: number) => {
      const problems = new ProblemList();
      const ports = allocateSshPorts(spec, undefined, (i) => (i === 0 ? { first: 65533, last } : undefined), problems);
      return { ports, problems: problems.items };
    };
    expect(run(65534)).toEqual({ ports: [65533, 65534, undefined, undefined, undefined], problems: [] });
    const full = run(65533);
    expect(full.problems.map((p) => [p.code, p.path, p.value])).toEqual([['ssh-ports-exhausted', 'seed/weave/cluster-01', 'azure-prd-02']]);
  });
});

describe('the SSH port record check', () => {
  it('refuses a record where two hosts of one cluster share a port', () => {
    const stack = new TerraformStack(Testing.app(), 'dup');
    const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
    const record: AllocationRecord = {
      bridgeRange: '10.1.0.0/16', consensus: 2, root: 'site-1', anchors: { 'site-1': 'h1' }, retired: {},
      hosts: { h1: { bridgeAddress: '10.1.0.1/16', role: 'bootstrap', cluster: 'site-1', sshPort: 50001 }, h2: { bridgeAddress: '10.1.0.2/16', role: 'bootstrap', cluster: 'site-1', sshPort: 50001 } },
    };
    const network = new WeaveNetwork(stack, 'net', { sshPublicKey: ED25519, allocationRecord: record });
    const c = new WeaveCluster(network, 'site-1', { provider, location: 'westeurope', sshSourceCidr: '198.51.100.0/24' });
    new WeaveHost(c, 'h1');
    new WeaveHost(c, 'h2');
    expect(() => Testing.synth(stack)).toThrow(/\[allocation-record-invalid\] dup\/net: allocation\.hosts\["h2"\]\.sshPort 50001 is also recorded for h1 in cluster site-1/);
  });
});
