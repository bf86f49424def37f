// Retirement, the Terraform side: for every host the allocation record
// retires, one create-time step on the network's surviving host that
// reclaims its address space (`weave rmpeer`), named after the retired peer
// so it runs once, at the first apply after the host left the code; and for
// retired hosts that may have a teardown step in state, the step's block
// kept with `count = 0` so its destroy-time provisioner runs (teardown.ts).
// The survivor's kind makes the step (an SSH provisioner on a dedicated
// server, a VM run command on an Azure VM).
import type { Construct } from 'constructs';
import { reclaimScript } from '../core/boot/retire';
import type { NetworkPlan } from '../core/plan/plan';
import type { NetworkHost } from './marks';
import { teardownStep } from './teardown';
import { tfName } from './terraform/names';

/** The logical id of a retired peer's reclaim step: stable whichever survivor runs it. */
export const reclaimId = (network: Construct, peer: string): string => `${tfName(network.node.id)}_${tfName(peer)}_reclaim`;

/**
 * Creates the reclaim steps and the retired hosts' teardown blocks of one
 * network.
 * @param hosts - the network's hosts, in the plan's (global declaration) order
 */
export function createRetirements(network: Construct, plan: NetworkPlan, hosts: readonly NetworkHost[]): void {
  for (const r of plan.retirements) {
    const survivor = hosts[r.survivorIndex];
    survivor._reclaim(network, `reclaim-${r.peer}`, reclaimId(network, r.peer), r.peer, reclaimScript(r.peer, survivor._os()));
  }
  for (const name of plan.teardowns) teardownStep(network, `teardown-${name}`, network, name);
}
