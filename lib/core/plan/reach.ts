// The reachability model: which peer addresses a host can actually connect
// to. Weave dials what WEAVE_PEERS says from the host itself, so a peer is only
// useful if that host can resolve and route to it:
//
// - an Azure VM resolves the computer names of VMs in its own VNet (Azure-provided
//   DNS answers nowhere else) and public DNS names;
// - a dedicated server resolves public DNS names only;
// - both connect to literal IPv4 addresses; a private one (RFC 1918 and kin) only
//   from inside the network it belongs to, which here means the same cluster.
//
// Which hosts resolve VM names is their kind's to say (KindWiring). The
// planner (peers.ts) checks every peer it picks against `reachable` before it
// hands out a plan. docs/reachability.md states the same rules for users.
import { kindDriver } from '../kinds';
import type { ClusterKind } from '../declare/network';
import type { PeerAddress } from '../wiring/addresses';

/** The host that dials: what kind of machine it is and which cluster (= network) it sits in. */
export interface Dialer {
  /** Azure VM or dedicated server. */
  readonly kind: ClusterKind;
  /** Position of its cluster; an Azure cluster is one VNet. */
  readonly cluster: number;
}

/**
 * Whether a host can connect to a peer address under the model, and if not,
 * why (phrased to follow "cannot reach <address>:").
 */
export function reachable(from: Dialer, to: PeerAddress): { readonly ok: true } | { readonly ok: false; readonly why: string } {
  switch (to.form) {
    case 'public-dns':
      return { ok: true };
    case 'ipv4':
      if (to.scope === 'public' || to.cluster === from.cluster) return { ok: true };
      return { ok: false, why: 'it is a private address of another cluster\'s network, which does not route there' };
    case 'vm-name':
      if (!kindDriver(from.kind)?.wiring.resolvesClusterVmNames) {
        return { ok: false, why: 'it is an Azure VM name, and a dedicated server resolves only public DNS names' };
      }
      if (from.cluster !== to.cluster) {
        return { ok: false, why: 'it is the name of a VM in another VNet, and Azure-provided DNS resolves VM names only inside their own VNet' };
      }
      return { ok: true };
  }
}
