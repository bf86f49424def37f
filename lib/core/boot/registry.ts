// How one host logs in to the image registry: its kind says whether it
// fetches what it needs with its own identity (Azure VMs) or is handed it by
// the provisioner (dedicated servers), and the network says whether there is
// anything to log in to.
import type { NetworkSpec } from '../declare/network';
import { kindDriver } from '../kinds';
import type { HostPlan } from '../plan/plan';
import type { RegistryLogin } from './images';

/** The login a host's pull script does, from the network's registry settings and the host's kind. */
export function registryLoginOf(spec: NetworkSpec, host: Pick<HostPlan, 'kind'>): RegistryLogin {
  const registry = spec.registry;
  if (!registry) return undefined;
  const via = kindDriver(host.kind)?.boot.keyVault;
  if (via === 'fetch') return registry.azureContainerRegistry ? 'identity' : undefined;
  return registry.login ? 'config' : undefined;
}
