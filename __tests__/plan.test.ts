import { planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';

const flag = (args: readonly string[], name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

describe('the seed five hosts', () => {
  const plan = planNetwork(seedSpec());
  const byName = Object.fromEntries(plan.hosts.map((h) => [h.name, h]));
  const cluster01 = 'cluster-01.westeurope.cloudapp.azure.com';

  // What the 2015 write-up intended, with its slips fixed: consensus=5
  // everywhere (not -initpeercount on one host), 10.2.0.0/16 (not
  // 10.2.0.1/16), and ded-prd-01's env file named after itself.
  const expected = [
    { name: 'azure-prd-01', peers: [], bridge: '10.1.0.1/16' },
    { name: 'azure-prd-02', peers: ['azure-prd-01'], bridge: '10.1.0.2/16' },
    { name: 'azure-prd-03', peers: [cluster01], bridge: '10.1.0.3/16' },
    { name: 'azure-prd-04', peers: ['azure-prd-03'], bridge: '10.1.0.4/16' },
    { name: 'ded-prd-01', peers: [cluster01], bridge: '10.1.0.5/16' },
  ];

  it('keeps declaration order', () => {
    expect(plan.hosts.map((h) => h.name)).toEqual(expected.map((e) => e.name));
  });

  it.each(expected)('$name: peers, IPAM flags, bridge address and env files', (e) => {
    const h = byName[e.name];
    expect(h.peers).toEqual(e.peers);
    expect(h.bridgeAddress).toBe(e.bridge);
    expect(flag(h.launchArgs, '--ipalloc-range')).toBe('10.2.0.0/16');
    expect(flag(h.launchArgs, '--ipalloc-init')).toBe('consensus=5');
    expect(h.launchArgs[0]).toBe('--no-restart');
    // Peers come last, after every flag (weave's flag parser stops at the first positional).
    expect(h.launchArgs.slice(h.launchArgs.length - e.peers.length)).toEqual(e.peers);
    expect(h.sharedEnvPath).toBe('/etc/weave.env');
    expect(h.hostEnvPath).toBe(`/etc/weave.${e.name}.env`);
    expect(Object.fromEntries(h.hostEnv)).toEqual({
      WEAVE_PEERS: e.peers.join(' '),
      WEAVE_IPALLOC_INIT: 'consensus=5',
      WEAVE_BRIDGE_ADDRESS: e.bridge,
    });
  });

  it('fixes the seed slip: ded-prd-01 has its own env file, not azure-prd-03\'s', () => {
    expect(byName['ded-prd-01'].hostEnvPath).toBe('/etc/weave.ded-prd-01.env');
    expect(new Set(plan.hosts.map((h) => h.hostEnvPath)).size).toBe(5);
  });

  it('has no -initpeercount and never a CIDR with host bits', () => {
    for (const h of plan.hosts) {
      expect(h.launchArgs.join(' ')).not.toMatch(/initpeercount|10\.2\.0\.1\/16|-iprange/);
    }
  });

  it('shares version, image owner and checkpoint opt-out; the password is added at render time', () => {
    expect(Object.fromEntries(plan.sharedEnv)).toEqual({
      WEAVE_VERSION: '2.9.0',
      DOCKERHUB_USER: 'rajchaudhuri',
      CHECKPOINT_DISABLE: '1',
    });
  });
});

describe('IPAM init', () => {
  it('gives hosts beyond the bootstrap size observer, and the rest consensus=N', () => {
    const plan = planNetwork(seedSpec({ bootstrapSize: 3 }));
    expect(plan.hosts.map((h) => h.ipallocInit)).toEqual([
      'consensus=3', 'consensus=3', 'consensus=3', 'observer', 'observer',
    ]);
    expect(plan.hosts.map((h) => h.bootstrap)).toEqual([true, true, true, false, false]);
  });

  it('defaults the bootstrap size to every declared host', () => {
    expect(planNetwork(seedSpec({ bootstrapSize: undefined })).consensus).toBe(5);
  });
});

describe('launch flags', () => {
  it('turns DNS, proxy and plugin off with the flags weave 2.x knows', () => {
    const plan = planNetwork(seedSpec({ dnsDomain: false, proxy: false, plugin: false }));
    expect(plan.commonLaunchArgs).toEqual(['--ipalloc-range', '10.2.0.0/16', '--no-dns', '--proxy=false', '--plugin=false']);
  });

  it('passes a custom DNS domain', () => {
    expect(planNetwork(seedSpec({ dnsDomain: 'mesh.example.' })).commonLaunchArgs).toContain('mesh.example.');
  });
});

describe('bridge addresses', () => {
  it('reserves pinned addresses first and fills the rest in order around them', () => {
    const spec = seedSpec();
    const clusters = spec.clusters.map((c) => ({ ...c, hosts: [...c.hosts] }));
    clusters[0].hosts[1] = { ...clusters[0].hosts[1], bridgeAddress: '10.1.0.3' };
    clusters[1].hosts[1] = { ...clusters[1].hosts[1], bridgeAddress: '10.1.7.7/16' };
    const plan = planNetwork({ ...spec, clusters });
    expect(plan.hosts.map((h) => h.bridgeAddress)).toEqual([
      '10.1.0.1/16', '10.1.0.3/16', '10.1.0.2/16', '10.1.7.7/16', '10.1.0.4/16',
    ]);
  });

  it('uses the bridge range prefix for every address', () => {
    const plan = planNetwork(seedSpec({ bridgeRange: '192.168.50.0/24' }));
    expect(plan.hosts.map((h) => h.bridgeAddress)).toEqual([
      '192.168.50.1/24', '192.168.50.2/24', '192.168.50.3/24', '192.168.50.4/24', '192.168.50.5/24',
    ]);
  });

  it('fills a range exactly up to the last usable address', () => {
    const plan = planNetwork(seedSpec({ bridgeRange: '10.9.0.0/29' })); // 6 usable
    expect(plan.hosts.at(-1)!.bridgeAddress).toBe('10.9.0.5/29');
  });
});

describe('growth with per-cluster bootstrap pins', () => {
  const pinned = (extra: string[]) => {
    const spec = seedSpec({ bootstrapSize: undefined });
    const clusters = spec.clusters.map((c) => ({ ...c, bootstrapHosts: c.hosts.length, hosts: [...c.hosts] }));
    for (const name of extra) clusters[0].hosts.push({ path: `seed/weave/cluster-01/${name}`, name });
    return planNetwork({ ...spec, clusters });
  };

  it('appending to the first cluster changes no existing host and makes the new one an observer', () => {
    const before = pinned([]);
    const after = pinned(['azure-prd-05', 'azure-prd-06']);
    for (const h of before.hosts) {
      const a = after.hosts.find((x) => x.name === h.name)!;
      expect([h.name, a.hostEnv, a.launchArgs]).toEqual([h.name, h.hostEnv, h.launchArgs]);
    }
    const late = after.hosts.filter((h) => !h.bootstrap).map((h) => [h.name, h.ipallocInit, h.bridgeAddress, h.peers]);
    expect(late).toEqual([
      ['azure-prd-05', 'observer', '10.1.0.6/16', ['azure-prd-01']],
      ['azure-prd-06', 'observer', '10.1.0.7/16', ['azure-prd-01']],
    ]);
    expect(after.consensus).toBe(5);
  });

  it('without pins, the first N hosts in declaration order bootstrap (so pins are what make growth safe)', () => {
    const spec = seedSpec({ bootstrapSize: 5 });
    const clusters = spec.clusters.map((c) => ({ ...c, hosts: [...c.hosts] }));
    clusters[0].hosts.push({ path: 'x', name: 'azure-prd-05' });
    const plan = planNetwork({ ...spec, clusters });
    expect(plan.hosts.find((h) => h.name === 'ded-prd-01')!.ipallocInit).toBe('observer');
  });
});
