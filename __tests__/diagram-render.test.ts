// The topology picture through a real SVG renderer: rsvg-convert (librsvg)
// turns the seed's picture and the committed docs/seed-topology.svg into
// PNGs of the size the SVG declares, and rejects a broken SVG (the control).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { topologyView } from '../lib/core/diagram/diagram';
import { renderTopologySvg } from '../lib/core/diagram/diagram-svg';
import { planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';
import { describeWhen, findTool, tool } from './support/skip';
import { readPicture } from './support/svg-geometry';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describeWhen('the rendered picture (rsvg-convert)', tool('rsvg-convert'), () => {
  const dir = mkdtempSync(join(tmpdir(), 'weave-svg-'));
  const render = (name: string, svg: string) => {
    writeFileSync(join(dir, `${name}.svg`), svg);
    const res = spawnSync(findTool('rsvg-convert')!, ['-o', join(dir, `${name}.png`), join(dir, `${name}.svg`)], { encoding: 'utf8' });
    return { status: res.status, stderr: res.stderr, png: res.status === 0 ? readFileSync(join(dir, `${name}.png`)) : undefined };
  };

  it.each([
    ['the seed plan', () => renderTopologySvg(topologyView(planNetwork(seedSpec())))],
    ['docs/seed-topology.svg', () => readFileSync(join(__dirname, '..', 'docs', 'seed-topology.svg'), 'utf8')],
  ])('renders %s to a PNG at the size the SVG declares', (name, svgOf) => {
    const svg = svgOf();
    const res = render(name.replace(/\W+/g, '-'), svg);
    expect([res.status, res.stderr]).toEqual([0, '']);
    expect(res.png!.subarray(0, 8)).toEqual(PNG_MAGIC);
    const p = readPicture(svg);
    expect([res.png!.readUInt32BE(16), res.png!.readUInt32BE(20)]).toEqual([Math.ceil(p.width), Math.ceil(p.height)]);
  });

  it('control: rejects an SVG cut short, and says why', () => {
    const svg = renderTopologySvg(topologyView(planNetwork(seedSpec())));
    const res = render('broken', svg.slice(0, Math.floor(svg.length / 2)));
    expect(res.status).not.toBe(0);
    expect(res.stderr).not.toBe('');
  });
});
