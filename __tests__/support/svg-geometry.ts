// Reads a topology SVG back as geometry (boxes, cluster frames and their
// headers, texts, edge polylines) with a real XML parser, and lists
// every place where the picture breaks its promises: a line through a box, a
// text or a cluster's header; a line running inside a cluster other than to
// leave or reach its own box; a dial inside one cluster that loops above it;
// frames or boxes on top of each other; text wider than its box; an edge that
// does not start and end on the boxes it names, or dials a name its target
// box does not show (the picture draws no labels on its arrows).
import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';

export type Pt = readonly [number, number];
export interface Rect { readonly x: number; readonly y: number; readonly w: number; readonly h: number }

export interface PictureBox {
  readonly kind: string;
  readonly name: string;
  readonly role?: string;
  readonly rect: Rect;
  readonly dashed: boolean;
  readonly lines: string[];
}
export interface PictureEdge {
  readonly from: string;
  readonly to: string;
  readonly toKind: string;
  readonly label?: string;
  readonly points: Pt[];
}
export interface PictureText { readonly text: string; readonly rect: Rect; readonly owner?: Rect; readonly where: string }

/** Everything drawn, as numbers. */
export interface Picture {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly boxes: PictureBox[];
  /** Each cluster's frame, its header (from the frame's top to its header rule) and its header lines. */
  readonly clusters: { name: string; rect: Rect; header?: Rect; caption: string; lines: string[] }[];
  readonly edges: PictureEdge[];
  readonly texts: PictureText[];
  /** Dots where an edge joins a line it shares with other edges. */
  readonly junctions: Pt[];
  /** Every attribute value and style in the document, for checks on colours and references. */
  readonly source: string;
}

/**
 * DejaVu Sans Mono's advance width (1233/2048 em), the widest of the fonts
 * the picture names; Menlo has the same, Consolas and Liberation Mono less.
 */
export const MONO_ADVANCE = 1233 / 2048;

type El = {
  getAttribute(n: string): string | null;
  getElementsByTagName(n: string): ArrayLike<El>;
  textContent: string | null;
  parentNode: El | null;
  tagName: string;
};

const all = (root: El, tag: string): El[] => Array.from(root.getElementsByTagName(tag));
const n = (el: El, attr: string): number => {
  const v = el.getAttribute(attr);
  if (v === null || !Number.isFinite(Number(v))) throw new Error(`<${el.tagName}> has no numeric ${attr}: ${v}`);
  return Number(v);
};
const rectOf = (el: El): Rect => ({ x: n(el, 'x'), y: n(el, 'y'), w: n(el, 'width'), h: n(el, 'height') });
const classOf = (el: El) => (el.getAttribute('class') ?? '').split(/\s+/);

/** Parses an SVG strictly (any parser warning throws) and reads its geometry. */
export function readPicture(svg: string): Picture {
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement as unknown as El;
  if (root.tagName !== 'svg') throw new Error(`root element is <${root.tagName}>`);
  const rootSize = Number(root.getAttribute('font-size') ?? '16');
  const groups = all(root, 'g');
  const firstRect = (g: El) => {
    const r = all(g, 'rect')[0];
    if (!r) throw new Error(`group ${g.getAttribute('class')} has no rect`);
    return r;
  };
  const texts: PictureText[] = all(root, 'text').map((t) => {
    const size = Number(t.getAttribute('font-size') ?? rootSize);
    const text = t.textContent ?? '';
    const group = t.parentNode;
    const owner = group && group.tagName === 'g' && !classOf(group).includes('heading') && !classOf(group).includes('legend')
      ? rectOf(firstRect(group)) : undefined;
    // Glyphs rise about 0.8 em above the baseline and descend 0.25 em below.
    return {
      text,
      rect: { x: n(t, 'x'), y: n(t, 'y') - 0.8 * size, w: text.length * MONO_ADVANCE * size, h: 1.05 * size },
      owner,
      where: group?.getAttribute('class') ?? 'svg',
    };
  });
  return {
    width: n(root, 'width'),
    height: n(root, 'height'),
    title: all(root, 'title')[0]?.textContent ?? '',
    boxes: groups.filter((g) => classOf(g).includes('box')).map((g) => {
      const r = firstRect(g);
      return {
        kind: classOf(g).filter((c) => c !== 'box')[0],
        name: g.getAttribute('data-name') ?? '',
        role: g.getAttribute('data-role') ?? undefined,
        rect: rectOf(r),
        dashed: r.getAttribute('stroke-dasharray') !== null,
        lines: all(g, 'text').map((t) => t.textContent ?? ''),
      };
    }),
    clusters: groups.filter((g) => classOf(g).includes('cluster')).map((g) => {
      const rect = rectOf(firstRect(g));
      const rule = all(g, 'line').find((l) => classOf(l).includes('header-rule'));
      return {
        name: g.getAttribute('data-name') ?? '',
        rect,
        header: rule ? { x: rect.x, y: rect.y, w: rect.w, h: n(rule, 'y1') - rect.y } : undefined,
        caption: all(g, 'text')[0]?.textContent ?? '',
        lines: all(g, 'text').map((t) => t.textContent ?? ''),
      };
    }),
    edges: all(root, 'polyline').filter((p) => classOf(p).includes('edge')).map((p) => ({
      from: p.getAttribute('data-from') ?? '',
      to: p.getAttribute('data-to') ?? '',
      toKind: p.getAttribute('data-to-kind') ?? '',
      label: p.getAttribute('data-label') ?? undefined,
      points: (p.getAttribute('points') ?? '').trim().split(/\s+/).map((xy) => {
        const [x, y] = xy.split(',').map(Number);
        return [x, y] as const;
      }),
    })),
    texts,
    junctions: all(root, 'circle').filter((c) => classOf(c).includes('junction')).map((c) => [n(c, 'cx'), n(c, 'cy')] as const),
    source: svg,
  };
}

/**
 * Whether segment a-b passes through the inside of r, shrunk by `inset` on
 * every side: running along or ending on the border does not count.
 * Liang-Barsky clipping.
 */
export function segmentEntersRect(a: Pt, b: Pt, r: Rect, inset = 0.5): boolean {
  const x0 = r.x + inset;
  const y0 = r.y + inset;
  const x1 = r.x + r.w - inset;
  const y1 = r.y + r.h - inset;
  if (x0 >= x1 || y0 >= y1) return false;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  let t0 = 0;
  let t1 = 1;
  for (const [p, q] of [[-dx, a[0] - x0], [dx, x1 - a[0]], [-dy, a[1] - y0], [dy, y1 - a[1]]]) {
    if (p === 0) {
      if (q <= 0) return false;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t >= t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t <= t0) return false;
      if (t < t1) t1 = t;
    }
  }
  return t0 < t1;
}

const overlap = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (a: Rect, b: Rect, slack = 0.5) =>
  a.x >= b.x - slack && a.y >= b.y - slack && a.x + a.w <= b.x + b.w + slack && a.y + a.h <= b.y + b.h + slack;
const onBorder = (p: Pt, r: Rect, side: 'left' | 'right' | 'either') => {
  const near = (u: number, v: number) => Math.abs(u - v) <= 0.15;
  const x = side === 'left' ? near(p[0], r.x) : side === 'right' ? near(p[0], r.x + r.w) : near(p[0], r.x) || near(p[0], r.x + r.w);
  return x && p[1] > r.y && p[1] < r.y + r.h;
};

/**
 * The names a box shows, by which it may be dialed: every word of its lines
 * (an `ssh host:port` word without its port), and a DNS name split over two
 * lines at a dot (`acme-west` then `.westeurope.cloudapp.azure.com`).
 */
export function namesShown(lines: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const [i, line] of lines.entries()) {
    for (const word of line.split(/\s+/)) {
      names.add(word);
      if (line.startsWith('ssh ')) names.add(word.replace(/^\[(.*)\]:\d+$/, '$1').replace(/^([^:[\]]*):\d+$/, '$1'));
    }
    const next = lines[i + 1];
    if (next !== undefined && next.startsWith('.') && !/\s/.test(line)) names.add(line + next);
  }
  return names;
}

/** Every broken promise in a picture; empty when it reads cleanly. */
export function pictureProblems(p: Picture): string[] {
  const out: string[] = [];
  const name = (e: PictureEdge) => `edge ${e.from} -> ${e.to}${e.label ? ` [${e.label}]` : ''}`;
  for (const e of p.edges) {
    if (e.points.length < 2) out.push(`${name(e)} has ${e.points.length} points`);
    const from = p.boxes.find((b) => b.kind === 'host' && b.name === e.from);
    const to = p.boxes.find((b) => b.kind === e.toKind && b.name === e.to);
    if (!from || !onBorder(e.points[0], from.rect, 'either')) out.push(`${name(e)} does not start on a side of host ${e.from}`);
    if (!to || !onBorder(e.points[e.points.length - 1], to.rect, 'right')) out.push(`${name(e)} does not end on the right side of ${e.toKind} ${e.to}`);
    if (to && e.label !== undefined && !namesShown(to.lines).has(e.label)) out.push(`${name(e)} dials a name that ${e.toKind} box ${e.to} does not show`);
    for (let i = 1; i < e.points.length; i++) {
      const a = e.points[i - 1];
      const b = e.points[i];
      if (a[0] !== b[0] && a[1] !== b[1]) out.push(`${name(e)} segment ${i} is not horizontal or vertical`);
      for (const box of p.boxes) if (segmentEntersRect(a, b, box.rect)) out.push(`${name(e)} segment ${i} crosses ${box.kind} box ${box.name}`);
      for (const c of p.clusters) {
        if (c.header && segmentEntersRect(a, b, c.header)) out.push(`${name(e)} segment ${i} crosses the header of cluster ${c.caption}`);
        // Inside a frame a line may only be the stub leaving its own box or reaching its target.
        const stub = (i === 1 && from && inside(from.rect, c.rect)) || (i === e.points.length - 1 && to && inside(to.rect, c.rect));
        if (!stub && segmentEntersRect(a, b, c.rect)) out.push(`${name(e)} segment ${i} runs inside cluster ${c.caption}`);
      }
      for (const t of p.texts) if (segmentEntersRect(a, b, t.rect)) out.push(`${name(e)} segment ${i} crosses text "${t.text}"`);
    }
  }
  for (const [i, b] of p.boxes.entries()) {
    for (const c of p.boxes.slice(i + 1)) if (overlap(b.rect, c.rect)) out.push(`box ${b.name} overlaps box ${c.name}`);
  }
  for (const [i, c] of p.clusters.entries()) {
    for (const d of p.clusters.slice(i + 1)) if (overlap(c.rect, d.rect)) out.push(`cluster ${c.caption} overlaps cluster ${d.caption}`);
  }
  // A dial between two hosts of one cluster stays beside it: never above its header.
  for (const e of p.edges) {
    const from = p.boxes.find((b) => b.kind === 'host' && b.name === e.from);
    const to = p.boxes.find((b) => b.kind === e.toKind && b.name === e.to);
    const home = p.clusters.find((c) => from && to && inside(from.rect, c.rect) && inside(to.rect, c.rect));
    if (home && e.points.some(([, y]) => y < home.rect.y)) out.push(`${name(e)} loops above its own cluster ${home.caption}`);
  }
  for (const t of p.texts) {
    if (t.owner && !inside(t.rect, t.owner)) out.push(`text "${t.text}" (${t.where}) overflows its box`);
    if (!inside(t.rect, { x: 0, y: 0, w: p.width, h: p.height })) out.push(`text "${t.text}" lies outside the picture`);
  }
  for (const e of p.edges) {
    for (const pt of e.points) {
      if (pt[0] < 0 || pt[1] < 0 || pt[0] > p.width || pt[1] > p.height) out.push(`${name(e)} leaves the picture`);
    }
  }
  return out;
}
