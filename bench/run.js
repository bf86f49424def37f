'use strict';
// `npm run bench`: whole-process performance figures for this machine, in one
// run. See bench/README.md for the method. Options (after `npm run bench --`):
//   --runs N         measured runs per synth case (default 5, minimum 5)
//   --test-runs N    npm test runs (default: 3 if the first takes < 60 s, else 1)
//   --cli-runs N     runs per CLI case (default 5)
//   --skip-test      skip the npm test measurement
//   --skip-cli       skip the cdktf CLI measurement
//   --profile        always profile the 1,000-host case
//   --no-profile     never profile (default: profile when a synth target fails)
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { NETWORKS } = require('./network');

const ROOT = path.join(__dirname, '..');
const CASE_JS = path.join(__dirname, 'case.js');
const TIME_BIN = '/usr/bin/time';

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
const RUNS = Math.max(5, num('--runs', 5));
const TEST_RUNS = num('--test-runs', undefined);
const CLI_RUNS = Math.max(1, num('--cli-runs', 5));

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
const mb = (kib) => ((kib * 1024) / 1e6).toFixed(0) + ' MB';
const RSS_LIMIT_KIB = (400 * 1e6) / 1024; // 400 MB (decimal) = 381.5 MiB
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
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
function measure(cmd, args, { cwd = ROOT } = {}) {
  let timeFile;
  let fullCmd = cmd;
  let fullArgs = args;
  if (GNU_TIME) {
    timeFile = path.join(os.tmpdir(), `weave-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
    fullCmd = TIME_BIN;
    fullArgs = ['-o', timeFile, '-f', '%e %M', cmd, ...args];
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(fullCmd, fullArgs, { cwd, env: ENV, encoding: 'utf8', maxBuffer: 256 << 20 });
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

const SYNTH_CASES = [
  { name: 'empty', label: 'floor: empty app (App + empty TerraformStack)', hosts: 0 },
  { name: 'seed', label: 'seed stack (stacks/seed.ts, 5 hosts)', hosts: 5 },
  { name: 'net-100', label: `generated, 100 hosts (${NETWORKS['net-100'].clusters} clusters x ${NETWORKS['net-100'].hostsPerCluster})`, hosts: 100 },
  { name: 'net-1000', label: `generated, 1,000 hosts (${NETWORKS['net-1000'].clusters} clusters x ${NETWORKS['net-1000'].hostsPerCluster})`, hosts: 1000 },
  // Same resource graphs as plain cdktf code (bench/plain.js): what cdktf alone costs.
  { name: 'plain-seed', label: 'reference: seed-sized graph, plain cdktf', hosts: 5, reference: true },
  { name: 'plain-1000', label: 'reference: 1,000-host graph, plain cdktf', hosts: 1000, reference: true },
];

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
    const nulls = Object.keys((tf.resource || {}).null_resource || {}).length;
    out.push(`${s}: ${resources} resources (${vms} VMs, ${nulls} null_resource), ${Object.keys(tf.output || {}).length} outputs, ` +
      `${Object.keys(tf.provider || {}).reduce((n, k) => n + [].concat(tf.provider[k]).length, 0)} provider blocks, ${(bytes / 1024).toFixed(0)} KiB`);
  }
  return out.join('; ');
}

function runSynthCases() {
  log('');
  log(`== Synth (compiled JS from dist/; each run is one fresh \`node bench/case.js <case> <tmp outdir>\`)`);
  log(`   1 warm-up run per case (discarded), then ${RUNS} measured runs per case, cases interleaved.`);
  log(`   wall = process.hrtime around the whole child process; peak RSS = ${GNU_TIME ? `${TIME_BIN} -f %M` : 'process.resourceUsage().maxRSS in the child (no GNU time found)'}.`);
  const results = Object.fromEntries(SYNTH_CASES.map((c) => [c.name, { wall: [], rss: [], phases: [], check: '' }]));
  for (let round = 0; round <= RUNS; round++) {
    for (const c of SYNTH_CASES) {
      const outdir = path.join(tmp(c.name), 'out');
      const r = measure(process.execPath, [CASE_JS, c.name, outdir]);
      if (r.status !== 0) {
        log(tail(r.stderr, 30));
        throw new Error(`case ${c.name} failed (exit ${r.status}${r.signal ? ', ' + r.signal : ''})`);
      }
      const self = JSON.parse(r.stdout.trim().split('\n').pop());
      if (round === 0) {
        results[c.name].check = describeOutput(outdir);
      } else {
        results[c.name].wall.push(r.wallMs);
        results[c.name].rss.push(r.maxRssKiB ?? self.maxRssKiB);
        results[c.name].phases.push(self.marks);
      }
      fs.rmSync(path.dirname(outdir), { recursive: true, force: true });
    }
    process.stdout.write(round === 0 ? '   warm-up done' : ` .. run ${round}/${RUNS}`);
  }
  process.stdout.write('\n');
  return results;
}

function runNpmTest() {
  log('');
  log('== Whole suite: npm test  (tsc --noEmit && jest), wall time of the whole `npm test` process');
  const runs = [];
  const want = TEST_RUNS;
  for (let i = 0; ; i++) {
    const r = measure('npm', ['test']);
    runs.push(r);
    log(`   run ${i + 1}: ${sec(r.wallMs)}, exit ${r.status}${r.maxRssKiB ? `, largest single-process peak RSS in the npm test process tree ${mib(r.maxRssKiB)}` : ''}`);
    if (r.status !== 0) {
      log('   npm test FAILED; last lines of its output:');
      log(tail(r.stdout + '\n' + r.stderr, 25).replace(/^/gm, '     | '));
      break;
    }
    const target = want ?? (runs[0].wallMs < 60000 ? 3 : 1);
    if (runs.length >= target) break;
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
  const started = new Date();
  const t0 = process.hrtime.bigint();
  log(`cdktf-weave-azure bench — ${started.toISOString()}`);
  log(`node ${process.version}, ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model ?? '?'}), ${mib(os.totalmem() / 1024)} RAM, ${os.platform()} ${os.release()}`);
  log(`cdktf ${require('cdktf/package.json').version}, cdktf-cli ${require('cdktf-cli/package.json').version}, @cdktf/provider-azurerm ${require('@cdktf/provider-azurerm/package.json').version}`);
  log(`load average at start (1/5/15 min): ${load()}  — other work on this machine inflates wall times; see min..max`);
  log(`peak RSS source: ${GNU_TIME ? `GNU time (${TIME_BIN} -f '%e %M')` : 'process.resourceUsage().maxRSS reported by the child'}`);
  log('');

  build();
  const synth = runSynthCases();
  const test = flag('--skip-test') ? undefined : runNpmTest();
  const cli = flag('--skip-cli') ? undefined : runCli();

  // ------------------------------------------------------------ report
  const floor = median(synth.empty.wall);
  const fig = Object.fromEntries(
    SYNTH_CASES.map((c) => {
      const r = synth[c.name];
      const ph = (k) => median(r.phases.map((p) => p[k]));
      return [c.name, {
        wall: median(r.wall),
        min: Math.min(...r.wall),
        max: Math.max(...r.wall),
        rss: median(r.rss),
        rssMax: Math.max(...r.rss),
        phases: { boot: ph('start'), require: ph('required') - ph('start'), construct: ph('constructed') - ph('required'), synth: ph('synthesized') - ph('constructed') },
      }];
    }),
  );
  const perHost = (n) => (fig[n].wall - floor) / SYNTH_CASES.find((c) => c.name === n).hosts;

  log('');
  log('================================================================ RESULTS');
  log(`Synth, whole process, median of ${RUNS} runs (min..max); ratio = median / floor median`);
  log('  case                                              wall (median)  min..max            x floor   peak RSS (median, max)');
  for (const c of SYNTH_CASES) {
    const f = fig[c.name];
    log(`  ${c.label.padEnd(48)}  ${sec(f.wall).padStart(11)}  ${(sec(f.min) + '..' + sec(f.max)).padEnd(18)}  ${(f.wall / floor).toFixed(2).padStart(6)}x   ${mib(f.rss)}, ${mib(f.rssMax)}`);
  }
  log('');
  log('  In-process phases (median ms; boot = node start-up before case.js runs, require = loading cdktf/provider/dist modules):');
  for (const c of SYNTH_CASES) {
    const p = fig[c.name].phases;
    log(`    ${c.name.padEnd(9)} boot ${p.boot.toFixed(0).padStart(5)}  require ${p.require.toFixed(0).padStart(5)}  construct ${p.construct.toFixed(0).padStart(6)}  synth ${p.synth.toFixed(0).padStart(6)}`);
  }
  log('');
  log('  Output check (warm-up run):');
  for (const c of SYNTH_CASES) log(`    ${c.name.padEnd(9)} ${synth[c.name].check}`);
  log('');
  log('  per-host cost := (synth wall median - floor wall median) / hosts');
  log(`    100 hosts:   ${perHost('net-100').toFixed(2)} ms/host`);
  log(`    1,000 hosts: ${perHost('net-1000').toFixed(2)} ms/host   (ratio 1000/100 = ${(perHost('net-1000') / perHost('net-100')).toFixed(2)})`);

  log('');
  log('  library cost over plain cdktf with the same resources (case median - its plain twin\'s median):');
  log(`    seed:        ${sec(fig.seed.wall - fig['plain-seed'].wall)}  (${(fig['plain-seed'].wall / floor).toFixed(2)}x floor for plain cdktf alone)`);
  log(`    1,000 hosts: ${sec(fig['net-1000'].wall - fig['plain-1000'].wall)}  (plain cdktf alone: ${sec(fig['plain-1000'].wall)}, ${mib(fig['plain-1000'].rss)})`);

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
    log(`  difference: ${sec(cliFig.project - cliFig.empty)}   ratio ${(cliFig.project / cliFig.empty).toFixed(2)}x; in-process floor for comparison ${sec(floor)}`);
  }

  // ------------------------------------------------------------ targets
  log('');
  log('================================================================ TARGETS');
  const verdicts = [];
  const target = (ok, text) => {
    verdicts.push(ok);
    log(`  ${ok === undefined ? 'SKIP' : ok ? 'PASS' : 'FAIL'}  ${text}`);
  };
  target(fig.seed.wall <= 1.5 * floor, `seed synth within 1.5x floor: ${sec(fig.seed.wall)} = ${(fig.seed.wall / floor).toFixed(2)}x floor (${sec(floor)})`);
  target(fig['net-1000'].wall <= 3000, `1,000-host synth within 3 s wall: ${sec(fig['net-1000'].wall)}`);
  target(fig['net-1000'].rss <= RSS_LIMIT_KIB, `1,000-host synth within 400 MB peak RSS: ${mb(fig['net-1000'].rss)} = ${mib(fig['net-1000'].rss)} (median; max ${mib(fig['net-1000'].rssMax)}; limit 400 MB = 381.5 MiB)`);
  const ratio = perHost('net-1000') / perHost('net-100');
  target(ratio <= 1.3, `per-host cost at 1,000 within 1.3x per-host cost at 100: ${perHost('net-1000').toFixed(2)} vs ${perHost('net-100').toFixed(2)} ms/host = ${ratio.toFixed(2)}x  [per-host = (synth - floor) / hosts]`);
  if (test) {
    target(test.ok && testFig <= 60000, `npm test within 60 s: ${sec(testFig)}${test.ok ? '' : ` (FAILED: npm test exited ${test.exit}, so this is not a whole-suite time)`}`);
  } else target(undefined, 'npm test within 60 s: skipped (--skip-test)');
  if (cli) {
    target(cliFig.project - cliFig.empty <= 1500, `npx cdktf synth within 1.5 s of the CLI on an empty app: +${sec(cliFig.project - cliFig.empty)} (${sec(cliFig.project)} vs ${sec(cliFig.empty)})`);
  } else target(undefined, 'npx cdktf synth within 1.5 s of the empty-app CLI: skipped (--skip-cli)');

  const synthMissed = !(fig.seed.wall <= 1.5 * floor && fig['net-1000'].wall <= 3000 && fig['net-1000'].rss <= RSS_LIMIT_KIB && ratio <= 1.3);
  if (!flag('--no-profile') && (flag('--profile') || synthMissed)) {
    log('');
    log('================================================================ PROFILE (node --cpu-prof, net-1000, one run)');
    const { runProfile, summarize } = require('./profile');
    log(summarize(runProfile('net-1000')).join('\n'));
  }

  log('');
  const failed = verdicts.filter((v) => v === false).length;
  log(`load average at end (1/5/15 min): ${load()}`);
  log(`${failed === 0 ? 'All targets met' : `${failed} target(s) missed`}. Bench took ${sec(hrms(t0))}.`);
}

try {
  main();
} catch (e) {
  console.error(`bench failed: ${e.stack || e}`);
  process.exitCode = 1;
}
