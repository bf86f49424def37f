// Weave's part of a host's boot document: the files and systemd units that
// bring Weave up on first boot and on every reboot, from the host's plan and
// the OS profile's paths and tools. One document, rendered to cloud-config,
// Ignition or an SSH install script (render/).
import { DOCKER_DROP_IN, NETWORKD_FILE_NAME, UNIT, WEAVE_DOCS_URL } from '../defaults';
import { kindDriver } from '../kinds';
import { IMDS_USER_DATA_URL } from '../kinds/azure/facts';
import { STATUS_ENV_PATH } from '../kinds/azure/metrics';
import { FLATCAR } from '../os/flatcar';
import type { OsProfile } from '../os/profile';
import type { HostPlan, NetworkPlan } from '../plan/plan';
import type { HostEnvSource } from '../declare/network';
import { launchArgs } from '../wiring/launch';
import type { BootDocument, BootFile, BootUnit, SecretContent } from './document';
import { imagesBin, pullScript, weaveWrapper } from './images';
import { registryLoginOf } from './registry';
import { IDENTITY_CLIENT_ID_SLOT } from './slots';

/** Choices {@link weaveBootDocument} cannot derive from the plan alone. */
export interface BootOptions {
  /** Where the host's own env file comes from; see {@link HostEnvSource}. */
  readonly hostEnvSource: HostEnvSource;
  /**
   * The host's operating system: where files go and which tools the units call.
   * @default FLATCAR
   */
  readonly os?: OsProfile;
  /**
   * An env file that a unit of the document writes at every boot (a pool
   * instance's own bridge address): the router and expose units need that
   * unit and read the file after the host's env file, and the router does
   * not start while `stopFlag` exists (the instance is leaving the mesh).
   * @default - none
   */
  readonly bootEnv?: { readonly path: string; readonly unit: string; readonly stopFlag: string };
}

/** Where the `weave` script is installed on a host of the OS. */
export const weaveBin = (os: OsProfile): string => `${os.paths.bin}/weave`;

/**
 * First line of the user data. Ignition on Azure reads IMDS user data before
 * custom data and stops the boot on anything it cannot parse, unless it looks
 * like a script; a `#!` line makes it skip our env text. systemd reads the
 * line as a comment.
 */
export const USER_DATA_HEADER = '#!/bin/false weave host settings (read by weave-host-env.service, never executed)';

/** `KEY=value` lines; values with spaces are double-quoted for systemd. */
export function renderEnv(entries: readonly (readonly [string, string])[]): string {
  return entries.map(([k, v]) => `${k}=${/[\s#"]/.test(v) ? JSON.stringify(v) : v}\n`).join('');
}

/** What the Azure VM's user data holds: the host's env file. */
export function renderUserData(host: HostPlan): string {
  return `${USER_DATA_HEADER}\n${renderEnv(host.hostEnv)}`;
}

function unit(sections: Record<string, readonly (string | false | undefined)[]>): string {
  return Object.entries(sections)
    .map(([name, lines]) => `[${name}]\n${lines.filter((l): l is string => !!l).join('\n')}\n`)
    .join('\n');
}

/**
 * The shared env file's content around the password: the same on every host
 * of a network, so the construct layer computes it once.
 */
export function sharedEnvContent(network: NetworkPlan): SecretContent {
  return { secret: true, before: `${renderEnv(network.sharedEnv)}WEAVE_PASSWORD=`, after: '\n' };
}

/** What the boot document needs of a host's plan (a pool's plan has the same). */
export type BootHost = Pick<HostPlan, 'name' | 'kind' | 'clusterIndex' | 'sharedEnvPath' | 'hostEnvPath' | 'hostEnv'>;

/**
 * The files and systemd units that install and start Weave on one planned
 * host. The result is format-neutral; the network password appears only as a
 * {@link SecretContent} slot, never as text.
 */
export function weaveBootDocument(network: NetworkPlan, host: BootHost, options: BootOptions): BootDocument {
  const spec = network.spec;
  const release = spec.release;
  const os = options.os ?? FLATCAR;
  const t = os.tools;
  const weave = weaveBin(os);
  const bootEnv = options.bootEnv;
  const envFiles = [`EnvironmentFile=${host.sharedEnvPath}`, `EnvironmentFile=${host.hostEnvPath}`, ...(bootEnv ? [`EnvironmentFile=${bootEnv.path}`] : [])];
  const bootEnvUnit = bootEnv ? ` ${bootEnv.unit}` : '';
  const imds = options.hostEnvSource === 'azure-imds';
  const docs = `Documentation=${WEAVE_DOCS_URL}`;

  const files: BootFile[] = [
    { path: host.sharedEnvPath, mode: 0o600, content: sharedEnvContent(network) },
    ...(imds ? [] : [{ path: host.hostEnvPath, mode: 0o600, content: renderEnv(host.hostEnv) }]),
    {
      // Keep systemd-networkd's catch-all DHCP config off weave's interfaces.
      path: `${os.paths.networkd}/${NETWORKD_FILE_NAME}`,
      mode: 0o644,
      content: unit({ Match: ['Name=weave datapath vethwe-* vxlan-*'], Link: ['Unmanaged=yes'] }),
    },
  ];

  // The script lives at a versioned path and is fetched only when that path
  // is missing, so a reboot needs no download (and survives GitHub being
  // unreachable), and a new version lands beside the old one. A given
  // sha256 is checked before the file is moved into place: fail closed.
  const versioned = `${weave}-${release.version}`;
  const fetch = [
    `${t.curl} -fsSL --retry 10 --retry-all-errors --retry-delay 3 -o ${versioned}.download ${release.scriptUrl}`,
    ...(release.sha256 ? [`echo "${release.sha256}  ${versioned}.download" | ${t.sha256sum} --check --strict`] : []),
    `${t.chmod} 0755 ${versioned}.download`,
    `${t.mv} -f ${versioned}.download ${versioned}`,
  ].join(' && ');
  const login = registryLoginOf(network.spec, host);
  const status = statusListenerOf(network, host);
  const statusBin = `${os.paths.bin}/weave-status-addr`;
  files.push(
    // The operator's `weave` runs the same release and images as the units.
    { path: weave, mode: 0o755, content: weaveWrapper(versioned, network.sharedEnv) },
    { path: imagesBin(os), mode: 0o755, content: pullScript(release, login) },
    ...(status ? [{ path: statusBin, mode: 0o755, content: status.script }] : []),
  );
  const install = unit({
    Unit: [
      `Description=Install Weave Net ${release.version}`,
      docs,
      'Wants=network-online.target',
      'After=network-online.target docker.service',
      'Requires=docker.service',
      `PartOf=${UNIT.target}`,
    ],
    Service: [
      'Type=oneshot',
      'RemainAfterExit=yes',
      `EnvironmentFile=${host.sharedEnvPath}`,
      // networkd only reads the weave .network file written above on reload.
      `ExecStartPre=-${t.networkctl} reload`,
      `ExecStart=${t.mkdir} -p ${os.paths.bin}`,
      `ExecStart=${t.bash} -c 'set -o pipefail; test -x ${versioned} || { ${fetch}; }'`,
      // Pinned images, pulled once with retries (after a reboot they are there).
      login === 'identity' && `Environment=WEAVE_IDENTITY_CLIENT_ID=${IDENTITY_CLIENT_ID_SLOT}`,
      `ExecStart=${imagesBin(os)}`,
    ],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const hostEnv = unit({
    Unit: [
      'Description=Fetch this host\'s Weave settings from Azure instance metadata',
      'Documentation=https://learn.microsoft.com/azure/virtual-machines/user-data',
      'Wants=network-online.target',
      'After=network-online.target',
      `Before=${UNIT.router} ${UNIT.expose}`,
      `PartOf=${UNIT.target}`,
    ],
    Service: [
      'Type=oneshot',
      'RemainAfterExit=yes',
      // Written beside the target and renamed, so a failed fetch keeps the
      // previous boot's settings instead of leaving an empty file.
      `ExecStart=${t.bash} -c 'set -o pipefail; umask 077; ${t.curl} -fsS --retry 10 --retry-connrefused --noproxy "*" -H Metadata:true "${IMDS_USER_DATA_URL}" | ${t.base64} -d > ${host.hostEnvPath}.new && ${t.mv} -f ${host.hostEnvPath}.new ${host.hostEnvPath}'`,
    ],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const nickname = kindDriver(host.kind)?.boot.explicitNickname ? host.name : undefined;
  const launch = [weave, 'launch', ...launchArgs(network.commonLaunchArgs, '$WEAVE_IPALLOC_INIT', ['$WEAVE_PEERS'], network.clusters[host.clusterIndex]?.launchArgs, nickname)];
  const router = unit({
    Unit: [
      'Description=Weave Net router',
      docs,
      `Requires=docker.service ${UNIT.install}${bootEnvUnit}`,
      `After=docker.service ${UNIT.install}${imds ? ` ${UNIT.hostEnv}` : ''}${bootEnvUnit}`,
      imds && `Wants=${UNIT.hostEnv}`,
      status && `Requires=${UNIT.statusAddress}`,
      status && `After=${UNIT.statusAddress}`,
      `PartOf=${UNIT.target}`,
      bootEnv && `ConditionPathExists=!${bootEnv.stopFlag}`,
    ],
    Service: [
      // Image pulls on a cold host can take minutes.
      'TimeoutStartSec=0',
      ...envFiles,
      // WEAVE_STATUS_ADDR: status and metrics on the VNet address.
      status && `EnvironmentFile=${STATUS_ENV_PATH}`,
      `ExecStartPre=${launch.join(' ')}`,
      `ExecStart=${t.docker} attach weave`,
      `ExecStop=${weave} stop`,
      'Restart=on-failure',
      'RestartSec=10',
    ],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const expose = unit({
    Unit: [
      'Description=Expose the Weave bridge on the host bridge network',
      docs,
      `Requires=${UNIT.router}${bootEnvUnit}`,
      `After=${UNIT.router}${bootEnvUnit}`,
      `PartOf=${UNIT.target}`,
    ],
    Service: [
      'Type=oneshot',
      'RemainAfterExit=yes',
      // net:default waits for Weave's IPAM to reach consensus, which on a
      // first boot lasts until enough bootstrap peers are up.
      'TimeoutStartSec=0',
      ...envFiles,
      // The host bridge address, plus an address of the container range
      // (net:default, allocated by Weave's IPAM), so the host reaches every
      // container on the overlay and their replies come back, as Weave's
      // "Integrating with the host network" describes. The bridge range
      // alone lies outside ipallocRange: no route, "Network is unreachable".
      `ExecStart=${weave} expose $WEAVE_BRIDGE_ADDRESS net:default`,
      // replace, not add: the route survives a restart of this unit.
      `ExecStart=${t.ip} route replace 224.0.0.0/4 dev weave`,
    ],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const target = unit({
    Unit: [
      'Description=Weave Net overlay network',
      'Documentation=man:systemd.special(7)',
      'Wants=network-online.target',
      'After=network-online.target',
      `Requires=${UNIT.install} ${UNIT.router} ${UNIT.expose}`,
      `After=${UNIT.expose}`,
    ],
    Install: spec.wantedBy.map((w) => `WantedBy=${w}`),
  });

  const statusUnit = status && unit({
    Unit: [
      'Description=Find the VNet address for Weave\'s status and metrics listener',
      'Documentation=https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service',
      'Wants=network-online.target',
      'After=network-online.target',
      `Before=${UNIT.router}`,
      `PartOf=${UNIT.target}`,
    ],
    Service: ['Type=oneshot', 'RemainAfterExit=yes', `ExecStart=${statusBin}`],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const units: BootUnit[] = [
    {
      name: 'docker.service',
      enable: false,
      dropIns: [
        {
          name: DOCKER_DROP_IN,
          // weave 2.9 speaks Docker API 1.24; Docker 29 refuses below 1.44 unless told.
          contents: unit({ Service: ['Environment=DOCKER_MIN_API_VERSION=1.24'] }),
        },
      ],
    },
    { name: UNIT.install, contents: install, enable: true },
    ...(imds ? [{ name: UNIT.hostEnv, contents: hostEnv, enable: true }] : []),
    ...(statusUnit ? [{ name: UNIT.statusAddress, contents: statusUnit, enable: true }] : []),
    { name: UNIT.router, contents: router, enable: true },
    { name: UNIT.expose, contents: expose, enable: true },
    { name: UNIT.target, contents: target, enable: true, start: true },
  ];

  return { host: host.name, files, units };
}

/** The host's status and metrics listener, when its cluster's kind and options give one. */
export function statusListenerOf(network: NetworkPlan, host: Pick<HostPlan, 'kind' | 'clusterIndex'>): { port: number; script: string } | undefined {
  const cluster = network.spec.clusters[host.clusterIndex];
  return cluster ? kindDriver(host.kind)?.boot.statusListener?.(cluster) : undefined;
}
