// The boot tier's private network and guests. Everything lives in one
// network namespace the test makes: a bridge (192.168.252.1/24, plus the
// instance metadata address 169.254.169.254 and the fake Key Vault's
// address), one tap per guest, the servers (servers.js), QEMU itself and
// Terraform's SSH. The namespace has no other interface, so nothing a guest
// sends can leave the machine. `destroy` kills every process the lab
// started, by PID, and deletes the namespace (which takes the bridge and the
// taps with it); it also runs on process exit.
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GuestImage } from './image';

export const BRIDGE_IP = '192.168.252.1';
export const VAULT_IP = '192.168.252.2';
export const IMDS_IP = '169.254.169.254';
/** Names the guests resolve through /etc/hosts, with a certificate from the test CA. */
export const RELEASE_HOST = 'releases.weave.test';
export const VAULT_HOST = 'weavekv.vault.azure.net';

export interface GuestSpec {
  /** Host name the guest gets (Azure sets it from computer_name). */
  readonly name: string;
  /** Last octet of its address on the test bridge. */
  readonly octet: number;
  /** Which boot agent stand-in applies its boot data. */
  readonly format: 'cloud-config' | 'ignition' | 'none';
  /** The applier script (cloud-config: every boot; Ignition: first boot). */
  readonly applyScript?: string;
  /** Extra /etc/hosts lines (the vault's name). */
  readonly hosts?: string;
  /** An SSH public key for the `core` user (dedicated servers). */
  readonly corePublicKey?: string;
}

export interface Guest extends GuestSpec {
  readonly ip: string;
  readonly share: string;
  /** The guest's folder in the lab: share/, disk.qcow2, serial.log. */
  readonly home: string;
  pid?: number;
  serial: string;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sh(cmd: string, args: string[], options: { input?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: options.timeout ?? 60_000, input: options.input, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
}

function must(res: SpawnSyncReturns<string>, what: string): string {
  if (res.error || res.status !== 0) throw new Error(`${what} failed (${res.error?.message ?? `exit ${res.status}`}): ${res.stderr}`);
  return res.stdout;
}

const live = new Set<Lab>();
process.on('exit', () => { for (const lab of live) lab.destroy(); });

export class Lab {
  readonly ns: string;
  readonly guests: Guest[] = [];
  private readonly procs = new Map<number, string>();
  private servers?: ChildProcess;

  constructor(readonly dir: string, readonly image: GuestImage, readonly accel: string) {
    this.ns = `weaveboot-${process.pid}`;
    mkdirSync(dir, { recursive: true });
    const ip = (...a: string[]) => must(sh('ip', a), `ip ${a.join(' ')}`);
    ip('netns', 'add', this.ns);
    live.add(this);
    ip('-n', this.ns, 'link', 'set', 'lo', 'up');
    ip('-n', this.ns, 'link', 'add', 'br0', 'type', 'bridge');
    for (const a of [`${BRIDGE_IP}/24`, `${VAULT_IP}/32`, `${IMDS_IP}/32`]) ip('-n', this.ns, 'addr', 'add', a, 'dev', 'br0');
    ip('-n', this.ns, 'link', 'set', 'br0', 'up');
    must(sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'boot-tier-harness', '-f', join(dir, 'id_harness')]), 'ssh-keygen');
  }

  /** Runs a command inside the namespace. */
  exec(cmd: string, args: string[], options: { input?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {}): RunResult {
    const res = sh('ip', ['netns', 'exec', this.ns, cmd, ...args], options);
    return { status: res.error ? null : res.status, stdout: res.stdout ?? '', stderr: `${res.stderr ?? ''}${res.error ? res.error.message : ''}` };
  }

  /** Starts a long-running process inside the namespace and remembers its PID. */
  spawn(name: string, cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdout?: string } = {}): ChildProcess {
    const out = options.stdout ?? join(this.dir, `${name}.out`);
    const child = spawn('ip', ['netns', 'exec', this.ns, cmd, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => { chunks.push(c); writeFileSync(out, Buffer.concat(chunks)); });
    child.stderr!.on('data', (c: Buffer) => { chunks.push(c); writeFileSync(out, Buffer.concat(chunks)); });
    if (child.pid) this.procs.set(child.pid, name);
    child.on('exit', () => { if (child.pid) this.procs.delete(child.pid); });
    return child;
  }

  /** Starts servers.js with `config` (written to the lab dir) and waits until it listens. */
  async startServers(config: Record<string, unknown>): Promise<void> {
    const file = join(this.dir, 'servers.json');
    writeFileSync(file, JSON.stringify({ log: join(this.dir, 'requests.jsonl'), lifetimeSeconds: 3600, ...config }));
    writeFileSync(join(this.dir, 'requests.jsonl'), '');
    this.servers = this.spawn('servers', process.execPath, [join(__dirname, 'servers.js'), file]);
    for (let i = 0; i < 100; i++) {
      if (existsSync(join(this.dir, 'servers.out')) && readFileSync(join(this.dir, 'servers.out'), 'utf8').includes('ready')) return;
      if (this.servers.exitCode !== null) break;
      await sleep(100);
    }
    throw new Error(`servers did not start: ${existsSync(join(this.dir, 'servers.out')) ? readFileSync(join(this.dir, 'servers.out'), 'utf8') : ''}`);
  }

  /** Every request the servers saw. */
  requests(): { server: string; from: string; url: string; status: number; [k: string]: unknown }[] {
    return readFileSync(join(this.dir, 'requests.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  }

  /** Prepares a guest: its 9p share, its disk (a qcow2 overlay of the image) and its tap. */
  addGuest(spec: GuestSpec): Guest {
    // By address: two guests may carry one host name (the seed's azure-prd-01 in two stacks).
    const home = join(this.dir, `${spec.octet}-${spec.name}`);
    const share = join(home, 'share');
    mkdirSync(share, { recursive: true });
    const ip = `192.168.252.${spec.octet}`;
    writeFileSync(join(share, 'guest.env'), `HARNESS_IP=${ip}/24\nHARNESS_GW=${BRIDGE_IP}\nHARNESS_HOSTNAME=${spec.name}\nHARNESS_FORMAT=${spec.format}\n`);
    writeFileSync(join(share, 'root.pub'), readFileSync(join(this.dir, 'id_harness.pub')));
    if (spec.corePublicKey) writeFileSync(join(share, 'core.pub'), spec.corePublicKey);
    if (spec.hosts) writeFileSync(join(share, 'hosts'), spec.hosts);
    if (existsSync(join(this.dir, 'ca.pem'))) writeFileSync(join(share, 'ca.pem'), readFileSync(join(this.dir, 'ca.pem')));
    if (spec.applyScript !== undefined) {
      writeFileSync(join(share, spec.format === 'ignition' ? 'ignition-apply.sh' : 'cloud-config-apply.sh'), spec.applyScript);
    }
    const disk = join(home, 'disk.qcow2');
    must(sh('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', this.image.rootfs, disk]), 'qemu-img create');
    const tap = `tap${spec.octet}`;
    must(sh('ip', ['-n', this.ns, 'tuntap', 'add', tap, 'mode', 'tap']), 'tuntap add');
    must(sh('ip', ['-n', this.ns, 'link', 'set', tap, 'master', 'br0', 'up']), 'tap up');
    const guest: Guest = { ...spec, ip, share, home, serial: join(home, 'serial.log') };
    this.guests.push(guest);
    return guest;
  }

  /** Boots a guest (returns at once; see waitForSsh). Reboots reset in place. */
  boot(g: Guest): void {
    const mac = `52:54:00:fc:00:${g.octet.toString(16).padStart(2, '0')}`;
    const child = this.spawn(`qemu-${g.name}`, 'qemu-system-x86_64', [
      '-accel', this.accel, '-cpu', 'max', '-smp', '2', '-m', '1024', '-nographic', '-display', 'none', '-monitor', 'none',
      '-kernel', this.image.kernel, '-initrd', this.image.initrd,
      '-append', `root=/dev/vda rw console=ttyS0 init=/usr/libexec/harness/harness-init quiet systemd.show_status=0`,
      '-drive', `file=${join(g.home, 'disk.qcow2')},if=virtio,format=qcow2`,
      '-netdev', `tap,id=n0,ifname=tap${g.octet},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
      '-virtfs', `local,path=${g.share},mount_tag=harness,security_model=none,id=h0`,
      '-serial', `file:${g.serial}`,
    ]);
    g.pid = child.pid;
  }

  /** `ssh root@guest script` (the harness key); never throws. */
  ssh(g: Guest, script: string, timeout = 120_000): RunResult {
    return this.exec('ssh', [
      '-i', join(this.dir, 'id_harness'), '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
      '-o', 'ConnectTimeout=5', '-o', 'BatchMode=yes', '-o', 'ServerAliveInterval=5', `root@${g.ip}`, 'bash', '-s',
    ], { input: script, timeout });
  }

  async waitForSsh(g: Guest, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (this.ssh(g, 'true', 15_000).status === 0) return;
      await sleep(3000);
    }
    throw new Error(`${g.name}: no SSH after ${timeoutMs / 1000} s; serial log tail:\n${this.serialTail(g)}`);
  }

  /** Waits until `unit` is active or has failed (returns systemctl's answer). */
  async waitForUnit(g: Guest, unit: string, timeoutMs: number): Promise<string> {
    const until = Date.now() + timeoutMs;
    let state = '';
    while (Date.now() < until) {
      state = this.ssh(g, `systemctl is-active ${unit}; systemctl is-failed --quiet ${unit} && echo FAILED; systemctl list-jobs --no-legend | wc -l`, 20_000).stdout;
      const [active, ...rest] = state.trim().split('\n');
      if (active === 'active' && rest.at(-1) === '0') return 'active';
      if (rest.includes('FAILED') || active === 'failed') return 'failed';
      // Nothing left to do and still not active: it will not come.
      if (active === 'inactive' && rest.at(-1) === '0' && Date.now() > until - timeoutMs + 60_000) return 'inactive';
      await sleep(3000);
    }
    return `timeout (${state.trim().replace(/\n/g, ' ')})`;
  }

  /** Reboots a guest and waits for SSH again. */
  async reboot(g: Guest, timeoutMs: number): Promise<void> {
    const bootId = this.ssh(g, 'cat /proc/sys/kernel/random/boot_id').stdout.trim();
    this.ssh(g, 'systemctl reboot', 15_000);
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      await sleep(5000);
      const now = this.ssh(g, 'cat /proc/sys/kernel/random/boot_id', 15_000);
      if (now.status === 0 && now.stdout.trim() !== bootId) return;
    }
    throw new Error(`${g.name}: did not come back from reboot in ${timeoutMs / 1000} s:\n${this.serialTail(g)}`);
  }

  serialTail(g: Guest): string {
    return existsSync(g.serial) ? readFileSync(g.serial, 'utf8').split('\n').slice(-30).join('\n') : '(no serial log)';
  }

  /** Powers a guest off (or kills its QEMU) and waits for QEMU to end. */
  async stop(g: Guest): Promise<void> {
    if (!g.pid) return;
    this.ssh(g, 'systemctl poweroff', 10_000);
    for (let i = 0; i < 40 && this.procs.has(g.pid); i++) await sleep(500);
    if (this.procs.has(g.pid)) {
      try { process.kill(g.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    g.pid = undefined;
  }

  /** Kills every process the lab started, by PID, and removes the namespace. */
  destroy(): void {
    for (const pid of [...this.procs.keys()]) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
    // `ip netns exec` children (QEMU, node) are their own processes: kill what runs in the namespace.
    const pids = sh('ip', ['netns', 'pids', this.ns]).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    sh('ip', ['netns', 'del', this.ns]);
    live.delete(this);
  }
}

/**
 * Whether KVM really works: a short boot of the guest kernel under KVM that
 * must print its banner and not die with "KVM internal error". On the
 * machines here /dev/kvm is a nested PVM that crashes a stock kernel, so this
 * normally answers false and guests run under TCG.
 */
export function kvmWorks(image: GuestImage): boolean {
  if (!existsSync('/dev/kvm') || process.env.WEAVE_BOOT_ACCEL === 'tcg') return false;
  const res = sh('timeout', ['--foreground', '20', 'qemu-system-x86_64', '-accel', 'kvm', '-cpu', 'host', '-m', '256', '-nographic', '-no-reboot',
    '-kernel', image.kernel, '-append', 'console=ttyS0 panic=-1', '-serial', 'stdio', '-display', 'none', '-monitor', 'none'], { timeout: 30_000 });
  const out = `${res.stdout}${res.stderr}`;
  return /Linux version/.test(out) && /Kernel panic|VFS: Unable to mount root/.test(out) && !/KVM internal error|emulation failure/i.test(out);
}
