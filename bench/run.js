'use strict';
// `npm run bench`: synth cost of the library against plain-cdktf twins of the
// same Terraform, measured interleaved in one run. See bench/README.md.
// Options (after `npm run bench --`):
//   --runs N       measured runs per case (default 5; each case also gets 1 discarded warm-up)
//   --with-100     also measure net-100 and its twin plain-100
//   --cases a,b,.. measure only these cases (e.g. --cases net-1000,plain-1000 --runs 10); targets
//                  whose cases are left out are skipped
//   --strict       exit 1 when a target is missed (default: exit 0, it is a report)
//   --test         also time `npm test` (off by default: it takes ~30 s a run and needs the CPU)
//   --test-runs N  npm test runs (default: 3 if the first takes < 60 s, else 1)
//   --cli          also time `npx cdktf synth` on this project against an empty app (off by default)
//   --cli-runs N   runs per CLI case (default 5)
//   --profile      CPU-profile one net-1000 run at the end (bench/profile.js)
//   --no-build     measure dist/ as it is (default: `npx tsc -p .` first)
// (--skip-test / --skip-cli / --no-profile are accepted for older habits: they are the defaults.)
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { compareTwins, stackFile } = require('./twin-check');
const { TWINS } = require('./twin');

const ROOT = path.join(__dirname, '..');
const CASE_JS = path.join(__dirname, 'case.js');
const TIME_BIN = '/usr/bin/time';

// ---------------------------------------------------------------- targets (issue 10)
const TWIN_WALL = 1.15; // 1,000 hosts: wall within 1.15x of the address-identical plain twin
const TWIN_RSS = 1.3; //   ... and peak RSS within 1.3x of the twin's
const STABLE = 1.25; //    every case: max within 1.25x of its median, wall and RSS
const SEED_FLOOR = 1.3; // seed within 1.3x of the empty-app floor
const MODE_GAP = 1.25; //  a memory mode boundary: consecutive sorted peak RSS figures more than 25 % apart

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const num = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
  return n;
};
const RUNS = num('--runs', 5);
const TEST_RUNS = num('--test-runs', undefined);
const CLI_RUNS = num('--cli-runs', 5);

// Child processes: no HashiCorp checkpoint calls, no inherited cdktf state.
const ENV = { ...process.env, CHECKPOINT_DISABLE: '1' };
for (const k of ['CDKTF_OUTDIR', 'CDKTF_CONTEXT_JSON', 'CDKTF_TARGET_STACK_ID', 'NODE_OPTIONS']) delete ENV[k];

// ---------------------------------------------------------------- helpers
const log = (...a) => console.log(...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const sec = (ms) => (ms / 1000).toFixed(3) + ' s';
const mib = (kib) => (kib / 1024).toFixed(1) + ' MiB';
const x = (r) => r.toFixed(2) + 'x';
const load = () => os.loadavg().map((v) => v.toFixed(2)).join(' ');
const hrms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const tmp = (prefix) => fs.mkdtempSync(path.join(os.tmpdir(), `weave-bench-${prefix}-`));
const tail = (s, n = 20) => String(s || '').trimEnd().split('\n').slice(-n).join('\n');

function hasGnuTime() {
  try {
    fs.accessSync(TIME_BIN, fs.constants.X_OK);
    const r = spawnSync(TIME_BIN, ['-f', '%e %M', 'true'], { encoding: 'utf8' });
    return r.status === 0 && /^\d+(\.\d+)? \d+\s*$/m.test(r.stderr);
  } catch {
    return false;
  }
}
const GNU_TIME = hasGnuTime();

/**
 * Runs argv once; returns parent-measured wall time (process.hrtime around
 * the spawn) and peak RSS of the measured process (GNU time %M when
 * available). The child's own stdout is returned for the caller to parse.
 */
function measure(cmd, args, { cwd = ROOT, env = ENV } = {}) {
  let timeFile;
  let fullCmd = cmd;
  let fullArgs = args;
  if (GNU_TIME) {
    timeFile = path.join(os.tmpdir(), `weave-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
    fullCmd = TIME_BIN;
    fullArgs = ['-o', timeFile, '-f', '%e %M', cmd, ...args];
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(fullCmd, fullArgs, { cwd, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  const wallMs = hrms(t0);
  let maxRssKiB;
  if (timeFile) {
    const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n');
    fs.rmSync(timeFile, { force: true });
    // GNU time prints "Command exited with non-zero status N" first on failure.
    const m = /(\d+(?:\.\d+)?) (\d+)$/.exec(lines[lines.length - 1]);
    if (m) maxRssKiB = Number(m[2]);
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, wallMs, maxRssKiB };
}

/**
 * Splits peak-RSS figures into memory modes: sorted, a new mode starts where
 * one figure is more than MODE_GAP times the one before it. One mode means
 * the case's memory is not bimodal in this run.
 */
function memoryModes(rss) {
  const s = [...rss].sort((a, b) => a - b);
  const modes = [[s[0]]];
  for (let i = 1; i < s.length; i++) {
    if (s[i] > MODE_GAP * s[i - 1]) modes.push([]);
    modes[modes.length - 1].push(s[i]);
  }
  return modes;
}

// ---------------------------------------------------------------- steps
function build() {
  log('== Build: npx tsc -p .  (compiled JS into dist/)');
  const t0 = process.hrtime.bigint();
  let r = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  const needed = ['dist/lib/index.js', 'dist/stacks/seed.js'].map((f) => path.join(ROOT, f));
  if (!needed.every((f) => fs.existsSync(f))) {
    // Incremental build info can outlive a deleted dist/; rebuild from scratch.
    fs.rmSync(path.join(ROOT, 'dist', '.tsbuildinfo'), { force: true });
    r = spawnSync('npx', ['tsc', '-p', '.'], { cwd: ROOT, env: ENV, encoding: 'utf8' });
  }
  const missing = needed.filter((f) => !fs.existsSync(f));
  if (missing.length) {
    log(tail(r.stdout + r.stderr, 40));
    throw new Error(`build produced no ${missing.join(', ')}`);
  }
  if (r.status !== 0) {
    // tsc emits despite type errors (noEmitOnError is off); the bench can run,
    // but say so: the compiled JS may not be what the sources intend.
    const errs = (r.stdout.match(/error TS\d+/g) || []).length;
    log(`   WARNING: tsc exited ${r.status} with ${errs} type error(s); dist/ was emitted anyway. First lines:`);
    log(tail(r.stdout, 8).replace(/^/gm, '     '));
  }
  log(`   done in ${sec(hrms(t0))}`);
}

// The order of one round; later rounds rotate it by one, so no case always
// follows the same neighbour or sits at the same place in a round.
const ALL_CASES = [
  { name: 'empty', label: 'floor: empty app (App + empty TerraformStack)' },
  { name: 'seed', label: 'seed stack (stacks/seed.ts: 5 hosts, 45 resources)', library: true },
  { name: 'plain-seed', label: 'twin of seed: same addresses, plain cdktf', twinOf: 'seed' },
  { name: 'net-1000', label: 'generated, 1,000 hosts (50 clusters x 20)', library: true },
  { name: 'plain-1000', label: 'twin of net-1000: same addresses, plain cdktf', twinOf: 'net-1000' },
  { name: 'plain-flat-1000', label: 'flat reference: 1,000-host graph, short ids', flatOf: 'net-1000' },
  { name: 'plain-flat-seed', label: 'flat reference: seed-sized graph, short ids', flatOf: 'seed' },
  { name: 'net-100', label: 'generated, 100 hosts (20 clusters x 5)', library: true, optional: true },
  { name: 'plain-100', label: 'twin of net-100: same addresses, plain cdktf', twinOf: 'net-100', optional: true },
];
const CASES_ARG = argv.includes('--cases') ? argv[argv.indexOf('--cases') + 1].split(',') : undefined;
for (const n of CASES_ARG ?? []) if (!ALL_CASES.some((c) => c.name === n)) throw new Error(`--cases: unknown case ${n}`);
const SYNTH_CASES = ALL_CASES.filter((c) => (CASES_ARG ? CASES_ARG.includes(c.name) : !c.optional || flag('--with-100')));
const has = (...names) => names.every((n) => SYNTH_CASES.some((c) => c.name === n));

/** Counts what a synthesized stack holds, as a check that the case did its work. */
function describeOutput(outdir) {
  const stacks = path.join(outdir, 'stacks');
  const out = [];
  for (const s of fs.readdirSync(stacks)) {
    const file = path.join(stacks, s, 'cdk.tf.json');
    const bytes = fs.statSync(file).size;
    const tf = JSON.parse(fs.readFileSync(file, 'utf8'));
    let resources = 0;
    for (const byType of Object.values(tf.resource || {})) resources += Object.keys(byType).length;
    const vms = Object.keys((tf.resource || {}).azurerm_linux_virtual_machine || {}).length;
    const provisioners = Object.values((tf.resource || {}).terraform_data || {}).filter((r) => r.connection).length;
    out.push(`${s}: ${resources} resources (${vms} VMs, ${provisioners} SSH provisioners), ${Object.keys(tf.output || {}).length} outputs, ` +
      `${Object.keys(tf.provider || {}).reduce((n, k) => n + [].concat(tf.provider[k]).length, 0)} provider blocks, ${(bytes / 1024).toFixed(0)} KiB`);
  }
  return out.join('; ');
}

function runSynthCases() {
  log('');
  log('== Synth (compiled JS from dist/; each run is one fresh `node bench/case.js <case> <tmp outdir>`)');
  log(`   1 warm-up round (discarded), then ${RUNS} measured rounds; every round runs each case once, the order rotated by one each round.`);
  log(`   wall = process.hrtime around the child; CPU = the child's own user+system time (process.resourceUsage);`);
  log(`   peak RSS = ${GNU_TIME ? `${TIME_BIN} -f %M` : 'process.resourceUsage().maxRSS in the child (no GNU time found)'}.`);
  const results = Object.fromEntries(SYNTH_CASES.map((c) => [c.name, { wall: [], cpu: [], rss: [], phases: [], check: '' }]));
  const warmDirs = {};
  // A twin is derived from its library case's output (bench/twin.js): the
  // library's warm-up run, which comes first in round 0, or, when the library
  // case is not measured, one run of it made here.
  const sourceDirs = {};
  for (const c of SYNTH_CASES.filter((c) => TWINS[c.name] && !has(TWINS[c.name].of))) {
    const lib = TWINS[c.name].of;
    if (sourceDirs[lib]) continue;
    const dir = tmp(`${lib}-source`);
    const r = measure(process.execPath, [CASE_JS, lib, path.join(dir, 'out')]);
    if (r.status !== 0) throw new Error(`case ${lib} (the source of ${c.name}) failed (exit ${r.status}): ${tail(r.stderr, 10)}`);
    sourceDirs[lib] = dir;
  }
  const twinSource = (c) => {
    const dir = warmDirs[TWINS[c.name].of] ?? sourceDirs[TWINS[c.name].of];
    return { ...ENV, WEAVE_TWIN_SOURCE: stackFile(path.join(dir, 'out')) };
  };
  for (let round = 0; round <= RUNS; round++) {
    const k = round % SYNTH_CASES.length;
    const order = [...SYNTH_CASES.slice(k), ...SYNTH_CASES.slice(0, k)];
    for (const c of order) {
      const dir = tmp(c.name);
      const outdir = path.join(dir, 'out');
      const r = measure(process.execPath, [CASE_JS, c.name, outdir], TWINS[c.name] ? { env: twinSource(c) } : {});
      if (r.status !== 0) {
        log(tail(r.stderr, 30));
        for (const d of [dir, ...Object.values(warmDirs)]) fs.rmSync(d, { recursive: true, force: true });
        throw new Error(`case ${c.name} failed (exit ${r.status}${r.signal ? ', ' + r.signal : ''})`);
      }
      const self = JSON.parse(r.stdout.trim().split('\n').pop());
      if (round === 0) {
        results[c.name].check = describeOutput(outdir);
        warmDirs[c.name] = dir; // kept for the twin check below
        continue;
      }
      const res = results[c.name];
      res.wall.push(r.wallMs);
      res.cpu.push(self.userMs + self.systemMs);
      res.rss.push(r.maxRssKiB ?? self.maxRssKiB);
      res.phases.push(self.marks);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write(round === 0 ? '   warm-up done' : ` .. round ${round}/${RUNS}`);
  }
  process.stdout.write('\n');
  const twinChecks = {};
  for (const c of SYNTH_CASES.filter((c) => c.twinOf && has(c.twinOf))) {
    twinChecks[c.name] = compareTwins(path.join(warmDirs[c.twinOf], 'out'), path.join(warmDirs[c.name], 'out'));
  }
  for (const dir of [...Object.values(warmDirs), ...Object.values(sourceDirs)]) fs.rmSync(dir, { recursive: true, force: true });
  return { results, twinChecks };
}

function runNpmTest() {
  log('');
  log('== npm test (tsc --noEmit && the fast tier), wall time of the whole `npm test` process');
  const runs = [];
  for (let i = 0; ; i++) {
    const r = measure('npm', ['test']);
    runs.push(r);
    log(`   run ${i + 1}: ${sec(r.wallMs)}, exit ${r.status}${r.maxRssKiB ? `, largest single-process peak RSS ${mib(r.maxRssKiB)}` : ''}`);
    if (r.status !== 0) {
      log('   npm test FAILED; last lines of its output:');
      log(tail(r.stdout + '\n' + r.stderr, 25).replace(/^/gm, '     | '));
      break;
    }
    if (runs.length >= (TEST_RUNS ?? (runs[0].wallMs < 60000 ? 3 : 1))) break;
  }
  return { wall: runs.map((r) => r.wallMs), ok: runs.every((r) => r.status === 0), exit: runs[runs.length - 1].status };
}

const EMPTY_APP = `// Written by bench/run.js: the CLI floor, an empty cdktf app.
const { App, TerraformStack } = require('cdktf');
const app = new App();
new TerraformStack(app, 'empty');
app.synth();
`;

function runCli() {
  log('');
  log('== CLI: `npx cdktf synth --output <tmp>` (CHECKPOINT_DISABLE=1)');
  log('   project: this repo (cdktf.json app: node -r @swc-node/register main.ts)');
  const emptyDir = tmp('cli-empty');
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(emptyDir, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(emptyDir, 'empty-app.js'), EMPTY_APP);
  fs.writeFileSync(
    path.join(emptyDir, 'cdktf.json'),
    JSON.stringify({ language: 'typescript', app: 'node empty-app.js', sendCrashReports: 'false', terraformProviders: [], terraformModules: [], context: {} }, null, 2),
  );
  log(`   floor:   ${emptyDir} (cdktf.json app: node empty-app.js; node_modules -> this repo's, symlinked)`);
  log(`   1 warm-up run per case (discarded), then ${CLI_RUNS} measured runs per case, interleaved.`);
  const cases = [
    { name: 'cli-empty', cwd: emptyDir, stack: 'empty' },
    { name: 'cli-project', cwd: ROOT, stack: 'weave-seed' },
  ];
  const res = { 'cli-empty': [], 'cli-project': [] };
  for (let round = 0; round <= CLI_RUNS; round++) {
    for (const c of cases) {
      const out = path.join(tmp(c.name), 'out');
      const r = measure('npx', ['cdktf', 'synth', '--output', out], { cwd: c.cwd });
      const file = path.join(out, 'stacks', c.stack, 'cdk.tf.json');
      if (r.status !== 0 || !fs.existsSync(file)) {
        log(tail(r.stdout + '\n' + r.stderr, 30));
        throw new Error(`${c.name}: cdktf synth failed (exit ${r.status}) or wrote no ${file}`);
      }
      if (round > 0) res[c.name].push(r.wallMs);
      fs.rmSync(path.dirname(out), { recursive: true, force: true });
    }
    process.stdout.write(round === 0 ? '   warm-up done' : ` .. run ${round}/${CLI_RUNS}`);
  }
  process.stdout.write('\n');
  fs.rmSync(emptyDir, { recursive: true, force: true });
  return res;
}

// ---------------------------------------------------------------- main
function main() {
  const t0 = process.hrtime.bigint();
  log(`cdktf-weave-azure bench — ${new Date().toISOString()}`);
  log(`node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), ${mib(os.totalmem() / 1024)} RAM, ${os.platform()} ${os.release()}`);
  log(`cdktf ${require('cdktf/package.json').version}, @cdktf/provider-azurerm ${require('@cdktf/provider-azurerm/package.json').version}`);
  log(`load average at start (1/5/15 min): ${load()}  — other work on this machine inflates wall times (see CPU and min..max)`);
  log('');

  if (!flag('--no-build')) build();
  const { results: synth, twinChecks } = runSynthCases();
  const test = flag('--test') ? runNpmTest() : undefined;
  const cli = flag('--cli') ? runCli() : undefined;

  // ------------------------------------------------------------ figures
  const fig = Object.fromEntries(
    SYNTH_CASES.map((c) => {
      const r = synth[c.name];
      const ph = (k) => median(r.phases.map((p) => p[k]));
      const stat = (xs) => ({ med: median(xs), min: Math.min(...xs), max: Math.max(...xs), all: xs });
      return [c.name, {
        wall: stat(r.wall),
        cpu: stat(r.cpu),
        rss: stat(r.rss),
        modes: memoryModes(r.rss),
        phases: { boot: ph('start'), require: ph('required') - ph('start'), construct: ph('constructed') - ph('required'), synth: ph('synthesized') - ph('constructed') },
      }];
    }),
  );
  // Without the floor (--cases leaves it out) the "x floor" columns print "-".
  const floor = fig.empty;
  const xf = (v, k) => (floor ? x(v / floor[k].med) : '-');

  log('');
  log('================================================================ RESULTS');
  log(`Synth, whole process, ${RUNS} runs per case: median (min..max). x floor = median / empty-app median.`);
  log(`  ${'case'.padEnd(16)} ${'wall'.padStart(8)} ${'(min..max)'.padEnd(17)} ${'x floor'.padStart(7)}  ${'CPU u+s'.padStart(8)} ${'(min..max)'.padEnd(17)} ${'x floor'.padStart(7)}  peak RSS (min..max)`);
  for (const c of SYNTH_CASES) {
    const f = fig[c.name];
    const s = (v) => (v / 1000).toFixed(3);
    log(`  ${c.name.padEnd(16)} ${sec(f.wall.med).padStart(8)} ${`(${s(f.wall.min)}..${s(f.wall.max)})`.padEnd(17)} ${xf(f.wall.med, 'wall').padStart(7)}  ` +
      `${sec(f.cpu.med).padStart(8)} ${`(${s(f.cpu.min)}..${s(f.cpu.max)})`.padEnd(17)} ${xf(f.cpu.med, 'cpu').padStart(7)}  ` +
      `${mib(f.rss.med)} (${(f.rss.min / 1024).toFixed(1)}..${(f.rss.max / 1024).toFixed(1)})`);
  }
  log('  cases:');
  for (const c of SYNTH_CASES) log(`    ${c.name.padEnd(16)} ${c.label}`);
  log('');
  log('  Every run (wall s / CPU s / peak RSS MiB), in measurement order:');
  for (const c of SYNTH_CASES) {
    const r = synth[c.name];
    log(`    ${c.name.padEnd(16)} ${r.wall.map((w, i) => `${(w / 1000).toFixed(2)}/${(r.cpu[i] / 1000).toFixed(2)}/${(r.rss[i] / 1024).toFixed(0)}`).join('  ')}`);
  }
  log('');
  log('  In-process phases (median ms; boot = node start-up before case.js runs, require = loading cdktf/provider/dist modules):');
  for (const c of SYNTH_CASES) {
    const p = fig[c.name].phases;
    log(`    ${c.name.padEnd(16)} boot ${p.boot.toFixed(0).padStart(5)}  require ${p.require.toFixed(0).padStart(5)}  construct ${p.construct.toFixed(0).padStart(6)}  synth ${p.synth.toFixed(0).padStart(6)}`);
  }
  log('');
  log('  Output check (warm-up run):');
  for (const c of SYNTH_CASES) log(`    ${c.name.padEnd(16)} ${synth[c.name].check}`);
  log('');
  log('  Twin check (warm-up outputs; bench/twin-check.js): does each twin synthesize the library case\'s Terraform?');
  for (const [twin, r] of Object.entries(twinChecks)) {
    const lib = SYNTH_CASES.find((c) => c.name === twin).twinOf;
    log(`    ${lib} vs ${twin}: ${r.ok ? 'MATCH' : 'MISMATCH (the ratios against this twin compare different Terraform)'}`);
    for (const l of r.lines) log(`      ${l}`);
  }
  log('');
  log('  Memory modes (sorted peak RSS split where one run is > ' + `${Math.round((MODE_GAP - 1) * 100)} % above the next lower one):`);
  for (const c of SYNTH_CASES) {
    const m = fig[c.name].modes;
    log(`    ${c.name.padEnd(16)} ${m.length === 1 ? '1 mode ' : `${m.length} modes`}  ` +
      m.map((g) => `${g.length} run${g.length > 1 ? 's' : ''} at ${(g[0] / 1024).toFixed(0)}..${(g[g.length - 1] / 1024).toFixed(0)} MiB`).join('; '));
  }

  // Ratio of a library case to a reference, by median and run by run (paired by round).
  const ratios = (a, b, k) => {
    const ra = synth[a][k];
    const rb = synth[b][k];
    const paired = ra.map((v, i) => v / rb[i]);
    return { med: median(ra) / median(rb), pmin: Math.min(...paired), pmax: Math.max(...paired) };
  };
  const ratioLine = (a, b) => {
    const w = ratios(a, b, 'wall');
    const c = ratios(a, b, 'cpu');
    const m = ratios(a, b, 'rss');
    return `wall ${x(w.med)} (per round ${x(w.pmin)}..${x(w.pmax)}), CPU ${x(c.med)} (${x(c.pmin)}..${x(c.pmax)}), peak RSS ${x(m.med)} (${x(m.pmin)}..${x(m.pmax)})`;
  };
  log('');
  log('  Library over plain cdktf (medians; "per round" = the same ratio within each round, min..max):');
  for (const c of SYNTH_CASES.filter((c) => c.twinOf && has(c.twinOf))) log(`    ${c.twinOf} / ${c.name} (address-identical twin):`.padEnd(62) + ratioLine(c.twinOf, c.name));
  for (const c of SYNTH_CASES.filter((c) => c.flatOf && has(c.flatOf))) log(`    ${c.flatOf} / ${c.name} (flat twin, short ids):`.padEnd(62) + ratioLine(c.flatOf, c.name));
  for (const c of SYNTH_CASES.filter((c) => c.twinOf)) {
    const flat = SYNTH_CASES.find((f) => f.flatOf === c.twinOf);
    if (flat) log(`    ${c.name} / ${flat.name} (cdktf's cost of nesting):`.padEnd(62) + ratioLine(c.name, flat.name));
  }

  let testFig;
  if (test) {
    testFig = median(test.wall);
    log('');
    log(`npm test: ${test.wall.length === 1 ? '1 run' : `median of ${test.wall.length} runs`}: ${sec(testFig)}  (runs: ${test.wall.map(sec).join(', ')})${test.ok ? '' : `  — EXITED ${test.exit}`}`);
  }
  let cliFig;
  if (cli) {
    cliFig = { empty: median(cli['cli-empty']), project: median(cli['cli-project']) };
    log('');
    log(`CLI synth, median of ${CLI_RUNS} runs:`);
    log(`  npx cdktf synth, empty app (CLI floor):  ${sec(cliFig.empty)}  (runs: ${cli['cli-empty'].map(sec).join(', ')})`);
    log(`  npx cdktf synth, this project (main.ts): ${sec(cliFig.project)}  (runs: ${cli['cli-project'].map(sec).join(', ')})`);
    log(`  difference: ${sec(cliFig.project - cliFig.empty)}`);
  }

  // ------------------------------------------------------------ targets
  log('');
  log('================================================================ TARGETS (issue 10)');
  const verdicts = [];
  // counts = false: a reference case (floor, twins), printed as "ref PASS/FAIL"
  // beside the library's to tell machine noise from the library's own spread.
  const target = (ok, text, counts = true) => {
    if (counts) verdicts.push(ok);
    log(`  ${counts ? '    ' : 'ref '}${ok ? 'PASS' : 'FAIL'}  ${text}`);
  };
  if (has('net-1000', 'plain-1000')) {
    const n = fig['net-1000'];
    const t = fig['plain-1000'];
    const flat = fig['plain-flat-1000'];
    const w = ratios('net-1000', 'plain-1000', 'wall');
    const cpu = ratios('net-1000', 'plain-1000', 'cpu');
    const r = ratios('net-1000', 'plain-1000', 'rss');
    log('  (a) 1,000 hosts against the address-identical plain twin (plain-1000):');
    target(w.med <= TWIN_WALL, `wall ${sec(n.wall.med)} / ${sec(t.wall.med)} = ${x(w.med)} (limit ${TWIN_WALL}x; per round ${x(w.pmin)}..${x(w.pmax)})   [CPU ${sec(n.cpu.med)} / ${sec(t.cpu.med)} = ${x(cpu.med)}, per round ${x(cpu.pmin)}..${x(cpu.pmax)}]`);
    target(r.med <= TWIN_RSS, `peak RSS ${mib(n.rss.med)} / ${mib(t.rss.med)} = ${x(r.med)} (limit ${TWIN_RSS}x; per round ${x(r.pmin)}..${x(r.pmax)})`);
    if (flat) log(`      for comparison, against the FLAT twin (plain-flat-1000, short ids, not the target's twin): wall ${x(n.wall.med / flat.wall.med)}, CPU ${x(n.cpu.med / flat.cpu.med)}, peak RSS ${x(n.rss.med / flat.rss.med)}`);
    if (twinChecks['plain-1000'] && !twinChecks['plain-1000'].ok) log('      WARNING: plain-1000 does not match net-1000 (see the twin check above); these ratios compare different Terraform.');
  } else log('  (a) 1,000 hosts against its twin: skipped (net-1000 or plain-1000 not measured)');
  log(`  (b) stability: max within ${STABLE}x of the median, wall and peak RSS, over ${RUNS} runs (CPU shown beside wall):`);
  for (const c of SYNTH_CASES) {
    const f = fig[c.name];
    const ww = f.wall.max / f.wall.med;
    const rr = f.rss.max / f.rss.med;
    const cc = f.cpu.max / f.cpu.med;
    target(ww <= STABLE && rr <= STABLE, `${c.name.padEnd(16)} wall max/median ${x(ww)}, peak RSS max/median ${x(rr)}   [CPU max/median ${x(cc)}]`, !!c.library);
  }
  if (has('seed', 'empty')) {
    log(`  (c) seed within ${SEED_FLOOR}x of the empty-app floor:`);
    const sw = ratios('seed', 'empty', 'wall');
    const sc = ratios('seed', 'empty', 'cpu');
    target(sw.med <= SEED_FLOOR, `seed wall ${sec(fig.seed.wall.med)} / floor ${sec(floor.wall.med)} = ${x(sw.med)} (per round ${x(sw.pmin)}..${x(sw.pmax)})   [CPU ${sec(fig.seed.cpu.med)} / ${sec(floor.cpu.med)} = ${x(sc.med)}, per round ${x(sc.pmin)}..${x(sc.pmax)}]`);
    if (has('plain-seed')) log(`      for comparison, plain-seed (same Terraform, plain cdktf): wall ${x(fig['plain-seed'].wall.med / floor.wall.med)}, CPU ${x(fig['plain-seed'].cpu.med / floor.cpu.med)} of the floor`);
  } else log('  (c) seed against the floor: skipped (seed or empty not measured)');
  log('  (d) memory modes: every case in one mode (see "Memory modes" above):');
  for (const c of SYNTH_CASES) {
    const m = fig[c.name].modes;
    target(m.length === 1, `${c.name.padEnd(16)} ${m.map((g) => g.length).join(' + ')} run(s) in ${m.length} mode(s)`, !!c.library);
  }
  if (test) target(test.ok && testFig <= 40000, `npm test (tsc + fast tier) within 40 s: ${sec(testFig)}${test.ok ? '' : ` (FAILED: exited ${test.exit})`}`);
  if (cli) target(cliFig.project - cliFig.empty <= 1500, `npx cdktf synth within 1.5 s of the CLI on an empty app: +${sec(cliFig.project - cliFig.empty)}`);

  if (flag('--profile')) {
    log('');
    log('================================================================ PROFILE (node --cpu-prof, net-1000, one run)');
    const { runProfile, summarize } = require('./profile');
    log(summarize(runProfile('net-1000')).join('\n'));
  }

  log('');
  const failed = verdicts.filter((v) => v === false).length;
  log(`load average at end (1/5/15 min): ${load()}`);
  log(`${failed === 0 ? 'All targets met' : `${failed} target(s) missed`}. Bench took ${sec(hrms(t0))}.`);
  if (failed && flag('--strict')) process.exitCode = 1;
}

try {
  main();
} catch (e) {
  console.error(`bench failed: ${e.stack || e}`);
  process.exitCode = 1;
}
