// The boot tier's services on the test bridge, run inside the test's network
// namespace: `node servers.js CONFIG.json`. Nothing here listens outside it.
// - release server (HTTPS, a test CA's certificate): the Weave stand-in
//   script and its image tar, where the library's `release.scriptUrl` points;
// - Azure instance metadata (169.254.169.254): each guest's user data (by its
//   source address) and managed identity tokens, both only with `Metadata: true`;
//   for scale set instances (CONFIG.imds.instancesFile, read at every request,
//   keyed by source address) the VM name, private address and subnet, and
//   Scheduled Events (CONFIG.imds.eventsFile, read at every request: one
//   document for every VM, as Azure sends a placement group's events to all
//   of them; a POST's StartRequests body is logged);
// - Key Vault (HTTPS, a test CA's certificate for the vault's name): the
//   secret, only to a bearer token the metadata service handed out.
// Every request is appended to CONFIG.log as one JSON line. Writes "ready"
// on stdout once all servers listen.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const log = (entry) => fs.appendFileSync(config.log, `${JSON.stringify({ t: Date.now(), ...entry })}\n`);
const remote = (req) => (req.socket.remoteAddress || '').replace(/^::ffff:/, '');

function answer(res, status, body, type = 'text/plain') {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}

const tls = { cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key) };
const release = https.createServer(tls, (req, res) => {
  const file = config.release.files[new URL(req.url, 'http://x').pathname];
  log({ server: 'release', from: remote(req), method: req.method, url: req.url, status: file ? 200 : 404 });
  if (!file) return answer(res, 404, 'not found\n');
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});

const tokens = new Map(); // token -> guest address
const imds = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://169.254.169.254');
  const from = remote(req);
  const entry = { server: 'imds', from, method: req.method, url: req.url, metadataHeader: req.headers.metadata ?? null };
  if (req.headers.metadata !== 'true') {
    log({ ...entry, status: 400 });
    return answer(res, 400, JSON.stringify({ error: 'Bad request. Required metadata header not specified' }), 'application/json');
  }
  if (url.pathname === '/metadata/instance/compute/userData' && url.searchParams.get('format') === 'text') {
    const data = config.imds.userData[from];
    log({ ...entry, status: data === undefined ? 404 : 200 });
    if (data === undefined) return answer(res, 404, 'no user data for this VM\n');
    return answer(res, 200, data);
  }
  const instance = config.imds.instancesFile && fs.existsSync(config.imds.instancesFile) ? JSON.parse(fs.readFileSync(config.imds.instancesFile, 'utf8'))[from] : undefined;
  const leaf = instance && url.searchParams.get('format') === 'text' && {
    '/metadata/instance/compute/name': instance.name,
    '/metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress': instance.privateIp,
    '/metadata/instance/network/interface/0/ipv4/subnet/0/address': instance.subnet.split('/')[0],
    '/metadata/instance/network/interface/0/ipv4/subnet/0/prefix': instance.subnet.split('/')[1],
  }[url.pathname];
  if (leaf !== undefined && leaf !== false) {
    log({ ...entry, status: 200 });
    return answer(res, 200, leaf);
  }
  if (url.pathname === '/metadata/scheduledevents' && instance) {
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        let ok = false;
        try { ok = Array.isArray(JSON.parse(body).StartRequests); } catch { /* malformed */ }
        log({ ...entry, status: ok ? 200 : 400, body });
        answer(res, ok ? 200 : 400, '');
      });
      return undefined;
    }
    const doc = config.imds.eventsFile && fs.existsSync(config.imds.eventsFile) ? fs.readFileSync(config.imds.eventsFile, 'utf8') : '{"DocumentIncarnation":0,"Events":[]}';
    // Polled every second: logged only when there is an event.
    if (JSON.parse(doc).Events.length) log({ ...entry, status: 200 });
    return answer(res, 200, doc, 'application/json');
  }
  if (url.pathname === '/metadata/identity/oauth2/token') {
    const ok = config.imds.identities.includes(from) && url.searchParams.get('api-version') === '2018-02-01' && url.searchParams.get('resource') === config.imds.resource;
    log({ ...entry, status: ok ? 200 : 400, resource: url.searchParams.get('resource') });
    if (!ok) return answer(res, 400, JSON.stringify({ error: 'invalid_request', error_description: 'Identity not found' }), 'application/json');
    const token = `token-for-${from}-${tokens.size}`;
    tokens.set(token, from);
    return answer(res, 200, JSON.stringify({ access_token: token, expires_in: '3599', token_type: 'Bearer', resource: config.imds.resource }), 'application/json');
  }
  log({ ...entry, status: 404 });
  answer(res, 404, 'not found\n');
});

const vault = https.createServer(tls, (req, res) => {
  const url = new URL(req.url, `https://${config.vault.name}`);
  const m = /^\/secrets\/([0-9A-Za-z-]+)$/.exec(url.pathname);
  const auth = /^Bearer (.+)$/.exec(req.headers.authorization || '');
  const entry = { server: 'vault', from: remote(req), method: req.method, url: req.url, host: req.headers.host };
  if (!auth || !tokens.has(auth[1])) {
    log({ ...entry, status: 401 });
    return answer(res, 401, JSON.stringify({ error: { code: 'Unauthorized' } }), 'application/json');
  }
  const value = m && url.searchParams.get('api-version') === '7.4' ? config.vault.secrets[m[1]] : undefined;
  log({ ...entry, status: value === undefined ? 404 : 200 });
  if (value === undefined) return answer(res, 404, JSON.stringify({ error: { code: 'SecretNotFound' } }), 'application/json');
  answer(res, 200, JSON.stringify({ value, id: `https://${config.vault.name}/secrets/${m[1]}/0001` }), 'application/json');
});

let pending = 3;
const up = () => { if (--pending === 0) process.stdout.write('ready\n'); };
release.listen(443, config.release.host, up);
imds.listen(80, '169.254.169.254', up);
vault.listen(443, config.vault.host, up);
// Bounded: the servers end themselves even if the test never stops them.
setTimeout(() => process.exit(0), config.lifetimeSeconds * 1000).unref();
