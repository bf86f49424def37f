// What the boot tier reads off a running guest, in one SSH round trip.
import type { Guest, Lab } from './lab';

export interface StandInCall {
  readonly id: string;
  readonly argv: string[];
  readonly env: Record<string, string>;
}

export interface GuestState {
  readonly bootId: string;
  readonly failed: string[];
  readonly orderingCycles: string[];
  readonly target: string;
  readonly units: Record<string, { active: string; result: string; enteredActive: number; started: number }>;
  readonly dockerEnvironment: string;
  readonly calls: StandInCall[];
  readonly weaveAddresses: string[];
  readonly multicastRoutes: string[];
  readonly rangeRoutes: string[];
  readonly envFiles: Record<string, string>;
  readonly containers: string[];
  readonly images: string[];
  readonly optBin: string[];
  readonly dockerDropIns: string[];
  readonly etcUnits: string[];
}

const UNITS = ['weave-network.target', 'weave-install.service', 'weave.service', 'weave-expose.service', 'weave-host-env.service', 'weave-keyvault.service', 'node-mesh-ready.service', 'kubernetes.node.target', 'harness-cloudinit.service', 'docker.service'];

function script(ipallocRange: string): string {
  return `
section() { echo "### $1"; }
section bootid; cat /proc/sys/kernel/random/boot_id
section failed; systemctl --failed --no-legend --plain | awk '{print $1}'
section cycles; journalctl -b --no-pager -o cat | grep -i 'ordering cycle' || true
section target; systemctl is-active weave-network.target || true
for u in ${UNITS.join(' ')}; do
  section "unit $u"; systemctl show "$u" -p ActiveState -p Result -p ActiveEnterTimestampMonotonic -p ExecMainStartTimestampMonotonic -p InactiveExitTimestampMonotonic
done
section dockerenv; systemctl show docker -p Environment --value
for d in /var/lib/weave-standin/*; do
  [ -d "$d" ] || continue
  section "call $(basename "$d")"; tr '\\0' '\\n' <"$d/argv"; echo '@@env'; tr '\\0' '\\n' <"$d/env" | grep -E '^(WEAVE_[A-Z_]*|DOCKERHUB_USER|CHECKPOINT_DISABLE)=' | sort
done
section weaveaddr; ip -o -4 addr show dev weave 2>/dev/null | awk '{print $4}' | sort
section mroute; ip route show 224.0.0.0/4
section rangeroute; ip route show ${ipallocRange}
section envfiles; stat -c '%n %a %U:%G' /etc/weave*.env 2>/dev/null
section containers; docker ps -a --format '{{.Names}} {{.State}}' 2>/dev/null | sort
section images; docker images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | sort
section optbin; ls -1 /opt/bin 2>/dev/null
section dropins; ls -1 /etc/systemd/system/docker.service.d 2>/dev/null
section etcunits; ls -1 /etc/systemd/system | grep -E '\\.(service|target)$' | sort
`;
}

export function readState(lab: Lab, g: Guest, ipallocRange: string): GuestState {
  const res = lab.ssh(g, script(ipallocRange));
  if (res.status !== 0) throw new Error(`${g.name}: reading state failed (${res.status}): ${res.stderr}`);
  const sections = new Map<string, string[]>();
  let current = '';
  for (const line of res.stdout.split('\n')) {
    const m = /^### (.*)$/.exec(line);
    if (m) {
      current = m[1];
      sections.set(current, []);
    } else if (current && line !== '') sections.get(current)!.push(line);
  }
  const get = (k: string) => sections.get(k) ?? [];
  const units: GuestState['units'] = {};
  for (const u of UNITS) {
    const props = Object.fromEntries(get(`unit ${u}`).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    units[u] = {
      active: props.ActiveState ?? '',
      result: props.Result ?? '',
      enteredActive: Number(props.ActiveEnterTimestampMonotonic ?? 0),
      started: Number(props.ExecMainStartTimestampMonotonic || props.InactiveExitTimestampMonotonic || 0),
    };
  }
  const calls: StandInCall[] = [];
  for (const [k, lines] of sections) {
    if (!k.startsWith('call ')) continue;
    const at = lines.indexOf('@@env');
    calls.push({
      id: k.slice(5),
      argv: lines.slice(0, at),
      env: Object.fromEntries(lines.slice(at + 1).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
    });
  }
  return {
    bootId: get('bootid')[0] ?? '',
    failed: get('failed'),
    orderingCycles: get('cycles'),
    target: get('target')[0] ?? '',
    units,
    dockerEnvironment: get('dockerenv').join(' '),
    calls,
    weaveAddresses: get('weaveaddr'),
    multicastRoutes: get('mroute'),
    rangeRoutes: get('rangeroute'),
    envFiles: Object.fromEntries(get('envfiles').map((l) => [l.split(' ')[0], l.split(' ').slice(1).join(' ')])),
    containers: get('containers'),
    images: get('images'),
    optBin: get('optbin'),
    dockerDropIns: get('dropins'),
    etcUnits: get('etcunits'),
  };
}
