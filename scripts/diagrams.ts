// Refreshes the README's picture, docs/seed-topology.{mmd,svg}, from the seed
// stack. Synth writes the same two files beside each stack's cdk.tf.json;
// this copies them, so the committed copies stay in step (a test checks).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { SeedStack } from '../stacks/seed';

/** The seed network's picture, as synth writes it: Mermaid text and SVG. */
export function seedPictures(): { mmd: string; svg: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'weave-diagrams-'));
  try {
    const app = new App({ outdir });
    new SeedStack(app, 'weave-seed');
    app.synth();
    const dir = join(outdir, 'stacks', 'weave-seed');
    return { mmd: readFileSync(join(dir, 'weave.topology.mmd'), 'utf8'), svg: readFileSync(join(dir, 'weave.topology.svg'), 'utf8') };
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
