// Renders every `*.topology.mmd` that synth wrote (or the files given as
// arguments) to an SVG beside it. Kept out of synth itself: the renderer
// (beautiful-mermaid, offline, no browser) costs more than the synth does.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { renderMermaidSVG } from 'beautiful-mermaid';

function found(outdir) {
  const stacks = join(outdir, 'stacks');
  if (!existsSync(stacks)) return [];
  return readdirSync(stacks).flatMap((s) =>
    readdirSync(join(stacks, s)).filter((f) => f.endsWith('.topology.mmd')).map((f) => join(stacks, s, f)));
}

const files = process.argv.length > 2 ? process.argv.slice(2) : found(process.env.CDKTF_OUTDIR ?? 'cdktf.out');
if (files.length === 0) {
  console.error('no *.topology.mmd found; run `npx cdktf synth` first');
  process.exit(1);
}
const BG = '#FFFFFF';
const FG = '#27272A';

/** sRGB mix of two #RRGGBB colours, `p` parts of `a` to 1-p of `b`. */
function mix(a, p, b) {
  const ch = (c, i) => parseInt(c.slice(1 + 2 * i, 3 + 2 * i), 16);
  return '#' + [0, 1, 2].map((i) => Math.round(ch(a, i) * p + ch(b, i) * (1 - p)).toString(16).padStart(2, '0')).join('').toUpperCase();
}

/**
 * The renderer styles through CSS custom properties and color-mix(), which
 * GitHub's viewer understands but many SVG tools (rsvg, image viewers,
 * PDF converters) do not: there every box turns black. Resolve them to plain
 * colours, and drop the web-font import so the picture loads nothing.
 */
function standalone(svg) {
  const colours = { '--bg': BG, '--fg': FG };
  const resolve = (expr) => {
    expr = expr.trim();
    let m = /^var\((--[\w-]+)(?:,\s*(.+))?\)$/.exec(expr);
    if (m) return colours[m[1]] ?? (m[2] ? resolve(m[2]) : undefined);
    m = /^color-mix\(in srgb,\s*(.+?)\s+(\d+)%,\s*(.+)\)$/.exec(expr);
    if (m) return mix(resolve(m[1]), Number(m[2]) / 100, resolve(m[3]));
    return /^#[0-9A-Fa-f]{6}$/.test(expr) ? expr : undefined;
  };
  for (const [, name, expr] of svg.matchAll(/(--_[\w-]+):\s*([^;]+);/g)) {
    const value = resolve(expr);
    if (!value) throw new Error(`cannot resolve ${name}: ${expr}`);
    colours[name] = value;
  }
  return svg
    .replace(/@import url\([^)]*\);\s*/g, '')
    .replace(/var\((--[\w-]+)\)/g, (all, name) => colours[name] ?? all);
}

for (const file of files) {
  const svg = standalone(renderMermaidSVG(readFileSync(file, 'utf8'), { bg: BG, fg: FG }));
  const out = file.replace(/\.mmd$/, '.svg');
  writeFileSync(out, svg);
  console.log(out);
}
