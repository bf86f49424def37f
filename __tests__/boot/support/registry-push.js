// Uploads the boot tier's images into the registry through its HTTP API
// (monolithic blob uploads, then the manifest by tag), inside the lab's
// namespace: `node registry-push.js PLAN.json` (registry.ts writes the plan).
// Exits non-zero while the registry is not up yet; registry.ts retries.
'use strict';
const fs = require('node:fs');
const https = require('node:https');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ca = fs.readFileSync(plan.ca);

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: plan.address, port: plan.port, servername: plan.servername, ca, method, path, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}) } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function main() {
  const base = await request('GET', '/v2/');
  if (base.status !== 200) throw new Error(`GET /v2/: ${base.status}`);
  for (const p of plan.pushes) {
    for (const blob of p.blobs) {
      const head = await request('HEAD', `/v2/${p.repository}/blobs/${blob.digest}`);
      if (head.status === 200) continue;
      const start = await request('POST', `/v2/${p.repository}/blobs/uploads/`);
      if (start.status !== 202) throw new Error(`upload start ${p.repository}: ${start.status} ${start.body}`);
      const location = new URL(start.headers.location, `https://${plan.servername}`);
      location.searchParams.set('digest', blob.digest);
      const put = await request('PUT', `${location.pathname}${location.search}`, fs.readFileSync(blob.file), { 'content-type': 'application/octet-stream' });
      if (put.status !== 201) throw new Error(`blob ${blob.digest} to ${p.repository}: ${put.status} ${put.body}`);
    }
    const manifest = Buffer.from(p.manifest);
    const put = await request('PUT', `/v2/${p.repository}/manifests/${p.tag}`, manifest, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' });
    if (put.status !== 201) throw new Error(`manifest ${p.repository}:${p.tag}: ${put.status} ${put.body}`);
    if (put.headers['docker-content-digest'] !== p.digest) throw new Error(`manifest ${p.repository}:${p.tag}: the registry says ${put.headers['docker-content-digest']}, expected ${p.digest}`);
  }
  process.stdout.write('pushed\n');
}

main().catch((e) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
