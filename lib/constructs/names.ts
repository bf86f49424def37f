import { Construct } from 'constructs';

/**
 * Output names users type (`cdktf output`, remote state lookups): short and
 * stable, `<network>_<cluster or host>_<what>`, instead of cdktf's hashed ids.
 */
export function outputId(network: Construct, owner: string, what: string): string {
  return `${network.node.id}_${owner}_${what}`.replace(/[^A-Za-z0-9_-]/g, '_');
}
