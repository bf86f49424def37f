'use strict';
// Where does a case's peak memory come from? `node bench/gc.js [--runs N] [--trace-gc] [--show-trace] case...`
// (default: 10 runs each of net-1000 and plain-1000, interleaved; needs dist/ built).
// Each run is `node [--trace-gc] bench/case.js <case> <tmp>` with BENCH_PHASES=1,
// so the child records time, RSS and V8 heap at the boundaries of cdktf's
// synth steps (prepareStack, aspects, validations, toTerraform,
// json-stable-stringify, writeFile). The parent samples the child's RSS
// from /proc every few ms, finds the phase the peak falls in, and groups
// the runs into memory modes (as run.js does). With --trace-gc it also
// counts the V8 collections per phase; --show-trace prints the GC lines of
// the synth steps of one run per mode.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const RUNS = opt('--runs', 10);
const TRACE = argv.includes('--trace-gc') || argv.includes('--show-trace');
const SHOW = argv.includes('--show-trace');
const EXTRA = argv.includes('--node-args') ? argv[argv.indexOf('--node-args') + 1].split(' ').filter(Boolean) : [];
const skip = new Set(['--runs', '--node-args'].map((f) => argv.indexOf(f) + 1).filter((i) => i > 0));
const CASES = argv.filter((a, i) => !a.startsWith('--') && !skip.has(i));
if (!CASES.length) CASES.push('net-1000', 'plain-1000');
const MODE_GAP = 1.25;
const SAMPLE_MS = 4;

function readRssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// A twin is derived from its library case's output: made once here, so no
// measured run synthesizes the library case first.
const sources = {};
function twinEnv(caseName) {
  const { TWINS } = require('./twin');
  const { stackFile } = require('./twin-check');
  const lib = TWINS[caseName]?.of;
  if (!lib) return {};
  if (!sources[lib]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `weave-gc-source-${lib}-`));
    const r = require('child_process').spawnSync(process.execPath, [path.join(__dirname, 'case.js'), lib, path.join(dir, 'out')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${lib} exited ${r.status}: ${r.stderr}`);
    sources[lib] = stackFile(path.join(dir, 'out'));
  }
  return { WEAVE_TWIN_SOURCE: sources[lib] };
}

function runOnce(caseName) {
  return new Promise((resolve, reject) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `weave-gc-${caseName}-`));
    const args = [...(TRACE ? ['--trace-gc'] : []), ...EXTRA, path.join(__dirname, 'case.js'), caseName, path.join(dir, 'out')];
    const child = spawn(process.execPath, args, { env: { ...process.env, BENCH_PHASES: '1', CHECKPOINT_DISABLE: '1', ...twinEnv(caseName) } });
    let out = '';
    let err = '';
    const samples = [];
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setInterval(() => {
      const rss = readRssKiB(child.pid);
      if (rss !== undefined) samples.push({ now: Date.now(), rss });
    }, SAMPLE_MS);
    child.on('close', (code) => {
      clearInterval(timer);
      fs.rmSync(dir, { recursive: true, force: true });
      if (code !== 0) return reject(new Error(`${caseName} exited ${code}: ${err}`));
      const lines = out.trim().split('\n');
      const result = JSON.parse(lines.pop());
      resolve({ result, samples, trace: lines });
    });
  });
}

const mib = (b) => (b / 2 ** 20).toFixed(0);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Phase a wall-clock time falls in: the last mark at or before it. */
function phaseAt(phases, now) {
  let name = 'construct';
  for (const p of phases) if (p.now <= now) name = p.name;
  return name.replace(/:(start|end)$/, (m, k) => (k === 'start' ? '' : ' (after)'));
}

/** GC events of a --trace-gc log, with times relative to the isolate's start (ms). */
function gcEvents(trace) {
  const ev = [];
  for (const l of trace) {
    const m = /\]\s+(\d+) ms: (Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep)[^ ]* ([\d.]+) \(([\d.]+)\) -> ([\d.]+) \(([\d.]+)\) MB/.exec(l);
    if (m) ev.push({ t: Number(m[1]), kind: m[2], before: Number(m[3]), committedBefore: Number(m[4]), after: Number(m[5]), committed: Number(m[6]), line: l });
  }
  return ev;
}

async function main() {
  console.log(`bench/gc.js — ${new Date().toISOString()}, load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}, node ${process.version}${EXTRA.length ? `, node args ${EXTRA.join(' ')}` : ''}`);
  console.log(`${RUNS} runs each of ${CASES.join(', ')}, interleaved; RSS sampled every ${SAMPLE_MS} ms from /proc${TRACE ? '; --trace-gc' : ''}`);
  const runs = Object.fromEntries(CASES.map((c) => [c, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const c of CASES) runs[c].push(await runOnce(c));
    process.stdout.write(` ${i + 1}`);
  }
  process.stdout.write('\n');

  for (const c of CASES) {
    const rs = runs[c];
    const peaks = rs.map((r) => r.result.maxRssKiB);
    const sorted = [...peaks].sort((a, b) => a - b);
    const bounds = [];
    for (let i = 1; i < sorted.length; i++) if (sorted[i] > MODE_GAP * sorted[i - 1]) bounds.push(sorted[i]);
    const modeOf = (kib) => bounds.filter((b) => kib >= b).length;
    const modes = bounds.length + 1;
    console.log('');
    console.log(`== ${c}: peak RSS median ${(median(peaks) / 1024).toFixed(0)} MiB (${(sorted[0] / 1024).toFixed(0)}..${(sorted[sorted.length - 1] / 1024).toFixed(0)}); ${modes} mode(s): ` +
      Array.from({ length: modes }, (_, m) => `${peaks.filter((p) => modeOf(p) === m).length} run(s)`).join(' + '));
    console.log('   run  peak  mode  peak falls in         RSS / heap used / heap committed (MiB) at: toTerraform:start  stringify:start  stringify:end  writeFile:end' + (TRACE ? '   mark-compacts (in synth)  last MC at' : ''));
    const shown = new Set();
    rs.forEach((r, i) => {
      const ph = r.result.phases;
      const at = (n) => ph.find((p) => p.name === n);
      const fmt = (n) => {
        const p = at(n);
        return p ? `${mib(p.rss)}/${mib(p.heapUsed)}/${mib(p.heapTotal)}` : '-';
      };
      const peakSample = r.samples.reduce((a, b) => (b.rss > a.rss ? b : a), { rss: 0, now: 0 });
      let gcText = '';
      if (TRACE) {
        const ev = gcEvents(r.trace);
        // Isolate time ~ performance.now() of the child (both count from process start).
        const synthStart = at('synth:start').t;
        const mcs = ev.filter((e) => e.kind === 'Mark-Compact');
        const inSynth = mcs.filter((e) => e.t >= synthStart);
        const last = mcs[mcs.length - 1];
        const tenure = r.trace.filter((l) => /=> tenure/.test(l)).length;
        gcText = `   ${String(mcs.length).padStart(2)} (${inSynth.length})`.padEnd(28) + (tenure ? `tenure decisions ${tenure}  ` : '') + (last ? `${last.t} ms ${last.before}->${last.after} (${last.committed}) MB in ${phaseAt(ph.map((p) => ({ ...p, now: p.t })), last.t)}` : '');
      }
      const mode = modeOf(r.result.maxRssKiB);
      console.log(`   ${String(i + 1).padStart(3)}  ${String(Math.round(r.result.maxRssKiB / 1024)).padStart(4)}  ${String(mode).padStart(4)}  ${phaseAt(ph, peakSample.now).padEnd(20)}  ` +
        `${fmt('toTerraform:start').padEnd(18)} ${fmt('stringify:start').padEnd(16)} ${fmt('stringify:end').padEnd(14)} ${fmt('writeFile:end')}${gcText}`);
      if (SHOW && !shown.has(mode)) {
        shown.add(mode);
        // V8's trace lines in their own order (pretenuring lines carry no
        // time; they follow the scavenge that decided them), phase marks
        // placed by the times of the GC lines around them.
        console.log(`        V8 trace of run ${i + 1} (mode ${mode}); phase marks interleaved:`);
        const marks = ph.map((p) => ({ t: p.t, text: `---- ${p.name}: rss ${mib(p.rss)} MiB, heap used ${mib(p.heapUsed)} / committed ${mib(p.heapTotal)} MiB` }));
        let mi = 0;
        for (const l of r.trace) {
          const m = /\]\s+(\d+) ms: /.exec(l);
          if (m) while (mi < marks.length && marks[mi].t <= Number(m[1])) console.log(`        ${marks[mi++].text}`);
          if (m || /=> tenure|tenured=[1-9]/.test(l)) console.log(`        ${l.replace(/^\[\d+:0x[0-9a-f]+\]\s+/, '').slice(0, 160)}`);
        }
        while (mi < marks.length) console.log(`        ${marks[mi++].text}`);
      }
    });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
