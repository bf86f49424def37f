// The boot tier's image registry: Debian's `docker-registry` (the
// distribution project's registry 2.x) in the lab's namespace, over HTTPS
// with the test CA's certificate, holding Weave's three images as the
// library pulls them: `<host>/weave/{weave,weaveexec,weavedb}:2.9.0`. Each
// image is the busybox root file system of the Weave stand-in as one gzip
// layer, with its own config (a label naming it), so the three manifests and
// their digests differ. The digests are computed here before the registry
// runs, so a stack can pin them at synth and the registry can start late.
// `push` uploads the blobs and manifests through the registry API
// (registry-push.js, run inside the namespace).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Lab } from './lab';

/** The registry's name on the test network, as the guests resolve it (with the test CA's certificate). */
export const REGISTRY_HOST = 'registry.weave.test';
export const REGISTRY_PORT = 5000;
/** The image owner a stack gives `release.imageOwner`. */
export const REGISTRY_OWNER = `${REGISTRY_HOST}:${REGISTRY_PORT}/weave`;

const IMAGES = ['weave', 'weaveexec', 'weavedb'] as const;
const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export interface RegistryContent {
  /** Manifest digests by image, for `release.digests`. */
  readonly digests: Record<(typeof IMAGES)[number], string>;
  /** What registry-push.js uploads: per repository, its blobs (files) and its manifest. */
  readonly pushes: { repository: string; tag: string; blobs: { digest: string; file: string }[]; manifest: string; digest: string }[];
}

/** Writes the blobs and manifests of the three images into `dir`. */
export function registryContent(dir: string, imageTar: string, tag: string): RegistryContent {
  const tar = readFileSync(imageTar);
  const layer = gzipSync(tar, { level: 6 });
  const layerDigest = digestOf(layer);
  writeFileSync(join(dir, 'layer.tar.gz'), layer);
  const digests = {} as Record<(typeof IMAGES)[number], string>;
  const pushes = IMAGES.map((image) => {
    const config = Buffer.from(JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'test.weave.image': image }, Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [digestOf(tar)] },
      history: [{ created_by: `boot tier: the stand-in's ${image} image` }],
    }));
    const configDigest = digestOf(config);
    const configFile = join(dir, `${image}.config.json`);
    writeFileSync(configFile, config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: layerDigest }],
    });
    const digest = digestOf(Buffer.from(manifest));
    digests[image] = digest;
    return {
      repository: `weave/${image}`,
      tag,
      blobs: [{ digest: layerDigest, file: join(dir, 'layer.tar.gz') }, { digest: configDigest, file: configFile }],
      manifest,
      digest,
    };
  });
  return { digests, pushes };
}

/** The registry's configuration: filesystem storage in the lab, TLS, access log on stdout. */
function registryConfig(dir: string, listen: string, cert: string, key: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'storage')}`,
    'http:',
    `  addr: ${listen}:${REGISTRY_PORT}`,
    '  tls:',
    `    certificate: ${cert}`,
    `    key: ${key}`,
    '',
  ].join('\n');
}

/** Starts the registry in the lab's namespace, waits until it answers, and pushes the content. */
export async function startRegistry(lab: Lab, dir: string, listen: string, content: RegistryContent): Promise<void> {
  const config = join(dir, 'registry.yml');
  writeFileSync(config, registryConfig(dir, listen, join(lab.dir, 'server.pem'), join(lab.dir, 'server.key')));
  lab.spawn('registry', 'docker-registry', ['serve', config]);
  const plan = join(dir, 'push.json');
  writeFileSync(plan, JSON.stringify({ address: listen, port: REGISTRY_PORT, servername: REGISTRY_HOST, ca: join(lab.dir, 'ca.pem'), pushes: content.pushes }));
  let last = '';
  for (let i = 0; i < 60; i++) {
    const r = lab.exec(process.execPath, [join(__dirname, 'registry-push.js'), plan], { timeout: 60_000 });
    if (r.status === 0) return;
    last = `${r.stdout}${r.stderr}`;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`registry push failed: ${last}\n${registryLog(lab)}`);
}

/** The registry's output (its access log among it). */
export function registryLog(lab: Lab): string {
  try { return readFileSync(join(lab.dir, 'registry.out'), 'utf8'); } catch { return ''; }
}

/** Manifest requests in the registry's access log: who asked for which reference. */
export function manifestRequests(lab: Lab): { from: string; method: string; repository: string; reference: string; status: number }[] {
  const out: { from: string; method: string; repository: string; reference: string; status: number }[] = [];
  for (const m of registryLog(lab).matchAll(/^(\d+\.\d+\.\d+\.\d+) - - \[[^\]]*\] "(GET|HEAD) \/v2\/([a-z0-9/._-]+)\/manifests\/([^ ?"]+)[^"]*" (\d{3})/gm)) {
    out.push({ from: m[1], method: m[2], repository: m[3], reference: m[4], status: Number(m[5]) });
  }
  return out;
}
