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
if (!caseName || !outdir) {
  console.error('usage: node bench/case.js <empty|seed|net-100|net-1000> <outdir>');
  process.exit(2);
}

process.on('exit', (code) => {
  if (code !== 0) return;
  const ru = process.resourceUsage();
  process.stdout.write(
    JSON.stringify({ case: caseName, marks, maxRssKiB: ru.maxRSS, userMs: ru.userCPUTime / 1000, systemMs: ru.systemCPUTime / 1000 }) + '\n',
  );
});

const { App, TerraformStack } = require('cdktf');
const { DIST, NETWORKS, buildNetworkStack } = require('./network');

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
} else if (caseName.startsWith('plain-')) {
  const { SHAPES, buildPlainStack } = require('./plain');
  require('@cdktf/provider-azurerm/lib/provider');
  marks.required = performance.now();
  app = new App({ outdir });
  buildPlainStack(app, 'plain', SHAPES[caseName]);
} else {
  console.error(`unknown case ${caseName}`);
  process.exit(2);
}
marks.constructed = performance.now();
app.synth();
marks.synthesized = performance.now();
