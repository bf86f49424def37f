// A Mermaid flowchart of a planned network: clusters as subgraphs, hosts with
// their bridge addresses and IPAM role, retired hosts still holding an
// address, and one arrow per peer a host dials.
import type { RetiredHost } from './allocation';
import { NetworkPlan } from './model';
import { isToken } from './tokens';

const id = (s: string) => s.replace(/[^A-Za-z0-9_]/g, '_');
// Mermaid labels are quoted; keep them free of quotes and Terraform tokens.
const label = (s: string) => (isToken(s) ? '(set at deploy)' : s.replace(/["<>]/g, ''));

/**
 * A Mermaid flowchart of a planned network, for reviewing how hosts will
 * peer before deploying. Bootstrap hosts, observers and retired hosts (still
 * holding their addresses in the allocation record) are labelled and
 * coloured apart. Values only known at apply time show as `(set at deploy)`.
 * @param plan - The planned network, from {@link planNetwork}.
 * @param title - Shown in the chart's header comment; `WeaveNetwork` passes its construct path.
 */
export function renderMermaid(plan: NetworkPlan, title = 'Weave network'): string {
  const lines = ['flowchart LR', `  %% ${label(title)}: ipalloc ${plan.commonLaunchArgs[plan.commonLaunchArgs.indexOf('--ipalloc-range') + 1]}, consensus ${plan.consensus}`];
  const role = (bootstrap: boolean) => (bootstrap ? `bootstrap, consensus=${plan.consensus}` : 'observer');
  const retiredNode = (r: RetiredHost) =>
    `    ${id(`r_${r.name}`)}["${label(r.name)}<br/>${label(r.bridgeAddress)}<br/>retired, address held"]:::retired`;
  for (const c of plan.clusters) {
    lines.push(`  subgraph ${id(`c_${c.name}`)}["${label(c.name)} (${c.kind})"]`);
    for (const h of c.hosts) {
      lines.push(`    ${id(`h_${h.name}`)}["${label(h.name)}<br/>${label(h.bridgeAddress)}<br/>${role(h.bootstrap)}"]:::${h.bootstrap ? 'bootstrap' : 'observer'}`);
    }
    for (const r of c.retired) lines.push(retiredNode(r));
    lines.push('  end');
  }
  const declared = new Set(plan.clusters.map((c) => c.name));
  const orphans = plan.retired.filter((r) => !declared.has(r.cluster));
  if (orphans.length > 0) {
    lines.push('  subgraph retired_hosts["retired (cluster removed)"]');
    for (const r of orphans) lines.push(retiredNode(r));
    lines.push('  end');
  }
  // A peer that is not a host is a cluster's DNS name: the load balancer picks a host.
  const byDns = new Map(plan.spec.clusters.flatMap((c) => (c.dnsName ? [[c.dnsName, c.name] as const] : [])));
  for (const c of plan.clusters) {
    for (const h of c.hosts) {
      for (const p of h.peers) {
        const target = plan.hosts.find((x) => x.name === p);
        const cluster = byDns.get(p) ?? plan.rootCluster;
        lines.push(target
          ? `  ${id(`h_${h.name}`)} --> ${id(`h_${target.name}`)}`
          : `  ${id(`h_${h.name}`)} -->|"${label(p)}"| ${id(`c_${cluster}`)}`);
      }
    }
  }
  lines.push(
    '  classDef bootstrap fill:#DBEAFE,stroke:#1D4ED8',
    '  classDef observer fill:#FFFFFF,stroke:#52525B',
    '  classDef retired fill:#F4F4F5,stroke:#A1A1AA,color:#71717A',
  );
  return `${lines.join('\n')}\n`;
}
