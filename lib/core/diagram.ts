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
  const first = plan.clusters[0];
  for (const c of plan.clusters) {
    lines.push(`  subgraph ${id(`c_${c.name}`)}["${label(c.name)} (${c.kind})"]`);
    for (const h of c.hosts) {
      lines.push(`    ${id(`h_${h.name}`)}["${label(h.name)}<br/>${label(h.bridgeAddress)}<br/>${h.ipallocInit}"]`);
    }
    lines.push('  end');
  }
  for (const c of plan.clusters) {
    for (const h of c.hosts) {
      for (const p of h.peers) {
        const target = plan.hosts.find((x) => x.name === p);
        if (target) {
          lines.push(`  ${id(`h_${h.name}`)} --> ${id(`h_${target.name}`)}`);
        } else if (first) {
          // Dials the first cluster by DNS name: the load balancer picks a host.
          lines.push(`  ${id(`h_${h.name}`)} -->|"${label(p)}"| ${id(`c_${first.name}`)}`);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
