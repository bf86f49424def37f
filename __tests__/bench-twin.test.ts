// The bench's plain-cdktf twins (bench/twin.js) must synthesize exactly the
// library's Terraform, or the bench compares different work. A change to
// what the library writes (a new resource shape, an override) can break that
// without touching the bench, so twin-check runs here against a fresh build
// of the library: the seed, and the generated 100-host network (which also
// has to pass every synth check). Integration tier: it runs tsc and node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

describe('bench twins synthesize the library\'s Terraform (bench/twin-check.js)', () => {
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'weave-bench-dist-'));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ROOT, '--outDir', dist, '--tsBuildInfoFile', join(dist, '.tsbuildinfo')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
  }, 180_000);

  it.each([['seed', 'plain-seed'], ['net-100', 'plain-100']])('%s and its twin %s: MATCH', (lib, twin) => {
    const res = spawnSync(process.execPath, [join(ROOT, 'bench', 'twin-check.js'), `${lib}:${twin}`], {
      cwd: ROOT, encoding: 'utf8', // The build lives outside the repository, so it finds the packages by NODE_PATH.
      env: { ...process.env, WEAVE_BENCH_DIST: dist, NODE_PATH: join(ROOT, 'node_modules') },
    });
    expect(res.stderr).toBe('');
    expect(res.stdout).toContain(`${lib} vs ${twin}: MATCH`);
    expect(res.stdout).not.toContain('MISMATCH');
    expect(res.status).toBe(0);
  }, 120_000);
});
