// A Mermaid flowchart of a planned network: clusters as subgraphs, hosts with
// their bridge addresses and IPAM mode, and one arrow per peer a host dials.
import { NetworkPlan } from './model';
import { isToken } from './tokens';

// Node ids come from positions, not names: names such as `web.1` and
// `web-1` are both valid and must stay two nodes.
const hostId = (index: number) => `h${index}`;
const clusterId = (index: number) => `c${index}`;
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
  plan.clusters.forEach((c, ci) => {
    lines.push(`  subgraph ${clusterId(ci)}["${label(c.name)} (${c.kind})"]`);
    for (const h of c.hosts) {
      lines.push(`    ${hostId(h.index)}["${label(h.name)}<br/>${label(h.bridgeAddress)}<br/>${h.ipallocInit}"]`);
    }
    lines.push('  end');
  });
  const byName = new Map(plan.hosts.map((h) => [h.name, h]));
  for (const h of plan.hosts) {
    for (const p of h.peers) {
      const target = byName.get(p);
      if (target) {
        lines.push(`  ${hostId(h.index)} --> ${hostId(target.index)}`);
      } else if (first) {
        // Dials the first cluster by DNS name: the load balancer picks a host.
        lines.push(`  ${hostId(h.index)} -->|"${label(p)}"| ${clusterId(0)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
