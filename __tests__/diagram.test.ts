// The topology picture: what it shows (every host, address, role and SSH
// endpoint; each cluster's kind, region, subscription, boot format and
// existing Azure resources; every dial), that it scales (10 clusters and 60
// hosts wrap into rows that fit a 1,600 px page), that it reads cleanly (no
// line through a box, a text or a cluster header, no loop over a cluster,
// checked on the SVG's geometry, with negative controls), that it is
// well-formed and deterministic, and that the Mermaid text says the same.
// That it renders with rsvg-convert is diagram-render.test.ts (integration tier).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { App, TerraformStack } from 'cdktf';
import { TopologyView, renderMermaid, shown, topologyView } from '../lib/core/diagram/diagram';
import { renderTopologySvg } from '../lib/core/diagram/diagram-svg';
import { planNetwork } from '../lib/core/plan/plan';
import { NetworkSpec } from '../lib/core/declare/network';
import { seedSpec } from './fixtures/seed-spec';
import { declareTenClusters } from './support/big-network';
import { Picture, pictureProblems, readPicture, segmentEntersRect } from './support/svg-geometry';
import { seedPictures } from '../scripts/diagrams';
import { WeaveCluster } from '../lib';

/** Three Azure clusters in three regions, one grown by an observer, and two dedicated servers. */
function threeClustersTwoServers(): NetworkSpec {
  const base = seedSpec();
  const host = (c: string, name: string, extra: object = {}) => ({ path: `demo/weave/${c}/${name}`, name, ...extra });
  const azure = (name: string, location: string, vnet: string, hosts: string[], bootstrapHosts: number) => ({
    path: `demo/weave/${name}`, name, kind: 'azure' as const, hasProvider: true, location, dnsLabel: `acme-${name}`,
    dnsName: `acme-${name}.${location}.cloudapp.azure.com`, vnetCidr: vnet, bootstrapHosts, hosts: hosts.map((h) => host(name, h)),
  });
  return {
    ...base,
    path: 'demo/weave',
    clusters: [
      azure('cluster-01', 'westeurope', '172.16.1.0/24', ['azure-prd-01', 'azure-prd-02', 'azure-prd-05'], 2),
      azure('cluster-02', 'northeurope', '172.16.2.0/24', ['azure-prd-03', 'azure-prd-04'], 2),
      azure('cluster-03', 'eastus2', '172.16.3.0/24', ['azure-prd-06', 'azure-prd-07'], 1),
      {
        path: 'demo/weave/dc-fra', name: 'dc-fra', kind: 'dedicated', bootstrapHosts: 1,
        hosts: [host('dc-fra', 'ded-prd-01', { sshHost: '203.0.113.10' }), host('dc-fra', 'ded-prd-02', { sshHost: '203.0.113.11' })],
      },
    ],
  };
}

const retired = [
  { name: 'azure-old-09', cluster: 'cluster-02', bridgeAddress: '10.1.0.10/16' },
  { name: 'ded-old-01', cluster: 'dc-ams', bridgeAddress: '10.1.0.12/16' },
];
const seedView = () => topologyView(planNetwork(seedSpec()));
const demoView = () => topologyView(planNetwork(threeClustersTwoServers()), { retired });
const textOf = (p: Picture) => p.texts.map((t) => t.text);

/** The seed with what the options as given add: an existing subnet and NSG, SSH NAT, Ignition, a non-default SSH port. */
function seedWithOptions(): NetworkSpec {
  const spec = seedSpec();
  const [c1, c2, c3] = spec.clusters;
  return {
    ...spec,
    clusters: [
      { ...c1, options: { existingSubnet: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n', existingSecurityGroup: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg', name: 'nsg', resourceGroupName: 'rg' }, sshSourceCidr: '198.51.100.0/24' } },
      { ...c2, bootFormat: 'ignition', options: { existingResourceGroup: 'platform-rg' } },
      { ...c3, hosts: [{ ...c3.hosts[0], options: { ssh: { host: '203.0.113.10', port: 2222 } } }] },
    ],
  };
}

/**
 * The ten-cluster, sixty-host network (support/big-network.ts) as synth
 * draws it beside the stack, and the view it was drawn from.
 */
const big = (() => {
  let made: { svg: string; view: TopologyView } | undefined;
  return () => {
    if (made) return made;
    const dir = mkdtempSync(join(tmpdir(), 'weave-big-picture-'));
    try {
      const app = new App({ outdir: dir });
      const mesh = declareTenClusters(new TerraformStack(app, 'big'), { allocationFile: join(dir, 'weave-allocation.json') });
      app.synth();
      const svg = readFileSync(join(dir, 'stacks', 'big', 'mesh.topology.svg'), 'utf8');
      const subscriptions = Object.fromEntries(WeaveCluster.of(mesh).flatMap((c) => (c.provider ? [[c.clusterName, c.provider.alias ?? 'default']] : [])));
      made = { svg, view: topologyView(mesh.plan(), { title: mesh.node.path, subscriptions }) };
      return made;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
})();

/** The frames' distinct top edges: one per row of clusters. */
const rowsOf = (p: Picture) => new Set(p.clusters.map((c) => c.rect.y)).size;

describe('topologyView', () => {
  it('maps the seed plan: kinds, regions, boot formats, dial names, addresses, SSH endpoints, roles and peers', () => {
    expect(seedView()).toEqual({
      title: 'seed/weave',
      subtitle: 'ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 5',
      clusters: [
        {
          name: 'cluster-01', kind: 'azure', region: 'westeurope', bootFormat: 'cloud-config', dnsName: 'cluster-01.westeurope.cloudapp.azure.com',
          hosts: [
            { name: 'azure-prd-01', bridgeAddress: '10.1.0.1/16', role: 'bootstrap', peers: [] },
            { name: 'azure-prd-02', bridgeAddress: '10.1.0.2/16', role: 'bootstrap', peers: ['azure-prd-01'] },
          ],
        },
        {
          name: 'cluster-02', kind: 'azure', region: 'westeurope', bootFormat: 'cloud-config', dnsName: 'cluster-02.westeurope.cloudapp.azure.com',
          hosts: [
            { name: 'azure-prd-03', bridgeAddress: '10.1.0.3/16', role: 'bootstrap', peers: ['cluster-01.westeurope.cloudapp.azure.com'] },
            { name: 'azure-prd-04', bridgeAddress: '10.1.0.4/16', role: 'bootstrap', peers: ['azure-prd-03'] },
          ],
        },
        {
          name: 'cluster-03', kind: 'dedicated', bootFormat: 'ssh script',
          hosts: [
            {
              name: 'ded-prd-01', bridgeAddress: '10.1.0.5/16', role: 'bootstrap', address: '203.0.113.10',
              ssh: { host: '203.0.113.10', port: 22 }, peers: ['cluster-01.westeurope.cloudapp.azure.com'],
            },
          ],
        },
      ],
    });
  });

  it('takes subscriptions from the caller, and existing resources, SSH NAT ports and SSH ports from the options as given', () => {
    const v = topologyView(planNetwork(seedWithOptions()), { subscriptions: { 'cluster-01': 'sub1', 'cluster-02': 'sub2', 'cluster-03': 'ignored' } });
    expect(v.clusters.map((c) => [c.name, c.subscription, c.bootFormat, c.existing])).toEqual([
      ['cluster-01', 'sub1', 'cloud-config', ['subnet', 'NSG']],
      ['cluster-02', 'sub2', 'ignition', ['RG']],
      // A dedicated cluster has no subscription, whatever the caller says.
      ['cluster-03', undefined, 'ssh script', undefined],
    ]);
    // One NAT rule per host, in declaration order; none where sshSourceCidr is unset.
    expect(v.clusters.map((c) => c.hosts.map((h) => h.ssh))).toEqual([
      [{ port: 50001 }, { port: 50002 }],
      [undefined, undefined],
      [{ host: '203.0.113.10', port: 2222 }],
    ]);
  });

  it('marks hosts added after bootstrap as observers and adds retired hosts, also of clusters that are gone', () => {
    const v = demoView();
    const roles = Object.fromEntries(v.clusters.flatMap((c) => c.hosts.map((h) => [h.name, h.role])));
    expect(roles).toEqual({
      'azure-prd-01': 'bootstrap', 'azure-prd-02': 'bootstrap', 'azure-prd-05': 'observer',
      'azure-prd-03': 'bootstrap', 'azure-prd-04': 'bootstrap', 'azure-old-09': 'retired',
      'azure-prd-06': 'bootstrap', 'azure-prd-07': 'observer',
      'ded-prd-01': 'bootstrap', 'ded-prd-02': 'observer', 'ded-old-01': 'retired',
    });
    expect(v.clusters.map((c) => [c.name, c.kind, c.region])).toEqual([
      ['cluster-01', 'azure', 'westeurope'], ['cluster-02', 'azure', 'northeurope'], ['cluster-03', 'azure', 'eastus2'],
      ['dc-fra', 'dedicated', undefined], ['dc-ams', undefined, undefined],
    ]);
    expect(v.clusters[3].hosts.map((h) => h.address)).toEqual(['203.0.113.10', '203.0.113.11']);
    expect(v.subtitle).toContain('consensus 6');
  });

  it('shows Terraform tokens as their reference when resolved, otherwise as set at deploy', () => {
    expect(shown('${TfToken[TOKEN.12]}')).toBe('(set at deploy)');
    expect(shown('${var.dedicated_address}')).toBe('var.dedicated_address');
    expect(shown('${join(",", var.x)}')).toBe('(set at deploy)');
    expect(shown('203.0.113.10')).toBe('203.0.113.10');
    const spec = seedSpec();
    const tokenised: NetworkSpec = {
      ...spec,
      clusters: spec.clusters.map((c) => (c.kind === 'dedicated' ? { ...c, hosts: [{ ...c.hosts[0], sshHost: '${TfToken[TOKEN.7]}' }] } : c)),
    };
    const plan = planNetwork(tokenised);
    expect(topologyView(plan).clusters[2].hosts[0]).toMatchObject({ address: '(set at deploy)', ssh: { host: '(set at deploy)', port: 22 } });
    const resolved = topologyView(plan, { resolve: (v) => (v === '${TfToken[TOKEN.7]}' ? '${var.dedicated_address}' : v) });
    expect(resolved.clusters[2].hosts[0]).toMatchObject({ address: 'var.dedicated_address', ssh: { host: 'var.dedicated_address', port: 22 } });
  });
});

describe('renderTopologySvg', () => {
  it('shows every host with bridge address, role and SSH endpoint, and each cluster\'s kind, region, subscription, boot format and existing resources', () => {
    const view = demoView();
    const p = readPicture(renderTopologySvg(view));
    const texts = textOf(p);
    expect(p.clusters.map((c) => c.lines)).toEqual([
      ['cluster-01 · azure · westeurope', 'cloud-config'],
      ['cluster-02 · azure · northeurope', 'cloud-config'],
      ['cluster-03 · azure · eastus2', 'cloud-config'],
      ['dc-fra · dedicated', 'ssh script'],
      ['dc-ams · no longer declared'],
    ]);
    for (const c of view.clusters) {
      for (const h of c.hosts) {
        const box = p.boxes.find((b) => b.kind === 'host' && b.name === h.name);
        expect(box?.lines.slice(0, 2)).toEqual([h.name, `bridge ${h.bridgeAddress} · ${h.role}`]);
        expect(box?.role).toBe(h.role);
        // Retired hosts are dashed: the picture does not rely on the word alone.
        expect(box?.dashed).toBe(h.role === 'retired');
        // Each host box sits inside its own cluster's frame, below its header.
        const frame = p.clusters.find((k) => k.name === c.name)!;
        expect(box!.rect.x).toBeGreaterThan(frame.rect.x);
        expect(box!.rect.y).toBeGreaterThan(frame.header!.y + frame.header!.h);
        expect(box!.rect.y + box!.rect.h).toBeLessThan(frame.rect.y + frame.rect.h);
      }
    }
    expect(p.boxes.find((b) => b.name === 'ded-prd-02')?.lines).toEqual(['ded-prd-02', 'bridge 10.1.0.9/16 · observer', 'ssh 203.0.113.11:22']);
    expect(texts).toEqual(expect.arrayContaining(['demo/weave', 'ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 6', 'bootstrap', 'observer', 'retired', 'load balancer', 'dials']));
    expect(p.title).toBe('demo/weave');

    const options = readPicture(renderTopologySvg(topologyView(planNetwork(seedWithOptions()), { subscriptions: { 'cluster-01': 'sub1', 'cluster-02': 'sub2' } })));
    expect(options.clusters.map((c) => c.lines)).toEqual([
      ['cluster-01 · azure · westeurope', 'subscription sub1 · cloud-config', 'existing subnet, NSG'],
      ['cluster-02 · azure · westeurope', 'subscription sub2 · ignition', 'existing RG'],
      ['cluster-03 · dedicated', 'ssh script'],
    ]);
    expect(options.boxes.filter((b) => b.kind === 'host').map((b) => b.lines.slice(2))).toEqual([
      ['ssh LB port 50001'], ['ssh LB port 50002'], [], [], ['ssh 203.0.113.10:2222'],
    ]);
    expect(pictureProblems(options)).toEqual([]);
  });

  it('draws each Azure cluster\'s load balancer with its DNS name, and one arrow per dial, to the host or load balancer dialed', () => {
    const p = readPicture(renderTopologySvg(seedView()));
    const dns = 'cluster-01.westeurope.cloudapp.azure.com';
    // The dialed name is kept on the arrow as data (data-label); the picture writes it in the target box.
    expect(p.edges.map((e) => [e.from, e.toKind, e.to, e.label])).toEqual([
      ['azure-prd-02', 'host', 'azure-prd-01', undefined],
      ['azure-prd-03', 'endpoint', 'cluster-01', dns],
      ['azure-prd-04', 'host', 'azure-prd-03', undefined],
      ['ded-prd-01', 'endpoint', 'cluster-01', dns],
    ]);
    expect(p.boxes.filter((b) => b.kind === 'endpoint').map((b) => [b.name, b.lines])).toEqual([
      ['cluster-01', ['load balancer (any host)', 'cluster-01', '.westeurope.cloudapp.azure.com']],
      ['cluster-02', ['load balancer (any host)', 'cluster-02', '.westeurope.cloudapp.azure.com']],
    ]);
    expect(p.boxes.find((b) => b.name === 'ded-prd-01')?.lines).toContain('ssh 203.0.113.10:22');
    // No text floats on the lines: nothing to collide with them.
    expect(p.source).not.toContain('edge-label');
  });

  it('draws every dial of the bigger network, and nothing from retired hosts', () => {
    const view = demoView();
    const p = readPicture(renderTopologySvg(view));
    const dials = view.clusters.flatMap((c) => c.hosts.flatMap((h) => h.peers.map((peer) => [h.name, peer])));
    expect(dials).toHaveLength(8);
    expect(p.edges.map((e) => [e.from, e.label ?? e.to])).toEqual(dials);
    expect(p.edges.some((e) => e.from.includes('old'))).toBe(false);
    // All three later clusters dial the first one's load balancer; dc-fra's
    // second server dials its first server's address, which that box shows.
    expect([...new Set(p.edges.flatMap((e) => (e.label ? [e.label] : [])))].sort()).toEqual(['203.0.113.10', 'acme-cluster-01.westeurope.cloudapp.azure.com']);
    expect(p.boxes.find((b) => b.name === 'ded-prd-01')?.lines).toContain('ssh 203.0.113.10:22');
  });

  it('marks with a dot each point where an edge merges into a line shared with others, and nowhere else', () => {
    // A merge is where the lines to one target meet in three or four
    // directions (a T or a cross); a plain corner has two.
    const directions = (pt: readonly [number, number], paths: readonly (readonly (readonly [number, number])[])[]) => {
      const dirs = new Set<string>();
      for (const pts of paths) {
        for (let k = 1; k < pts.length; k++) {
          const [a, b] = [pts[k - 1], pts[k]];
          for (const [u, v] of [[a, b], [b, a]]) {
            const vertical = u[0] === v[0];
            const on = vertical ? pt[0] === u[0] && Math.min(u[1], v[1]) <= pt[1] && pt[1] <= Math.max(u[1], v[1])
              : pt[1] === u[1] && Math.min(u[0], v[0]) <= pt[0] && pt[0] <= Math.max(u[0], v[0]);
            // The direction from pt towards v, if the segment goes on that way.
            if (on && (vertical ? v[1] !== pt[1] : v[0] !== pt[0])) dirs.add(vertical ? (v[1] < pt[1] ? 'up' : 'down') : (v[0] < pt[0] ? 'left' : 'right'));
          }
        }
      }
      return dirs.size;
    };
    for (const [view, count] of [[seedView(), 1], [demoView(), 3]] as const) {
      const p = readPicture(renderTopologySvg(view));
      expect(p.junctions).toHaveLength(count);
      const merges = new Set<string>();
      for (const e of p.edges) {
        const route = p.edges.filter((f) => f.to === e.to && f.toKind === e.toKind).map((f) => f.points);
        for (const pt of e.points.slice(1, -1)) if (directions(pt, route) >= 3) merges.add(`${pt[0]},${pt[1]}`);
      }
      expect(new Set(p.junctions.map(([x, y]) => `${x},${y}`))).toEqual(merges);
    }
  });

  it('draws dials to names outside the network, to a host by its address and by its cluster\'s DNS name, and writes each name in the box dialed', () => {
    const view: TopologyView = {
      title: 'odd',
      clusters: [
        { name: 'a', kind: 'dedicated', dnsName: 'a.example.net', hosts: [
          { name: 'a1', bridgeAddress: '10.1.0.1/16', role: 'bootstrap', address: '198.51.100.1', peers: ['peer.example.org'] },
          { name: 'a2', bridgeAddress: '10.1.0.2/16', role: 'observer', peers: ['a1', '198.51.100.1'] },
        ] },
        { name: 'b', kind: 'dedicated', hosts: [
          { name: 'b1', bridgeAddress: '10.1.0.3/16', role: 'bootstrap', peers: ['a.example.net', 'b1'] },
        ] },
      ],
    };
    const p = readPicture(renderTopologySvg(view));
    expect(p.edges.map((e) => [e.from, e.toKind, e.to, e.label])).toEqual([
      ['a1', 'outside', 'peer.example.org', undefined],
      ['a2', 'host', 'a1', undefined],
      ['a2', 'host', 'a1', '198.51.100.1'],
      // A dedicated cluster's DNS name resolves to its first host.
      ['b1', 'host', 'a1', 'a.example.net'],
      // A host dialing itself is drawn too, so the mistake is visible.
      ['b1', 'host', 'b1', undefined],
    ]);
    expect(p.boxes.find((b) => b.name === 'a1')?.lines).toEqual(['a1', 'bridge 10.1.0.1/16 · bootstrap', 'dial 198.51.100.1', 'dns a.example.net']);
    expect(p.clusters.map((c) => c.caption)).toEqual(['a · dedicated', 'b · dedicated', 'not in this network']);
    expect(pictureProblems(p)).toEqual([]);
  });

  it.each([
    ['seed', () => renderTopologySvg(seedView())],
    ['three clusters and two dedicated servers', () => renderTopologySvg(demoView())],
    ['ten clusters and sixty hosts, as synth draws them', () => big().svg],
  ])('%s: no line crosses a box, a text or a cluster header, or loops over its own cluster', (_, make) => {
    const p = readPicture(make());
    expect(p.edges.length).toBeGreaterThan(0);
    expect(p.clusters.every((c) => c.header !== undefined && c.header.h > 0)).toBe(true);
    expect(pictureProblems(p)).toEqual([]);
  });

  it('fits ten clusters and sixty hosts on a 1,600 px page, in rows, with text at full size', () => {
    const { svg, view } = big();
    const p = readPicture(svg);
    // What synth wrote is this view, drawn with the default page width.
    expect(renderTopologySvg(view)).toBe(svg);
    expect(p.clusters).toHaveLength(10);
    expect(p.boxes.filter((b) => b.kind === 'host')).toHaveLength(60);
    expect(p.width).toBeLessThanOrEqual(1600);
    expect(rowsOf(p)).toBe(2);
    // Shown at its own size, nothing is scaled down: 12 px text everywhere, 14 px title.
    expect(svg).toMatch(/^<svg [^>]*font-size="12">/);
    expect([...svg.matchAll(/font-size="(\d+)"/g)].map((m) => Number(m[1])).every((n) => n >= 12)).toBe(true);
    const header = (name: string) => p.clusters.find((c) => c.name === name)?.lines;
    expect(header('weu-core')).toEqual(['weu-core · azure · westeurope', 'subscription prod · cloud-config']);
    expect(header('neu-core')).toEqual(['neu-core · azure · northeurope', 'subscription prod · ignition']);
    expect(header('neu-edge')).toEqual(['neu-edge · azure · northeurope', 'subscription shared · cloud-config', 'existing RG, subnet']);
    expect(header('eus-data')).toEqual(['eus-data · azure · eastus2', 'subscription shared · cloud-config', 'existing NSG']);
    expect(header('sea-edge')).toEqual(['sea-edge · azure · southeastasia', 'subscription shared · cloud-config', 'existing RG, subnet, NSG']);
    expect(header('dc-fra')).toEqual(['dc-fra · dedicated', 'ssh script']);
    const lines = (name: string) => p.boxes.find((b) => b.name === name)?.lines;
    expect(lines('weu-core-01')).toEqual(['weu-core-01', 'bridge 10.1.0.1/16 · bootstrap', 'ssh LB port 50001']);
    expect(lines('weu-core-06')).toContain('ssh LB port 50006');
    expect(lines('weu-batch-01')).toEqual(['weu-batch-01', 'bridge 10.1.0.7/16 · observer']);
    expect(lines('fra-01')).toContain('ssh 203.0.113.11:2222');
    expect(lines('fra-02')).toContain('ssh 203.0.113.12:22');
    expect(lines('ams-01')).toEqual(['ams-01', 'bridge 10.1.0.55/16 · observer', 'dial ams-01.acme-dc.com', 'ssh ams-01.vpn.acme.internal:22']);
    expect(p.boxes.find((b) => b.kind === 'endpoint' && b.name === 'sea-core')?.lines).toEqual(['load balancer (any host)', 'acme-sea-core', '.southeastasia.cloudapp.azure.com']);
    // Every later cluster's first host dials the root cluster's load balancer.
    expect(p.edges.filter((e) => e.toKind === 'endpoint').map((e) => e.from)).toEqual(
      ['weu-batch-01', 'neu-core-01', 'neu-edge-01', 'eus-core-01', 'eus-data-01', 'sea-core-01', 'sea-edge-01', 'fra-01', 'ams-01']);
  });

  it('control: in one row, as before, the same network is far wider than the page', () => {
    const p = readPicture(renderTopologySvg(big().view, { maxWidth: Number.POSITIVE_INFINITY }));
    expect(rowsOf(p)).toBe(1);
    expect(p.width).toBeGreaterThan(2500);
    expect(pictureProblems(p)).toEqual([]);
  });

  it('holds for random networks and page widths: well-formed, every dial drawn, nothing crossed', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,22}$/);
    const arb = fc.record({
      maxWidth: fc.constantFrom(400, 900, 1600),
      clusters: fc.array(fc.record({
        kind: fc.constantFrom('azure', 'dedicated', undefined),
        region: fc.option(fc.constantFrom('westeurope', 'eastus2', 'australiasoutheast'), { nil: undefined }),
        subscription: fc.option(fc.constantFrom('prod', 'a-much-longer-subscription-alias'), { nil: undefined }),
        existing: fc.subarray(['RG', 'subnet', 'NSG']),
        dns: fc.boolean(),
        hosts: fc.array(fc.record({
          name,
          role: fc.constantFrom('bootstrap', 'observer', 'retired'),
          address: fc.option(fc.constantFrom('203.0.113.10', '2001:db8::7'), { nil: undefined }),
          ssh: fc.option(fc.record({ host: fc.option(fc.constantFrom('203.0.113.10', 'ded.vpn.example.internal', '2001:db8::7'), { nil: undefined }), port: fc.integer({ min: 1, max: 65535 }) }), { nil: undefined }),
          peers: fc.array(fc.nat(), { maxLength: 3 }),
        }), { maxLength: 6 }),
      }), { minLength: 1, maxLength: 7 }),
    });
    // Counted so the property is seen to cover wrapped rows, dials between
    // rows, dials inside one cluster, and edges that leave on the left.
    let wrapped = 0;
    let acrossRows = 0;
    let withinCluster = 0;
    let leftExits = 0;
    fc.assert(fc.property(arb, (raw) => {
      const hostNames = raw.clusters.flatMap((c, ci) => c.hosts.map((h, hi) => `${h.name}-${ci}-${hi}`));
      const dnsNames = raw.clusters.map((_, ci) => `c${ci}.example.net`);
      const pool = [...hostNames, ...dnsNames, 'peer.example.org', '192.0.2.7', '203.0.113.10', '2001:db8::7'];
      const view: TopologyView = {
        title: 'random & <checked>',
        subtitle: 'a "quoted" line',
        clusters: raw.clusters.map((c, ci) => ({
          name: `cluster-${ci}`,
          kind: c.kind as 'azure' | 'dedicated' | undefined,
          region: c.region,
          subscription: c.subscription,
          existing: c.existing,
          bootFormat: c.kind === 'dedicated' ? 'ssh script' : 'ignition',
          dnsName: c.dns ? dnsNames[ci] : undefined,
          hosts: c.hosts.map((h, hi) => ({
            name: `${h.name}-${ci}-${hi}`,
            bridgeAddress: `10.1.${ci}.${hi + 1}/16`,
            role: h.role as 'bootstrap' | 'observer' | 'retired',
            address: h.address,
            ssh: h.ssh,
            peers: h.peers.map((i) => pool[i % pool.length]),
          })),
        })),
      };
      const svg = renderTopologySvg(view, { maxWidth: raw.maxWidth });
      const p = readPicture(svg);
      expect(p.title).toBe('random & <checked>');
      expect(p.edges).toHaveLength(view.clusters.reduce((n, c) => n + c.hosts.reduce((m, h) => m + h.peers.length, 0), 0));
      expect(pictureProblems(p)).toEqual([]);
      expect(renderTopologySvg(view, { maxWidth: raw.maxWidth })).toBe(svg);
      // Wider than the page only when a single column of clusters is.
      if (rowsOf(p) < view.clusters.length) expect(p.width).toBeLessThanOrEqual(raw.maxWidth);
      if (rowsOf(p) > 1) wrapped++;
      const frameOf = (n: string, kind = 'host') => {
        const box = p.boxes.find((b) => b.kind === kind && b.name === n)!.rect;
        return p.clusters.find((c) => box.x > c.rect.x && box.x < c.rect.x + c.rect.w && box.y > c.rect.y && box.y < c.rect.y + c.rect.h)!;
      };
      for (const e of p.edges) {
        const [from, to] = [frameOf(e.from), frameOf(e.to, e.toKind)];
        if (from.rect.y !== to.rect.y) acrossRows++;
        if (from === to) withinCluster++;
        if (e.points[0][0] === p.boxes.find((b) => b.kind === 'host' && b.name === e.from)!.rect.x) leftExits++;
      }
    }), { numRuns: 80, seed: 14 });
    expect(wrapped).toBeGreaterThan(20);
    expect(acrossRows).toBeGreaterThan(20);
    expect(withinCluster).toBeGreaterThan(20);
    expect(leftExits).toBeGreaterThan(5);
  });

  it('is standalone: plain colours, no stylesheet, no external references', () => {
    const svg = renderTopologySvg(demoView());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/var\(|<style|@import|<image|href=/);
    expect(svg.match(/url\([^)]*\)/g)?.every((u) => u === 'url(#arrow)')).toBe(true);
    expect(svg.match(/https?:\/\/[^"\s]*/g)).toEqual(['http://www.w3.org/2000/svg']);
    for (const colour of svg.match(/(?:fill|stroke)="([^"]*)"/g) ?? []) expect(colour).toMatch(/^(fill|stroke)="(#[0-9A-F]{6}|none)"$/);
  });

  it('is deterministic: the same view gives the same bytes', () => {
    expect(renderTopologySvg(demoView())).toBe(renderTopologySvg(demoView()));
    expect(renderTopologySvg(seedView())).toBe(renderTopologySvg(topologyView(planNetwork(seedSpec()))));
  });

  it('escapes names, so any host or title text stays well-formed XML', () => {
    const view: TopologyView = { title: 'a<b>&"c"', clusters: [{ name: 'x&y', kind: 'dedicated', hosts: [
      { name: 'h<1>', bridgeAddress: '10.1.0.1/16', role: 'bootstrap', peers: ['"quoted"&<tag>'] },
    ] }] };
    const p = readPicture(renderTopologySvg(view));
    expect(p.title).toBe('a<b>&"c"');
    expect(p.edges[0]).toMatchObject({ from: 'h<1>', to: '"quoted"&<tag>', toKind: 'outside' });
    expect(() => readPicture('<svg><g></svg>')).toThrow();
  });
});

describe('the geometry check catches what it should (negative controls)', () => {
  const seedSvg = () => renderTopologySvg(seedView());
  const withEdge = (svg: string, from: string, to: string, points: readonly (readonly [number, number])[]) =>
    svg.replace('</svg>', `<polyline class="edge" data-from="${from}" data-to="${to}" data-to-kind="host" points="${points.map(([x, y]) => `${x},${y}`).join(' ')}"/>\n</svg>`);

  it('segmentEntersRect: through counts, along the border or ending on it does not', () => {
    const r = { x: 10, y: 10, w: 20, h: 10 };
    expect(segmentEntersRect([0, 15], [40, 15], r)).toBe(true);
    expect(segmentEntersRect([15, 0], [15, 12], r)).toBe(true);
    expect(segmentEntersRect([0, 10], [40, 10], r)).toBe(false);
    expect(segmentEntersRect([0, 15], [10, 15], r)).toBe(false);
    expect(segmentEntersRect([30, 15], [50, 15], r)).toBe(false);
    expect(segmentEntersRect([0, 0], [40, 5], r)).toBe(false);
  });

  it('a line through a cluster\'s header is a crossing', () => {
    const p = readPicture(seedSvg());
    const c2 = p.clusters.find((c) => c.name === 'cluster-02')!;
    const mid = c2.header!.y + c2.header!.h / 2;
    const problems = pictureProblems(readPicture(withEdge(seedSvg(), 'azure-prd-04', 'azure-prd-03', [[c2.rect.x - 5, mid], [c2.rect.x + c2.rect.w + 5, mid]])));
    expect(problems).toEqual(expect.arrayContaining(['edge azure-prd-04 -> azure-prd-03 segment 1 crosses the header of cluster cluster-02 · azure · westeurope']));
  });

  it('a dial inside one cluster routed over its header, as the one-row picture drew it, is a loop', () => {
    const p = readPicture(seedSvg());
    const c1 = p.clusters.find((c) => c.name === 'cluster-01')!.rect;
    const [a1, a2] = ['azure-prd-01', 'azure-prd-02'].map((n) => p.boxes.find((b) => b.name === n)!.rect);
    // Out of azure-prd-02's left side, up the gutter, over the frame, down the right gutter, into azure-prd-01.
    const top = c1.y - 8;
    const loop = [[a2.x, a2.y + 20], [c1.x - 6, a2.y + 20], [c1.x - 6, top], [c1.x + c1.w + 6, top], [c1.x + c1.w + 6, a1.y + 20], [a1.x + a1.w, a1.y + 20]] as const;
    const svg = seedSvg().replace(/(<polyline class="edge" data-from="azure-prd-02"[^>]* points=")[^"]*/, (_, pre) => `${pre}${loop.map(([x, y]) => `${x},${y}`).join(' ')}`);
    expect(svg).not.toBe(seedSvg());
    expect(pictureProblems(readPicture(svg))).toEqual(['edge azure-prd-02 -> azure-prd-01 loops above its own cluster cluster-01 · azure · westeurope']);
  });

  it('a line running inside a cluster between its boxes is caught, and so are frames on top of each other', () => {
    const p = readPicture(seedSvg());
    const [a1, a2] = ['azure-prd-01', 'azure-prd-02'].map((n) => p.boxes.find((b) => b.name === n)!.rect);
    const inside = withEdge(seedSvg(), 'azure-prd-04', 'azure-prd-03', [[a1.x - 3, a1.y + 5], [a1.x - 3, a2.y + 5]]);
    expect(pictureProblems(readPicture(inside))).toEqual(expect.arrayContaining(['edge azure-prd-04 -> azure-prd-03 segment 1 runs inside cluster cluster-01 · azure · westeurope']));
    const c2 = p.clusters.find((c) => c.name === 'cluster-02')!.rect;
    const stacked = seedSvg().replace(`<rect x="${c2.x}" y="${c2.y}"`, `<rect x="${c2.x - 100}" y="${c2.y}"`);
    expect(pictureProblems(readPicture(stacked))).toEqual(expect.arrayContaining(['cluster cluster-01 · azure · westeurope overlaps cluster cluster-02 · azure · westeurope']));
  });

  it('a dialed name that its target box does not show is caught', () => {
    const hidden = seedSvg().replace('>cluster-01</text>', '>cluster-1</text>');
    expect(hidden).not.toBe(seedSvg());
    expect(pictureProblems(readPicture(hidden))).toEqual([
      'edge azure-prd-03 -> cluster-01 [cluster-01.westeurope.cloudapp.azure.com] dials a name that endpoint box cluster-01 does not show',
      'edge ded-prd-01 -> cluster-01 [cluster-01.westeurope.cloudapp.azure.com] dials a name that endpoint box cluster-01 does not show',
    ]);
  });

  it('a line through a host box it does not connect is a crossing', () => {
    const p = readPicture(seedSvg());
    const box = p.boxes.find((b) => b.name === 'azure-prd-01')!.rect;
    const problems = pictureProblems(readPicture(withEdge(seedSvg(), 'azure-prd-04', 'azure-prd-03', [[box.x - 5, box.y + 5], [box.x + box.w + 5, box.y + 5]])));
    expect(problems).toEqual(expect.arrayContaining(['edge azure-prd-04 -> azure-prd-03 segment 1 crosses host box azure-prd-01']));
  });

  it('text wider than its box, and an edge that misses its target, are caught', () => {
    const narrow = seedSvg().replace(/(<g class="box host" data-name="azure-prd-01"[^>]*><rect x="[\d.]+" y="[\d.]+" width=")([\d.]+)/, (_, pre) => `${pre}60`);
    expect(pictureProblems(readPicture(narrow))).toEqual(expect.arrayContaining(['text "bridge 10.1.0.1/16 · bootstrap" (box host) overflows its box']));
    const retargeted = seedSvg().replace('data-to="azure-prd-01" data-to-kind="host"', 'data-to="azure-prd-04" data-to-kind="host"');
    expect(pictureProblems(readPicture(retargeted))).toEqual([
      'edge azure-prd-02 -> azure-prd-04 does not end on the right side of host azure-prd-04',
      // Its last stub now runs inside a cluster that holds neither end's box... of the named target.
      'edge azure-prd-02 -> azure-prd-04 segment 3 runs inside cluster cluster-01 · azure · westeurope',
    ]);
  });
});

describe('renderMermaid', () => {
  it('says what the SVG says: cluster headers, host lines, roles, dials and the names dialed', () => {
    const view = demoView();
    const m = renderMermaid(view);
    expect(m.startsWith('flowchart LR\n  %% demo/weave: ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 6\n')).toBe(true);
    expect(m).toContain('subgraph c1["cluster-02 · azure · northeurope<br/>cloud-config"]');
    expect(m).toContain('subgraph c4["dc-ams · no longer declared"]');
    expect(m).toContain('lb0(["load balancer (any host)<br/>acme-cluster-01<br/>.westeurope.cloudapp.azure.com"])');
    expect(m).toContain('h0_2["azure-prd-05<br/>bridge 10.1.0.7/16 · observer"]');
    expect(m).toContain('h3_1["ded-prd-02<br/>bridge 10.1.0.9/16 · observer<br/>ssh 203.0.113.11:22"]');
    expect(m).toContain('class h1_2,h4_0 retired');
    const p = readPicture(renderTopologySvg(view));
    for (const b of p.boxes.filter((x) => x.kind === 'host')) expect(m).toContain(`["${b.lines.join('<br/>')}"]`);
    for (const c of p.clusters.filter((x) => x.name !== '')) expect(m).toContain(`["${c.lines.join('<br/>')}"]`);
    expect(m.match(/-->/g)).toHaveLength(p.edges.length);
    expect(m.match(/-->\|"acme-cluster-01\.westeurope\.cloudapp\.azure\.com"\| lb0/g)).toHaveLength(3);
  });

  it('still takes a plan and a title, as WeaveNetwork calls it', () => {
    const m = renderMermaid(planNetwork(seedSpec()), 'seed');
    expect(m.split('\n')[1]).toBe('  %% seed: ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 5');
    expect(m).toContain('h2_0 -->|"cluster-01.westeurope.cloudapp.azure.com"| lb0');
  });
});

describe('docs/seed-topology', () => {
  it('is the seed stack\'s current picture (`npm run diagrams` refreshes it)', () => {
    const { mmd, svg } = seedPictures();
    const docs = join(__dirname, '..', 'docs');
    expect(readFileSync(join(docs, 'seed-topology.mmd'), 'utf8')).toBe(mmd);
    expect(readFileSync(join(docs, 'seed-topology.svg'), 'utf8')).toBe(svg);
    // The seed's dedicated address is a Terraform variable; the picture names it, and its subscriptions by provider alias.
    expect(svg).toContain('ssh var.dedicated_address:22');
    expect(svg).toContain('subscription sub1 · cloud-config');
    expect(svg).toContain('subscription sub2 · cloud-config');
    expect(pictureProblems(readPicture(svg))).toEqual([]);
  });
});
