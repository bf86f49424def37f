// The dedicated kind's checks, by phase (see KindChecks): a server needs an
// SSH address and login, and the options it is given must be its kind's.
import * as ipaddr from 'ipaddr.js';
import { isAddressOrBlock, isIpv4 } from '../../common/cidr';
import { isToken } from '../../common/tokens';
import { LINUX_USER_RE } from '../../check/names';
import type { ClusterSpec, HostSpec } from '../../declare/network';
import type { CheckContext, KindChecks } from '../kind';
import { ipv4Scope } from '../../wiring/addresses';
import { nsgAddress } from './wiring';

/** A server needs an SSH address Terraform can connect to, and a valid login user. */
function checkHost(h: HostSpec, _c: ClusterSpec, { problems }: CheckContext): void {
  if (!h.sshHost) {
    problems.add('dedicated-no-ssh', h.path, 'ssh.host', h.sshHost,
      'is required: a dedicated host is provisioned over SSH', 'pass `ssh: { host: "203.0.113.10", user: "core" }` (a variable works too)');
  } else if (!isToken(h.sshHost)) {
    const bad = sshHostProblem(h.sshHost);
    if (bad) problems.add('ssh-host-invalid', h.path, 'ssh.host', h.sshHost, bad.message, bad.fix);
  }
  if (h.sshUser !== undefined && !isToken(h.sshUser) && !LINUX_USER_RE.test(h.sshUser)) {
    const cleaned = h.sshUser.toLowerCase().replace(/[^a-z0-9_-]+/g, '').replace(/^[^a-z_]+/, '').slice(0, 32);
    problems.add('ssh-user-invalid', h.path, 'ssh.user', h.sshUser,
      'is not a Linux user name (a lowercase letter or "_", then lowercase letters, digits, "_" or "-"; at most 32 characters)',
      cleaned && cleaned !== h.sshUser ? `write "${cleaned}"` : 'use the login on the server, e.g. "core"');
  }
}

/** What is wrong with an SSH address (Terraform's connection `host`), or `undefined` when it is one. */
function sshHostProblem(host: string): { message: string; fix: string } | undefined {
  if (isIpv4(host) || ipaddr.IPv6.isValid(host)) return undefined;
  const slash = /^([^/]+)\/(\d{1,3})$/.exec(host);
  if (slash && (isIpv4(slash[1]) || ipaddr.IPv6.isValid(slash[1]))) {
    return {
      message: 'is a CIDR block; SSH connects to one address',
      fix: `write "${slash[1]}" (a range the NSGs should admit belongs in publicAddress)`,
    };
  }
  const at = host.lastIndexOf('@');
  if (at > 0) {
    return { message: 'carries a user name', fix: `write "${host.slice(at + 1)}" and put "${host.slice(0, at)}" in ssh.user` };
  }
  const port = /^(.+):(\d+)$/.exec(host);
  if (port) return { message: 'carries a port', fix: `write "${port[1]}" and put ${port[2]} in ssh.port` };
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length <= 253 && name.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l)) && !/^[\d.]+$/.test(name)) {
    return undefined;
  }
  return {
    message: 'is neither an IP address nor a host name',
    fix: 'give the server\'s address, e.g. "203.0.113.10", or a name your machine resolves, e.g. "ded-1.example.com"',
  };
}

/** A dedicated cluster's options: nothing of another kind's. */
function checkClusterOptions(c: ClusterSpec, ctx: CheckContext): void {
  ctx.reportForeignOptions('cluster', c.kind, c.path, c.options);
}

/** A server's options: nothing of another kind's, an address NSGs can admit, a TCP port. */
function checkHostOptions(h: HostSpec, c: ClusterSpec, ctx: CheckContext): void {
  const { problems } = ctx;
  const path = h.path;
  ctx.reportForeignOptions('host', c.kind, path, h.options);
  // Only firewalls that admit by address (Azure NSGs) need it as an address.
  const addr = nsgAddress(h);
  if (ctx.firewalled && addr !== undefined && !isToken(addr) && !isAddressOrBlock(addr)) {
    problems.add('public-address-invalid', path, 'publicAddress', addr,
      'is not an IPv4 address or CIDR block, which Azure NSG rules need',
      'set publicAddress to the server\'s public IPv4 address (ssh.host may stay a name)');
  } else if (ctx.firewalled && h.publicAddress === undefined && addr !== undefined && !isToken(addr) && isIpv4(addr) && ipv4Scope(addr) === 'private') {
    // What the NSGs admit was taken from ssh.host or dialAddress, not said.
    const from = h.dialAddress === addr ? 'dialAddress' : 'ssh.host';
    problems.add('public-address-private', path, 'publicAddress', addr,
      `is taken from ${from}, a private address, but Azure clusters' NSGs admit this server by the address its traffic arrives from, which is its public (NAT-translated) address: its Weave traffic would be dropped`,
      'set publicAddress to the server\'s public IPv4 address (what `curl -4 ifconfig.me` prints on it); if Azure really sees this private address (a VPN or ExpressRoute), set publicAddress to it to say so');
  }
  const key = (h.options?.ssh as { privateKey?: unknown } | undefined)?.privateKey;
  if (typeof key === 'string' && !isToken(key)) {
    problems.add('ssh-private-key-literal', path, 'ssh.privateKey', '(a plain string, not shown)',
      'is a literal, so the private key would be written into cdk.tf.json and Terraform state',
      'leave it out to use your ssh-agent, or pass a sensitive TerraformVariable\'s value (e.g. set from `TF_VAR_ssh_key="$(cat ~/.ssh/id_ed25519)"`)');
  }
  const port = (h.options?.ssh as { port?: unknown } | undefined)?.port;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
    problems.add('ssh-port-invalid', path, 'ssh.port', port, 'is not a TCP port', 'use 22 or the port your server listens on');
  }
}

/**
 * An Azure Container Registry refuses anonymous pulls unless told otherwise,
 * and a dedicated server has no managed identity: with the identity login
 * alone its image pull would retry for ever and Weave never start there.
 */
function checkCluster(c: ClusterSpec, { spec, problems }: CheckContext): void {
  const registry = spec.registry;
  if (registry?.azureContainerRegistry && !registry.login && c.hosts.length > 0) {
    problems.add('registry-login-missing', c.path, 'registry.login', undefined,
      'is not set, but the images come from an Azure Container Registry, which its Azure VMs log in to with their identity; a dedicated server has none, and ACR refuses anonymous pulls',
      'add registry.login with an ACR token that may read the three repositories (az acr token create --registry <name> --name weave-pull --repository <path>/weave content/read, the same for weaveexec and weavedb); its password reaches the servers only by their provisioner');
  }
}

/** The dedicated kind's checks. */
export const DEDICATED_CHECKS: KindChecks = {
  cluster: checkCluster,
  host: checkHost,
  clusterOptions: checkClusterOptions,
  hostOptions: checkHostOptions,
};
