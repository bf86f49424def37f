// The boot tier: the seed's synthesized boot data, unchanged and as Terraform
// evaluates it, boots QEMU guests (Debian trixie with systemd and Docker,
// given Flatcar's limits) on a private bridge, in all three formats:
// - cloud-config: azure-prd-01 (cluster-01's anchor) of the seed in Key
//   Vault mode, which fetches the password from a fake IMDS token endpoint
//   and Key Vault, and azure-prd-02 (its dialer) of the seed as it is, with
//   the password in its custom data, given as a literal string (so also the
//   dedicated server's); both applied by the coreos-cloudinit
//   stand-in, with user data from a fake instance metadata service;
// - Ignition 3.3: azure-prd-03 and azure-prd-04 (cluster-02's anchor and
//   dialer), applied by the Ignition stand-in before systemd;
// - the dedicated server ded-prd-01, provisioned by a real `terraform apply`
//   of the stack's terraform_data over SSH; beside it the negative controls:
//   the `drop-ins` output of the renderer before the fix (refused by the
//   strict applier; applied as Flatcar applies it, the guest comes up without
//   Docker's drop-in), in a guest whose release sha256 is wrong (the install
//   fails closed);
// - direct peering (issue 20): site-a-vm-1 and site-b-vm-1 of the sites
//   stack, with Weave's router flags (trustVnet, connLimit, mtu, an extra
//   flag) on the launch line and in its environment; no reboot pass;
// - a pool (kind scale-set, README's 2-20 workers beside the seed): two
//   instances boot the scale set's one custom data document; the fake
//   metadata service gives each a private address in the pool's subnet, and
//   serves Scheduled Events (one Terminate notice, to both, as Azure serves a
//   placement group's events).
// Two guests at a time (2 cores): five stages of two.
// The only stand-in is Weave itself (support/weave-standin.ts), served over
// HTTPS through the library's own release.scriptUrl and sha256 options. Its
// images come from a real registry (Debian's docker-registry, HTTPS with the
// test CA), pulled by digest by the library's /opt/bin/weave-images: the
// registry starts only after the first two guests have failed to pull, so
// they show the retries.
// Run with `npm run test:boot` (as root: namespaces, taps, mmdebstrap).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import type { HostPlan, NetworkPlan } from '../lib/core/plan/plan';
import type { PoolPlan } from '../lib/core/plan/pool';
import { SEED_NODE_TARGET, SEED_NODE_UNIT, SeedStack, SeedStackProps } from '../stacks/seed';
import { SitesStack, SitesStackProps } from '../stacks/sites';
import { Requirement, describeWhen, findTool } from './support/skip';
import { CloudConfigError } from './support/flatcar-cloud-config';
import { cloudConfigApplyScript, ignitionApplyScript } from './boot/support/applier';
import { dedicatedConfig, evaluateVmBootData, variableValues, VmBootData } from './boot/support/boot-data';
import { GuestState, readState } from './boot/support/guest-state';
import { ensureImage, GuestImage } from './boot/support/image';
import { BRIDGE_IP, Guest, kvmWorks, Lab, RELEASE_HOST, VAULT_HOST, VAULT_IP } from './boot/support/lab';
import { weaveStandInScript } from './boot/support/weave-standin';
import { manifestRequests, registryContent, RegistryContent, REGISTRY_HOST, REGISTRY_OWNER, startRegistry } from './boot/support/registry';

// Every character the password rule lets through that HCL, a shell or systemd
// could read as syntax: `$`, `${`, `%{`, `#`, `!`. The plain seed takes it as a
// literal (encoded at synth), the others through the password variable.
const PASSWORD = 'Boot-Pa5$w0rd!#%{x}${y}';
const IPALLOC = '10.2.0.0/16';
/** The public DNS name of the sites stack's first VM, which the other site dials (direct peering). */
const SITE_A_VM_1 = 'site-a-site-a-vm-1.westeurope.cloudapp.azure.com';
const BOOT_TIMEOUT = 300_000;
const MESH_TIMEOUT = 420_000;

function toolCheck(): Requirement {
  const need: string[] = [];
  if (process.getuid?.() !== 0) need.push('root (network namespaces, taps, mmdebstrap)');
  for (const t of ['qemu-system-x86_64', 'qemu-img', 'mmdebstrap', 'mke2fs', 'terraform', 'openssl', 'ssh', 'ssh-agent', 'ssh-add', 'ip', 'docker-registry']) {
    if (findTool(t) === undefined) need.push(t);
  }
  if (!existsSync('/dev/net/tun')) need.push('/dev/net/tun');
  return {
    what: 'QEMU, mmdebstrap, Terraform and root',
    ...(need.length ? { missing: `missing: ${need.join(', ')}` } : {}),
    install: 'as root: apt-get install qemu-system-x86 qemu-utils mmdebstrap e2fsprogs openssl openssh-client iproute2 docker-registry, and Terraform >= 1.11 on PATH',
  };
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

interface Scenario {
  readonly tf: Record<string, any>;
  readonly plan: NetworkPlan;
  readonly boot: Map<string, VmBootData>;
}

function scenario(dir: string, props: SeedStackProps): Scenario {
  const stack = new SeedStack(Testing.app(), 'weave-seed', props);
  const tf = JSON.parse(Testing.synth(stack));
  return { tf, plan: stack.network.plan(), boot: evaluateVmBootData(tf, dir, { weave_password: PASSWORD }) };
}

/** Two direct-peering sites (issue 20) with Weave's router flags set. */
function sitesScenario(dir: string, props: SitesStackProps): Scenario {
  const stack = new SitesStack(Testing.app(), 'weave-sites', props);
  const tf = JSON.parse(Testing.synth(stack));
  return { tf, plan: stack.network.plan(), boot: evaluateVmBootData(tf, dir, { weave_password: PASSWORD }) };
}

/** A test CA and one server certificate for the release server and the vault. */
function makeCertificates(dir: string): void {
  const ossl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]}: ${r.stderr}`);
  };
  ossl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=boot-tier test CA');
  ossl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${RELEASE_HOST}`);
  writeFileSync(join(dir, 'san.ext'), `subjectAltName=DNS:${RELEASE_HOST},DNS:${VAULT_HOST},DNS:${REGISTRY_HOST}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  ossl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
}

const hostOf = (s: Scenario, name: string): HostPlan => s.plan.hosts.find((h) => h.name === name)!;
/** What the checks need of a host: a declared one's plan, or a pool instance's (its pool's plan and the address it derives). */
type Checked = Pick<HostPlan, 'launchArgs' | 'hostEnv' | 'hostEnvPath' | 'bridgeAddress'>;
const sharedEnv = (s: Scenario) => Object.fromEntries([...s.plan.sharedEnv, ['WEAVE_PASSWORD', PASSWORD]]);

/**
 * What must hold on every guest once the mesh is up; each problem as a line
 * (empty when healthy), so a negative control can show which check fails.
 */
function problems(state: GuestState, s: Scenario, host: Checked, opts: { keyVault?: boolean; bin?: string[] } = {}): string[] {
  const out: string[] = [];
  const u = state.units;
  if (state.failed.length) out.push(`failed units: ${state.failed.join(' ')}`);
  if (state.orderingCycles.length) out.push(`ordering cycles: ${state.orderingCycles.join(' | ')}`);
  if (state.target !== 'active') out.push(`weave-network.target is ${state.target}`);
  const user = u['node-mesh-ready.service'];
  if (user.active !== 'active' || user.result !== 'success') out.push(`node-mesh-ready.service (a user unit after weave-network.target) is ${user.active}/${user.result}`);
  else if (user.started < u['weave-network.target'].enteredActive) out.push('node-mesh-ready.service started before weave-network.target was reached');
  if (!/(^|\s)DOCKER_MIN_API_VERSION=1\.24(\s|$)/.test(state.dockerEnvironment)) out.push(`docker.service Environment lacks DOCKER_MIN_API_VERSION=1.24: "${state.dockerEnvironment}"`);
  const launches = state.calls.filter((c) => c.argv[0] === 'launch');
  const launch = launches.at(-1);
  const expectedArgv = ['launch', ...host.launchArgs];
  if (!launch) out.push('weave launch was never called');
  else {
    if (JSON.stringify(launch.argv) !== JSON.stringify(expectedArgv)) out.push(`weave launch argv ${JSON.stringify(launch.argv)} != plan ${JSON.stringify(expectedArgv)}`);
    const want = { ...sharedEnv(s), ...Object.fromEntries(host.hostEnv) };
    for (const [k, v] of Object.entries(want)) if (launch.env[k] !== v) out.push(`weave launch env ${k}=${JSON.stringify(launch.env[k])}, plan says ${JSON.stringify(v)}`);
  }
  for (const f of ['/etc/weave.env', host.hostEnvPath]) if (state.envFiles[f] !== '600 root:root') out.push(`${f} is ${state.envFiles[f] ?? 'missing'}, not 600 root:root`);
  const inRange = state.weaveAddresses.filter((a) => a.startsWith('10.2.') && a.endsWith('/16'));
  if (!state.weaveAddresses.includes(host.bridgeAddress)) out.push(`bridge address ${host.bridgeAddress} not on weave (${state.weaveAddresses.join(' ')})`);
  if (inRange.length !== 1 || state.weaveAddresses.length !== 2) out.push(`weave should carry the bridge address and one address of ${IPALLOC}: ${state.weaveAddresses.join(' ')}`);
  if (state.multicastRoutes.length !== 1 || !/dev weave/.test(state.multicastRoutes[0])) out.push(`multicast route: ${JSON.stringify(state.multicastRoutes)}`);
  if (state.rangeRoutes.length !== 1 || !/dev weave/.test(state.rangeRoutes[0])) out.push(`route to ${IPALLOC}: ${JSON.stringify(state.rangeRoutes)}`);
  if (JSON.stringify(state.dockerDropIns) !== JSON.stringify(['10-weave-min-api.conf'])) out.push(`docker.service.d: ${JSON.stringify(state.dockerDropIns)}`);
  const bin = ['weave', 'weave-2.9.0', 'weave-images', ...(opts.keyVault ? ['weave-keyvault-fetch'] : []), ...(opts.bin ?? [])];
  if (JSON.stringify(state.optBin) !== JSON.stringify(bin)) out.push(`/opt/bin: ${JSON.stringify(state.optBin)}`);
  if (state.containers.filter((c) => c.startsWith('weave ')).join() !== 'weave running') out.push(`weave container: ${JSON.stringify(state.containers)}`);
  // The install pulls the images itself; `weave setup` would pull tags again.
  if (state.calls.some((c) => c.argv[0] === 'setup')) out.push('weave setup was called');
  for (const image of [`${REGISTRY_OWNER}/weave:2.9.0`, `${REGISTRY_OWNER}/weaveexec:2.9.0`, `${REGISTRY_OWNER}/weavedb:latest`]) {
    if (!state.images.includes(image)) out.push(`image ${image} (the name the weave script uses) is missing: ${JSON.stringify(state.images)}`);
  }
  if (opts.keyVault) {
    const kv = u['weave-keyvault.service'];
    if (kv.active !== 'active' || kv.result !== 'success') out.push(`weave-keyvault.service is ${kv.active}/${kv.result}`);
    else if (!(kv.enteredActive > 0 && kv.enteredActive <= u['weave.service'].started)) out.push('weave-keyvault.service finished after weave.service started');
  }
  return out;
}

/** What a reboot must leave as it was (time stamps and the call log aside). */
const stable = (st: GuestState) => ({
  failed: st.failed, target: st.target, docker: st.dockerEnvironment, addresses: st.weaveAddresses, mroutes: st.multicastRoutes, rroutes: st.rangeRoutes,
  envFiles: st.envFiles, containers: st.containers, images: st.images, optBin: st.optBin, dropIns: st.dockerDropIns, units: st.etcUnits,
  setups: st.calls.filter((c) => c.argv[0] === 'setup').length,
});

describeWhen('boot tier: the seed boots in QEMU guests', toolCheck(), () => {
  let image: GuestImage;
  let lab: Lab;
  let scenarios: Record<'plain' | 'ignition' | 'keyVault' | 'wrongSha' | 'sites', Scenario>;
  let standIn: string;
  let registry: RegistryContent;
  let registryUp: Promise<void> | undefined;
  // Every image from the test's registry, pinned by digest.
  const release = (sha: string) => ({ release: { version: '2.9.0', scriptUrl: `https://${RELEASE_HOST}/weave`, sha256: sha, imageOwner: REGISTRY_OWNER, digests: registry.digests } });
  const tfDir = (n: string) => join(lab.dir, `tf-${n}`);
  // Scale set instances' metadata (by guest address) and the Scheduled Events every instance reads.
  const instancesFile = () => join(lab.dir, 'imds-instances.json');
  const eventsFile = () => join(lab.dir, 'imds-events.json');
  const hostsFile = `${BRIDGE_IP} ${RELEASE_HOST} ${REGISTRY_HOST}\n${VAULT_IP} ${VAULT_HOST}\n`;

  beforeAll(async () => {
    image = ensureImage();
    const accel = kvmWorks(image) ? 'kvm' : 'tcg,tb-size=256,thread=multi';
    process.stderr.write(`boot tier: image ${image.dir} (${image.built ? `built in ${image.buildSeconds?.toFixed(0)} s` : 'cached'}), accel ${accel}\n`);
    lab = new Lab(mkdtempSync(join(tmpdir(), 'weave-boot-')), image, accel);
    makeCertificates(lab.dir);
    standIn = weaveStandInScript({ ipallocRange: IPALLOC });
    writeFileSync(join(lab.dir, 'weave'), standIn);
    mkdirSync(join(lab.dir, 'registry'));
    registry = registryContent(join(lab.dir, 'registry'), image.weaveImageTar, '2.9.0');
    scenarios = {
      plain: scenario(tfDir('plain'), { network: { ...release(sha256(standIn)), password: PASSWORD } }),
      ignition: scenario(tfDir('ignition'), { network: { ...release(sha256(standIn)), bootFormat: 'ignition' } }),
      keyVault: scenario(tfDir('kv'), { keyVault: {}, network: release(sha256(standIn)) }),
      wrongSha: scenario(tfDir('wrong'), { network: release('0'.repeat(64)) }),
      // Direct peering, --trusted-subnets for each site's VNet, --conn-limit, WEAVE_MTU and an extra flag.
      sites: sitesScenario(tfDir('sites'), {
        siteA: { trustVnet: true },
        siteB: { trustVnet: true },
        network: { ...release(sha256(standIn)), units: [SEED_NODE_TARGET, SEED_NODE_UNIT], connLimit: 300, mtu: 1412, extraLaunchArgs: ['--log-level=debug'] },
      }),
    };
    const userData: Record<string, string> = {};
    const ud = (s: Scenario, host: string, octet: number) => { userData[`192.168.252.${octet}`] = Buffer.from(s.boot.get(host)!.userData!).toString('base64'); };
    ud(scenarios.keyVault, 'azure-prd-01', 11);
    ud(scenarios.plain, 'azure-prd-02', 12);
    ud(scenarios.wrongSha, 'azure-prd-02', 31);
    ud(scenarios.sites, 'site-a-vm-1', 41);
    ud(scenarios.sites, 'site-b-vm-1', 42);
    const secretName = /WEAVE_KEYVAULT_SECRET=([0-9A-Za-z-]+)/.exec(scenarios.keyVault.boot.get('azure-prd-01')!.customData)![1];
    await lab.startServers({
      tls: { cert: join(lab.dir, 'server.pem'), key: join(lab.dir, 'server.key') },
      release: { host: BRIDGE_IP, files: { '/weave': join(lab.dir, 'weave') } },
      imds: { userData, identities: ['192.168.252.11'], resource: 'https://vault.azure.net', instancesFile: instancesFile(), eventsFile: eventsFile() },
      vault: { host: VAULT_IP, name: VAULT_HOST, secrets: { [secretName]: PASSWORD } },
    });
  }, 20 * 60_000);

  afterAll(() => lab?.destroy());

  /** The registry, started once (later stages find it up). */
  const ensureRegistry = () => (registryUp ??= startRegistry(lab, join(lab.dir, 'registry'), BRIDGE_IP, registry));

  /** Waits until every guest's pull script has failed at least once (the registry is not up yet). */
  async function pullsFailed(guests: Guest[]): Promise<void> {
    const until = Date.now() + MESH_TIMEOUT;
    for (const g of guests) {
      while (!/attempt 1 for .*next try in/.test(installLog(g))) {
        if (Date.now() > until) throw new Error(`${g.name}: no failed pull attempt seen:\n${installLog(g)}`);
        await new Promise((r) => setTimeout(r, 3000));
      }
    }
  }

  const installLog = (g: Guest) => lab.ssh(g, 'journalctl -b --no-pager -o cat -u weave-install.service', 20_000).stdout;

  /** Boots guests in parallel and waits for SSH and for weave-network.target to settle. */
  async function bootAll(guests: Guest[], lateRegistry = false): Promise<Record<string, string>> {
    guests.forEach((g) => lab.boot(g));
    await Promise.all(guests.map((g) => lab.waitForSsh(g, BOOT_TIMEOUT)));
    if (lateRegistry) await pullsFailed(guests);
    await ensureRegistry();
    const states = await Promise.all(guests.map((g) => lab.waitForUnit(g, 'weave-network.target', MESH_TIMEOUT)));
    return Object.fromEntries(guests.map((g, i) => [g.name, states[i]]));
  }

  /** A container on `host`'s weave bridge (as `weave attach` makes one), at `ip`. */
  function probeContainer(g: Guest, ip: string): void {
    const r = lab.ssh(g, `set -e
img=$(docker images --format '{{.Repository}}:{{.Tag}}' | grep '/weave:' | head -1)
docker rm -f probe >/dev/null 2>&1 || true
docker run -d --name probe --network none "$img" /bin/sh -c 'trap "exit 0" TERM; while :; do sleep 1; done' >/dev/null
pid=$(docker inspect -f '{{.State.Pid}}' probe)
ip link del vethwe-probe 2>/dev/null || true
ip link add vethwe-probe type veth peer name ethwe-probe
ip link set vethwe-probe master weave up
ip link set ethwe-probe netns "$pid"
nsenter -t "$pid" -n ip addr add ${ip}/16 dev ethwe-probe
nsenter -t "$pid" -n ip link set ethwe-probe up`);
    if (r.status !== 0) throw new Error(`probe container on ${g.name}: ${r.stderr}`);
  }

  interface Member {
    readonly name: string;
    readonly key: 'plain' | 'ignition' | 'keyVault' | 'sites';
    readonly octet: number;
  }

  /**
   * Two guests booted together; `reboot: false` leaves out the reboot pass (a
   * stage that adds nothing to it); `lateRegistry` starts the registry only
   * once both guests' pulls have failed.
   */
  function pairSuite(label: string, members: [Member, Member], opts: { reboot?: boolean; hosts?: string; lateRegistry?: boolean } = {}) {
    const lateRegistry = opts.lateRegistry === true;
    describe(label, () => {
      let guests: Guest[];
      let before: Record<string, GuestState>;
      let settled: Record<string, string>;
      const s = (m: Member) => scenarios[m.key];
      const check = (st: GuestState, m: Member) => problems(st, s(m), hostOf(s(m), m.name), { keyVault: m.key === 'keyVault' });

      beforeAll(async () => {
        guests = members.map((m) => {
          const data = s(m).boot.get(m.name)!.customData;
          const format = m.key === 'ignition' ? 'ignition' : 'cloud-config';
          const applyScript = format === 'cloud-config' ? cloudConfigApplyScript(data) : ignitionApplyScript(data);
          return lab.addGuest({ name: m.name, octet: m.octet, format, applyScript, hosts: hostsFile + (opts.hosts ?? '') });
        });
        settled = await bootAll(guests, lateRegistry);
        before = Object.fromEntries(guests.map((g) => [g.name, readState(lab, g, IPALLOC)]));
      }, 15 * 60_000);

      afterAll(async () => { await Promise.all((guests ?? []).map((g) => lab.stop(g))); }, 120_000);

      it.each(members.map((m) => [`${m.name}${m.key === 'keyVault' ? ' (Key Vault mode)' : ''}`, m] as const))('%s: no failed unit or ordering cycle; the target, a user unit after it, Docker\'s drop-in, the launch line and env of the plan, 0600 env files, bridge address and routes', (_, m) => {
        expect([m.name, settled[m.name]]).toEqual([m.name, 'active']);
        expect(check(before[m.name], m)).toEqual([]);
      });

      if (members.some((m) => m.key === 'keyVault')) {
        it('Key Vault mode: the fetch unit got a token from instance metadata and the secret from the vault, and wrote /etc/weave.env 0600 before weave.service started', () => {
          const g = guests[members.findIndex((m) => m.key === 'keyVault')];
          const seen = lab.requests().filter((r) => r.from === g.ip);
          expect(seen.some((r) => r.server === 'imds' && r.url.startsWith('/metadata/identity/oauth2/token') && r.status === 200)).toBe(true);
          expect(seen.some((r) => r.server === 'vault' && r.url.startsWith('/secrets/') && r.status === 200 && r.host === VAULT_HOST)).toBe(true);
          // The ordering and the file's mode are in check(): weave-keyvault.service before weave.service, /etc/weave.env 600.
          expect(before[g.name].units['weave-keyvault.service'].active).toBe('active');
        });
      }

      it(`each guest pulled the three images from the registry by digest, and nothing by tag${lateRegistry ? '; the registry came up late and the pulls retried until it did' : ''}`, () => {
        for (const g of guests) {
          const seen = manifestRequests(lab).filter((r) => r.from === g.ip && r.method === 'GET');
          expect(seen.map((r) => `${r.repository}@${r.reference} ${r.status}`).sort()).toEqual(
            Object.entries(registry.digests).map(([image, digest]) => `weave/${image}@${digest} 200`).sort(),
          );
          const log = installLog(g);
          if (lateRegistry) {
            expect(log).toMatch(/weave-images: attempt 1 for \S+@sha256:[0-9a-f]{64}: docker pull failed: .*; next try in 5 seconds/);
            expect(log).toMatch(/weave-images: pulled \S+\/weave@sha256:[0-9a-f]{64} \(attempt ([2-9]|\d\d+)\)/);
          }
          expect(log).toMatch(/weave-images: images ready/);
        }
      });

      it('an operator\'s `weave status` in a shell runs with the units\' release and registry (the wrapper); the bare script would not', () => {
        for (const g of guests) {
          const count = () => readState(lab, g, IPALLOC).calls.length;
          const n = count();
          const wrapped = lab.ssh(g, 'env -u WEAVE_VERSION -u DOCKERHUB_USER /opt/bin/weave status');
          expect([wrapped.status, wrapped.stdout]).toEqual([0, expect.stringMatching(/Status: ready/)]);
          lab.ssh(g, '/opt/bin/weave-2.9.0 status');
          const calls = readState(lab, g, IPALLOC).calls.slice(n);
          expect(calls.map((c) => c.argv[0])).toEqual(['status', 'status']);
          expect([calls[0].env.WEAVE_VERSION, calls[0].env.DOCKERHUB_USER]).toEqual(['2.9.0', REGISTRY_OWNER]);
          // Control: the script itself knows neither (its defaults would name other images).
          expect([calls[1].env.WEAVE_VERSION, calls[1].env.DOCKERHUB_USER]).toEqual([undefined, undefined]);
          expect(count()).toBe(n + 2);
        }
      });

      if (members.some((m) => m.key === 'sites')) {
        it('the router flags reach weave launch: --trusted-subnets for each guest\'s own VNet, --conn-limit, the extra flag on the line, WEAVE_MTU in its environment; site-b dials site-a-vm-1\'s own DNS name', () => {
          const launch = (name: string) => before[name].calls.filter((c) => c.argv[0] === 'launch').at(-1)!;
          for (const [name, vnet] of [['site-a-vm-1', '172.16.1.0/24'], ['site-b-vm-1', '172.16.2.0/24']]) {
            expect([name, launch(name).argv]).toEqual([name, expect.arrayContaining([`--trusted-subnets=${vnet}`, '--conn-limit=300', '--log-level=debug'])]);
            expect([name, launch(name).env.WEAVE_MTU]).toEqual([name, '1412']);
          }
          // The anchor dials nobody; the other site's first VM dials the anchor's public DNS name (no load balancer).
          expect(launch('site-a-vm-1').argv.slice(-2)).toEqual(['--ipalloc-init', 'consensus=5']);
          expect(launch('site-b-vm-1').argv.slice(-1)).toEqual([SITE_A_VM_1]);
        });
      }

      it('a host reaches a container on the other host over Weave, from its container-range address; its bridge address alone gets no reply', () => {
        const [a, b] = guests;
        probeContainer(b, '10.2.77.2');
        const fromA = lab.ssh(a, 'ip route get 10.2.77.2; ping -c 3 -W 3 10.2.77.2');
        expect(fromA.stdout).toMatch(/dev weave/);
        expect([fromA.status, fromA.stdout]).toEqual([0, expect.stringMatching(/3 received/)]);
        const control = lab.ssh(a, `ping -c 2 -W 2 -I ${hostOf(s(members[0]), a.name).bridgeAddress.split('/')[0]} 10.2.77.2`);
        expect(control.status).not.toBe(0);
      });

      (opts.reboot === false ? it.skip : it)('after a reboot the state is the same and nothing is duplicated; nothing is downloaded again', async () => {
        await Promise.all(guests.map((g) => lab.reboot(g, BOOT_TIMEOUT)));
        const again = await Promise.all(guests.map((g) => lab.waitForUnit(g, 'weave-network.target', MESH_TIMEOUT)));
        expect(again).toEqual(['active', 'active']);
        members.forEach((m, i) => {
          const g = guests[i];
          const after = readState(lab, g, IPALLOC);
          expect(after.bootId).not.toBe(before[g.name].bootId);
          expect(check(after, m)).toEqual([]);
          // The probe container of the previous test lost its veth with the old boot: compare Weave's own state.
          const clean = (st: GuestState) => ({ ...stable(st), containers: st.containers.filter((c) => !c.startsWith('probe ')) });
          expect(clean(after)).toEqual(clean(before[g.name]));
          expect(after.calls.filter((c) => c.argv[0] === 'launch').length).toBe(2);
          const fetched = lab.requests().filter((r) => r.server === 'release' && r.from === g.ip && r.url === '/weave');
          expect(fetched.length).toBe(1);
          // The images are there: the pull script asks the registry for nothing.
          expect(manifestRequests(lab).filter((r) => r.from === g.ip).length).toBe(3);
        });
      }, 15 * 60_000);
    });
  }

  pairSuite('cloud-config: azure-prd-01 (anchor, Key Vault mode) and azure-prd-02 (dialer), user data from instance metadata; the registry starts late', [
    { name: 'azure-prd-01', key: 'keyVault', octet: 11 },
    { name: 'azure-prd-02', key: 'plain', octet: 12 },
  ], { lateRegistry: true });
  pairSuite('Ignition 3.3: azure-prd-03 (anchor) and azure-prd-04 (dialer)', [
    { name: 'azure-prd-03', key: 'ignition', octet: 13 },
    { name: 'azure-prd-04', key: 'ignition', octet: 14 },
  ]);

  // Issue 20: what a direct-peering site's VMs run. The stand-in records the
  // launch line, so check() compares it, flags included, with the plan, and
  // WEAVE_MTU in the launch's environment with the shared env file's.
  // site-a-vm-1's public DNS name leads to its guest (Azure DNS would give
  // its public IP); no reboot pass: the seed's stages cover it.
  pairSuite('direct peering with router flags: site-a-vm-1 (the mesh anchor) and site-b-vm-1 (the other site\'s first VM, dialing it by its own DNS name), --trusted-subnets, --conn-limit, WEAVE_MTU, an extra flag', [
    { name: 'site-a-vm-1', key: 'sites', octet: 41 },
    { name: 'site-b-vm-1', key: 'sites', octet: 42 },
  ], { reboot: false, hosts: `192.168.252.41 ${SITE_A_VM_1}\n` });

  describe('dedicated server ded-prd-01 by terraform apply over SSH; beside it the negative controls (the old `drop-ins` output, a wrong sha256)', () => {
    let ded: Guest;
    let neg: Guest;
    let firstApply: string;
    let secondApply: string;
    let dedState: GuestState;
    let negState: GuestState;
    let negWrapper: number | null;
    let oldText: string;

    beforeAll(async () => {
      const keyFile = join(lab.dir, 'id_terraform');
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'terraform', '-f', keyFile]);
      ded = lab.addGuest({ name: 'ded-prd-01', octet: 21, format: 'none', hosts: hostsFile, corePublicKey: readFileSync(`${keyFile}.pub`, 'utf8') });
      const text = scenarios.wrongSha.boot.get('azure-prd-02')!.customData;
      // What the renderer wrote before the fix.
      oldText = text.replace(/^(\s+)drop_ins:/gm, '$1drop-ins:');
      // What Flatcar does with it: drops the key it does not know, silently.
      const doc = parse(oldText);
      for (const u of doc.coreos.units) delete u['drop-ins'];
      neg = lab.addGuest({ name: 'azure-prd-02', octet: 31, format: 'cloud-config', applyScript: cloudConfigApplyScript(`#cloud-config\n${stringify(doc, { lineWidth: 0 })}`), hosts: hostsFile });
      await ensureRegistry();
      lab.boot(ded);
      lab.boot(neg);
      await Promise.all([lab.waitForSsh(ded, BOOT_TIMEOUT), lab.waitForSsh(neg, BOOT_TIMEOUT)]);
      // Terraform through an SSH agent (the stack's connection says agent = true), inside the namespace.
      const agent = join(lab.dir, 'agent.sock');
      lab.spawn('ssh-agent', 'ssh-agent', ['-D', '-a', agent]);
      for (let i = 0; i < 50 && !existsSync(agent); i++) await new Promise((r) => setTimeout(r, 100));
      const add = spawnSync('ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: agent }, encoding: 'utf8' });
      if (add.status !== 0) throw new Error(`ssh-add: ${add.stderr}`);
      const dir = join(lab.dir, 'tf-dedicated');
      mkdirSync(dir, { recursive: true });
      const tf = scenarios.plain.tf;
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(dedicatedConfig(tf), null, 1));
      const env = { ...process.env, ...variableValues(tf, { weave_password: PASSWORD, dedicated_address: ded.ip }), SSH_AUTH_SOCK: agent, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' };
      const tfRun = (...args: string[]) => {
        const r = lab.exec('terraform', [`-chdir=${dir}`, ...args, '-no-color'], { env, timeout: 15 * 60_000 });
        if (r.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${r.stdout}\n${r.stderr}`);
        return r.stdout;
      };
      tfRun('init', '-input=false');
      const negSettled = lab.waitForUnit(neg, 'weave-install.service', MESH_TIMEOUT);
      firstApply = tfRun('apply', '-input=false', '-auto-approve');
      await lab.waitForUnit(ded, 'weave-network.target', MESH_TIMEOUT);
      dedState = readState(lab, ded, IPALLOC);
      secondApply = tfRun('apply', '-input=false', '-auto-approve');
      await negSettled;
      negState = readState(lab, neg, IPALLOC);
      negWrapper = lab.ssh(neg, '/opt/bin/weave status').status;
      await lab.stop(neg);
    }, 25 * 60_000);

    afterAll(async () => { await Promise.all([ded, neg].filter(Boolean).map((g) => lab.stop(g))); }, 120_000);

    it('the first apply runs the provisioner; the dedicated server is healthy with the plan\'s launch line', () => {
      expect(firstApply).toMatch(/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed/);
      expect(firstApply).toMatch(/provision.*\(remote-exec\)/);
      expect(problems(dedState, scenarios.plain, hostOf(scenarios.plain, 'ded-prd-01'))).toEqual([]);
    });

    it('a second apply with nothing changed runs nothing', () => {
      expect(secondApply).toMatch(/No changes\./);
      expect(secondApply).not.toMatch(/remote-exec|Provisioning with/);
      const now = readState(lab, ded, IPALLOC);
      expect(now.calls.map((c) => c.id)).toEqual(dedState.calls.map((c) => c.id));
    });

    it('after a reboot the dedicated server is the same, and nothing is duplicated', async () => {
      await lab.reboot(ded, BOOT_TIMEOUT);
      expect(await lab.waitForUnit(ded, 'weave-network.target', MESH_TIMEOUT)).toBe('active');
      const again = readState(lab, ded, IPALLOC);
      expect(problems(again, scenarios.plain, hostOf(scenarios.plain, 'ded-prd-01'))).toEqual([]);
      expect(stable(again)).toEqual(stable(dedState));
    }, 15 * 60_000);

    it('negative control: the strict applier refuses the `drop-ins` document outright', () => {
      expect(oldText).toMatch(/drop-ins:/);
      expect(() => cloudConfigApplyScript(oldText)).toThrow(CloudConfigError);
    });

    it('negative control: applied as Flatcar applies it, the boot tier\'s Docker check fails: the drop-in never reaches docker.service', () => {
      expect(problems(negState, scenarios.wrongSha, hostOf(scenarios.wrongSha, 'azure-prd-02'))).toEqual(expect.arrayContaining([expect.stringMatching(/^docker\.service Environment lacks DOCKER_MIN_API_VERSION/)]));
      expect(negState.dockerDropIns).toEqual([]);
    });

    it('negative control: a wrong sha256 fails the install closed: no script in place, Weave never launched, the target not reached', () => {
      expect(negState.units['weave-install.service'].active).toBe('failed');
      expect(negState.optBin).not.toContain('weave-2.9.0');
      // The wrapper is a file of the document; what it runs never arrived.
      expect(negWrapper).not.toBe(0);
      expect(negState.calls).toEqual([]);
      expect(manifestRequests(lab).filter((r) => r.from === neg.ip)).toEqual([]);
      expect(negState.target).not.toBe('active');
      expect(lab.requests().some((r) => r.server === 'release' && r.from === neg.ip && r.url === '/weave' && r.status === 200)).toBe(true);
    });
  });

  describe('pool: two scale set instances boot its one document, derive distinct bridge addresses and launch as observers; one leaves on a Terminate notice', () => {
    // README's worked example: the seed plus a pool of 2-20 workers.
    const POOL = { min: 2, max: 20, autoscale: { cpu: { scaleOutAbove: 70, scaleInBelow: 25 } } };
    // Uniform instances: VM name {scale set}_{instance id}, computer name prefix + six base-36 characters;
    // private addresses as Azure hands out the first two of the pool's subnet (offsets 4 and 5).
    const INSTANCES = [
      { octet: 51, vm: 'workers_0', host: 'workers000000', privateIp: '172.16.2.4' },
      { octet: 52, vm: 'workers_1', host: 'workers000001', privateIp: '172.16.2.5' },
    ] as const;
    const EVENT_ID = '602d9444-d2cd-49c7-8624-8643e7171297';
    const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const toIp = (n: number) => [24, 16, 8, 0].map((b) => Math.floor(n / 2 ** b) % 256).join('.');
    let s: Scenario;
    let pool: PoolPlan;
    let document: string;
    let guests: Guest[];
    let settled: Record<string, string>;
    let before: Record<string, GuestState>;
    /** The bridge address an instance must derive: the pool's block at its private address's offset in the subnet, computed here on its own. */
    const expectedAddress = (privateIp: string) =>
      `${toIp(toInt(pool.bridgeBlock.split('/')[0]) + toInt(privateIp) - toInt(pool.subnet.split('/')[0]))}/${pool.bridgePrefix}`;
    const asHost = (i: number): Checked => ({
      launchArgs: pool.launchArgs,
      hostEnvPath: pool.hostEnvPath,
      bridgeAddress: expectedAddress(INSTANCES[i].privateIp),
      hostEnv: [...pool.hostEnv, ['WEAVE_BRIDGE_ADDRESS', expectedAddress(INSTANCES[i].privateIp)], ['WEAVE_POOL_PRIVATE_IP', INSTANCES[i].privateIp]],
    });
    const POOL_BIN = ['weave-pool-address', 'weave-pool-events', 'weave-pool-reclaim'];

    beforeAll(async () => {
      s = scenario(tfDir('pool'), { network: release(sha256(standIn)), pool: POOL });
      pool = s.plan.pools[0];
      document = s.boot.get(pool.name)!.customData;
      writeFileSync(instancesFile(), JSON.stringify(Object.fromEntries(INSTANCES.map((i) => [`192.168.252.${i.octet}`, { name: i.vm, privateIp: i.privateIp, subnet: pool.subnet }]))));
      const applyScript = cloudConfigApplyScript(document);
      guests = INSTANCES.map((i) => lab.addGuest({ name: i.host, octet: i.octet, format: 'cloud-config', applyScript, hosts: hostsFile }));
      settled = await bootAll(guests);
      before = Object.fromEntries(guests.map((g) => [g.name, readState(lab, g, IPALLOC)]));
    }, 15 * 60_000);

    afterAll(async () => { await Promise.all((guests ?? []).map((g) => lab.stop(g))); }, 120_000);

    it('both instances apply the one document, reach the target with no failed unit, launch with the pool\'s observer line and derive distinct bridge addresses from their private addresses', () => {
      expect(pool).toMatchObject({ name: 'workers', min: 2, max: 20, ipallocInit: 'observer', subnet: '172.16.2.0/24' });
      expect(new Set(guests.map((g) => readFileSync(join(g.share, 'cloud-config-apply.sh'), 'utf8'))).size).toBe(1);
      expect(document).not.toMatch(/WEAVE_BRIDGE_ADDRESS=\d/);
      const addresses = guests.map((g, i) => {
        expect([g.name, settled[g.name]]).toEqual([g.name, 'active']);
        expect(check(before[g.name], i)).toEqual([]);
        const launch = before[g.name].calls.filter((c) => c.argv[0] === 'launch');
        expect(launch).toHaveLength(1);
        expect(launch[0].argv.join(' ')).toContain(`--ipalloc-init observer ${pool.peers.join(' ')}`);
        expect(launch[0].env.WEAVE_BRIDGE_ADDRESS).toBe(expectedAddress(INSTANCES[i].privateIp));
        const env = lab.ssh(g, 'cat /run/weave-pool.env; journalctl -b -u weave-pool-address.service -o cat | grep "bridge address"').stdout;
        process.stderr.write(`boot tier pool: ${g.name} (${INSTANCES[i].privateIp}): ${launch[0].argv.join(' ')}\n  ${env.trim().replace(/\n/g, '\n  ')}\n`);
        expect(env).toContain(`WEAVE_BRIDGE_ADDRESS=${expectedAddress(INSTANCES[i].privateIp)}\n`);
        return before[g.name].weaveAddresses.find((a) => !a.startsWith('10.2.'))!;
      });
      expect(addresses).toEqual(['10.1.255.4/16', '10.1.255.5/16']);
      // No static host of the seed has either address.
      for (const a of addresses) expect(s.plan.hosts.map((h) => h.bridgeAddress)).not.toContain(a);
    });

    it('a Terminate notice for workers_1, served to both: workers000001 runs weave reset once, approves the event and keeps its router down; workers000000 reads it and ignores it (the control)', async () => {
      const [stays, leaves] = guests;
      writeFileSync(eventsFile(), JSON.stringify({
        DocumentIncarnation: 1,
        Events: [{
          EventId: EVENT_ID, EventType: 'Terminate', ResourceType: 'VirtualMachine', Resources: [INSTANCES[1].vm], EventStatus: 'Scheduled',
          NotBefore: new Date(Date.now() + 5 * 60_000).toUTCString(), Description: 'Virtual machine is being deleted.', EventSource: 'User', DurationInSeconds: -1,
        }],
      }));
      const invocation = () => lab.ssh(leaves, 'systemctl show -p InvocationID --value weave-pool-events.service').stdout.trim();
      const watcher = invocation();
      const started = Date.now();
      const approvals = () => lab.requests().filter((r) => r.server === 'imds' && r.method === 'POST' && r.url.startsWith('/metadata/scheduledevents'));
      while (approvals().length === 0 && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 1000));
      // Past weave.service's RestartSec (10 s), whose restart once restarted the watcher with the target.
      await new Promise((r) => setTimeout(r, 15_000));
      writeFileSync(eventsFile(), JSON.stringify({ DocumentIncarnation: 2, Events: [] }));
      expect(approvals().map((r) => [r.from, r.status, JSON.parse(r.body as string)])).toEqual([[leaves.ip, 200, { StartRequests: [{ EventId: EVENT_ID }] }]]);
      process.stderr.write(`boot tier pool: the Terminate notice was approved ${((approvals()[0].t as number - started) / 1000).toFixed(1)} s after it appeared\n`);
      // Both read the notice (the fake logs a read of Scheduled Events only while it holds one).
      const reads = lab.requests().filter((r) => r.server === 'imds' && r.method === 'GET' && r.url.startsWith('/metadata/scheduledevents'));
      expect(new Set(reads.map((r) => r.from))).toEqual(new Set([stays.ip, leaves.ip]));

      const gone = readState(lab, leaves, IPALLOC);
      expect(gone.calls.filter((c) => c.argv[0] === 'reset')).toHaveLength(1);
      expect(gone.calls.filter((c) => c.argv[0] === 'launch')).toHaveLength(1);
      expect(gone.units['weave.service'].active).not.toBe('active');
      expect(gone.containers.filter((c) => c.startsWith('weave '))).toEqual([]);
      const journal = lab.ssh(leaves, 'test -e /run/weave-pool-leaving && echo flag; journalctl -b -u weave-pool-events.service -o cat').stdout;
      process.stderr.write(`boot tier pool: ${leaves.name}: ${journal.trim().replace(/\n/g, '\n  ')}\n`);
      expect(journal).toMatch(/^flag$/m);
      expect(journal).toContain(`Terminate event ${EVENT_ID} for ${INSTANCES[1].vm}: leaving the mesh`);
      expect(journal).toContain('weave reset done');
      expect(journal).toContain(`approved event ${EVENT_ID}`);
      // The watcher that left is the one that was watching: never stopped or restarted along the way.
      expect(journal).not.toMatch(/Stopping weave-pool-events/);
      expect([watcher.length, invocation()]).toEqual([32, watcher]);
      // The control: the other instance saw the same document and stays in the mesh.
      const kept = readState(lab, stays, IPALLOC);
      expect(kept.calls.filter((c) => c.argv[0] === 'reset')).toEqual([]);
      expect(check(kept, 0)).toEqual([]);
    }, 5 * 60_000);

    function check(st: GuestState, i: number): string[] {
      return problems(st, s, asHost(i), { bin: POOL_BIN });
    }
  });
});
