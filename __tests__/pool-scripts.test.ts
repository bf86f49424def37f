// A pool instance's boot scripts, run for real: the generated bash with the
// real curl and jq against a fake instance metadata service and a fake
// Scheduled Events endpoint on the loopback interface, and a stand-in
// `weave` that records what it is asked. The leave handler must reset and
// approve a Terminate or Preempt event for this VM, within its bounded
// wait, once; ignore other VMs' events and other kinds of event. The address
// script must compute what the planner's poolBridgeAddress computes, and
// refuse a subnet the bridge block was not sized for. The reclaim script
// must take back only its own host name's dead predecessors. Then the
// pool's units and Ignition document go through the real validators.
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { poolBridgeAddress } from '../lib/core/allocation/pools';
import { poolBootDocument } from '../lib/core/boot/pool';
import { poolAddressScript, poolEventsScript, poolReclaimScript } from '../lib/core/boot/pool-scripts';
import { Cidr, intToIp, parseCidr } from '../lib/core/common/cidr';
import type { ClusterSpec } from '../lib/core/declare/network';
import { planNetwork } from '../lib/core/plan/plan';
import { fillSecrets, renderIgnition } from '../lib/core/render';
import { seedSpec } from './fixtures/seed-spec';
import { describeWhen, tool } from './support/skip';
import { LoopbackServer } from './support/loopback-server';
import { ignitionValidate, stageUnits, systemdVerify } from './support/validators';

const VM_NAME = 'workers_7';
const OPTIONS = { addressFile: '/run/weave-pool.env', weave: '/opt/bin/weave', leavingFlag: '/run/weave-pool-leaving' };

interface Request { method: string; url: string; metadata?: string; body: string }

/** Instance metadata and Scheduled Events, as one VM of a scale set sees them. */
class FakeAzure extends LoopbackServer {
  readonly seen: Request[] = [];
  ip = '172.16.2.4';
  subnet = '172.16.2.0';
  prefix = '24';
  events: unknown = { DocumentIncarnation: 0, Events: [] };

  posts(): Request[] {
    return this.seen.filter((r) => r.method === 'POST');
  }

  protected handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = req.url ?? '';
      const metadata = req.headers.metadata as string | undefined;
      this.seen.push({ method: req.method ?? '', url, metadata, body });
      const text = (status: number, t: string) => {
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(t);
      };
      // Azure answers 400 without the header.
      if (metadata !== 'true') return text(400, 'Bad request: Metadata header missing');
      const path = url.split('?')[0];
      const leaf: Record<string, string> = {
        '/metadata/instance/network/interface/0/ipv4/ipAddress/0/privateIpAddress': this.ip,
        '/metadata/instance/network/interface/0/ipv4/subnet/0/address': this.subnet,
        '/metadata/instance/network/interface/0/ipv4/subnet/0/prefix': this.prefix,
        '/metadata/instance/compute/name': VM_NAME,
      };
      if (leaf[path] !== undefined) return text(200, leaf[path]);
      if (path === '/metadata/scheduledevents' && new URL(url, 'http://x').searchParams.get('api-version') === '2020-07-01') {
        if (req.method === 'POST') return text(JSON.parse(body).StartRequests ? 200 : 400, '');
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify(this.events));
      }
      text(404, 'no such path');
    });
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'weave-pool-scripts-'));
let seq = 0;

function script(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

/** A stand-in `weave` that logs its arguments; `STANDIN_RESET` says how reset behaves. */
function standInWeave(dir: string): string {
  return script(`weave-${seq++}`, `#!/bin/bash
echo "$*" >>"${dir}/weave.log"
case "$1" in
  reset)
    case "\${STANDIN_RESET:-ok}" in
      hang) exec sleep 600 ;;
      fail) echo "weave is not running" >&2; exit 1 ;;
    esac ;;
  report)
    case "$3" in
      '{{.Router.Name}}') echo "\${STANDIN_SELF}" ;;
      '{{json .IPAM}}') cat "${dir}/ipam.json" ;;
    esac ;;
  rmpeer) echo "524288 IPs taken over from $2" ;;
esac
`);
}

interface Run { code: number | null; output: string; dir: string }

function run(file: string, env: Record<string, string>, dir = join(tmp, `run-${seq++}`)): Promise<Run> {
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [file], { env: { PATH: process.env.PATH, TMPDIR: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, dir }));
  });
}

/** The seed with a pool of 2 to 20, planned. */
const plan = planNetwork({
  ...seedSpec(),
  clusters: [...seedSpec().clusters, {
    path: 'seed/weave/workers', name: 'workers', kind: 'scale-set', hasProvider: true, location: 'westeurope', vnetCidr: '172.16.2.0/24',
    options: { pool: { min: 2, max: 20 } }, hosts: [],
  } as ClusterSpec],
});

const event = (id: string, type: string, resources = [VM_NAME]) => ({
  EventId: id, EventType: type, ResourceType: 'VirtualMachine', Resources: resources, EventStatus: 'Scheduled',
  NotBefore: 'Mon, 19 Sep 2016 18:29:47 GMT', Description: '', EventSource: 'Platform', DurationInSeconds: -1,
});

describeWhen('a pool instance\'s scripts against fake instance metadata and Scheduled Events', [tool('bash'), tool('curl'), tool('jq'), tool('timeout')], () => {
  const azure = new FakeAzure();
  const events = script('weave-pool-events', poolEventsScript(OPTIONS));
  const address = script('weave-pool-address', poolAddressScript(OPTIONS));
  const reclaim = script('weave-pool-reclaim', poolReclaimScript(OPTIONS));
  beforeAll(() => azure.start());
  afterAll(() => azure.stop());
  beforeEach(() => {
    azure.seen.length = 0;
    azure.events = { DocumentIncarnation: 0, Events: [] };
  });

  /** The leave handler for a few polls, with a stand-in weave. */
  async function watch(extra: Record<string, string> = {}, polls = 3): Promise<Run & { weave: string[]; left: boolean }> {
    const dir = join(tmp, `events-${seq++}`);
    mkdirSync(dir);
    const r = await run(events, {
      WEAVE_IMDS_ENDPOINT: `http://127.0.0.1:${azure.port}`,
      WEAVE_BIN: standInWeave(dir),
      WEAVE_EVENTS_INTERVAL: '0.1',
      WEAVE_EVENTS_MAX_POLLS: String(polls),
      WEAVE_LEAVING_FLAG: join(dir, 'leaving'),
      WEAVE_EVENTS_STATE: join(dir, 'state'),
      ...extra,
    }, dir);
    const log = existsSync(join(dir, 'weave.log')) ? readFileSync(join(dir, 'weave.log'), 'utf8').trim().split('\n') : [];
    return { ...r, weave: log, left: existsSync(join(dir, 'leaving')) };
  }

  it('on a Terminate notice for this VM: keeps the router down, runs weave reset once, approves the event', async () => {
    azure.events = { DocumentIncarnation: 1, Events: [event('C7061BAC-AFDC-4513-B24B-AA5F13A16123', 'Terminate')] };
    const r = await watch();
    expect(r.code).toBe(0);
    expect(r.weave).toEqual(['reset']);
    expect(r.left).toBe(true);
    expect(azure.posts().map((p) => JSON.parse(p.body))).toEqual([{ StartRequests: [{ EventId: 'C7061BAC-AFDC-4513-B24B-AA5F13A16123' }] }]);
    // Every request carries the header Azure requires, and asks the documented API version.
    expect(azure.seen.every((q) => q.metadata === 'true')).toBe(true);
    expect(azure.seen.filter((q) => q.url.startsWith('/metadata/scheduledevents')).every((q) => q.url.includes('api-version=2020-07-01'))).toBe(true);
    expect(r.output).toMatch(/Terminate event C7061BAC-AFDC-4513-B24B-AA5F13A16123 for workers_7: leaving the mesh/);
    expect(r.output).toMatch(/approved event/);
  });

  it('on a Preempt notice (Spot eviction) as well', async () => {
    azure.events = { DocumentIncarnation: 2, Events: [event('0b7d5b7e-1f6a-4c11-9d3e-5f2a8a7c0001', 'Preempt')] };
    const r = await watch();
    expect(r.weave).toEqual(['reset']);
    expect(azure.posts()).toHaveLength(1);
  });

  it('ignores other VMs\' events, and Freeze, Reboot and Redeploy for this one (control for the two above)', async () => {
    azure.events = {
      DocumentIncarnation: 3,
      Events: [event('11111111-0000-0000-0000-000000000001', 'Terminate', ['workers_8']), event('11111111-0000-0000-0000-000000000002', 'Freeze'),
        event('11111111-0000-0000-0000-000000000003', 'Reboot'), event('11111111-0000-0000-0000-000000000004', 'Redeploy')],
    };
    const r = await watch();
    expect(r.weave).toEqual([]);
    expect(r.left).toBe(false);
    expect(azure.posts()).toEqual([]);
  });

  it('leaves within its bounded wait when weave reset hangs, and still approves the event', async () => {
    azure.events = { DocumentIncarnation: 4, Events: [event('22222222-0000-0000-0000-000000000001', 'Terminate')] };
    // The stand-in reset would sleep 600 s; the handler gives it 1 s.
    const r = await watch({ STANDIN_RESET: 'hang', WEAVE_LEAVE_TIMEOUT: '1' }, 1);
    expect(r.weave).toEqual(['reset']);
    expect(r.output).toMatch(/weave reset did not finish within 1s; leaving anyway/);
    expect(azure.posts()).toHaveLength(1);
  });

  it('approves the event when weave reset fails too', async () => {
    azure.events = { DocumentIncarnation: 5, Events: [event('33333333-0000-0000-0000-000000000001', 'Preempt')] };
    const r = await watch({ STANDIN_RESET: 'fail' }, 1);
    expect(r.output).toMatch(/weave reset failed \(exit 1\); leaving anyway/);
    expect(azure.posts()).toHaveLength(1);
  });

  const pool = plan.pools[0];
  const env = (subnet: string, block: string) => ({
    WEAVE_IMDS_ENDPOINT: `http://127.0.0.1:${azure.port}`, WEAVE_POOL_SUBNET: subnet, WEAVE_POOL_BLOCK: block, WEAVE_BRIDGE_PREFIX: '16',
  });

  // Subnets of several sizes, with their first, a middle and their last instance address.
  const cases: [string, string, number][] = [
    ['172.16.2.0/24', '10.1.255.0/24', 4], ['172.16.2.0/24', '10.1.255.0/24', 137], ['172.16.2.0/24', '10.1.255.0/24', 254],
    ['192.168.7.8/29', '10.1.0.248/29', 4], ['192.168.7.8/29', '10.1.0.248/29', 6],
    ['10.128.16.0/20', '10.1.224.0/20', 4], ['10.128.16.0/20', '10.1.224.0/20', 2049], ['10.128.16.0/20', '10.1.224.0/20', 4094],
  ];
  it.each(cases)('derives the bridge address in %s (block %s) at offset %i as the planner does', async (subnet, block, offset) => {
    const s = parseCidr(subnet) as Cidr;
    const b = parseCidr(block) as Cidr;
    azure.ip = intToIp(s.network + offset);
    azure.subnet = intToIp(s.network);
    azure.prefix = String(s.prefix);
    const out = join(tmp, `address-${seq++}.env`);
    const r = await run(address, { ...env(subnet, block), WEAVE_POOL_ADDRESS_FILE: out });
    expect(r.code).toBe(0);
    const expected = `${intToIp(poolBridgeAddress(b, s, s.network + offset)!)}/16`;
    expect(readFileSync(out, 'utf8')).toBe(`WEAVE_BRIDGE_ADDRESS=${expected}\nWEAVE_POOL_PRIVATE_IP=${azure.ip}\n`);
  });

  it('uses the plan\'s own subnet and block (the env file the document writes)', async () => {
    const e = Object.fromEntries(pool.hostEnv);
    azure.ip = '172.16.2.77';
    azure.subnet = '172.16.2.0';
    azure.prefix = '24';
    const out = join(tmp, `address-${seq++}.env`);
    const r = await run(address, { ...env(e.WEAVE_POOL_SUBNET, e.WEAVE_POOL_BLOCK), WEAVE_POOL_ADDRESS_FILE: out });
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('WEAVE_BRIDGE_ADDRESS=10.1.255.77/16\n');
  });

  it('refuses a subnet the block was not sized for, and an address Azure never gives, writing nothing', async () => {
    azure.ip = '172.16.2.77';
    azure.subnet = '172.16.2.0';
    azure.prefix = '23';
    const out = join(tmp, `address-${seq++}.env`);
    const wrong = await run(address, { ...env('172.16.2.0/24', '10.1.255.0/24'), WEAVE_POOL_ADDRESS_FILE: out });
    expect(wrong.code).not.toBe(0);
    expect(wrong.output).toMatch(/subnet is 172\.16\.2\.0\/23, but the pool's bridge block 10\.1\.255\.0\/24 was sized for 172\.16\.2\.0\/24/);
    expect(existsSync(out)).toBe(false);
    azure.prefix = '24';
    azure.ip = '172.16.2.255';
    const reserved = await run(address, { ...env('172.16.2.0/24', '10.1.255.0/24'), WEAVE_POOL_ADDRESS_FILE: out });
    expect(reserved.code).not.toBe(0);
    expect(reserved.output).toMatch(/not an address Azure gives an instance/);
    expect(existsSync(out)).toBe(false);
  });

  it('reclaims only its own host name\'s dead predecessors', async () => {
    const dir = join(tmp, `reclaim-${seq++}`);
    mkdirSync(dir);
    const self = 'aa:aa:aa:aa:aa:01';
    writeFileSync(join(dir, 'ipam.json'), JSON.stringify({
      Range: '10.2.0.0/16',
      Entries: [
        { Token: '10.2.0.0', Size: 16384, Peer: self, Nickname: 'workers000007', IsKnownPeer: true, Version: 3 },
        { Token: '10.2.64.0', Size: 16384, Peer: 'bb:bb:bb:bb:bb:02', Nickname: 'workers000007', IsKnownPeer: false, Version: 2 },
        { Token: '10.2.128.0', Size: 8192, Peer: 'bb:bb:bb:bb:bb:02', Nickname: 'workers000007', IsKnownPeer: false, Version: 2 },
        { Token: '10.2.160.0', Size: 8192, Peer: 'cc:cc:cc:cc:cc:03', Nickname: 'workers000008', IsKnownPeer: false, Version: 1 },
        { Token: '10.2.192.0', Size: 16384, Peer: 'dd:dd:dd:dd:dd:04', Nickname: 'workers000007', IsKnownPeer: true, Version: 1 },
      ],
    }));
    const r = await run(reclaim, { WEAVE_BIN: standInWeave(dir), WEAVE_RECLAIM_TRIES: '1', WEAVE_RECLAIM_DELAY: '0', WEAVE_NICKNAME: 'workers000007', STANDIN_SELF: self }, dir);
    expect(r.code).toBe(0);
    const calls = readFileSync(join(dir, 'weave.log'), 'utf8').trim().split('\n');
    expect(calls.filter((c) => c.startsWith('rmpeer'))).toEqual(['rmpeer bb:bb:bb:bb:bb:02']);
    expect(r.output).toMatch(/bb:bb:bb:bb:bb:02 was workers000007 before this instance and is gone: 524288 IPs taken over/);
  });
});

describeWhen('a pool instance\'s boot document through the real validators', [tool('systemd-analyze'), tool('ignition-validate')], () => {
  const boot = poolBootDocument(plan, plan.pools[0]);

  it('every unit passes systemd-analyze verify (the router needs the address unit)', () => {
    const root = join(tmp, `systemd-${seq++}`);
    const units = stageUnits(root, boot);
    expect(units).toEqual(expect.arrayContaining(['weave-pool-address.service', 'weave-pool-events.service', 'weave-pool-reclaim.service', 'weave.service']));
    expect(systemdVerify(root, units)).toEqual({ status: 0, output: '' });
    // Negative control: a typo in a pool unit is caught.
    const broken = { ...boot, units: boot.units.map((u) => (u.name === 'weave-pool-address.service' ? { ...u, contents: u.contents!.replace('Type=oneshot', 'Type=oneshoot') } : u)) };
    const root2 = join(tmp, `systemd-${seq++}`);
    expect(systemdVerify(root2, stageUnits(root2, broken)).output).toMatch(/oneshoot/);
  });

  it('its Ignition form passes ignition-validate, with the three scripts 0755', () => {
    const file = join(tmp, 'pool.ign');
    // With the password filled in, as Terraform does at apply time.
    const text = fillSecrets(renderIgnition(boot), 'Pool-Pa55word!#%');
    writeFileSync(file, text);
    expect(ignitionValidate(file)).toEqual({ status: 0, output: '' });
    const files = JSON.parse(text).storage.files as { path: string; mode: number }[];
    for (const name of ['weave-pool-address', 'weave-pool-events', 'weave-pool-reclaim']) expect(files.find((f) => f.path === `/opt/bin/${name}`)?.mode).toBe(0o755);
  });
});
