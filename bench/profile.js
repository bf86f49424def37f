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
  // Nearest project frame (compiled dist/ code, not bench/), and whether the
  // sample is inside cdktf's token creation-stack capture.
  const isProject = (n) => /\/dist\//.test(n.callFrame.url) && !n.callFrame.url.includes('/node_modules/');
  const isCapture = (n) => n.callFrame.functionName === 'captureStackTrace' && n.callFrame.url.includes('stack-trace');
  const byProject = new Map(); // key -> [total, capture]
  for (const [id, us] of self) {
    {
      let proj;
      let capture = false;
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const n = byId.get(cur);
        if (!capture && isCapture(n)) capture = true;
        if (isProject(n)) { proj = fnKey(n); break; }
      }
      const node = byId.get(id);
      const k = proj ?? (node.callFrame.url ? '(no project frame on the stack: cdktf/node/module loading)' : `(${node.callFrame.functionName || 'native'})`);
      const e = byProject.get(k) || [0, 0];
      e[0] += us;
      if (capture) e[1] += us;
      byProject.set(k, e);
    }
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
  const projRows = [...byProject.entries()].sort((a, b) => b[1][0] - a[1][0]).slice(0, 15);
  const projTable = [
    'CPU time by nearest project frame (the dist/ function that led to it; "capture" = the part spent in',
    'cdktf\'s captureStackTrace, which every new Token/Lazy/Intrinsic runs for its creationStack):',
    ...projRows.map(([k, [t, c]]) => `  ${ms(t)} ${pct(t)}  (capture ${ms(c).trim()})  ${k}`),
  ];
  let captureTotal = 0;
  for (const [, [, c]] of byProject) captureTotal += c;
  const skipIncl = new Set(['(root)', '(program)', '(garbage collector)', '(idle)']);
  // Leave out the root, module-loader and bench entry frames every sample sits under.
  const boring = (k) => skipIncl.has(k.split('  ')[0]) || / node:internal\/(main|modules)\//.test(k) || / bench\/case\.js:/.test(k);
  const incl = new Map([...inclByFn].filter(([k]) => !boring(k)));
  return [
    `profile: ${file}`,
    `sampled CPU time: ${(total / 1000).toFixed(0)} ms, of which ${(captureTotal / 1000).toFixed(0)} ms (${((100 * captureTotal) / total).toFixed(1)}%) inside cdktf captureStackTrace`,
    '',
    ...projTable,
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
