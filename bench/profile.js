'use strict';
// CPU profile of one case: `node bench/profile.js [case]` (default net-1000).
// Runs `node --cpu-prof bench/case.js <case>` and prints where the time goes:
// self time by function, by file/module and by package, and inclusive
// (self + callees) time by function. Expects dist/ to be built already
// (npm run bench builds it). The .cpuprofile is kept for Chrome DevTools.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const ROOT = path.join(__dirname, '..');

function runProfile(caseName, { intervalUs = 500 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weave-bench-prof-'));
  const outdir = path.join(dir, 'out');
  const r = spawnSync(
    process.execPath,
    ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', String(intervalUs), path.join(__dirname, 'case.js'), caseName, outdir],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' }, maxBuffer: 64 << 20 },
  );
  if (r.status !== 0) throw new Error(`profiling ${caseName} failed (exit ${r.status}):\n${r.stderr}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
  return path.join(dir, file);
}

function shortUrl(url) {
  if (!url) return '(native/V8)';
  let u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('/node_modules/');
  if (nm >= 0) return u.slice(nm + '/node_modules/'.length);
  if (u.startsWith(ROOT + '/')) return u.slice(ROOT.length + 1);
  return u;
}

function packageOf(url) {
  if (!url) return '(native/V8/GC)';
  if (url.startsWith('node:')) return '(node core)';
  const s = shortUrl(url);
  if (s.startsWith('dist/lib/core/')) return 'this project: dist/lib/core';
  if (s.startsWith('dist/lib/constructs/')) return 'this project: dist/lib/constructs';
  if (s.startsWith('dist/') || s.startsWith('bench/')) return 'this project: ' + s.split('/').slice(0, 2).join('/');
  const parts = s.split('/');
  return parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Summarises a .cpuprofile; returns printable lines. */
function summarize(file, { top = 20 } = {}) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map();
  const parent = new Map();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children || []) parent.set(c, n.id);
  }
  const self = new Map(); // node id -> µs
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] || 0;
    total += dt;
    self.set(prof.samples[i], (self.get(prof.samples[i]) || 0) + dt);
  }
  const fnKey = (n) => {
    const cf = n.callFrame;
    const name = cf.functionName || '(anonymous)';
    if (!cf.url) return name;
    return `${name}  ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
  };
  const add = (m, k, v) => m.set(k, (m.get(k) || 0) + v);

  const selfByFn = new Map();
  const selfByFile = new Map();
  const selfByPkg = new Map();
  const inclByFn = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    add(selfByFn, fnKey(n), us);
    add(selfByFile, n.callFrame.url ? shortUrl(n.callFrame.url) : `(${n.callFrame.functionName || 'native'})`, us);
    add(selfByPkg, n.callFrame.url ? packageOf(n.callFrame.url) : `(${n.callFrame.functionName || 'native'})`, us);
    // Inclusive: every distinct function on this sample's stack, once.
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const k = fnKey(byId.get(cur));
      if (seen.has(k)) continue;
      seen.add(k);
      add(inclByFn, k, us);
    }
  }
  const ms = (us) => (us / 1000).toFixed(0).padStart(6) + ' ms';
  const pct = (us) => ((100 * us) / total).toFixed(1).padStart(5) + '%';
  const table = (title, m, n) => {
    const rows = [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
    return [title, ...rows.map(([k, us]) => `  ${ms(us)} ${pct(us)}  ${k}`)];
  };
  const skipIncl = new Set(['(root)', '(program)', '(garbage collector)', '(idle)']);
  const incl = new Map([...inclByFn].filter(([k]) => !skipIncl.has(k.split('  ')[0]) || k.includes('/')));
  return [
    `profile: ${file}`,
    `sampled CPU time: ${(total / 1000).toFixed(0)} ms`,
    '',
    ...table('Self time by package / area:', selfByPkg, 12),
    '',
    ...table('Self time by file:', selfByFile, 15),
    '',
    ...table('Self time by function:', selfByFn, top),
    '',
    ...table('Inclusive time (self + callees) by function:', incl, top + 10),
  ];
}

module.exports = { runProfile, summarize };

if (require.main === module) {
  const arg = process.argv[2] || 'net-1000';
  const file = arg.endsWith('.cpuprofile') ? arg : runProfile(arg);
  console.log(summarize(file).join('\n'));
}
