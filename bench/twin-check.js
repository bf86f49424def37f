'use strict';
// Checks that a plain twin synthesizes the library case's Terraform:
// `node bench/twin-check.js [seed:plain-seed] [net-1000:plain-1000] ...`
// (default: both pairs; needs dist/ built). For each pair it synthesizes the
// library case, derives the twin from its output (bench/twin.js) and
// compares the two cdk.tf.json files:
//  - addresses: every resource (type.logical_id, with its construct path),
//    data source, output, variable, local and provider (type.alias) must be
//    the same set;
//  - content: every block is compared field by field, boot documents
//    included (the twin carries the library's text);
//  - file size.
// run.js calls compareTwins() on its warm-up outputs, so every bench run
// shows whether the twins still match.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

/** Every address of a synthesized stack, as sorted strings. */
function addresses(tf) {
  const out = [];
  for (const [type, byName] of Object.entries(tf.resource || {})) {
    for (const [name, body] of Object.entries(byName)) out.push(`resource ${type}.${name} @${body['//']?.metadata?.path ?? '?'}`);
  }
  for (const [type, byName] of Object.entries(tf.data || {})) for (const name of Object.keys(byName)) out.push(`data ${type}.${name}`);
  for (const name of Object.keys(tf.output || {})) out.push(`output ${name}`);
  for (const name of Object.keys(tf.variable || {})) out.push(`variable ${name}`);
  for (const name of Object.keys(tf.locals || {})) out.push(`local ${name}`);
  for (const [type, blocks] of Object.entries(tf.provider || {})) for (const b of [].concat(blocks)) out.push(`provider ${type}.${b.alias ?? '(default)'}`);
  return out.sort();
}

/** Field-level differences of two values, as `path: a != b` lines. */
function diff(a, b, at, out, limit = 20) {
  if (out.length >= limit) return out;
  if (a === b) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diff(a[k], b[k], `${at}.${k}`, out, limit);
    return out;
  }
  const s = (v) => (v === undefined ? '(absent)' : JSON.stringify(v).slice(0, 100));
  out.push(`${at}: ${s(a)} != ${s(b)}`);
  return out;
}

/**
 * Compares the stacks in two synth outdirs. Returns { ok, lines }: one
 * summary line per check, and the first differences when there are any.
 */
function compareTwins(libOutdir, twinOutdir) {
  const read = (dir) => {
    const stacks = fs.readdirSync(path.join(dir, 'stacks'));
    if (stacks.length !== 1) throw new Error(`${dir}: expected one stack, found ${stacks.join(', ')}`);
    const file = path.join(dir, 'stacks', stacks[0], 'cdk.tf.json');
    return { stack: stacks[0], bytes: fs.statSync(file).size, tf: JSON.parse(fs.readFileSync(file, 'utf8')) };
  };
  const lib = read(libOutdir);
  const twin = read(twinOutdir);
  const lines = [];
  let ok = true;

  const la = addresses(lib.tf);
  const ta = addresses(twin.tf);
  const tset = new Set(ta);
  const lset = new Set(la);
  const onlyLib = la.filter((a) => !tset.has(a));
  const onlyTwin = ta.filter((a) => !lset.has(a));
  const sameAddr = onlyLib.length === 0 && onlyTwin.length === 0;
  ok &&= sameAddr;
  const count = (pre) => la.filter((a) => a.startsWith(pre)).length;
  lines.push(`addresses: ${sameAddr ? 'IDENTICAL' : 'DIFFERENT'} sets (library ${la.length}, twin ${ta.length}: ` +
    `${count('resource ')} resources, ${count('output ')} outputs, ${count('variable ')} variables, ${count('local ')} locals, ${count('provider ')} provider blocks; stack ${lib.stack} vs ${twin.stack})`);
  for (const a of onlyLib.slice(0, 10)) lines.push(`  only in library: ${a}`);
  for (const a of onlyTwin.slice(0, 10)) lines.push(`  only in twin:    ${a}`);

  // Content, apart from cdktf's stack name.
  const strip = (tf) => ({ ...tf, '//': { ...tf['//'], metadata: { ...tf['//']?.metadata, stackName: undefined } } });
  const diffs = diff(strip(lib.tf), strip(twin.tf), '', []);
  ok &&= diffs.length === 0;
  lines.push(`content: ${diffs.length === 0 ? 'IDENTICAL, boot documents included' : 'DIFFERENT'}`);
  for (const d of diffs) lines.push(`  ${d}`);

  lines.push(`cdk.tf.json size: library ${lib.bytes} B, twin ${twin.bytes} B${lib.bytes === twin.bytes ? ' (equal)' : ` (twin ${(twin.bytes - lib.bytes) >= 0 ? '+' : ''}${twin.bytes - lib.bytes} B)`}`);
  return { ok, lines };
}

/** The cdk.tf.json of a synth outdir holding one stack. */
function stackFile(outdir) {
  const stacks = path.join(outdir, 'stacks');
  return path.join(stacks, fs.readdirSync(stacks)[0], 'cdk.tf.json');
}

function synth(caseName, env = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `weave-twin-${caseName}-`));
  const outdir = path.join(dir, 'out');
  const r = spawnSync(process.execPath, [path.join(__dirname, 'case.js'), caseName, outdir], {
    encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env }, maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`case ${caseName} failed (exit ${r.status}):\n${r.stderr}`);
  return { dir, outdir };
}

if (require.main === module) {
  const pairs = (process.argv.slice(2).length ? process.argv.slice(2) : ['seed:plain-seed', 'net-1000:plain-1000']).map((p) => p.split(':'));
  let allOk = true;
  for (const [libCase, twinCase] of pairs) {
    const a = synth(libCase);
    const b = synth(twinCase, { WEAVE_TWIN_SOURCE: stackFile(a.outdir) });
    const { ok, lines } = compareTwins(a.outdir, b.outdir);
    allOk &&= ok;
    console.log(`${libCase} vs ${twinCase}: ${ok ? 'MATCH' : 'MISMATCH'}`);
    for (const l of lines) console.log(`  ${l}`);
    fs.rmSync(a.dir, { recursive: true, force: true });
    fs.rmSync(b.dir, { recursive: true, force: true });
  }
  process.exitCode = allOk ? 0 : 1;
}

module.exports = { compareTwins, addresses, stackFile };
