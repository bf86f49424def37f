'use strict';
// One benchmark case, one process: `node bench/case.js <case> <outdir>`.
// Requires the compiled library from dist/, synthesizes into <outdir>, and on
// exit prints one JSON line: in-process phase times (ms since process start)
// and this process's own peak RSS (process.resourceUsage().maxRSS, KiB), so
// the parent has a peak-RSS figure even without /usr/bin/time.
const path = require('path');
const { performance } = require('perf_hooks');

const marks = { start: performance.now() };
const [caseName, outdir] = process.argv.slice(2);
// The allocation record of the generated networks belongs to the run, not to
// the repository's weave-allocation.json.
if (outdir) process.env.WEAVE_ALLOCATION_FILE = path.join(outdir, 'weave-allocation.json');
if (!caseName || !outdir) {
  console.error('usage: node bench/case.js <empty|seed|net-100|net-1000|plain-seed|plain-100|plain-1000|plain-flat-seed|plain-flat-1000> <outdir>  (a plain-* twin reads WEAVE_TWIN_SOURCE, its library case\'s cdk.tf.json)');
  process.exit(2);
}

process.on('exit', (code) => {
  if (code !== 0) return;
  const ru = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({ case: caseName, marks, maxRssKiB: ru.maxRSS, userMs: ru.userCPUTime / 1000, systemMs: ru.systemCPUTime / 1000, ...(phases.length ? { phases } : {}) }) + '\n',
  );
});

// BENCH_PHASES=1 (set by bench/gc.js): record time and memory at the
// boundaries of cdktf's synth steps, to find which one a memory peak falls in.
// Off by default, so measured runs carry no instrumentation.
const phases = [];
if (process.env.BENCH_PHASES === '1') instrumentSynth();

const { App, TerraformStack } = require('cdktf');
const { DIST, NETWORKS, buildNetworkStack } = require('./network');
const { TWINS, buildTwinStack } = require('./twin');

let app;
if (caseName === 'empty') {
  marks.required = performance.now();
  app = new App({ outdir });
  new TerraformStack(app, 'empty');
} else if (caseName === 'seed') {
  const { SeedStack } = require(path.join(DIST, 'stacks', 'seed'));
  marks.required = performance.now();
  app = new App({ outdir });
  new SeedStack(app, 'weave-seed');
} else if (NETWORKS[caseName]) {
  // Load every module the construct path needs before the "required" mark.
  require('@cdktf/provider-azurerm/lib/provider');
  require(path.join(DIST, 'lib'));
  marks.required = performance.now();
  app = new App({ outdir });
  buildNetworkStack(app, 'weave-net', NETWORKS[caseName]);
} else if (TWINS[caseName]) {
  // A twin is derived from its library case's synthesized JSON:
  // WEAVE_TWIN_SOURCE names it (run.js and twin-check.js pass the library
  // run's output); without it the library case is synthesized here first,
  // before anything is measured.
  const { of, kind } = TWINS[caseName];
  const source = process.env.WEAVE_TWIN_SOURCE || synthesizeLibraryCase(of);
  require('@cdktf/provider-azurerm/lib/provider');
  const tf = JSON.parse(require('fs').readFileSync(source, 'utf8'));
  marks.required = performance.now();
  app = new App({ outdir });
  buildTwinStack(app, tf, kind);
} else {
  console.error(`unknown case ${caseName}`);
  process.exit(2);
}
marks.constructed = performance.now();
app.synth();
marks.synthesized = performance.now();

/** Synthesizes a library case in a child process and returns its cdk.tf.json. */
function synthesizeLibraryCase(name) {
  const fs = require('fs');
  const os = require('os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `weave-twin-source-${name}-`));
  const r = require('child_process').spawnSync(process.execPath, [__filename, name, path.join(dir, 'out')], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`case ${name} failed (exit ${r.status}):\n${r.stderr}`);
  const stacks = path.join(dir, 'out', 'stacks');
  return path.join(stacks, fs.readdirSync(stacks)[0], 'cdk.tf.json');
}

function instrumentSynth() {
  const fs = require('fs');
  const mark = (name) => {
    const m = process.memoryUsage();
    phases.push({ name, t: performance.now(), now: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external });
  };
  const wrap = (obj, key, name) => {
    const orig = obj[key];
    obj[key] = function (...args) {
      mark(`${name}:start`);
      try {
        return orig.apply(this, args);
      } finally {
        mark(`${name}:end`);
      }
    };
    Object.assign(obj[key], orig);
  };
  // cdktf's synthesizer binds json-stable-stringify when it loads: replace
  // the cached module's export before cdktf is required.
  const cdktfDir = path.dirname(require.resolve('cdktf/package.json'));
  const jssPath = require.resolve('json-stable-stringify', { paths: [cdktfDir] });
  require(jssPath);
  const box = { stringify: require.cache[jssPath].exports };
  wrap(box, 'stringify', 'stringify');
  require.cache[jssPath].exports = box.stringify;
  const write = fs.writeFileSync;
  fs.writeFileSync = function (file, ...rest) {
    if (!String(file).endsWith('cdk.tf.json')) return write.call(fs, file, ...rest);
    mark('writeFile:start');
    try {
      return write.call(fs, file, ...rest);
    } finally {
      mark('writeFile:end');
    }
  };

  const cdktf = require('cdktf');
  const { StackSynthesizer } = require('cdktf/lib/synthesize/synthesizer');
  wrap(cdktf.App.prototype, 'synth', 'synth');
  wrap(cdktf.TerraformStack.prototype, 'prepareStack', 'prepareStack');
  // synthesize() = aspects, then validations, custom synthesis, toTerraform, stringify, write.
  wrap(StackSynthesizer.prototype, 'synthesize', 'synthesize');
  wrap(cdktf.TerraformStack.prototype, 'runAllValidations', 'validations');
  wrap(cdktf.TerraformStack.prototype, 'toTerraform', 'toTerraform');
}
