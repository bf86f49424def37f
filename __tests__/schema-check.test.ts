// The schema check (support/schema-check.ts) and the fixture it reads. Every
// stack any suite synthesizes is checked by it as it is synthesized
// (support/synth-collector.ts); this suite shows the check can fail, one
// negative control per class of problem, and keeps the fixture honest: its
// provenance, the shared schema it was cut from, and every type the
// repository imports.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { WeaveCluster, WeaveHost, WeaveNetwork } from '../lib';
import { SeedStack } from '../stacks/seed';
import { fixtureFromShared, fixtureText, sharedSchemaFile, typesImported } from '../scripts/schema-fixture';
import {
  AZURERM, FIXTURE_FILE, ProblemClass, TERRAFORM_DATA, isWholeExpression, schemaFixture, schemaProblems, typeProblems,
} from './support/schema-check';
import { SchemaCheckError, checkedStacks, withoutSchemaCheck } from './support/synth-collector';
import { describeWhen } from './support/skip';

type Json = Record<string, any>;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
// Synthesized once per file; each control edits its own copy.
let seed: string | undefined;
let keyVault: string | undefined;
const seedJson = (): Json => JSON.parse(seed ??= Testing.synth(new SeedStack(Testing.app(), 'weave-seed')));
const keyVaultJson = (): Json => JSON.parse(keyVault ??= Testing.synth(new SeedStack(Testing.app(), 'weave-seed-keyvault', { keyVault: { rotation: 1 } })));
const classes = (tf: Json): ProblemClass[] => [...new Set(schemaProblems(tf).map((p) => p.class))].sort();
const first = (tf: Json, type: string): [string, Json] => Object.entries(tf.resource[type] as Json)[0] as [string, Json];

const declareConsumerNetwork = require('./support/consumer-network.js') as (
  stack: TerraformStack,
  lib: { AzurermProvider: typeof AzurermProvider; WeaveNetwork: typeof WeaveNetwork; WeaveCluster: typeof WeaveCluster; WeaveHost: typeof WeaveHost },
) => void;

describe('the schema check passes what the library synthesizes', () => {
  it('the seed, the Key Vault seed and an Ignition seed have no problems', () => {
    expect(schemaProblems(seedJson())).toEqual([]);
    expect(schemaProblems(keyVaultJson())).toEqual([]);
    expect(schemaProblems(JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed', { network: { bootFormat: 'ignition' } }))))).toEqual([]);
  });

  it('the consumer project\'s network (package.test.ts declares it with the packed library, in another process)', () => {
    const stack = new TerraformStack(Testing.app(), 'consumer');
    declareConsumerNetwork(stack, { AzurermProvider, WeaveNetwork, WeaveCluster, WeaveHost });
    expect(schemaProblems(JSON.parse(Testing.synth(stack)))).toEqual([]);
  });

  it('every synth of every suite goes through the check: Testing.synth throws on a stack that fails it', () => {
    const before = checkedStacks();
    Testing.synth(new SeedStack(Testing.app(), 'weave-seed'));
    expect(checkedStacks()).toBe(before + 1);
    const stack = new SeedStack(Testing.app(), 'weave-seed');
    const rule = stack.node.findAll().find((c): c is NetworkSecurityRule => c instanceof NetworkSecurityRule)!;
    rule.addOverride('priority', 'high');
    expect(() => Testing.synth(stack)).toThrow(SchemaCheckError);
    expect(() => Testing.synth(stack)).toThrow(/\[wrong-type\] resource\.azurerm_network_security_rule\.[^.]+\.priority: the string "high" where number goes/);
    // A test that builds an invalid stack on purpose says so.
    expect(() => withoutSchemaCheck(() => Testing.synth(stack))).not.toThrow();
  });
});

describe('negative controls: one per class of problem', () => {
  it('unknown-type: a resource type azurerm does not have, and one outside the fixture', () => {
    const tf = seedJson();
    tf.resource.azurerm_linux_virtual_machin = { x: { name: 'x' } };
    expect(classes(tf)).toEqual(['unknown-type']);
    const other = seedJson();
    other.resource.azurerm_storage_account = { x: { name: 'x' } };
    expect(schemaProblems(other)[0].message).toMatch(/not a resource type in the azurerm 4\.55\.0 schema fixture .*npm run schema:fixture/);
    const data = seedJson();
    data.data = { azurerm_no_such_thing: { x: {} } };
    expect(classes(data)).toEqual(['unknown-type']);
  });

  it('unknown-argument: an attribute or block the type lacks, and ignore_changes naming one', () => {
    const tf = seedJson();
    const [, vm] = first(tf, 'azurerm_linux_virtual_machine');
    vm.custom_dta = 'x';
    expect(schemaProblems(tf)).toEqual([expect.objectContaining({ class: 'unknown-argument', path: expect.stringMatching(/\.custom_dta$/) })]);
    const nested = seedJson();
    first(nested, 'azurerm_linux_virtual_machine')[1].os_disk.cachin = 'ReadWrite';
    expect(classes(nested)).toEqual(['unknown-argument']);
    const ignored = seedJson();
    first(ignored, 'azurerm_linux_virtual_machine')[1].lifecycle = { ignore_changes: ['custom_dta'] };
    expect(classes(ignored)).toEqual(['unknown-argument']);
  });

  it('wrong-type: literals of the wrong JSON type, in attributes, lists, sets and maps', () => {
    const cases: [string, (tf: Json) => void][] = [
      ['number as string', (tf) => { first(tf, 'azurerm_network_security_rule')[1].priority = '100'; }],
      ['bool as string', (tf) => { first(tf, 'azurerm_linux_virtual_machine')[1].disable_password_authentication = 'true'; }],
      ['string as number', (tf) => { first(tf, 'azurerm_linux_virtual_machine')[1].size = 2; }],
      ['list of strings given a string', (tf) => { first(tf, 'azurerm_lb_rule')[1].backend_address_pool_ids = 'x'; }],
      ['map given a list', (tf) => { first(tf, 'azurerm_resource_group')[1].tags = ['a']; }],
      ['map of strings given a number value', (tf) => { first(tf, 'azurerm_resource_group')[1].tags = { a: 1 }; }],
      ['a template with text where a number goes', (tf) => { first(tf, 'azurerm_network_security_rule')[1].priority = '1${var.x}'; }],
    ];
    for (const [name, edit] of cases) {
      const tf = seedJson();
      edit(tf);
      expect([name, classes(tf)]).toEqual([name, ['wrong-type']]);
    }
    // Expressions stand for any type; cty's collection and object types are walked.
    expect(typeProblems('${var.x}', 'number', 'p')).toEqual([]);
    expect(isWholeExpression('${a}${b}')).toBe(false);
    expect(typeProblems(['a', 'a'], ['set', 'string'], 'p')).toEqual([]); // Terraform collapses them
    expect(typeProblems(['a', 1], ['set', 'string'], 'p').map((p) => p.path)).toEqual(['p[1]']);
    expect(typeProblems({ a: 'x' }, ['object', { a: 'string', b: 'number' }], 'p').map((p) => p.message)).toEqual(['object lacks attribute b']);
    expect(typeProblems([1, 'x'], ['list', 'number'], 'p').map((p) => p.path)).toEqual(['p[1]']);
  });

  it('missing-required: a required attribute left out', () => {
    const tf = seedJson();
    delete first(tf, 'azurerm_linux_virtual_machine')[1].size;
    expect(schemaProblems(tf)).toEqual([expect.objectContaining({ class: 'missing-required', message: 'the required attribute size is missing' })]);
    const nested = seedJson();
    delete first(nested, 'azurerm_linux_virtual_machine')[1].os_disk.caching;
    expect(classes(nested)).toEqual(['missing-required']);
  });

  it('computed-only: an attribute only the provider sets', () => {
    const tf = seedJson();
    first(tf, 'azurerm_linux_virtual_machine')[1].private_ip_address = '10.0.0.4';
    expect(schemaProblems(tf)).toEqual([expect.objectContaining({ class: 'computed-only', path: expect.stringMatching(/\.private_ip_address$/) })]);
    const data = seedJson();
    first(data, 'terraform_data')[1].output = 'x';
    expect(classes(data)).toEqual(['computed-only']);
  });

  it('nesting: a block given too often, left out, or as a value', () => {
    const twice = seedJson();
    const [, vm] = first(twice, 'azurerm_linux_virtual_machine');
    vm.os_disk = [vm.os_disk, vm.os_disk];
    expect(schemaProblems(twice).map((p) => p.message)).toEqual(['os_disk takes at most 1 block(s), 2 given']);
    const none = seedJson();
    delete first(none, 'azurerm_linux_virtual_machine')[1].os_disk;
    expect(schemaProblems(none).map((p) => p.message)).toEqual(['at least 1 os_disk block(s) required, none given']);
    const scalar = seedJson();
    first(scalar, 'azurerm_linux_virtual_machine')[1].source_image_reference = 'kinvolk:flatcar';
    expect(classes(scalar)).toEqual(['nesting']);
    const provider = seedJson();
    provider.provider.azurerm[0].features = 'all';
    expect(classes(provider)).toEqual(['nesting']);
  });

  it('ephemeral: the ephemeral password, directly or through a local, in an argument that is not write-only', () => {
    const tf = keyVaultJson();
    expect(schemaProblems(tf)).toEqual([]);
    const [, secret] = first(tf, 'azurerm_key_vault_secret');
    expect(secret.value_wo).toBe('${var.weave_password}');
    // value (not write-only) instead of value_wo:
    const direct = clone(tf);
    const [, s2] = first(direct, 'azurerm_key_vault_secret');
    s2.value = s2.value_wo;
    delete s2.value_wo;
    delete s2.value_wo_version;
    expect(schemaProblems(direct)).toEqual([expect.objectContaining({ class: 'ephemeral', path: expect.stringMatching(/^resource\.azurerm_key_vault_secret\.[^.]+\.value$/) })]);
    const viaLocal = clone(tf);
    viaLocal.locals = { pw: '${upper(var.weave_password)}' };
    first(viaLocal, 'azurerm_linux_virtual_machine')[1].user_data = '${base64encode(local.pw)}';
    expect(schemaProblems(viaLocal).map((p) => p.class)).toEqual(['ephemeral']);
    // An ephemeral resource's value in a trigger, and a root output.
    const resource = clone(tf);
    resource.ephemeral = { azurerm_key_vault_secret: { read: { name: 'weave-password', key_vault_id: '${azurerm_key_vault.weave_key_vault.id}' } } };
    first(resource, 'terraform_data')[1].triggers_replace = { pw: '${ephemeral.azurerm_key_vault_secret.read.value}' };
    resource.output = { leak: { value: '${var.weave_password}' } };
    expect(schemaProblems(resource).map((p) => `${p.class} ${p.path}`).sort()).toEqual([
      'ephemeral output.leak.value',
      expect.stringMatching(/^ephemeral resource\.terraform_data\.[^.]+\.triggers_replace\.pw$/),
    ]);
  });

  it('structure: an unknown top-level key, lifecycle argument, provisioner or connection argument', () => {
    const cases: ((tf: Json) => void)[] = [
      (tf) => { tf.resources = {}; },
      (tf) => { first(tf, 'azurerm_linux_virtual_machine')[1].lifecycle = { ignore_change: ['custom_data'] }; },
      (tf) => { first(tf, 'terraform_data')[1].provisioner = [{ 'remote-exe': { inline: ['x'] } }]; },
      (tf) => { first(tf, 'terraform_data')[1].connection = { type: 'ssh', hostname: 'x' }; },
    ];
    for (const edit of cases) {
      const tf = seedJson();
      edit(tf);
      expect(classes(tf)).toEqual(['structure']);
    }
  });

  it('meta-arguments are not schema attributes, and terraform_data is checked against its built-in schema', () => {
    const tf = seedJson();
    const [, vm] = first(tf, 'azurerm_linux_virtual_machine');
    Object.assign(vm, { count: 1, depends_on: [], lifecycle: { create_before_destroy: true } });
    expect(schemaProblems(tf)).toEqual([]);
    expect(Object.keys(TERRAFORM_DATA.attributes!).sort()).toEqual(['id', 'input', 'output', 'triggers_replace']);
    const data = seedJson();
    first(data, 'terraform_data')[1].trigger = 'x';
    expect(classes(data)).toEqual(['unknown-argument']);
  });
});

describe('the schema fixture', () => {
  const fixture = schemaFixture();
  const azurerm = fixture.provider_schemas[AZURERM];

  it('says where it came from', () => {
    expect(fixture.provenance).toEqual({
      source: 'shared/terraform-schemas/azurerm-4.55.0-null-3.2.4.schema.json.gz',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      generated: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      command: 'npm run schema:fixture (scripts/schema-fixture.ts)',
      provider: AZURERM,
      version: '4.55.0',
    });
  });

  it('holds every resource and data source type the repository imports, and the provider binding pins its version', () => {
    const { resources, dataSources } = typesImported();
    expect(Object.keys(azurerm.resource_schemas).sort()).toEqual(resources);
    expect(Object.keys(azurerm.data_source_schemas).sort()).toEqual(dataSources);
    expect(resources).toEqual(expect.arrayContaining(['azurerm_linux_virtual_machine', 'azurerm_key_vault_secret', 'azurerm_lb_rule']));
    expect(seedJson().terraform.required_providers.azurerm.version).toBe(fixture.provenance.version);
  });

  it('control: a stack pinning another azurerm release fails the check, asking for a new fixture', () => {
    const tf = seedJson();
    tf.terraform.required_providers.azurerm.version = '4.73.0';
    expect(schemaProblems(tf).map((p) => p.message)).toEqual([expect.stringMatching(/pins azurerm 4\.73\.0, the schema fixture is 4\.55\.0: regenerate it \(npm run schema:fixture\)/)]);
  });
});

const shared = sharedSchemaFile();
describeWhen('the schema fixture against the shared schema', {
  what: 'the shared schema (shared/terraform-schemas/*.schema.json.gz)',
  missing: shared ? undefined : 'there is no ../shared/terraform-schemas beside the repository and WEAVE_SHARED_DIR is not set',
  install: 'lay the shared folder beside the repository (CI does), or set WEAVE_SHARED_DIR; the fixture itself needs neither',
}, () => {
  it('is what `npm run schema:fixture` makes from it today (its sha256 included)', () => {
    const committed = readFileSync(FIXTURE_FILE, 'utf8');
    const fixture = schemaFixture();
    expect(createHash('sha256').update(readFileSync(shared!)).digest('hex')).toBe(fixture.provenance.sha256);
    expect(fixtureText(fixtureFromShared(shared!, fixture.provenance.generated))).toBe(committed);
  });
});

describe('Key Vault variables the check knows', () => {
  it('an ephemeral variable in a plain stack is traced the same way', () => {
    const stack = new TerraformStack(Testing.app(), 'eph');
    new TerraformVariable(stack, 'pw', { type: 'string' }).addOverride('ephemeral', true);
    const tf = JSON.parse(withoutSchemaCheck(() => Testing.synth(stack))) as Json;
    tf.output = { o: { value: '${var.pw}' } };
    expect(schemaProblems(tf).map((p) => p.class)).toEqual(['ephemeral']);
  });
});
