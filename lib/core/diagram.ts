// A Mermaid flowchart of a planned network: clusters as subgraphs, hosts with
// their bridge addresses and IPAM mode, and one arrow per peer a host dials.
import { NetworkPlan } from './model';
import { isToken } from './tokens';

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
// Mermaid labels are quoted; keep them free of quotes and Terraform tokens.
const label = (s: string) => (isToken(s) ? '(set at deploy)' : s.replace(/["<>]/g, ''));

/**
 * A Mermaid flowchart of a planned network, for reviewing how hosts will
 * peer before deploying. Values only known at apply time show as
 * `(set at deploy)`.
 * @param plan - The planned network, from {@link planNetwork}.
 * @param title - Shown in the chart's header comment; `WeaveNetwork` passes its construct path.
 */
export function renderMermaid(plan: NetworkPlan, title = 'Weave network'): string {
  const lines = ['flowchart LR', `  %% ${label(title)}: ipalloc ${plan.commonLaunchArgs[plan.commonLaunchArgs.indexOf('--ipalloc-range') + 1]}, consensus ${plan.consensus}`];
  for (const c of plan.clusters) {
    lines.push(`  subgraph ${id(`c_${c.name}`)}["${label(c.name)} (${c.kind})"]`);
    for (const h of c.hosts) {
      lines.push(`    ${id(`h_${h.name}`)}["${label(h.name)}<br/>${label(h.bridgeAddress)}<br/>${h.ipallocInit}"]`);
    }
    lines.push('  end');
  }
  for (const h of plan.hosts) {
    for (const d of h.dials) {
      const from = id(`h_${h.name}`);
      if (d.via === 'vm-name' && d.host !== undefined) {
        // A VM name inside its own VNet: the arrow alone says it all.
        lines.push(`  ${from} --> ${id(`h_${plan.hosts[d.host].name}`)}`);
      } else {
        // An address or public name: labelled, pointing at the host it
        // leads to, or at the cluster when a load balancer picks the host.
        const to = d.host !== undefined ? id(`h_${plan.hosts[d.host].name}`) : id(`c_${plan.clusters[d.cluster].name}`);
        lines.push(`  ${from} -->|"${label(d.address)}"| ${to}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
