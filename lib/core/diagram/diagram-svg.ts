// The topology picture as a standalone SVG, laid out here rather than by a
// graph-layout package. beautiful-mermaid (Mermaid text to SVG with elkjs,
// no browser) was measured first: it adds 11 MB to an install, is ESM-only,
// loads in ~180 ms and renders the seed in ~160 ms (synth itself takes
// ~370 ms), needs its CSS variables rewritten before rsvg or image viewers
// draw anything but black boxes, and places each edge label on its own line,
// so the line runs through the label. The layout here is small and regular
// and can promise that no line crosses a box, a text or a cluster's header,
// by construction:
//   - clusters sit in a grid, filled row by row, as many columns as fit the
//     page width; every cell of a grid column has the column's width, so
//     the gutters between columns run straight down the whole picture;
//   - lines run only in those gutters, in a band above each row, and in
//     short stubs from a box's side to the gutter next to it;
//   - a box shows every name it can be dialed by (an Azure cluster's load
//     balancer its DNS name, a host its name and address), so arrows need
//     no labels, and a dial inside one cluster stays in the gutter beside it.
// Text is monospaced so box widths computed here match what any renderer draws.
import {
  OUTSIDE_CAPTION, TopologyCluster, TopologyRole, TopologyView,
  clusterLines, dialTarget, dnsNamesOf, endpointLines, hasEndpoint, hostLines,
} from './diagram';

const FONT = 'DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace';
const FS = 12; // font size
/** Advance width of one character, generous for the common monospaced fonts (0.6 em). */
const CW = 0.62 * FS;
const LINE = 16; // line height
const PAD = 8; // text inset in a box
const MARGIN = 16; // around the picture
const INSET = 6; // box inset from its cluster frame
const VGAP = 10; // between boxes in a column
const GUTTER_MARGIN = 10; // from a gutter's first/last track to the frames beside it
const TRACK = 8; // between tracks in a gutter
const EMPTY_GUTTER = 20;
const BAND_ROW = 10; // between the lines of a band
const BAND_MARGIN = 10; // above a band's first line and below its last
const ROW_GAP = 16; // between a row's frames and the next band
const MIN_BOX = 150;
/** Page width the picture wraps its clusters into unless told otherwise. */
const DEFAULT_MAX_WIDTH = 1600;
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
type Pt = [number, number];

interface Node {
  readonly key: string;
  readonly kind: 'host' | 'endpoint' | 'outside';
  /** Index of the cell (cluster, or the outside group) it is drawn in. */
  readonly cell: number;
  readonly lines: string[];
  readonly role?: TopologyRole;
  readonly name: string;
}

interface Cell {
  readonly header: string[];
  readonly outside: boolean;
  readonly name: string;
  readonly nodes: Node[];
}

interface Edge {
  readonly from: Node;
  readonly to: Node;
  /** The name dialed, when it is not the target's own name (kept as data, not drawn). */
  readonly dialed?: string;
}

/** Where each cell goes for a given column count, and how wide that makes the picture. */
interface Grid {
  readonly columns: number;
  readonly colX: number[];
  readonly colW: number[];
  readonly gutterX: number[];
  readonly tracks: string[][];
  readonly exits: Side[];
  readonly outGutters: number[];
  /** Routes (by target key) that need a band, and so a line in the band above their target's row. */
  readonly banded: Set<string>;
  readonly width: number;
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (n: number) => {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
};

/**
 * The topology picture as a standalone SVG document: a frame per cluster
 * (name, kind, region, subscription, boot format, existing Azure resources),
 * a box per host (bridge address, role, dial address, SSH endpoint) and per
 * Azure load balancer (its DNS name), and an arrow per dial. Clusters wrap
 * into rows so that the picture fits `maxWidth` where it can. Plain colours
 * and no external resources, so any viewer renders it; the same view gives
 * the same bytes.
 * @param view - What to draw, from {@link topologyView} or written by hand.
 * @param options - Layout settings.
 */
export function renderTopologySvg(view: TopologyView, options: {
  /**
   * Page width in pixels the clusters are wrapped into. A picture is only
   * wider when a single column of clusters is.
   * @default 1600
   */
  readonly maxWidth?: number;
} = {}): string {
  const maxWidth = options.maxWidth ?? DEFAULT_MAX_WIDTH;
  const clusters = view.clusters;
  const nodes: Node[] = [];
  const node = (n: Node): Node => {
    nodes.push(n);
    return n;
  };
  const endpoints = clusters.map((c, ci) =>
    hasEndpoint(c) ? node({ key: `lb${ci}`, kind: 'endpoint', cell: ci, lines: endpointLines(c), name: c.name }) : undefined);
  const hostNodes = clusters.map((c, ci) =>
    c.hosts.map((h, hi) => node({ key: `h${ci}.${hi}`, kind: 'host', cell: ci, lines: hostLines(h, dnsNamesOf(view, ci, hi)), role: h.role, name: h.name })));
  const outside = new Map<string, Node>();
  const edges: Edge[] = [];
  for (const [ci, c] of clusters.entries()) {
    for (const [hi, h] of c.hosts.entries()) {
      for (const peer of h.peers) {
        const t = dialTarget(view, peer);
        let to: Node;
        if (t.kind === 'host') to = hostNodes[t.cluster][t.host];
        else if (t.kind === 'endpoint') to = endpoints[t.cluster]!;
        else {
          if (!outside.has(t.value)) outside.set(t.value, node({ key: `x${outside.size}`, kind: 'outside', cell: clusters.length, lines: [t.value], name: t.value }));
          to = outside.get(t.value)!;
        }
        edges.push({ from: hostNodes[ci][hi], to, dialed: peer !== to.name ? peer : undefined });
      }
    }
  }
  const cells: Cell[] = clusters.map((c: TopologyCluster, ci) => ({
    header: clusterLines(c),
    outside: false,
    name: c.name,
    nodes: [...(endpoints[ci] ? [endpoints[ci]!] : []), ...hostNodes[ci]],
  }));
  if (outside.size > 0) cells.push({ header: [OUTSIDE_CAPTION], outside: true, name: '', nodes: [...outside.values()] });
  // Every edge to one box ends in one line, so a cluster's hosts dialing
  // its first host draw as one bus rather than a fan of parallel lines.
  const routeKeys = [...new Set(edges.map((e) => e.to.key))];
  const cellInnerW = cells.map((cell) => Math.max(
    ...cell.header.map((l) => TEXT_W(l) + 2 * PAD),
    ...cell.nodes.map((n) => Math.max(...n.lines.map(TEXT_W)) + 2 * PAD + 2 * INSET),
    MIN_BOX + 2 * INSET,
  ));

  const gridFor = (columns: number): Grid => {
    const col = (cell: number) => cell % columns;
    const exits: Side[] = [];
    const outGutters: number[] = [];
    const banded = new Set<string>();
    // Gutter g lies left of grid column g. An edge leaves towards its
    // target's column and enters the target from the gutter on its right.
    for (const e of edges) {
      const from = col(e.from.cell);
      const inGutter = col(e.to.cell) + 1;
      const exit: Side = col(e.to.cell) < from ? 'left' : 'right';
      const out = exit === 'right' ? from + 1 : from;
      exits.push(exit);
      outGutters.push(out);
      if (out !== inGutter) banded.add(e.to.key);
    }
    const tracks: string[][] = Array.from({ length: columns + 1 }, () => []);
    const track = (g: number, key: string) => {
      if (!tracks[g].includes(key)) tracks[g].push(key);
    };
    for (const key of routeKeys) {
      const to = nodes.find((n) => n.key === key)!;
      track(col(to.cell) + 1, `in|${key}`);
    }
    edges.forEach((e, i) => {
      if (outGutters[i] !== col(e.to.cell) + 1) track(outGutters[i], `out|${e.to.key}`);
    });
    const colW = Array.from({ length: columns }, (_, c) => Math.max(...cellInnerW.filter((_, i) => col(i) === c)));
    const gutterW = tracks.map((t) => (t.length === 0 ? EMPTY_GUTTER : 2 * GUTTER_MARGIN + (t.length - 1) * TRACK));
    const gutterX: number[] = [];
    const colX: number[] = [];
    let x = MARGIN;
    for (let g = 0; g <= columns; g++) {
      gutterX.push(x);
      x += gutterW[g];
      if (g < columns) {
        colX.push(x);
        x += colW[g];
      }
    }
    return { columns, colX, colW, gutterX, tracks, exits, outGutters, banded, width: x + MARGIN };
  };

  // The most columns that fit, then rows evened out (10 clusters in 5 + 5, not 7 + 3).
  let grid = gridFor(1);
  for (let k = cells.length; k >= 1; k--) {
    const rows = Math.ceil(cells.length / k);
    const candidate = gridFor(Math.ceil(cells.length / rows));
    if (candidate.width <= maxWidth || k === 1) {
      grid = candidate;
      break;
    }
  }
  const { columns, colX, colW, gutterX, tracks, exits, outGutters, banded } = grid;
  const col = (cell: number) => cell % columns;
  const rowOf = (cell: number) => Math.floor(cell / columns);
  const rowCount = Math.ceil(cells.length / columns);
  const trackX = (g: number, key: string) => gutterX[g] + GUTTER_MARGIN + tracks[g].indexOf(key) * TRACK;

  // Attachment points on each side of a box, in order: the route into it
  // first, then the edges leaving it.
  const slots = new Map<string, string[]>();
  const slot = (n: Node, side: Side, key: string) => {
    const k = `${n.key}|${side}`;
    slots.set(k, [...(slots.get(k) ?? []), key]);
  };
  for (const key of routeKeys) slot(nodes.find((n) => n.key === key)!, 'right', `in|${key}`);
  edges.forEach((e, i) => slot(e.from, exits[i], `e${i}`));

  // Vertically: title block, then per row a band and the row's frames.
  const legendY = MARGIN + 2 * LINE + 8;
  let y = legendY + LINE + 6;
  const bandY = new Map<string, number>();
  const frames: Box[] = [];
  const headerH: number[] = cells.map((c) => 2 * PAD + LINE * c.header.length - 4);
  const boxes = new Map<string, Box>();
  for (let r = 0; r < rowCount; r++) {
    const inRow = routeKeys.filter((k) => banded.has(k) && rowOf(nodes.find((n) => n.key === k)!.cell) === r);
    y += BAND_MARGIN;
    for (const k of inRow) {
      bandY.set(k, y);
      y += BAND_ROW;
    }
    y += inRow.length > 0 ? BAND_MARGIN - BAND_ROW : 0;
    const top = y + 4;
    let bottom = top;
    for (let i = r * columns; i < Math.min(cells.length, (r + 1) * columns); i++) {
      const c = col(i);
      let by = top + headerH[i] + VGAP;
      for (const n of cells[i].nodes) {
        const h = 2 * PAD + LINE * n.lines.length;
        boxes.set(n.key, { x: colX[c] + INSET, y: by, w: colW[c] - 2 * INSET, h });
        by += h + VGAP;
      }
      frames[i] = { x: colX[c], y: top, w: colW[c], h: Math.max(by, top + headerH[i] + VGAP) - top };
      bottom = Math.max(bottom, top + frames[i].h);
    }
    y = bottom + ROW_GAP;
  }
  const slotY = (n: Node, side: Side, key: string) => {
    const list = slots.get(`${n.key}|${side}`)!;
    const b = boxes.get(n.key)!;
    return b.y + ((list.indexOf(key) + 1) * b.h) / (list.length + 1);
  };

  // Polylines: stub to the gutter, to the band above the target's row (if
  // the edge leaves by another gutter than the one it enters by), across,
  // along the entry gutter, and into the target's right side.
  const lines = edges.map((e, i) => {
    const from = boxes.get(e.from.key)!;
    const to = boxes.get(e.to.key)!;
    const sx = exits[i] === 'right' ? from.x + from.w : from.x;
    const sy = slotY(e.from, exits[i], `e${i}`);
    const inGutter = col(e.to.cell) + 1;
    const inX = trackX(inGutter, `in|${e.to.key}`);
    const tx = to.x + to.w;
    const ty = slotY(e.to, 'right', `in|${e.to.key}`);
    let pts: Pt[];
    if (outGutters[i] === inGutter) pts = [[sx, sy], [inX, sy], [inX, ty], [tx, ty]];
    else {
      const outX = trackX(outGutters[i], `out|${e.to.key}`);
      const by = bandY.get(e.to.key)!;
      pts = [[sx, sy], [outX, sy], [outX, by], [inX, by], [inX, ty], [tx, ty]];
    }
    return { e, pts: simplify(pts) };
  });

  // The title block is one text per line; the legend's width is known once drawn below.
  const legendItems = ['bootstrap', 'observer', 'retired', 'load balancer'];
  const legendW = legendItems.reduce((w, r) => w + 20 + TEXT_W(r) + 24, 0) + 34 + TEXT_W('dials');
  const width = Math.max(grid.width, MARGIN + legendW + MARGIN, 2 * MARGIN + Math.ceil(view.title.length * 0.62 * 14), 2 * MARGIN + TEXT_W(view.subtitle ?? ''));
  const height = y - ROW_GAP + MARGIN;
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
  const baseline = (top: number, i: number) => top + PAD + i * LINE + LINE / 2 + FS * 0.35;

  out.push(`<g class="heading">${text(MARGIN, MARGIN + FS, view.title, ' font-weight="bold" font-size="14"')}`
    + (view.subtitle ? text(MARGIN, MARGIN + LINE + FS + 2, view.subtitle, ' fill="#374151"') : '') + '</g>');
  let lx = MARGIN;
  const legend: string[] = [];
  for (const item of legendItems) {
    const s = item === 'load balancer' ? ENDPOINT_STYLE : ROLE_STYLE[item as TopologyRole];
    legend.push(`<rect x="${num(lx)}" y="${num(legendY)}" width="14" height="12" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
    legend.push(text(lx + 20, legendY + 10, item, ` fill="${s.text}"`));
    lx += 20 + TEXT_W(item) + 24;
  }
  legend.push(`<polyline points="${num(lx)},${num(legendY + 6)} ${num(lx + 28)},${num(legendY + 6)}" fill="none" stroke="${EDGE}" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  legend.push(text(lx + 34, legendY + 10, 'dials', ' fill="#111827"'));
  out.push(`<g class="legend">${legend.join('')}</g>`);

  for (const [i, f] of frames.entries()) {
    const cell = cells[i];
    const rule = f.y + headerH[i];
    out.push(`<g class="cluster" data-name="${esc(cell.name)}">`
      + `<rect x="${num(f.x)}" y="${num(f.y)}" width="${num(f.w)}" height="${num(f.h)}" rx="6" fill="${cell.outside ? '#FFFFFF' : '#F3F4F6'}" stroke="#9CA3AF"${cell.outside ? ' stroke-dasharray="6 4"' : ''}/>`
      + cell.header.map((l, k) => text(f.x + PAD, baseline(f.y, k), l, k === 0 ? ' font-weight="bold" fill="#111827"' : ' fill="#374151"')).join('')
      + `<line class="header-rule" x1="${num(f.x)}" y1="${num(rule)}" x2="${num(f.x + f.w)}" y2="${num(rule)}" stroke="#D1D5DB"/>`
      + '</g>');
  }
  for (const n of nodes) {
    const s = n.kind === 'host' ? ROLE_STYLE[n.role!] : n.kind === 'endpoint' ? ENDPOINT_STYLE : OUTSIDE_STYLE;
    const b = boxes.get(n.key)!;
    const body = n.lines.map((l, i) => text(b.x + PAD, baseline(b.y, i), l, i === 0 ? ` font-weight="bold" fill="${s.text}"` : ` fill="${s.text}"`)).join('');
    out.push(`<g class="box ${n.kind}" data-name="${esc(n.name)}"${n.role ? ` data-role="${n.role}"` : ''}>`
      + `<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.w)}" height="${num(b.h)}" rx="3" fill="${s.fill}" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`
      + body + '</g>');
  }
  for (const { e, pts } of lines) {
    out.push(`<polyline class="edge" data-from="${esc(e.from.name)}" data-to="${esc(e.to.name)}" data-to-kind="${e.to.kind}"${e.dialed !== undefined ? ` data-label="${esc(e.dialed)}"` : ''}`
      + ` points="${pts.map(([px, py]) => `${num(px)},${num(py)}`).join(' ')}" fill="none" stroke="${EDGE}" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  }
  // Dots where an edge joins a line it shares with others, as in a circuit
  // diagram: a T without a dot is two lines crossing, not a merge. A corner
  // of an edge is a junction when its route's lines through that point
  // (merged, per horizontal and vertical line) extend past it on both sides.
  const dots = new Set<string>();
  const byRoute = new Map<string, Pt[][]>();
  for (const { e, pts } of lines) byRoute.set(e.to.key, [...(byRoute.get(e.to.key) ?? []), pts]);
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
      const runs: [number, number][] = [];
      for (const [u, v] of list.sort((p, q) => p[0] - q[0])) {
        const last = runs[runs.length - 1];
        if (last && u <= last[1]) last[1] = Math.max(last[1], v);
        else runs.push([u, v]);
      }
      merged.set(key, runs);
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
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Drops repeated points and the middle of three in a straight line, so every segment has a length and a corner. */
function simplify(pts: Pt[]): Pt[] {
  const out: Pt[] = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    const prev = out[out.length - 2];
    if (prev && last && ((prev[0] === last[0] && last[0] === p[0]) || (prev[1] === last[1] && last[1] === p[1]))) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}
