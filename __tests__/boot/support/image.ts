// The guest image, built once by build-image.sh from Debian packages and
// cached outside the repository between runs: $WEAVE_BOOT_CACHE, else
// $XDG_CACHE_HOME/cdktf-weave-azure, else ~/.cache/cdktf-weave-azure. The
// cache key is a hash of everything that goes into the image (the package
// list, the build script, the Flatcar limits and the harness files), so a
// change to any of them builds a new image. Builds take a lock, so two test
// processes never build the same image at once.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const GUEST_DIR = join(__dirname, '..', 'guest');

export interface GuestImage {
  readonly dir: string;
  readonly kernel: string;
  readonly initrd: string;
  readonly rootfs: string;
  readonly weaveImageTar: string;
  /** Whether this call built it (a cold run) or found it cached (warm). */
  readonly built: boolean;
  readonly buildSeconds?: number;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)])).sort();
}

/** The image's cache key: sha256 over every input file's path and bytes. */
export function imageKey(): string {
  const h = createHash('sha256');
  for (const f of files(GUEST_DIR)) h.update(f.slice(GUEST_DIR.length)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex').slice(0, 16);
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEAVE_BOOT_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cdktf-weave-azure');
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The cached image, built first when it is missing (as root: mmdebstrap, chroot). */
export function ensureImage(): GuestImage {
  const dir = join(cacheRoot(), `guest-${imageKey()}`);
  const image = (built: boolean, buildSeconds?: number): GuestImage => ({
    dir, built, buildSeconds,
    kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initrd.img'), rootfs: join(dir, 'rootfs.raw'), weaveImageTar: join(dir, 'weave-image.tar'),
  });
  if (existsSync(join(dir, 'rootfs.raw'))) return image(false);
  mkdirSync(cacheRoot(), { recursive: true });
  const lock = `${dir}.lock`;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (existsSync(join(dir, 'rootfs.raw'))) return image(false);
      if (i > 900) throw new Error(`${lock} held for 15 minutes; remove it if no build is running`);
      sleepSync(1000);
    }
  }
  try {
    if (existsSync(join(dir, 'rootfs.raw'))) return image(false);
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const start = Date.now();
    const res = spawnSync('bash', [join(GUEST_DIR, 'build-image.sh'), tmp, ...(process.env.WEAVE_BOOT_MIRROR ? [process.env.WEAVE_BOOT_MIRROR] : [])], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 15 * 60_000 });
    if (res.status !== 0) throw new Error(`guest image build failed (${res.error?.message ?? `exit ${res.status}`}):\n${`${res.stdout}\n${res.stderr}`.slice(-4000)}`);
    renameSync(tmp, dir);
    return image(true, (Date.now() - start) / 1000);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
