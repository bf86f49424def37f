// Refreshes the README's picture, docs/seed-topology.{mmd,svg}, from the seed
// stack. Synth writes the same two files beside each stack's cdk.tf.json;
// this only keeps the committed copies in step (a test checks they are).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, DefaultTokenResolver, StringConcat, Tokenization } from 'cdktf';
import { renderMermaid, renderTopologySvg, topologyView } from '../lib';
import { SeedStack } from '../stacks/seed';

/** The seed network's picture, as Mermaid text and SVG. */
export function seedPictures(): { mmd: string; svg: string } {
  // The app creates its output directory at once; nothing is synthesized into it.
  const outdir = mkdtempSync(join(tmpdir(), 'weave-diagrams-'));
  try {
    const stack = new SeedStack(new App({ outdir }), 'weave-seed');
    const network = stack.network;
    // Shows `var.dedicated_address` rather than an opaque token.
    const resolve = (v: string) => String(Tokenization.resolve(v, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }));
    const view = topologyView(network.plan(), { title: network.node.path, resolve });
    return { mmd: renderMermaid(view), svg: renderTopologySvg(view) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { mmd, svg } = seedPictures();
  const docs = join(__dirname, '..', 'docs');
  writeFileSync(join(docs, 'seed-topology.mmd'), mmd);
  writeFileSync(join(docs, 'seed-topology.svg'), svg);
  console.log('docs/seed-topology.mmd\ndocs/seed-topology.svg');
}
