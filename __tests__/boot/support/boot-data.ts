// The boot data exactly as Terraform evaluates it. The synthesized stack goes
// through the suite's provider-less stand-in (support/terraform-standin.ts:
// every azurerm resource a built-in terraform_data holding its very
// arguments), so Terraform itself fills every expression of each VM's
// custom_data and user_data (the password, the vault URI, users' Terraform
// content), and outputs them. For a dedicated server the stack's own
// terraform_data provisioner runs for real, over SSH: dedicatedConfig keeps
// it as synthesized and leaves out only the azurerm resources.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { standInConfig, terraform } from '../../support/terraform-standin';
import { dedicatedProvisioners, valueResources } from '../../support/synth';

type Json = Record<string, any>;

export interface VmBootData {
  /** The VM's name (its computer name), or the scale set's. */
  readonly name: string;
  /** custom_data as the VM receives it, decoded from base64. */
  readonly customData: string;
  /** user_data decoded from base64, when the VM has any. */
  readonly userData?: string;
}

/** Dummy values for every declared string variable, so Terraform asks for none. */
export function variableValues(tf: Json, given: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(tf.variable ?? {})) env[`TF_VAR_${name}`] = given[name] ?? `stand-in-${name}`;
  return env;
}

/** Terraform's evaluation of every Azure VM's and scale set's custom_data and user_data. */
export function evaluateVmBootData(tf: Json, dir: string, vars: Record<string, string>): Map<string, VmBootData> {
  mkdirSync(dir, { recursive: true });
  const config = standInConfig(tf, dir);
  const standIns = config.resource.terraform_data as Json;
  const outputs: Json = {};
  const names = new Map<string, string>();
  // A scale set's one document is every instance's: it is listed under the scale set's name.
  const vms = ['azurerm_linux_virtual_machine', 'azurerm_linux_virtual_machine_scale_set']
    .flatMap((type) => Object.entries((tf.resource[type] ?? {}) as Json).map(([logical, vm]) => [type, logical, vm] as const));
  for (const [type, logical, vm] of vms) {
    const input = standIns[`${type}__${logical}`].input;
    const inner = (s: string) => s.replace(/^\$\{/, '').replace(/\}$/, '');
    const key = logical.replace(/[^A-Za-z0-9_]/g, '_');
    names.set(key, (vm as Json).name);
    outputs[`cd_${key}`] = { value: `\${nonsensitive(base64decode(${inner(input.custom_data)}))}` };
    if (input.user_data !== undefined) {
      outputs[`ud_${key}`] = { value: input.user_data.startsWith('${') ? `\${nonsensitive(base64decode(${inner(input.user_data)}))}` : Buffer.from(input.user_data, 'base64').toString() };
    }
  }
  config.output = { ...(config.output ?? {}), ...outputs };
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config, null, 1));
  const env = variableValues(tf, vars);
  terraform(dir, ['init', '-input=false', '-no-color'], env);
  terraform(dir, ['apply', '-input=false', '-auto-approve', '-no-color'], env);
  const out = JSON.parse(terraform(dir, ['output', '-json'], env)) as Record<string, { value: string }>;
  const result = new Map<string, VmBootData>();
  for (const [key, name] of names) {
    result.set(name, { name, customData: out[`cd_${key}`].value, ...(out[`ud_${key}`] ? { userData: out[`ud_${key}`].value } : {}) });
  }
  return result;
}

/**
 * The stack without its azurerm resources: variables, locals and the
 * terraform_data resources (the dedicated servers' provisioners with their
 * SSH connections and the network's value records), as synthesized.
 */
export function dedicatedConfig(tf: Json): Json {
  const data = { ...valueResources(tf), ...dedicatedProvisioners(tf) };
  const text = JSON.stringify(data);
  if (/\b(data\.)?azurerm_[a-z_]+\./.test(text)) throw new Error('a dedicated server\'s provisioner refers to an azurerm resource; the boot tier cannot apply it without azurerm');
  return {
    variable: tf.variable,
    ...(tf.locals ? { locals: tf.locals } : {}),
    ...(tf.terraform?.required_version ? { terraform: { required_version: tf.terraform.required_version } } : {}),
    resource: { terraform_data: data },
  };
}
