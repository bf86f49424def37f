// Azure names the library checks before Terraform ever talks to Azure: public
// regions and VM size names. A typo in either otherwise surfaces only at
// `terraform apply`, after the plan was reviewed.
import { closest, distance } from 'fastest-levenshtein';

/**
 * Programmatic names of the Azure public-cloud regions.
 *
 * Source: Microsoft Learn, "Azure regions list"
 * (https://learn.microsoft.com/azure/reliability/regions-list, ms.date 09/23/2025),
 * every row of its "All" table including the access-restricted and
 * coming-soon ones; plus `swedensouth`, which that page names as Sweden
 * Central's restricted pair, and `jioindiacentral` / `jioindiawest`, which
 * `az account list-locations` returns for the public cloud. Only public-cloud
 * regions are listed because the cluster DNS name is
 * `<label>.<region>.cloudapp.azure.com`, a public-cloud domain. A region opened
 * after this list was made can be let through with the cluster's
 * `locationUnchecked`.
 */
export const AZURE_REGIONS: readonly string[] = [
  'australiacentral', 'australiacentral2', 'australiaeast', 'australiasoutheast', 'austriaeast',
  'belgiumcentral', 'brazilsouth', 'brazilsoutheast', 'canadacentral', 'canadaeast', 'centralindia',
  'centralus', 'chilecentral', 'denmarkeast', 'eastasia', 'eastus', 'eastus2', 'francecentral',
  'francesouth', 'germanynorth', 'germanywestcentral', 'indonesiacentral', 'israelcentral', 'italynorth',
  'japaneast', 'japanwest', 'jioindiacentral', 'jioindiawest', 'koreacentral', 'koreasouth',
  'malaysiawest', 'mexicocentral', 'newzealandnorth', 'northcentralus', 'northeurope', 'norwayeast',
  'norwaywest', 'polandcentral', 'qatarcentral', 'southafricanorth', 'southafricawest', 'southcentralus',
  'southindia', 'southeastasia', 'spaincentral', 'swedencentral', 'swedensouth', 'switzerlandnorth',
  'switzerlandwest', 'uaecentral', 'uaenorth', 'uksouth', 'ukwest', 'westcentralus', 'westeurope',
  'westindia', 'westus', 'westus2', 'westus3',
];
const REGION_SET = new Set(AZURE_REGIONS);

/**
 * Azure's short region name (`West Europe` → `westeurope`), as used in
 * `<label>.<region>.cloudapp.azure.com`. Azure accepts display names and
 * programmatic names alike; this is how the one maps onto the other.
 *
 * @param location - a region as given by the user
 * @returns the lowercase name without spaces
 */
export function regionName(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

/** Whether `location` (programmatic or display name) is a known public-cloud region. */
export function isAzureRegion(location: string): boolean {
  return REGION_SET.has(regionName(location));
}

/**
 * The known region nearest to `location` in edit distance, when it is close
 * enough to be a plausible typo (at most a third of the name's length).
 */
export function nearestRegion(location: string): string | undefined {
  const name = regionName(location);
  const best = closest(name, AZURE_REGIONS as string[]);
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Why `location` is not a known public-cloud region, with a fix that names
 * the nearest one and the escape hatch; `undefined` when it is one.
 *
 * @param unchecked - the option that lets a newer region through, as the fix names it
 */
export function locationProblem(location: string, unchecked = 'locationUnchecked'): { message: string; fix: string } | undefined {
  if (isAzureRegion(location)) return undefined;
  const near = nearestRegion(location);
  return {
    message: 'is not an Azure public-cloud region (programmatic names such as "westeurope" and display names such as "West Europe" are accepted)',
    fix: `${near ? `did you mean "${near}"? ` : 'use a region such as "westeurope" or "East US 2"; '}for a region opened after this library's list was made, set ${unchecked}`,
  };
}

/**
 * Azure VM size names: `Standard_` (or the legacy `Basic_`), then family and
 * sub-family letters, the vCPU count, an optional constrained count (`-2`),
 * lowercase feature letters, and optional `_`-separated accelerator and
 * version parts, e.g. `Standard_D2s_v5`, `Standard_M8-2ms_v2`,
 * `Standard_NC4as_T4_v3`. Source: Microsoft Learn, "Azure VM sizes naming
 * conventions" (articles/virtual-machines/vm-naming-conventions.md).
 * The shape check comes first; the list of sizes that exist is
 * vm-sizes.ts (a name that cannot be a size at all, "D2s_v5" or
 * "Standard D2s v5", is told apart from one Azure does not offer).
 */
export const VM_SIZE_RE = /^(Standard|Basic)_[A-Z]{1,4}[0-9]+(-[0-9]+)?[a-z]*(_[A-Za-z0-9]+)*$/;

/**
 * A plausible canonical spelling of a mistyped VM size: `standard_d2s_v5`,
 * `D2s_v5` or `Standard D2s v5` become `Standard_D2s_v5`. `undefined` when no
 * rewrite matches {@link VM_SIZE_RE}.
 */
export function suggestVmSize(size: string): string | undefined {
  const parts = size.trim().split(/[\s_]+/).filter(Boolean);
  if (parts.length === 0) return undefined;
  if (/^(standard|basic)$/i.test(parts[0])) parts.shift();
  if (parts.length === 0) return undefined;
  // Family letters upper case, feature letters lower case: "d2s" -> "D2s", "m8-2MS" -> "M8-2ms".
  const m = /^([A-Za-z]{1,4})([0-9]+(?:-[0-9]+)?)([A-Za-z]*)$/.exec(parts[0]);
  if (!m) return undefined;
  const rest = parts.slice(1).map((p) => (/^v\d+$/i.test(p) ? p.toLowerCase() : p));
  const candidate = ['Standard', `${m[1].toUpperCase()}${m[2]}${m[3].toLowerCase()}`, ...rest].join('_');
  return VM_SIZE_RE.test(candidate) && candidate !== size ? candidate : undefined;
}
