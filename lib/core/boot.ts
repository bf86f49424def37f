// Host plan → boot configuration: the files and systemd units that bring
// Weave up on Flatcar on first boot and on every reboot. One model, rendered
// to cloud-config, Ignition or an SSH install script elsewhere.
import { IMDS_USER_DATA_URL, WEAVE_BIN, WEAVE_DOCS_URL } from './defaults';
import { launchArgs } from './launch';
import { HostPlan, NetworkPlan } from './model';
import type { ExpressionContent, FileBytes } from './model';

/** File content that embeds the network password: `before + password + after`. */
export interface SecretContent {
  /**
   * Marks the content as secret, so renderers leave a placeholder instead of
   * text and the password never appears in a rendered document.
   */
  readonly secret: true;
  /** Text that goes before the password (the other env lines and `WEAVE_PASSWORD=`). */
  readonly before: string;
  /** Text that goes after the password. */
  readonly after: string;
}

/** A file the boot config writes on the host. */
export interface BootFile {
  /** Absolute path on the host. */
  readonly path: string;
  /** Octal mode as a number, e.g. 0o600. */
  readonly mode: number;
  /**
   * Owner as `user` or `user:group` (users' files only).
   * @default 'root' (group root)
   */
  readonly owner?: string;
  /**
   * Plain text; bytes as base64; or a {@link SecretContent} or
   * {@link ExpressionContent} that the renderers turn into a placeholder.
   */
  readonly content: string | SecretContent | FileBytes | ExpressionContent;
}

/** A systemd drop-in: a snippet that amends a unit without replacing it. */
export interface BootDropIn {
  /** File name in the unit's `.d` directory, e.g. `10-weave-min-api.conf`. */
  readonly name: string;
  /** Unit-file text of the drop-in. */
  readonly contents: string;
}

/** A systemd unit the boot config installs, enables or amends. */
export interface BootUnit {
  /** Unit name, e.g. `weave.service`. */
  readonly name: string;
  /**
   * Full unit text; absent for units that only get drop-ins (docker.service).
   * @default - none; the unit already exists on the host and is only amended
   */
  readonly contents?: string;
  /** `systemctl enable` (needs an [Install] section). */
  readonly enable: boolean;
  /**
   * Start it while applying the config (cloud-config `command: start`).
   * @default false
   */
  readonly start?: boolean;
  /**
   * Drop-ins to add to the unit.
   * @default - none
   */
  readonly dropIns?: readonly BootDropIn[];
}

/**
 * Everything that brings Weave up on one host, independent of the delivery
 * format: render it with {@link renderBoot} (or one of the format-specific
 * renderers) to get cloud-config, Ignition or an SSH install script.
 */
export interface BootConfig {
  /** Name of the host the config is for. */
  readonly host: string;
  /** Files to write: the env files and the networkd config that keeps DHCP off Weave's interfaces. */
  readonly files: readonly BootFile[];
  /** Units to amend (docker.service), install and enable; the target comes last and is the one started. */
  readonly units: readonly BootUnit[];
}

/**
 * Where a host's own env file comes from.
 * - `file`: written by the boot config itself (dedicated servers, standalone renders).
 * - `azure-imds`: fetched at every start from the VM's user data, so values that
 *   change when the network grows update in place instead of replacing the VM.
 */
export type HostEnvSource = 'file' | 'azure-imds';

/** Choices {@link buildBootConfig} cannot derive from the plan alone. */
export interface BootOptions {
  /** Where the host's own env file comes from; see {@link HostEnvSource}. */
  readonly hostEnvSource: HostEnvSource;
}

export const DOCKER_DROP_IN = '10-weave-min-api.conf';
export const NETWORKD_FILE = '/etc/systemd/network/50-weave.network';
/**
 * First line of the user data. Ignition on Azure reads IMDS user data before
 * custom data and stops the boot on anything it cannot parse, unless it looks
 * like a script; a `#!` line makes it skip our env text. systemd reads the
 * line as a comment.
 */
export const USER_DATA_HEADER = '#!/bin/false weave host settings (read by weave-host-env.service, never executed)';

/**
 * Names of the systemd units the boot config installs, for users who want to
 * order their own units after Weave or check its state on a host.
 */
export const UNIT = {
  /** Groups the other units; starting or restarting it does the same to all of them. */
  target: 'weave-network.target',
  /** Downloads (and, when a sha256 is given, verifies) the `weave` script and pulls its images. */
  install: 'weave-install.service',
  /** Fetches the host's env file from Azure instance metadata; only on Azure cloud-config hosts. */
  hostEnv: 'weave-host-env.service',
  /** Runs the Weave Net router container (`weave launch`). */
  router: 'weave.service',
  /** Gives the host its bridge address and an address of the container range on the Weave network (`weave expose`). */
  expose: 'weave-expose.service',
} as const;

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

/**
 * Builds the files and systemd units that install and start Weave on one
 * planned host. The result is format-neutral; the network password appears
 * only as a {@link SecretContent} slot, never as text.
 */
export function buildBootConfig(network: NetworkPlan, host: HostPlan, options: BootOptions): BootConfig {
  const spec = network.spec;
  const release = spec.release;
  const envFiles = [`EnvironmentFile=${host.sharedEnvPath}`, `EnvironmentFile=${host.hostEnvPath}`];
  const imds = options.hostEnvSource === 'azure-imds';
  const docs = `Documentation=${WEAVE_DOCS_URL}`;

  const files: BootFile[] = [
    { path: host.sharedEnvPath, mode: 0o600, content: sharedEnvContent(network) },
    ...(imds ? [] : [{ path: host.hostEnvPath, mode: 0o600, content: renderEnv(host.hostEnv) }]),
    {
      // Keep systemd-networkd's catch-all DHCP config off weave's interfaces.
      path: NETWORKD_FILE,
      mode: 0o644,
      content: unit({ Match: ['Name=weave datapath vethwe-* vxlan-*'], Link: ['Unmanaged=yes'] }),
    },
  ];

  // The script lives at a versioned path and is fetched only when that path
  // is missing, so a reboot needs no download (and survives GitHub being
  // unreachable), and a new version lands beside the old one. A given
  // sha256 is checked before the file is moved into place: fail closed.
  const versioned = `${WEAVE_BIN}-${release.version}`;
  const fetch = [
    `/usr/bin/curl -fsSL --retry 10 --retry-all-errors --retry-delay 3 -o ${versioned}.download ${release.scriptUrl}`,
    ...(release.sha256 ? [`echo "${release.sha256}  ${versioned}.download" | /usr/bin/sha256sum --check --strict`] : []),
    `/usr/bin/chmod 0755 ${versioned}.download`,
    `/usr/bin/mv -f ${versioned}.download ${versioned}`,
  ].join(' && ');
  const images = ['weave', 'weaveexec'].map((i) => `${release.imageOwner}/${i}:${release.version}`).join(' ');
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
      'ExecStartPre=-/usr/bin/networkctl reload',
      'ExecStart=/usr/bin/mkdir -p /opt/bin',
      `ExecStart=/usr/bin/bash -c 'set -o pipefail; test -x ${versioned} || { ${fetch}; }'`,
      `ExecStart=/usr/bin/ln -sfn ${versioned} ${WEAVE_BIN}`,
      // `weave setup` pulls the weave, weaveexec and weavedb images; skip it
      // when they are already there, as after every reboot.
      `ExecStart=/usr/bin/bash -c '/usr/bin/docker image inspect ${images} >/dev/null 2>&1 || ${WEAVE_BIN} setup'`,
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
      `ExecStart=/usr/bin/bash -c 'set -o pipefail; umask 077; /usr/bin/curl -fsS --retry 10 --retry-connrefused --noproxy "*" -H Metadata:true "${IMDS_USER_DATA_URL}" | /usr/bin/base64 -d > ${host.hostEnvPath}.new && /usr/bin/mv -f ${host.hostEnvPath}.new ${host.hostEnvPath}'`,
    ],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const launch = [WEAVE_BIN, 'launch', ...launchArgs(network.commonLaunchArgs, '$WEAVE_IPALLOC_INIT', ['$WEAVE_PEERS'])];
  const router = unit({
    Unit: [
      'Description=Weave Net router',
      docs,
      `Requires=docker.service ${UNIT.install}`,
      `After=docker.service ${UNIT.install}${imds ? ` ${UNIT.hostEnv}` : ''}`,
      imds && `Wants=${UNIT.hostEnv}`,
      `PartOf=${UNIT.target}`,
    ],
    Service: [
      // Image pulls on a cold host can take minutes.
      'TimeoutStartSec=0',
      ...envFiles,
      `ExecStartPre=${launch.join(' ')}`,
      'ExecStart=/usr/bin/docker attach weave',
      `ExecStop=${WEAVE_BIN} stop`,
      'Restart=on-failure',
      'RestartSec=10',
    ],
    Install: [`WantedBy=${UNIT.target}`],
  });

  const expose = unit({
    Unit: [
      'Description=Expose the Weave bridge on the host bridge network',
      docs,
      `Requires=${UNIT.router}`,
      `After=${UNIT.router}`,
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
      `ExecStart=${WEAVE_BIN} expose $WEAVE_BRIDGE_ADDRESS net:default`,
      // replace, not add: the route survives a restart of this unit.
      'ExecStart=/usr/bin/ip route replace 224.0.0.0/4 dev weave',
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
    Install: spec.wantedBy.map((t) => `WantedBy=${t}`),
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
    { name: UNIT.router, contents: router, enable: true },
    { name: UNIT.expose, contents: expose, enable: true },
    { name: UNIT.target, contents: target, enable: true, start: true },
  ];

  return { host: host.name, files, units };
}
