// Upgrading a deployment made when dedicated servers were provisioned by the
// null provider's `null_resource`: the stack now synthesizes a built-in
// `terraform_data` under the same logical id plus a `moved` block, and
// Terraform (1.9+) must carry the old state over without replacing it, so the
// server's install script does not run again. Real Terraform and the real
// null provider (3.2.4, what @cdktf/provider-null 11 pinned) make the old
// state; then the plan of today's configuration is read. The provisioners are
// left out of the old resource (they would SSH out on apply); the new one
// keeps them, since planning never runs a provisioner.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Testing } from 'cdktf';
import { SeedStack } from '../stacks/seed';
import { dedicatedProvisioners } from './support/synth';
import { describeWhen } from './support/skip';
import { TerraformWorkspace } from './support/terraform';

type Json = Record<string, any>;
const TIMEOUT_MS = 120_000;

const tf = JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed'))) as Json;
const [[id, provision]] = Object.entries(dedicatedProvisioners(tf));
const terraform = new TerraformWorkspace({ null: { source: 'null', version: '3.2.4' } });
afterAll(() => terraform.dispose());

/** Every root variable gets a value, as a user's TF_VAR_ settings would give them. */
const vars = Object.keys(tf.variable).flatMap((name) => ['-var', `${name}=${name === 'weave_password' ? 'Upgrade-Pa55word!' : `value-of-${name}`}`]);
const inputs = { variable: tf.variable, locals: tf.locals };

function run(dir: string, args: string[]): string {
  const res = terraform.exec(dir, args);
  if (res.status !== 0) throw new Error(`terraform ${args[0]} failed:\n${res.stdout}\n${res.stderr}`.replace(/[A-Za-z0-9+/=]{120,}/g, '<base64>'));
  return res.stdout;
}

interface Change {
  readonly actions: string[];
  readonly previous?: string;
  /** Whether the planned values equal the old ones (sensitivity marks aside). */
  readonly sameValues: boolean;
}

/**
 * Applies the earlier release's resource, then plans `config` (and applies it
 * when `apply`); returns the plan's resource changes by address, and the folder.
 */
function upgrade(name: string, config: Json, apply = false): { changes: Record<string, Change>; dir: string } {
  const dir = terraform.folder(name);
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ ...inputs, resource: { null_resource: { [id]: { triggers: provision.triggers_replace } } } }));
  run(dir, ['apply', '-auto-approve', '-input=false', '-no-color', ...vars]);
  writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ ...inputs, ...config }));
  run(dir, ['plan', '-input=false', '-no-color', '-out=upgrade.tfplan', ...vars]);
  const plan = JSON.parse(run(dir, ['show', '-json', 'upgrade.tfplan'])) as Json;
  if (apply) run(dir, ['apply', '-input=false', '-no-color', 'upgrade.tfplan']);
  const changes = Object.fromEntries((plan.resource_changes as Json[]).map((c): [string, Change] => [c.address, {
    actions: c.change.actions,
    previous: c.previous_address,
    sameValues: isDeepStrictEqual(c.change.before, c.change.after),
  }]));
  return { changes, dir };
}

const current = { resource: { terraform_data: { [id]: provision } } };
/** The real provisioners would SSH out; on apply a marker file stands in for them. */
const MARKER = { provisioner: [{ 'local-exec': { command: 'touch provisioner-ran' } }] };

describeWhen('upgrading a dedicated server provisioned by null_resource', terraform.check, () => {
  it('synthesizes a move from the null_resource of the same logical id', () => {
    expect(tf.moved).toEqual([{ from: `null_resource.${id}`, to: `terraform_data.${id}` }]);
    expect(provision.triggers_replace).toEqual({ host: '${var.dedicated_address}', config: expect.stringMatching(/^\$\{sha256\(/) });
  });

  it('with the moved block Terraform keeps the object and its values: no replacement, so the script does not run again', () => {
    const { changes } = upgrade('with-moved', { ...current, moved: tf.moved });
    // "update" only because the moved state lost the sensitive mark on the
    // config hash (derived from the password); Terraform marks it again.
    expect(changes).toEqual({ [`terraform_data.${id}`]: { actions: ['update'], previous: `null_resource.${id}`, sameValues: true } });
  }, TIMEOUT_MS);

  it('that in-place update runs no provisioner (they run on create only)', () => {
    const { changes, dir } = upgrade('applied', { resource: { terraform_data: { [id]: { ...provision, ...MARKER } } }, moved: tf.moved }, true);
    expect(changes[`terraform_data.${id}`].actions).toEqual(['update']);
    expect(existsSync(join(dir, 'provisioner-ran'))).toBe(false);
    const state = JSON.parse(run(dir, ['show', '-json'])) as Json;
    expect(state.values.root_module.resources.map((r: Json) => r.address)).toEqual([`terraform_data.${id}`]);
  }, TIMEOUT_MS);

  it('negative control: without it, the null_resource is destroyed and a new resource created (the provisioners would run)', () => {
    const { changes, dir } = upgrade('without-moved', { resource: { terraform_data: { [id]: { ...provision, ...MARKER } } } }, true);
    expect(Object.fromEntries(Object.entries(changes).map(([a, c]) => [a, c.actions]))).toEqual({
      [`null_resource.${id}`]: ['delete'],
      [`terraform_data.${id}`]: ['create'],
    });
    expect(existsSync(join(dir, 'provisioner-ran'))).toBe(true);
  }, TIMEOUT_MS);
});
