// The topology picture: what it shows (every host, address, role, cluster
// kind and region, every dial), that it reads cleanly (no line through a
// label or a box it does not connect, checked on the SVG's geometry, with
// negative controls), that it is well-formed, deterministic and renders
// with rsvg-convert (diagram-render.test.ts), and that the Mermaid text says the same.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  NetworkSpec, TopologyView, planNetwork, renderMermaid, renderTopologySvg, shown, topologyView,
} from '../lib/core';
import { seedSpec } from './fixtures/seed-spec';
import { Picture, onSegmentInterior, pictureProblems, readPicture, segmentEntersRect } from './support/svg-geometry';
import { seedPictures } from '../scripts/diagrams';

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

describe('topologyView', () => {
  it('maps the seed plan: kinds, regions, dial names, addresses, roles and peers', () => {
    expect(seedView()).toEqual({
      title: 'seed/weave',
      subtitle: 'ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 5',
      clusters: [
        {
          name: 'cluster-01', kind: 'azure', region: 'westeurope', dnsName: 'cluster-01.westeurope.cloudapp.azure.com',
          hosts: [
            { name: 'azure-prd-01', bridgeAddress: '10.1.0.1/16', role: 'bootstrap', address: undefined, peers: [] },
            { name: 'azure-prd-02', bridgeAddress: '10.1.0.2/16', role: 'bootstrap', address: undefined, peers: ['azure-prd-01'] },
          ],
        },
        {
          name: 'cluster-02', kind: 'azure', region: 'westeurope', dnsName: 'cluster-02.westeurope.cloudapp.azure.com',
          hosts: [
            { name: 'azure-prd-03', bridgeAddress: '10.1.0.3/16', role: 'bootstrap', address: undefined, peers: ['cluster-01.westeurope.cloudapp.azure.com'] },
            { name: 'azure-prd-04', bridgeAddress: '10.1.0.4/16', role: 'bootstrap', address: undefined, peers: ['azure-prd-03'] },
          ],
        },
        {
          name: 'cluster-03', kind: 'dedicated', region: undefined, dnsName: undefined,
          hosts: [
            { name: 'ded-prd-01', bridgeAddress: '10.1.0.5/16', role: 'bootstrap', address: '203.0.113.10', peers: ['cluster-01.westeurope.cloudapp.azure.com'] },
          ],
        },
      ],
    });
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
    expect(topologyView(plan).clusters[2].hosts[0].address).toBe('(set at deploy)');
    const resolved = topologyView(plan, { resolve: (v) => (v === '${TfToken[TOKEN.7]}' ? '${var.dedicated_address}' : v) });
    expect(resolved.clusters[2].hosts[0].address).toBe('var.dedicated_address');
  });
});

describe('renderTopologySvg', () => {
  it('shows every host with bridge address and role, each cluster\'s kind and region, and dedicated addresses', () => {
    const view = demoView();
    const p = readPicture(renderTopologySvg(view));
    const texts = textOf(p);
    for (const c of view.clusters) {
      const caption = p.clusters.find((k) => k.name === c.name)?.caption;
      expect(caption).toBe([c.name, c.kind ?? 'no longer declared', c.region].filter(Boolean).join(' · '));
      for (const h of c.hosts) {
        const box = p.boxes.find((b) => b.kind === 'host' && b.name === h.name);
        expect(box?.lines).toEqual([h.name, `bridge ${h.bridgeAddress}`, h.role, ...(h.address ? [`ssh ${h.address}`] : [])]);
        expect(box?.role).toBe(h.role);
        // Retired hosts are dashed: the picture does not rely on the word alone.
        expect(box?.dashed).toBe(h.role === 'retired');
        // Each host box sits inside its own cluster's frame.
        const frame = p.clusters.find((k) => k.name === c.name)!.rect;
        expect(box!.rect.x).toBeGreaterThan(frame.x);
        expect(box!.rect.y + box!.rect.h).toBeLessThan(frame.y + frame.h);
      }
    }
    expect(texts).toEqual(expect.arrayContaining(['demo/weave', 'ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 6', 'bootstrap', 'observer', 'retired', 'dials']));
    expect(p.title).toBe('demo/weave');
  });

  it('draws one arrow per dial, to the host dialed or the load balancer behind a cluster\'s DNS name, labelled with that name', () => {
    const p = readPicture(renderTopologySvg(seedView()));
    const dns = 'cluster-01.westeurope.cloudapp.azure.com';
    expect(p.edges.map((e) => [e.from, e.toKind, e.to, e.label])).toEqual([
      ['azure-prd-02', 'host', 'azure-prd-01', undefined],
      ['azure-prd-03', 'endpoint', 'cluster-01', dns],
      ['azure-prd-04', 'host', 'azure-prd-03', undefined],
      ['ded-prd-01', 'endpoint', 'cluster-01', dns],
    ]);
    // The two dials of the same name share one line and one label.
    expect(p.labels).toEqual([{ label: dns, to: 'cluster-01', rect: expect.anything() }]);
    expect(p.boxes.filter((b) => b.kind === 'endpoint').map((b) => [b.name, b.lines])).toEqual([
      ['cluster-01', ['load balancer', 'any host (source-IP affinity)']],
    ]);
    // The dedicated server's address is shown (its value is set at deploy in the seed stack).
    expect(p.boxes.find((b) => b.name === 'ded-prd-01')?.lines).toContain('ssh 203.0.113.10');
  });

  it('draws every dial of the bigger network, and nothing from retired hosts', () => {
    const view = demoView();
    const p = readPicture(renderTopologySvg(view));
    const dials = view.clusters.flatMap((c) => c.hosts.flatMap((h) => h.peers.map((peer) => [h.name, peer])));
    expect(dials).toHaveLength(8);
    expect(p.edges.map((e) => [e.from, e.label ?? e.to])).toEqual(dials);
    expect(p.edges.some((e) => e.from.includes('old'))).toBe(false);
    // All three later clusters dial the first one's load balancer (one
    // shared label); dc-fra's second server dials its first server's address.
    expect(p.labels.map((l) => l.label).sort()).toEqual(['203.0.113.10', 'acme-cluster-01.westeurope.cloudapp.azure.com']);
  });

  it('marks with a dot each point where an edge merges into a line shared with others, and nowhere else', () => {
    for (const [view, count] of [[seedView(), 1], [demoView(), 3]] as const) {
      const p = readPicture(renderTopologySvg(view));
      expect(p.junctions).toHaveLength(count);
      // Every dot is a corner of one edge lying inside a straight run of another edge to the same target.
      for (const j of p.junctions) {
        const corner = p.edges.filter((e) => e.points.slice(1, -1).some(([x, y]) => x === j[0] && y === j[1]));
        expect(corner.some((e) => p.edges.some((f) => f !== e && f.to === e.to && f.toKind === e.toKind && onSegmentInterior(j, f.points)))).toBe(true);
      }
      // And every such merge has its dot.
      const merges = new Set(p.edges.flatMap((e) => e.points.slice(1, -1)
        .filter((pt) => p.edges.some((f) => f !== e && f.to === e.to && f.toKind === e.toKind && onSegmentInterior(pt, f.points)))
        .map(([x, y]) => `${x},${y}`)));
      expect(new Set(p.junctions.map(([x, y]) => `${x},${y}`))).toEqual(merges);
    }
  });

  it('draws dials to names outside the network, and to a host by its address, labelled', () => {
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
    expect(p.clusters.map((c) => c.caption)).toEqual(['a · dedicated', 'b · dedicated', 'not in this network']);
    expect(pictureProblems(p)).toEqual([]);
  });

  it.each([
    ['seed', seedView],
    ['three clusters and two dedicated servers', demoView],
  ])('%s: no line crosses a label, a text or a box it does not connect', (_, make) => {
    const p = readPicture(renderTopologySvg(make()));
    expect(p.edges.length).toBeGreaterThan(0);
    expect(p.labels.length).toBeGreaterThan(0);
    expect(pictureProblems(p)).toEqual([]);
  });

  it('holds for random networks: well-formed, every dial drawn, nothing crossed', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,22}$/);
    const arb = fc.record({
      clusters: fc.array(fc.record({
        kind: fc.constantFrom('azure', 'dedicated', undefined),
        region: fc.option(fc.constantFrom('westeurope', 'eastus2', 'australiasoutheast'), { nil: undefined }),
        dns: fc.boolean(),
        hosts: fc.array(fc.record({
          name,
          role: fc.constantFrom('bootstrap', 'observer', 'retired'),
          address: fc.option(fc.constantFrom('203.0.113.10', '2001:db8::7'), { nil: undefined }),
          peers: fc.array(fc.nat(), { maxLength: 3 }),
        }), { maxLength: 6 }),
      }), { minLength: 1, maxLength: 5 }),
    });
    // Counted so the property is seen to cover labelled dials and edges that leave on the left.
    let labelled = 0;
    let leftExits = 0;
    fc.assert(fc.property(arb, (raw) => {
      const hostNames = raw.clusters.flatMap((c, ci) => c.hosts.map((h, hi) => `${h.name}-${ci}-${hi}`));
      const dnsNames = raw.clusters.map((_, ci) => `c${ci}.example.net`);
      const pool = [...hostNames, ...dnsNames, 'peer.example.org', '192.0.2.7', '203.0.113.10'];
      const view: TopologyView = {
        title: 'random & <checked>',
        subtitle: 'a "quoted" line',
        clusters: raw.clusters.map((c, ci) => ({
          name: `cluster-${ci}`,
          kind: c.kind as 'azure' | 'dedicated' | undefined,
          region: c.region,
          dnsName: c.dns ? dnsNames[ci] : undefined,
          hosts: c.hosts.map((h, hi) => ({
            name: `${h.name}-${ci}-${hi}`,
            bridgeAddress: `10.1.${ci}.${hi + 1}/16`,
            role: h.role as 'bootstrap' | 'observer' | 'retired',
            address: h.address,
            peers: h.peers.map((i) => pool[i % pool.length]),
          })),
        })),
      };
      const svg = renderTopologySvg(view);
      const p = readPicture(svg);
      expect(p.title).toBe('random & <checked>');
      expect(p.edges).toHaveLength(view.clusters.reduce((n, c) => n + c.hosts.reduce((m, h) => m + h.peers.length, 0), 0));
      expect(pictureProblems(p)).toEqual([]);
      expect(renderTopologySvg(view)).toBe(svg);
      labelled += p.labels.length;
      leftExits += p.edges.filter((e) => e.points[0][0] === p.boxes.find((b) => b.kind === 'host' && b.name === e.from)!.rect.x).length;
    }), { numRuns: 60, seed: 14 });
    expect(labelled).toBeGreaterThan(20);
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

  it('segmentEntersRect: through counts, along the border or ending on it does not', () => {
    const r = { x: 10, y: 10, w: 20, h: 10 };
    expect(segmentEntersRect([0, 15], [40, 15], r)).toBe(true);
    expect(segmentEntersRect([15, 0], [15, 12], r)).toBe(true);
    expect(segmentEntersRect([0, 10], [40, 10], r)).toBe(false);
    expect(segmentEntersRect([0, 15], [10, 15], r)).toBe(false);
    expect(segmentEntersRect([30, 15], [50, 15], r)).toBe(false);
    expect(segmentEntersRect([0, 0], [40, 5], r)).toBe(false);
  });

  it('a label moved onto its own line, as Mermaid renderers place them, is a crossing', () => {
    // Drop the label by its height: its own band line then runs through it.
    const moved = seedSvg().replace(/(<g class="edge-label"[^>]*><rect x="[\d.]+" y=")([\d.]+)/, (_, pre, y) => `${pre}${Number(y) + 12}`);
    expect(moved).not.toBe(seedSvg());
    expect(pictureProblems(readPicture(moved))).toEqual(expect.arrayContaining([
      expect.stringMatching(/^edge azure-prd-03 -> cluster-01 \[cluster-01\.westeurope\.cloudapp\.azure\.com\] segment \d crosses label/),
    ]));
  });

  it('a line through a host box it does not connect is a crossing', () => {
    const p = readPicture(seedSvg());
    const box = p.boxes.find((b) => b.name === 'azure-prd-01')!.rect;
    const through = `<polyline class="edge" data-from="azure-prd-04" data-to="azure-prd-03" data-to-kind="host" points="${box.x - 5},${box.y + 5} ${box.x + box.w + 5},${box.y + 5}"/>`;
    const problems = pictureProblems(readPicture(seedSvg().replace('</svg>', `${through}\n</svg>`)));
    expect(problems).toEqual(expect.arrayContaining(['edge azure-prd-04 -> azure-prd-03 segment 1 crosses host box azure-prd-01']));
  });

  it('text wider than its box, and an edge that misses its target, are caught', () => {
    const narrow = seedSvg().replace(/(<g class="box host" data-name="azure-prd-01"[^>]*><rect x="[\d.]+" y="[\d.]+" width=")([\d.]+)/, (_, pre) => `${pre}60`);
    expect(pictureProblems(readPicture(narrow))).toEqual(expect.arrayContaining(['text "bridge 10.1.0.1/16" (box host) overflows its box']));
    const retargeted = seedSvg().replace('data-to="azure-prd-01" data-to-kind="host"', 'data-to="azure-prd-04" data-to-kind="host"');
    expect(pictureProblems(readPicture(retargeted))).toEqual(['edge azure-prd-02 -> azure-prd-04 does not end on the right side of host azure-prd-04']);
  });
});

describe('renderMermaid', () => {
  it('says what the SVG says: captions, host lines, roles, dials and labels', () => {
    const view = demoView();
    const m = renderMermaid(view);
    expect(m.startsWith('flowchart LR\n  %% demo/weave: ipalloc 10.2.0.0/16 · bridge 10.1.0.0/16 · consensus 6\n')).toBe(true);
    expect(m).toContain('subgraph c1["cluster-02 · azure · northeurope"]');
    expect(m).toContain('subgraph c4["dc-ams · no longer declared"]');
    expect(m).toContain('h0_2["azure-prd-05<br/>bridge 10.1.0.7/16<br/>observer"]');
    expect(m).toContain('h3_1["ded-prd-02<br/>bridge 10.1.0.9/16<br/>observer<br/>ssh 203.0.113.11"]');
    expect(m).toContain('class h1_2,h4_0 retired');
    const p = readPicture(renderTopologySvg(view));
    for (const b of p.boxes.filter((x) => x.kind === 'host')) expect(m).toContain(`["${b.lines.join('<br/>')}"]`);
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
    // The seed's dedicated address is a Terraform variable; the picture names it.
    expect(svg).toContain('ssh var.dedicated_address');
    expect(pictureProblems(readPicture(svg))).toEqual([]);
  });
});
