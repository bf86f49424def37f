import { Construct } from 'constructs';

/**
 * Output names users type (`cdktf output`, remote state lookups): short and
 * stable, `<network>_<cluster or host>_<what>`, instead of cdktf's hashed ids.
 */
export function outputId(network: Construct, owner: string, what: string): string {
  return tfName(`${network.node.id}_${owner}_${what}`);
}

/** A Terraform name from a construct id: letters, digits, `_` and `-` survive. */
export function tfName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}
