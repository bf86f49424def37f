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
for (const file of files) {
  const svg = renderMermaidSVG(readFileSync(file, 'utf8'));
  const out = file.replace(/\.mmd$/, '.svg');
  writeFileSync(out, svg);
  console.log(out);
}
