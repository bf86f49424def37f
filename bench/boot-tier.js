#!/usr/bin/env node
// Wall time and peak memory of the boot tier (`npm run test:boot`), cold or
// warm: `node bench/boot-tier.js cold|warm [runs]`. Cold runs point the image
// cache (WEAVE_BOOT_CACHE) at an empty directory, so the guest image is built
// first; warm runs use the normal cache. Peak memory is the largest sum of
// the resident sets of the whole process tree (jest, QEMU guests, servers,
// Terraform), sampled every second. Each run prints one line with the load
// average before and after, since the machine is shared.
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { loadavg, tmpdir } = require('node:os');
const { join } = require('node:path');

const mode = process.argv[2] ?? 'warm';
const runs = Number(process.argv[3] ?? 1);

function tree(root) {
  const children = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(pid)]);
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (p) => { out.push(p); for (const c of children.get(p) ?? []) walk(c); };
  walk(root);
  return out;
}

function rssKiB(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch { /* gone */ }
  }
  return sum;
}

async function once(i) {
  const cache = mode === 'cold' ? mkdtempSync(join(tmpdir(), 'weave-boot-cache-')) : undefined;
  const env = { ...process.env, CI: 'true', ...(cache ? { WEAVE_BOOT_CACHE: cache } : {}) };
  const before = loadavg().map((l) => l.toFixed(2)).join(' ');
  const start = Date.now();
  const child = spawn('npm', ['run', '--silent', 'test:boot'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, rssKiB(tree(child.pid))); }, 1000);
  const code = await new Promise((r) => child.on('exit', r));
  clearInterval(timer);
  const wall = (Date.now() - start) / 1000;
  const after = loadavg().map((l) => l.toFixed(2)).join(' ');
  const tests = /Tests:\s+(.*)/.exec(out)?.[1] ?? '?';
  if (cache) rmSync(cache, { recursive: true, force: true });
  console.log(`${mode} run ${i + 1}: exit ${code}, ${wall.toFixed(0)} s, peak ${(peak / 1024).toFixed(0)} MiB, tests: ${tests}, load before ${before}, after ${after}`);
  return { wall, peak, code };
}

(async () => {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await once(i));
  const walls = results.map((r) => r.wall).sort((a, b) => a - b);
  const peaks = results.map((r) => r.peak / 1024).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  console.log(`${mode}: n=${runs}, wall median ${median(walls).toFixed(0)} s (${walls[0].toFixed(0)}..${walls.at(-1).toFixed(0)}), peak median ${median(peaks).toFixed(0)} MiB (${peaks[0].toFixed(0)}..${peaks.at(-1).toFixed(0)})`);
  process.exit(results.every((r) => r.code === 0) ? 0 : 1);
})();
