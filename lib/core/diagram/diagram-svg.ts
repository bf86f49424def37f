// The topology picture as a standalone SVG, laid out here rather than by a
// graph-layout package. beautiful-mermaid (Mermaid text to SVG with elkjs,
// no browser) was measured first: it adds 11 MB to an install, is ESM-only,
// loads in ~180 ms and renders the seed in ~160 ms (synth itself takes
// ~370 ms), needs its CSS variables rewritten before rsvg or image viewers
// draw anything but black boxes, and places each edge label on its own line,
// so the line runs through the label. The layout here is small and regular
// (clusters as columns, hosts stacked) and can promise that no line crosses
// an edge label or a box it does not connect. The promise holds by construction:
//   - boxes sit in columns, and lines run only in the gutters between columns,
//     in a band above all clusters, and in short stubs from a box's side to
//     the gutter next to it;
//   - every labelled edge passes through the band, and its label sits in its
//     own row of the band, above its own line and over a column, where no
//     vertical line runs.
// Text is monospaced so box widths computed here match what any renderer draws.
import {
  DialTarget, ENDPOINT_LINES, OUTSIDE_CAPTION, TopologyRole, TopologyView,
  clusterCaption, dialTarget, hostLines,
} from './diagram';

const FONT = 'DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace';
const FS = 12; // font size
/** Advance width of one character, generous for the common monospaced fonts (0.6 em). */
const CW = 0.62 * FS;
const LINE = 16; // line height
const PAD = 8; // text inset in a box
const MARGIN = 20; // around the picture
const INSET = 10; // box inset from its cluster frame
const VGAP = 10; // between boxes in a column
const GUTTER_MARGIN = 14; // from a gutter's first/last track to the frames beside it
const TRACK = 10; // between tracks in a gutter
const EMPTY_GUTTER = 28;
const LABEL_H = LINE + 4;
const LABEL_GAP = 3; // between a label and the band lines above and below it
const LABEL_ROW = LABEL_H + 2 * LABEL_GAP;
const PLAIN_ROW = 10;
const TEXT_W = (s: string) => Math.ceil(s.length * CW);

interface Style { readonly fill: string; readonly stroke: string; readonly text: string; readonly width: number; readonly dash?: string }

const ROLE_STYLE: Record<TopologyRole, Style> = {
  bootstrap: { fill: '#E8F0FE', stroke: '#1A56DB', text: '#111827', width: 1.6 },
  observer: { fill: '#F9FAFB', stroke: '#6B7280', text: '#111827', width: 1 },
  retired: { fill: '#FFFFFF', stroke: '#9CA3AF', text: '#6B7280', dash: '4 3', width: 1 },
};
const ENDPOINT_STYLE: Style = { fill: '#FEF3C7', stroke: '#B45309', text: '#111827', width: 1 };
const OUTSIDE_STYLE: Style = { fill: '#FFFFFF', stroke: '#6B7280', text: '#111827', width: 1, dash: '2 2' };
const EDGE = '#374151';

interface Box { x: number; y: number; w: number; h: number }

type Side = 'left' | 'right';

interface Node {
  readonly key: string;
  readonly kind: 'host' | 'endpoint' | 'outside';
  readonly col: number;
  readonly lines: string[];
  readonly role?: TopologyRole;
  readonly name: string;
  box: Box;
  /** Attachments on each side, in order; each gets its own y. */
  readonly slots: Record<Side, string[]>;
}

interface Edge {
  readonly from: Node;
  readonly to: Node;
  readonly label?: string;
  readonly route: Route;
  exit: Side;
  outGutter: number;
}

interface Route {
  readonly key: string;
  readonly to: Node;
  readonly label?: string;
  readonly inGutter: number;
  readonly edges: Edge[];
  band: boolean;
  bandY: number;
  labelCol: number;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
};

/**
 * The topology picture as a standalone SVG document: one column per cluster
 * (name, kind, region), a box per host (bridge address, role, a dedicated
 * server's address), an arrow per dial, labelled where the dialed name is not
 * the target's own (a cluster's DNS name). Plain colours and no external
 * resources, so any viewer renders it; the same view gives the same bytes.
 * @param view - What to draw, from {@link topologyView} or written by hand.
 */
export function renderTopologySvg(view: TopologyView): string {
  const clusters = view.clusters;
  const nodes: Node[] = [];
  const node = (n: Omit<Node, 'slots' | 'box'>): Node => {
    const made = { ...n, box: { x: 0, y: 0, w: 0, h: 0 }, slots: { left: [], right: [] } };
    nodes.push(made);
    return made;
  };
  const hostNodes = clusters.map((c, ci) =>
    c.hosts.map((h, hi) => node({ key: `h${ci}.${hi}`, kind: 'host', col: ci, lines: hostLines(h), role: h.role, name: h.name })));
  const endpoints = new Map<number, Node>();
  const outside = new Map<string, Node>();
  const outsideCol = clusters.length;
  const targetNode = (t: DialTarget): Node => {
    if (t.kind === 'host') return hostNodes[t.cluster][t.host];
    if (t.kind === 'endpoint') {
      if (!endpoints.has(t.cluster)) {
        endpoints.set(t.cluster, node({ key: `lb${t.cluster}`, kind: 'endpoint', col: t.cluster, lines: ENDPOINT_LINES, name: clusters[t.cluster].name }));
      }
      return endpoints.get(t.cluster)!;
    }
    if (!outside.has(t.value)) {
      outside.set(t.value, node({ key: `x${outside.size}`, kind: 'outside', col: outsideCol, lines: [t.value], name: t.value }));
    }
    return outside.get(t.value)!;
  };

  // Edges and the routes they share: every edge to the same box with the
  // same label ends in one line, so a cluster's hosts dialing its first host
  // draw as one bus rather than a fan of parallel lines.
  const routes = new Map<string, Route>();
  const edges: Edge[] = [];
  for (const [ci, c] of clusters.entries()) {
    for (const [hi, h] of c.hosts.entries()) {
      for (const peer of h.peers) {
        const from = hostNodes[ci][hi];
        const to = targetNode(dialTarget(view, peer));
        // The target's own caption already says what was dialed, unless it
        // was dialed by another name.
        const label = to.kind === 'endpoint' || (to.kind === 'host' && to.name !== peer) ? peer : undefined;
        const key = `${to.key}|${label ?? ''}`;
        let route = routes.get(key);
        if (!route) {
          route = { key, to, label, inGutter: to.col + 1, edges: [], band: false, bandY: 0, labelCol: -1 };
          routes.set(key, route);
          to.slots.right.push(key);
        }
        // Leave on the right, except where that is the gutter the route
        // enters by and the edge needs the band (a label, or a host dialing
        // itself): then leave on the left so the band line spans a column.
        const needsBand = label !== undefined || from === to;
        const exit: Side = needsBand && from.col + 1 === route.inGutter ? 'left' : 'right';
        const edge: Edge = { from, to, label, route, exit, outGutter: exit === 'right' ? from.col + 1 : from.col };
        if (edge.outGutter !== route.inGutter) route.band = true;
        route.edges.push(edge);
        edges.push(edge);
        from.slots[exit].push(`e${edges.length - 1}`);
      }
    }
  }

  // Gutter g lies left of column g; each route takes one track in the
  // gutter it enters by and one in every other gutter its edges leave by.
  const columnCount = clusters.length + (outside.size > 0 ? 1 : 0);
  const tracks: string[][] = Array.from({ length: columnCount + 1 }, () => []);
  const track = (g: number, key: string) => {
    if (!tracks[g].includes(key)) tracks[g].push(key);
  };
  for (const r of routes.values()) {
    track(r.inGutter, `in|${r.key}`);
    for (const e of r.edges) if (e.outGutter !== r.inGutter) track(e.outGutter, `out|${r.key}`);
  }

  // Labels go over the column next to the entry gutter, on the side the
  // route's edges come from; that column lies wholly under the band line.
  const labelsInCol: number[] = Array.from({ length: columnCount }, () => 0);
  for (const r of routes.values()) {
    if (!r.band || r.label === undefined) continue;
    r.labelCol = r.edges.some((e) => e.outGutter < r.inGutter) ? r.inGutter - 1 : r.inGutter;
    labelsInCol[r.labelCol] = Math.max(labelsInCol[r.labelCol], TEXT_W(r.label) + 2 * PAD);
  }

  // Column widths: the widest text in the column, or label above it.
  const captions = [...clusters.map(clusterCaption), ...(outside.size > 0 ? [OUTSIDE_CAPTION] : [])];
  const colW = captions.map((cap, c) => {
    const inner = Math.max(
      TEXT_W(cap) + 2 * PAD - 2 * INSET,
      ...nodes.filter((n) => n.col === c).map((n) => Math.max(...n.lines.map(TEXT_W)) + 2 * PAD),
      140,
    );
    return Math.max(inner + 2 * INSET, labelsInCol[c] + 2 * PAD);
  });
  const gutterW = tracks.map((t) => (t.length === 0 ? EMPTY_GUTTER : 2 * GUTTER_MARGIN + (t.length - 1) * TRACK));
  const gutterX: number[] = [];
  const colX: number[] = [];
  let x = MARGIN;
  for (let g = 0; g <= columnCount; g++) {
    gutterX.push(x);
    x += gutterW[g];
    if (g < columnCount) {
      colX.push(x);
      x += colW[g];
    }
  }
  const trackX = (g: number, key: string) => gutterX[g] + GUTTER_MARGIN + tracks[g].indexOf(key) * TRACK;

  // Vertically: title block, the band, then the clusters.
  const legendY = MARGIN + 2 * LINE + 8;
  const titleBottom = legendY + LINE + 6;
  let bandBottom = titleBottom + 8;
  const bandRoutes = [...routes.values()].filter((r) => r.band);
  for (const r of bandRoutes) {
    bandBottom += r.label !== undefined ? LABEL_ROW : PLAIN_ROW;
    r.bandY = bandBottom;
  }
  const frameTop = bandBottom + 14;
  const headerH = 2 * PAD + LINE;
  const frames: Box[] = [];
  for (let c = 0; c < columnCount; c++) {
    let y = frameTop + headerH;
    const inCol = [...(endpoints.has(c) ? [endpoints.get(c)!] : []), ...(c < clusters.length ? hostNodes[c] : [...outside.values()])];
    for (const n of inCol) {
      const h = 2 * PAD + LINE * n.lines.length;
      n.box = { x: colX[c] + INSET, y, w: colW[c] - 2 * INSET, h };
      y += h + VGAP;
    }
    frames.push({ x: colX[c], y: frameTop, w: colW[c], h: Math.max(y - frameTop, headerH + VGAP) });
  }
  const slotY = (n: Node, side: Side, key: string) =>
    n.box.y + ((n.slots[side].indexOf(key) + 1) * n.box.h) / (n.slots[side].length + 1);

  // Polylines: stub to the gutter, up to the band (if the route uses it),
  // across, down the entry gutter, and into the target's right side.
  const lines = edges.map((e, i) => {
    const r = e.route;
    const sx = e.exit === 'right' ? e.from.box.x + e.from.box.w : e.from.box.x;
    const sy = slotY(e.from, e.exit, `e${i}`);
    const inX = trackX(r.inGutter, `in|${r.key}`);
    const tx = r.to.box.x + r.to.box.w;
    const ty = slotY(r.to, 'right', r.key);
    const pts: [number, number][] = e.outGutter === r.inGutter
      ? [[sx, sy], [inX, sy], [inX, ty], [tx, ty]]
      : [[sx, sy], [trackX(e.outGutter, `out|${r.key}`), sy], [trackX(e.outGutter, `out|${r.key}`), r.bandY], [inX, r.bandY], [inX, ty], [tx, ty]];
    return { e, pts };
  });

  // The title block is one text per line; the legend's width is known once drawn below.
  const legendW = (['bootstrap', 'observer', 'retired'] as const).reduce((w, r) => w + 20 + TEXT_W(r) + 24, 0) + 34 + TEXT_W('dials');
  const width = Math.max(x, MARGIN + legendW, MARGIN + Math.ceil(view.title.length * 0.62 * 14), MARGIN + TEXT_W(view.subtitle ?? '')) + MARGIN;
  const height = Math.max(titleBottom, ...frames.map((f) => f.y + f.h)) + MARGIN;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="0 0 ${num(width)} ${num(height)}" font-family="${FONT}" font-size="${FS}">`,
    `<title>${esc(view.title)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">'
      + `<path d="M0,0 L10,5 L0,10 z" fill="${EDGE}"/></marker></defs>`,
    `<rect class="background" x="0" y="0" width="${num(width)}" height="${num(height)}" fill="#FFFFFF"/>`,
  );
  const text = (tx: number, ty: number, s: string, attrs = '') =>
    `<text x="${num(tx)}" y="${num(ty)}"${attrs}>${esc(s)}</text>`;
  // Baseline of line i in a box starting at y: centred in its line box.
  const baseline = (y: number, i: number) => y + PAD + i * LINE + LINE / 2 + FS * 0.35;

  out.push(`<g class="heading">${text(MARGIN, MARGIN + FS, view.title, ' font-weight="bold" font-size="14"')}`
    + (view.subtitle ? text(MARGIN, MARGIN + LINE + FS + 2, view.subtitle, ' fill="#374151"') : '') + '</g>');
  let lx = MARGIN;
  const legend: string[] = [];
  for (const role of ['bootstrap', 'observer', 'retired'] as const) {
    const s = ROLE_STYLE[role];
    legend.push(`<rect x="${num(lx)}" y="${num(legendY)}" width="14" height="12" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    legend.push(text(lx + 20, legendY + 10, role, ` fill="${s.text}"`));
    lx += 20 + TEXT_W(role) + 24;
  }
  legend.push(`<polyline points="${num(lx)},${num(legendY + 6)} ${num(lx + 28)},${num(legendY + 6)}" fill="none" stroke="${EDGE}" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  legend.push(text(lx + 34, legendY + 10, 'dials', ' fill="#111827"'));
  out.push(`<g class="legend">${legend.join('')}</g>`);

  for (const [c, f] of frames.entries()) {
    const caption = captions[c];
    const isOutside = c >= clusters.length;
    out.push(`<g class="cluster" data-name="${esc(isOutside ? '' : clusters[c].name)}">`
      + `<rect x="${num(f.x)}" y="${num(f.y)}" width="${num(f.w)}" height="${num(f.h)}" rx="6" fill="${isOutside ? '#FFFFFF' : '#F3F4F6'}" stroke="#9CA3AF"${isOutside ? ' stroke-dasharray="6 4"' : ''}/>`
      + text(f.x + PAD, baseline(f.y, 0), caption, ' font-weight="bold" fill="#111827"')
      + '</g>');
  }
  for (const n of nodes) {
    const s = n.kind === 'host' ? ROLE_STYLE[n.role!] : n.kind === 'endpoint' ? ENDPOINT_STYLE : OUTSIDE_STYLE;
    const b = n.box;
    const body = n.lines.map((l, i) => text(b.x + PAD, baseline(b.y, i), l, i === 0 ? ` font-weight="bold" fill="${s.text}"` : ` fill="${s.text}"`)).join('');
    out.push(`<g class="box ${n.kind}" data-name="${esc(n.name)}"${n.role ? ` data-role="${n.role}"` : ''}>`
      + `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.w)}" height="${num(b.h)}" rx="3" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`
      + body + '</g>');
  }
  for (const { e, pts } of lines) {
    out.push(`<polyline class="edge" data-from="${esc(e.from.name)}" data-to="${esc(e.to.name)}" data-to-kind="${e.to.kind}"${e.label !== undefined ? ` data-label="${esc(e.label)}"` : ''}`
      + ` points="${pts.map(([px, py]) => `${num(px)},${num(py)}`).join(' ')}" fill="none" stroke="${EDGE}" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  }
  // Dots where an edge joins a line it shares with others, as in a circuit
  // diagram: a T without a dot is two lines crossing, not a merge. A corner
  // of an edge is a junction when its route's lines through that point
  // (merged, per horizontal and vertical line) extend past it on both sides.
  const dots = new Set<string>();
  const byRoute = new Map<Route, [number, number][][]>();
  for (const { e, pts } of lines) byRoute.set(e.route, [...(byRoute.get(e.route) ?? []), pts]);
  for (const paths of byRoute.values()) {
    if (paths.length < 2) continue;
    const spans = new Map<string, [number, number][]>();
    for (const pts of paths) {
      for (let k = 1; k < pts.length; k++) {
        const [a, b] = [pts[k - 1], pts[k]];
        const [key, u, v] = a[0] === b[0] ? [`v${a[0]}`, a[1], b[1]] : [`h${a[1]}`, a[0], b[0]];
        spans.set(key, [...(spans.get(key) ?? []), [Math.min(u, v), Math.max(u, v)]]);
      }
    }
    const merged = new Map<string, [number, number][]>();
    for (const [key, list] of spans) {
      const out: [number, number][] = [];
      for (const [u, v] of list.sort((p, q) => p[0] - q[0])) {
        const last = out[out.length - 1];
        if (last && u <= last[1]) last[1] = Math.max(last[1], v);
        else out.push([u, v]);
      }
      merged.set(key, out);
    }
    const within = (key: string, t: number) => (merged.get(key) ?? []).some(([u, v]) => u < t && t < v);
    for (const pts of paths) {
      for (const [px, py] of pts.slice(1, -1)) {
        if (within(`v${px}`, py) || within(`h${py}`, px)) dots.add(`${num(px)},${num(py)}`);
      }
    }
  }
  for (const d of [...dots].sort()) {
    const [cx, cy] = d.split(',');
    out.push(`<circle class="junction" cx="${cx}" cy="${cy}" r="2.5" fill="${EDGE}"/>`);
  }
  for (const r of bandRoutes) {
    if (r.label === undefined) continue;
    const w = TEXT_W(r.label) + 2 * PAD;
    const lx0 = colX[r.labelCol] + (colW[r.labelCol] - w) / 2;
    const ly = r.bandY - LABEL_GAP - LABEL_H;
    out.push(`<g class="edge-label" data-to="${esc(r.to.name)}" data-label="${esc(r.label)}">`
      + `<rect x="${num(lx0)}" y="${num(ly)}" width="${num(w)}" height="${LABEL_H}" rx="3" fill="#FFFFFF" stroke="#6B7280" stroke-width="0.8"/>`
      + text(lx0 + PAD, ly + LABEL_H / 2 + FS * 0.35, r.label, ' fill="#111827"')
      + '</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
