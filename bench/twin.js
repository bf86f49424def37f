'use strict';
// Plain-cdktf twins of the library's cases, derived from the library's own
// synthesized cdk.tf.json, so that a library case minus its twin is what the
// library itself costs and the twin alone is cdktf's price for the same
// Terraform. Nothing here is kept by hand: every resource, data source,
// variable, local, output and provider comes from the JSON, through the same
// provider classes (deep imports, as the library loads them), with
// references between elements as cdktf tokens, the way hand-written cdktf
// code would make them. bench/twin-check.js proves the result is the
// library's Terraform again.
//
// Two kinds of twin:
//  - nested: the library's construct tree (each element at its metadata
//    path, every logical id as in the JSON), so every Terraform address and
//    metadata path is the library's. cdktf's cost grows with construct depth
//    (longer paths and logical ids, resolved at every level), so this is the
//    twin the targets compare against.
//  - flat: the same elements directly under the stack with short construct
//    ids (logical ids still overridden to the JSON's, so it is the same
//    Terraform). Kept as a reference for what construct depth itself costs.

/** Attributes whose values are maps: their keys are data, not attribute names. */
const MAP_ATTRIBUTES = new Set(['tags', 'triggers_replace']);
/** Keys of a resource body that are not its arguments: set through their own cdktf means. */
const META = new Set(['//', 'provider', 'depends_on', 'lifecycle', 'count', 'provisioner', 'connection']);
/** `terraform` keys cdktf writes itself (the rest of `terraform` came from overrides). */
const GENERATED_TERRAFORM = new Set(['backend', 'required_providers']);

const camel = (key) => key.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = (name) => name.split(/[_-]/).map((p) => p[0].toUpperCase() + p.slice(1)).join('');

/** Terraform's built-in `terraform_data` as a plain TerraformResource, as the library writes it. */
function terraformDataClass() {
  const { TerraformResource } = require('cdktf');
  return class TerraformData extends TerraformResource {
    constructor(scope, id, config) {
      super(scope, id, {
        terraformResourceType: 'terraform_data',
        terraformGeneratorMetadata: { providerName: 'terraform' },
        connection: config.connection,
        provisioners: config.provisioners,
        lifecycle: config.lifecycle,
        dependsOn: config.dependsOn,
      });
      this.triggersReplace = config.triggersReplace;
      this.input = config.input;
    }
    synthesizeAttributes() { return { triggers_replace: this.triggersReplace, ...(this.input !== undefined ? { input: this.input } : {}) }; }
  };
}

/** The provider class of a resource or data source type, loaded by deep path. */
function classOf(block, type) {
  if (type === 'terraform_data') return (classOf.data ??= terraformDataClass());
  const module = block === 'data' ? `data-${type.replace(/_/g, '-')}` : type.replace(/^azurerm_/, '').replace(/_/g, '-');
  const cls = require(`@cdktf/provider-azurerm/lib/${module}`)[pascal(block === 'data' ? `data_${type}` : type.replace(/^azurerm_/, ''))];
  if (!cls) throw new Error(`twin: no class for ${block} ${type}`);
  return cls;
}

/**
 * Declares the twin of one synthesized stack in `app`.
 *
 * @param tf - the library's cdk.tf.json, parsed
 * @param kind - 'nested' (the library's construct tree) or 'flat'
 */
function buildTwinStack(app, tf, kind = 'nested') {
  const { TerraformStack, TerraformVariable, TerraformOutput, TerraformLocal } = require('cdktf');
  const { Construct } = require('constructs');
  const meta = tf['//'].metadata;
  const stack = new TerraformStack(app, meta.stackName);

  // Where an element goes: its metadata path in a nested twin, the stack in a flat one.
  const scopes = new Map([[meta.stackName, stack]]);
  let serial = 0;
  const place = (path) => {
    const parts = path.split('/');
    if (kind === 'flat') return [stack, `e${serial++}`];
    let scope = stack;
    for (let i = 1; i < parts.length - 1; i++) {
      const at = parts.slice(0, i + 1).join('/');
      let next = scopes.get(at);
      if (!next) scopes.set(at, (next = new Construct(scope, parts[i])));
      scope = next;
    }
    return [scope, parts[parts.length - 1]];
  };

  // Resources and data sources, created on first use so that a reference is
  // always to an element that exists.
  const bodies = new Map();
  for (const block of ['resource', 'data']) {
    for (const [type, byName] of Object.entries(tf[block] ?? {})) {
      for (const [name, body] of Object.entries(byName)) bodies.set(`${block === 'data' ? 'data.' : ''}${type}.${name}`, { block, type, name, body });
    }
  }
  const variables = new Map();
  for (const [name, v] of Object.entries(tf.variable ?? {})) {
    const { ephemeral, validation, ...rest } = v;
    const variable = new TerraformVariable(stack, name, {
      ...convertKeys(rest),
      ...(validation ? { validation: validation.map((x) => ({ condition: x.condition, errorMessage: x.error_message })) } : {}),
    });
    variable.overrideLogicalId(name);
    if (ephemeral) variable.addOverride('ephemeral', ephemeral);
    variables.set(name, variable);
  }

  const providers = new Map();
  for (const [type, blocks] of Object.entries(tf.provider ?? {})) {
    const Provider = require('@cdktf/provider-azurerm/lib/provider').AzurermProvider;
    if (type !== 'azurerm') throw new Error(`twin: provider ${type}`);
    for (const b of [].concat(blocks)) {
      const alias = b.alias;
      providers.set(alias ? `${type}.${alias}` : type, new Provider(stack, alias ? `${type}-${alias}` : type, convert(b, '')));
    }
  }

  // cdktf's metadata lists the override keys per resource type, not per
  // element. An element whose count the library overrode (the NSG rules, the
  // teardown steps) had every listed key it carries overridden; on the
  // others only keys a constructor cannot set.
  const overridden = (type, body) => {
    const keys = [...new Set(meta.overrides?.[type] ?? [])].filter((k) => body[k] !== undefined);
    return body.count !== undefined ? keys : keys.filter((k) => !META.has(k));
  };

  const elements = new Map();
  const element = (address) => {
    const made = elements.get(address);
    if (made) return made;
    const { block, type, name, body } = bodies.get(address);
    const config = {};
    const later = new Set(overridden(type, body));
    for (const [k, v] of Object.entries(body)) if (!META.has(k) && !later.has(k)) config[camel(k)] = MAP_ATTRIBUTES.has(k) ? convertMap(v) : convert(v, k);
    if (body.provider) config.provider = providers.get(body.provider);
    if (body.depends_on) config.dependsOn = body.depends_on.map(element);
    if (body.lifecycle) config.lifecycle = convertLifecycle(body.lifecycle);
    if (body.connection) config.connection = convert(body.connection, 'connection');
    if (body.provisioner && !later.has('provisioner')) config.provisioners = body.provisioner.map((p) => { const [[t, args]] = Object.entries(p); return { type: t, ...convert(args, t) }; });
    const [scope, id] = place(body['//'].metadata.path);
    const Cls = classOf(block, type);
    const el = new Cls(scope, id, config);
    el.overrideLogicalId(name);
    elements.set(address, el);
    return el;
  };

  /** A string as the twin writes it: a lone reference to another element becomes that element's token. */
  function value(s) {
    const ref = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$/.exec(s);
    if (ref && bodies.has(ref[1])) return element(ref[1]).getStringAttribute(ref[2]);
    const v = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(s);
    if (v && variables.has(v[1])) return variables.get(v[1]).stringValue;
    return s;
  }
  function convert(v, key) {
    if (typeof v === 'string') return value(v);
    if (Array.isArray(v)) return v.map((x) => convert(x, key));
    if (v && typeof v === 'object') return convertKeys(v);
    return v;
  }
  function convertKeys(o) {
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [camel(k), MAP_ATTRIBUTES.has(k) ? convertMap(v) : convert(v, k)]));
  }
  function convertMap(m) {
    if (Array.isArray(m)) return m.map((x) => convert(x, ''));
    return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, convert(v, '')]));
  }
  function convertLifecycle(l) {
    return {
      ...(l.ignore_changes ? { ignoreChanges: l.ignore_changes } : {}),
      ...(l.replace_triggered_by ? { replaceTriggeredBy: l.replace_triggered_by } : {}),
      ...(l.precondition ? { precondition: l.precondition.map((p) => ({ condition: p.condition, errorMessage: p.error_message })) } : {}),
    };
  }

  for (const address of bodies.keys()) element(address);
  for (const [name, expression] of Object.entries(tf.locals ?? {})) new TerraformLocal(stack, name, expression).overrideLogicalId(name);

  // Outputs at the paths the metadata's output tree gives them.
  const outputs = [];
  const walk = (node, path) => {
    for (const [k, v] of Object.entries(node)) typeof v === 'string' ? outputs.push([`${path}/${k}`, v]) : walk(v, `${path}/${k}`);
  };
  walk(tf['//'].outputs?.[meta.stackName] ?? {}, meta.stackName);
  for (const [path, name] of outputs) {
    const { value: v, ...rest } = tf.output[name];
    const [scope, id] = place(path);
    new TerraformOutput(scope, id, { value: convert(v, 'value'), ...convertKeys(rest) }).overrideLogicalId(name);
  }

  // What the library set with overrides, set the same way (cdktf lists the override keys in the metadata).
  for (const [type, keys] of Object.entries(meta.overrides ?? {})) {
    if (type === 'stack') continue;
    for (const [address, el] of elements) {
      const body = bodies.get(address).body;
      if (bodies.get(address).type !== type) continue;
      for (const k of overridden(type, body)) el.addOverride(k, body[k]);
    }
  }
  for (const key of meta.overrides?.stack ?? []) {
    if (key === 'terraform') {
      for (const [k, v] of Object.entries(tf.terraform)) if (!GENERATED_TERRAFORM.has(k)) stack.addOverride(`terraform.${k}`, v);
    } else stack.addOverride(key, tf[key]);
  }
  return stack;
}

/** The twin cases: each names the library case whose JSON it is derived from. */
const TWINS = {
  'plain-seed': { of: 'seed', kind: 'nested' },
  'plain-100': { of: 'net-100', kind: 'nested' },
  'plain-1000': { of: 'net-1000', kind: 'nested' },
  'plain-flat-seed': { of: 'seed', kind: 'flat' },
  'plain-flat-1000': { of: 'net-1000', kind: 'flat' },
};

module.exports = { TWINS, buildTwinStack };
