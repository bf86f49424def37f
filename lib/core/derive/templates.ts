// Cloud-config for many hosts at the cost of one render per distinct user
// content. With the host env fetched from instance metadata, a host's
// document differs from its neighbours' only in the host name (in paths and
// unit text) and in its users' files and units, so the document is built
// and rendered once per distinct merged user content (hosts of one cluster
// without their own content share one) with the host-name slot standing in
// for the name, which is then filled per host (one template per distinct
// cluster launch flags, too). Host names are plain
// `[a-z0-9.-]`, which YAML writes the same wherever the slot stood; user
// content never holds the slot, which is uppercase.
// `__tests__/render.test.ts` checks the result equals a direct render for
// every host.
import type { BootDocument } from '../boot/document';
import { SLOT, fillSlots } from '../boot/slots';
import { MergedUserContent, withUserContent } from '../boot/user-content';
import { statusListenerOf, weaveBootDocument } from '../boot/weave';
import { hostEnvPath } from '../defaults';
import { FLATCAR } from '../os/flatcar';
import type { OsProfile } from '../os/profile';
import type { HostPlan, NetworkPlan } from '../plan/plan';
import { renderCloudConfig } from '../render/cloud-config';
import type { RenderedBoot } from '../render/rendered';

/**
 * Renders cloud-config for every host of a network, one template per
 * distinct user content.
 *
 * @param network - the planned network
 * @param contentFor - each host's merged user content; hosts sharing one
 *   object share one template
 * @param adapt - a change applied to the boot document before rendering; it
 *   must treat every host alike (as the Key Vault mode does)
 * @param os - the hosts' OS
 * @returns a function giving each host's rendered document
 */
export function cloudConfigByName(
  network: NetworkPlan,
  contentFor: (host: HostPlan) => MergedUserContent | undefined = () => undefined,
  adapt: (boot: BootDocument) => BootDocument = (b) => b,
  os: OsProfile = FLATCAR,
): (host: HostPlan) => RenderedBoot {
  // Keyed by content, then by the kind and status listener port (clusters with
  // metrics render their own) and the cluster's own launch flags.
  const templates = new Map<MergedUserContent | undefined, Map<string, RenderedBoot>>();
  return (host) => {
    const content = contentFor(host);
    const flags = (network.clusters[host.clusterIndex]?.launchArgs ?? []).join(' ');
    const key = `${host.kind}:${statusListenerOf(network, host)?.port ?? ''}|${flags}`;
    let byKey = templates.get(content);
    if (!byKey) templates.set(content, byKey = new Map());
    let template = byKey.get(key);
    if (!template) {
      const stand = { ...host, name: SLOT.hostName, hostEnvPath: hostEnvPath(SLOT.hostName) };
      template = renderCloudConfig(withUserContent(adapt(weaveBootDocument(network, stand, { hostEnvSource: 'azure-imds', os })), content), os);
      byKey.set(key, template);
    }
    return { ...template, text: fillSlots(template.text, [[SLOT.hostName, host.name]]) };
  };
}
