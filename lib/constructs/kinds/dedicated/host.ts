// A dedicated server: an existing machine the library configures over SSH.
// A terraform_data resource carries the SSH connection and pushes the boot
// document (a bash script) whenever it changes; in Key Vault mode the
// password file travels beside the script instead of inside it.
import { FileProvisioner, RemoteExecProvisioner, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { SHARED_ENV_PATH } from '../../../core/defaults';
import type { DedicatedSshOptions } from '../../../core/declare/dedicated';
import { nsgAddress } from '../../../core/kinds/dedicated/wiring';
import { SYSTEMD_HOST } from '../../../core/os/systemd';
import type { HostBinding } from '../../marks';
import type { WeaveHostProps } from '../../props';
import { bootExpression } from '../../terraform/boot-data';
import { TerraformData, requireTerraform } from '../../terraform/data';
import type { HostPart, HostScope } from '../kind';

/** SSH port of a dedicated server when none is given. */
const DEFAULT_SSH_PORT = 22;
/** Where the provisioner stages its uploads on the server: a private directory, since they hold the password. */
const STAGING_DIR = '/var/tmp/weave-deploy';

/** The dedicated kind's part of a host. */
export function createHost(host: HostScope, props: WeaveHostProps): HostPart {
  const ssh = props.ssh;
  const provisioner = ssh ? createProvisioner(host, ssh) : undefined;
  return {
    publicAddress: nsgAddress({ publicAddress: props.publicAddress, dialAddress: props.dialAddress, sshHost: ssh?.host }),
    provisioner,
    bind: (binding) => {
      if (provisioner && ssh) bindProvisioner(provisioner, ssh, binding);
    },
  };
}

/** The provisioner's triggers and steps, from the host's boot document. */
function bindProvisioner(res: TerraformData, ssh: DedicatedSshOptions, binding: HostBinding): void {
  const kv = binding.keyVault;
  const expr = bootExpression(binding.host.boot, binding.sharedEnvRef, kv?.bootValues);
  if (kv?.passwordFile !== undefined) {
    // Key Vault mode: the script holds no password, so its hash may sit in
    // state; the rotation number re-runs it when the password changes.
    res.triggersReplace = { host: ssh.host, config: `\${sha256(${expr})}`, rotation: String(kv.rotation) };
    res.provisioners = keyVaultProvisioners(expr, kv.passwordFile, SHARED_ENV_PATH);
    return;
  }
  // Re-run whenever anything in the script, the password included, changes.
  res.triggersReplace = { host: ssh.host, config: `\${sha256(${expr})}` };
  const apply = `${STAGING_DIR}/apply.sh`;
  res.provisioners = [
    // A private staging directory: the script holds the password.
    { type: 'remote-exec', inline: [`rm -rf ${STAGING_DIR}`, `mkdir -m 0700 ${STAGING_DIR}`] },
    { type: 'file', content: `\${${expr}}`, destination: apply },
    {
      type: 'remote-exec',
      inline: [
        `if [ "$(id -u)" = 0 ]; then bash ${apply}; else sudo -n bash ${apply}; fi; rc=$?; rm -rf ${STAGING_DIR}; exit $rc`,
      ],
    },
  ];
}

/**
 * A dedicated server's provisioner steps in Key Vault mode. The script holds
 * no password; the env file travels as its own upload (an ephemeral value,
 * which Terraform allows in provisioners) and is installed 0600 by rename
 * before the script restarts Weave.
 *
 * @param scriptExpression - expression of the install script (no password)
 * @param passwordFile - expression of the env file's text
 * @param envPath - where the env file goes, e.g. /etc/weave.env
 */
function keyVaultProvisioners(scriptExpression: string, passwordFile: string, envPath: string): (FileProvisioner | RemoteExecProvisioner)[] {
  const apply = `${STAGING_DIR}/apply.sh`;
  const env = `${STAGING_DIR}/weave.env`;
  const install = `umask 077 && cp ${env} ${envPath}.new && chown root:root ${envPath}.new && chmod 0600 ${envPath}.new && mv -f ${envPath}.new ${envPath} && bash ${apply}`;
  return [
    // A private staging directory: the env file holds the password.
    { type: 'remote-exec', inline: [`rm -rf ${STAGING_DIR}`, `mkdir -m 0700 ${STAGING_DIR}`] },
    { type: 'file', content: `\${${scriptExpression}}`, destination: apply },
    { type: 'file', content: `\${${passwordFile}}`, destination: env },
    {
      type: 'remote-exec',
      inline: [
        `if [ "$(id -u)" = 0 ]; then sh -c '${install}'; else sudo -n sh -c '${install}'; fi; rc=$?; rm -rf ${STAGING_DIR}; exit $rc`,
      ],
    },
  ];
}

/** The resource that pushes a server's boot document over SSH. */
function createProvisioner(host: HostScope, ssh: DedicatedSshOptions): TerraformData {
  // terraform_data rather than the null provider's null_resource: same
  // triggers-and-provisioners behaviour, no provider to install, and the
  // same class in cdktf and CDK Terrain (which has no null provider).
  const res = new TerraformData(host, 'provision', {
    triggersReplace: { host: ssh.host },
    connection: {
      type: 'ssh' as const,
      host: ssh.host,
      user: ssh.user ?? SYSTEMD_HOST.defaultUser,
      port: ssh.port ?? DEFAULT_SSH_PORT,
      ...(ssh.privateKey !== undefined ? { privateKey: ssh.privateKey } : { agent: 'true' }),
    },
  });
  // Stacks synthesized by earlier releases made a null_resource under the
  // same logical id: Terraform >= 1.9 (OpenTofu >= 1.10) moves its state
  // over, keeping the same triggers, so the provisioners do not run again.
  // Written as a plain `moved` block: cdktf's moveFromId would make every
  // synth run `terraform version` and fail where Terraform is not installed.
  addMovedBlock(res, `null_resource.${res.friendlyUniqueId}`, `terraform_data.${res.friendlyUniqueId}`);
  // terraform_data needs 1.4; moving a null_resource's state into it, 1.9.
  requireTerraform(TerraformStack.of(host), '1.9.0');
  return res;
}

const MOVED = new WeakMap<TerraformStack, { from: string; to: string }[]>();

/** Adds a top-level `moved { from, to }` block to the element's stack. */
function addMovedBlock(element: Construct, from: string, to: string): void {
  const stack = TerraformStack.of(element);
  const blocks = MOVED.get(stack) ?? [];
  MOVED.set(stack, blocks);
  blocks.push({ from, to });
  stack.addOverride('moved', [...blocks]);
}
