// The boot document of a pool's instances, built without a per-host plan:
// Weave's part as every host has it (from the pool's plan, which carries
// the same env entries a host's does), its env file written by the document
// itself, plus three units of the pool's own. At boot an instance derives
// its bridge address (weave-pool-address.service, before the router),
// watches Scheduled Events to leave the mesh when Azure deletes or evicts
// it (weave-pool-events.service), and takes back the ranges its host name's
// earlier incarnations left behind (weave-pool-reclaim.service).
import { POOL_UNIT, UNIT, WEAVE_DOCS_URL } from '../defaults';
import { POOL_ADDRESS_ENV_PATH, POOL_LEAVING_FLAG } from '../kinds/scale-set/facts';
import { FLATCAR } from '../os/flatcar';
import type { OsProfile } from '../os/profile';
import type { NetworkPlan } from '../plan/plan';
import type { PoolPlan } from '../plan/pool';
import type { BootDocument, BootFile, BootUnit } from './document';
import { poolAddressScript, poolEventsScript, poolReclaimScript } from './pool-scripts';
import { weaveBin, weaveBootDocument } from './weave';

const section = (name: string, lines: readonly string[]) => `[${name}]\n${lines.join('\n')}\n`;

/**
 * The document every instance of a pool boots. Format-neutral, like a
 * host's; the password appears only as a secret slot.
 *
 * @param os - the instances' OS (default Flatcar)
 */
export function poolBootDocument(network: NetworkPlan, pool: PoolPlan, os: OsProfile = FLATCAR): BootDocument {
  const weave = weaveBin(os);
  const bin = (name: string) => `${os.paths.bin}/${name}`;
  const base = weaveBootDocument(network, pool, {
    hostEnvSource: 'file',
    os,
    bootEnv: { path: POOL_ADDRESS_ENV_PATH, unit: POOL_UNIT.address, stopFlag: POOL_LEAVING_FLAG },
  });
  const scripts = { addressFile: POOL_ADDRESS_ENV_PATH, weave, leavingFlag: POOL_LEAVING_FLAG };
  const files: BootFile[] = [
    ...base.files,
    { path: bin('weave-pool-address'), mode: 0o755, content: poolAddressScript(scripts) },
    { path: bin('weave-pool-events'), mode: 0o755, content: poolEventsScript(scripts) },
    { path: bin('weave-pool-reclaim'), mode: 0o755, content: poolReclaimScript(scripts) },
  ];
  const env = `EnvironmentFile=${pool.hostEnvPath}`;
  const address: BootUnit = {
    name: POOL_UNIT.address,
    enable: true,
    contents: [
      section('Unit', [
        'Description=Derive this pool instance\'s Weave bridge address from its private address',
        'Documentation=https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service',
        'Wants=network-online.target',
        'After=network-online.target',
        `Before=${UNIT.router} ${UNIT.expose}`,
        `PartOf=${UNIT.target}`,
      ]),
      section('Service', ['Type=oneshot', 'RemainAfterExit=yes', env, `ExecStart=${bin('weave-pool-address')}`]),
      section('Install', [`WantedBy=${UNIT.target}`]),
    ].join('\n'),
  };
  // Not PartOf the mesh's target: once `weave reset` has removed the
  // router's container, weave.service's own restart (RestartSec later)
  // restarts the target and everything PartOf it, which would kill a
  // watcher still leaving (found by the boot tier's pool stage).
  const events: BootUnit = {
    name: POOL_UNIT.events,
    enable: true,
    contents: [
      section('Unit', [
        'Description=Leave the Weave mesh on Azure\'s Terminate and Preempt notices',
        'Documentation=https://learn.microsoft.com/azure/virtual-machines/linux/scheduled-events',
        `Documentation=${WEAVE_DOCS_URL}`,
        'Wants=network-online.target',
        `After=network-online.target ${UNIT.router}`,
      ]),
      section('Service', [env, `ExecStart=${bin('weave-pool-events')}`, 'Restart=always', 'RestartSec=5']),
      section('Install', [`WantedBy=${UNIT.target}`]),
    ].join('\n'),
  };
  const reclaim: BootUnit = {
    name: POOL_UNIT.reclaim,
    enable: true,
    contents: [
      section('Unit', [
        'Description=Take back the Weave address ranges earlier instances of this host name left behind',
        `Documentation=${WEAVE_DOCS_URL}`,
        `Requires=${UNIT.router}`,
        `After=${UNIT.router}`,
        `PartOf=${UNIT.target}`,
      ]),
      section('Service', ['Type=simple', env, `ExecStart=${bin('weave-pool-reclaim')}`]),
      section('Install', [`WantedBy=${UNIT.target}`]),
    ].join('\n'),
  };
  // The address unit goes before the router in the document, the others after the mesh's target.
  const at = base.units.findIndex((u) => u.name === UNIT.router);
  const units = [...base.units.slice(0, at), address, ...base.units.slice(at), events, reclaim];
  return { host: pool.name, files, units };
}
