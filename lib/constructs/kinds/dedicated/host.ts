// A dedicated server: an existing machine the library configures over SSH.
// A terraform_data resource carries the SSH connection and pushes the boot
// document (a bash script) whenever it changes; in Key Vault mode the
// password file travels beside the script instead of inside it.
import { FileProvisioner, RemoteExecProvisioner, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { REGISTRY_CONFIG_DIR } from '../../../core/boot/images';
import { SHARED_ENV_PATH } from '../../../core/defaults';
import type { DedicatedSshOptions } from '../../../core/declare/dedicated';
import { nsgAddress } from '../../../core/kinds/dedicated/wiring';
import { SYSTEMD_HOST } from '../../../core/os/systemd';
import type { HostBinding } from '../../marks';
import type { WeaveHostProps } from '../../props';
import { teardownStep } from '../../teardown';
import { bootExpression } from '../../terraform/boot-data';
import { TerraformData, requireTerraform } from '../../terraform/data';
import { templateText } from '../../terraform/expressions';
import { asRoot, privateDirectory } from '../../terraform/remote';
import type { HostPart, HostScope } from '../kind';

/** SSH port of a dedicated server when none is given. */
const DEFAULT_SSH_PORT = 22;
/** Where the provisioner stages its uploads on the server: a private directory, since they hold the password. */
const STAGING_DIR = '/var/tmp/weave-deploy';

/** The dedicated kind's part of a host. */
export function createHost(host: HostScope, props: WeaveHostProps, network: Construct): HostPart {
  const ssh = props.ssh;
  const provisioner = ssh ? createProvisioner(host, ssh) : undefined;
  if (ssh) {
    // Kept (with count = 0) once the server is retired, so that removing it runs `weave reset` there.
    teardownStep(host, 'teardown', network, host.hostName, { host: ssh.host, user: ssh.user ?? SYSTEMD_HOST.defaultUser, port: ssh.port ?? DEFAULT_SSH_PORT });
  }
  return {
    publicAddress: nsgAddress({ publicAddress: props.publicAddress, dialAddress: props.dialAddress, sshHost: ssh?.host }),
    provisioner,
    bind: (binding) => {
      if (provisioner && ssh) bindProvisioner(provisioner, ssh, binding);
    },
    reclaim: (scope, id, logicalId, peer, script) => {
      if (!provisioner || !ssh) return;
      // Created once per retired peer (its name is the only trigger); the
      // connection is the server's own, never stored in state.
      const dir = `${STAGING_DIR}-reclaim`;
      const res = new TerraformData(scope, id, {
        triggersReplace: { peer },
        connection: sshConnection(ssh),
        provisioners: [
          { type: 'remote-exec', inline: privateDirectory(dir) },
          // Terraform reads the content as a template: the script's `${` stays text.
          { type: 'file', content: templateText(script), destination: `${dir}/reclaim.sh` },
          { type: 'remote-exec', inline: [asRoot(`bash ${dir}/reclaim.sh`, `rm -rf ${dir}`)] },
        ],
        // After the survivor's own setup, when both change in one apply.
        dependsOn: [provisioner],
      });
      res.overrideLogicalId(logicalId);
    },
  };
}

/** The provisioner connection of a server. */
function sshConnection(ssh: DedicatedSshOptions) {
  return {
    type: 'ssh' as const,
    host: ssh.host,
    user: ssh.user ?? SYSTEMD_HOST.defaultUser,
    port: ssh.port ?? DEFAULT_SSH_PORT,
    ...(ssh.privateKey !== undefined ? { privateKey: ssh.privateKey } : { agent: 'true' }),
  };
}

/** The provisioner's triggers and steps, from the host's boot document. */
function bindProvisioner(res: TerraformData, ssh: DedicatedSshOptions, binding: HostBinding): void {
  const kv = binding.keyVault;
  const expr = bootExpression(binding.host.boot, binding.sharedEnvRef, kv?.bootValues);
  const login = binding.registryLogin;
  // The registry login travels as its own upload, like the Key Vault mode's
  // password file; its rotation number re-runs the provisioner.
  const registry: Record<string, string> = login ? { registry: String(login.rotation) } : {};
  if (kv?.passwordFile !== undefined) {
    // Key Vault mode: the script holds no password, so its hash may sit in
    // state; the rotation number re-runs it when the password changes.
    res.triggersReplace = { host: ssh.host, config: `\${sha256(${expr})}`, rotation: String(kv.rotation), ...registry };
    res.provisioners = keyVaultProvisioners(expr, kv.passwordFile, SHARED_ENV_PATH, login?.dockerConfig);
    return;
  }
  // Re-run whenever anything in the script, the password included, changes.
  res.triggersReplace = { host: ssh.host, config: `\${sha256(${expr})}`, ...registry };
  const apply = `${STAGING_DIR}/apply.sh`;
  const run = `${login ? `${installRegistryConfig()} && ` : ''}bash ${apply}`;
  res.provisioners = [
    // A private staging directory: the script holds the password.
    { type: 'remote-exec', inline: privateDirectory(STAGING_DIR) },
    { type: 'file', content: `\${${expr}}`, destination: apply },
    ...registryUpload(login?.dockerConfig),
    {
      type: 'remote-exec',
      inline: [
        asRoot(login ? `sh -c '${run}'` : `bash ${apply}`, `rm -rf ${STAGING_DIR}`),
      ],
    },
  ];
}

/** The upload of the registry login's Docker config, when there is one. */
function registryUpload(dockerConfig: string | undefined): FileProvisioner[] {
  return dockerConfig === undefined ? [] : [{ type: 'file', content: `\${${dockerConfig}}`, destination: `${STAGING_DIR}/registry.json` }];
}

/** Installs the uploaded Docker config root-only, by rename, where the pull script looks for it. */
function installRegistryConfig(): string {
  const dir = REGISTRY_CONFIG_DIR;
  return `mkdir -p -m 0700 ${dir} && cp ${STAGING_DIR}/registry.json ${dir}/config.json.new && chown root:root ${dir}/config.json.new && chmod 0600 ${dir}/config.json.new && mv -f ${dir}/config.json.new ${dir}/config.json`;
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
function keyVaultProvisioners(scriptExpression: string, passwordFile: string, envPath: string, dockerConfig?: string): (FileProvisioner | RemoteExecProvisioner)[] {
  const apply = `${STAGING_DIR}/apply.sh`;
  const env = `${STAGING_DIR}/weave.env`;
  const install = `umask 077 && cp ${env} ${envPath}.new && chown root:root ${envPath}.new && chmod 0600 ${envPath}.new && mv -f ${envPath}.new ${envPath} && ${dockerConfig !== undefined ? `${installRegistryConfig()} && ` : ''}bash ${apply}`;
  return [
    // A private staging directory: the env file holds the password.
    { type: 'remote-exec', inline: privateDirectory(STAGING_DIR) },
    { type: 'file', content: `\${${scriptExpression}}`, destination: apply },
    { type: 'file', content: `\${${passwordFile}}`, destination: env },
    ...registryUpload(dockerConfig),
    {
      type: 'remote-exec',
      inline: [
        asRoot(`sh -c '${install}'`, `rm -rf ${STAGING_DIR}`),
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
    connection: sshConnection(ssh),
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
