// What users' own boot content asks of a host's VM beyond its custom data:
// Ignition VMs (first boot only, custom data changes ignored) must be
// replaced when their content changes, and content Terraform fills in must
// keep custom data under Azure's limit, which only plan time can tell.
import type { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import type { DerivedHost } from '../../../core/derive/derive';
import { CUSTOM_DATA_LIMIT } from '../../../core/kinds/azure/facts';
import { TerraformData } from '../../terraform/data';
import { tfName } from '../../terraform/names';
import type { HostScope } from '../kind';

/**
 * Adds the user-content parts of a VM's lifecycle.
 *
 * - Ignition VMs get a `terraform_data` per host whose trigger is the digest
 *   of the host's merged user content (and the values of its
 *   Terraform-filled files); the VM is replaced when it is replaced. Every
 *   Ignition VM has one, content or not: `replace_triggered_by` reacts to
 *   updates and replacements of what it names, not to its creation, so the
 *   address must exist before the content first changes.
 * - A VM whose document has Terraform-filled file content gets a
 *   precondition that the decoded custom data stays within 64 KiB.
 *
 * @param host - the host construct (scope of the trigger resource)
 * @param networkId - its network's construct id, which prefixes the trigger's name
 * @param vm - its VM
 * @param derived - what the pipeline derived for it
 */
export function userContentLifecycle(host: HostScope, networkId: string, vm: LinuxVirtualMachine, derived: DerivedHost): void {
  const refs = (derived.boot.expressions ?? []).map((e) => e.content.ref);
  const lifecycle = { ...(vm.lifecycle ?? {}) };
  if (derived.format === 'ignition') {
    const name = `${tfName(networkId)}_${tfName(host.hostName)}_user_content`;
    new TerraformData(host, 'user-content-generation', {
      triggersReplace: {
        content: refs.length ? `\${sha256(join("|", ["${derived.userContentDigest}", ${[...new Set(refs)].join(', ')}]))}` : derived.userContentDigest,
      },
    }).overrideLogicalId(name);
    // A plain address, as for the boot generation (hashicorp/terraform-cdk#3196).
    lifecycle.replaceTriggeredBy = [...(lifecycle.replaceTriggeredBy ?? []), `terraform_data.${name}`];
  }
  if (refs.length && derived.knownBytes !== undefined) {
    // Each slot's fill is base64 (ASCII), so its length is its size in bytes.
    const lengths = refs.map((r) => `length(${r})`).join(' + ');
    lifecycle.precondition = [
      ...(lifecycle.precondition ?? []),
      {
        condition: `\${${derived.knownBytes} + ${lengths} <= ${CUSTOM_DATA_LIMIT}}`,
        errorMessage: `Custom data of ${host.hostName} would exceed Azure's ${CUSTOM_DATA_LIMIT} bytes: ${derived.knownBytes} bytes are known at synth (Weave's and your literal files and units), and your files filled in by Terraform add the rest. Make those files smaller or deliver them another way.`,
      },
    ];
  }
  if (lifecycle.replaceTriggeredBy || lifecycle.precondition) vm.lifecycle = lifecycle;
}
