// Terraform names derived from construct ids. Two rules, because Terraform
// has two kinds of names: a logical id (a resource's or output's name in
// cdk.tf.json) may hold `-`; a variable's name becomes the shell variable
// `TF_VAR_<name>`, which may not.
import { Construct } from 'constructs';

/** A logical id from a construct id: letters, digits, `_` and `-` survive, anything else becomes `_`. */
export function tfName(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** A variable name from a construct id: letters, digits and `_` survive, anything else (`-` too) becomes `_`. */
export function tfVariableName(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Output names users type (`cdktf output`, remote state lookups): short and
 * stable, `<network>_<cluster or host>_<what>`, instead of cdktf's hashed ids.
 */
export function outputId(network: Construct, owner: string, what: string): string {
  return tfName(`${network.node.id}_${owner}_${what}`);
}
