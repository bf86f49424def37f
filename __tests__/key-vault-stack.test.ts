// Key Vault mode in synthesized Terraform: the ephemeral password reaches
// only write-only arguments and provisioners (a walk over every expression),
// identities exist per cluster before their VMs, grants go through the
// vault's provider, rotation replaces no VM, and the checks report bad
// input at synth (the Terraform version gate: terraform-version.test.ts).
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { parse } from 'yaml';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { WeaveCluster, WeaveConfigError, WeaveHost, WeaveNetwork, WeaveNetworkProps } from '../lib';
import { KEY_VAULT_UNIT } from '../lib/core/boot/key-vault';
import { SeedStack, SeedStackProps } from '../stacks/seed';
import { SEED_RECORD } from './fixtures/seed-record';
import { ephemeralAllowedAt, expressions, interpolations, usesOf } from './support/ephemeral-graph';
import { addClusterToSeed } from './support/example-networks';
import { byName, decodeBootDocument, dedicatedProvisioners, dependencies, TfJson, valueResources, vmToVmDependencies } from './support/synth';

type Json = Record<string, any>;
const VM = 'azurerm_linux_virtual_machine';

/** The deployed Key Vault seed (its first allocation record in memory), with `props`. */
function synthSeed(props: SeedStackProps = {}): Json {
  return JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed-keyvault', { keyVault: {}, ...props, network: { allocationRecord: SEED_RECORD, ...props.network } })));
}

const resources = (tf: Json, type: string): Json[] => Object.values(tf.resource[type] ?? {});
const only = (tf: Json, type: string): Json => {
  const all = resources(tf, type);
  expect(all).toHaveLength(1);
  return all[0];
};
/** The dedicated server's provisioner (a terraform_data with an SSH connection). */
const onlyProvisioner = (tf: Json): Json => {
  const all = Object.values(dedicatedProvisioners(tf));
  expect(all).toHaveLength(1);
  return all[0];
};

describe('the seed in Key Vault mode', () => {
  const tf = synthSeed();
  const vms = byName(tf as TfJson, VM);

  it('declares the password variable ephemeral (and still sensitive and validated), and needs Terraform 1.11', () => {
    const v = tf.variable.weave_password;
    expect(v).toMatchObject({ ephemeral: true, sensitive: true, type: 'string', nullable: false });
    expect(v.validation[0].condition).toContain('length(var.weave_password) >= 12');
    expect(tf.terraform.required_version).toBe('>= 1.11.0');
    expect(tf.locals).toBeUndefined();
  });

  it('writes the password to the secret only through value_wo, versioned by the rotation number', () => {
    const secret = only(tf, 'azurerm_key_vault_secret');
    expect(secret.value_wo).toBe('${var.weave_password}');
    expect(secret.value_wo_version).toBe(1);
    expect(secret).not.toHaveProperty('value');
    expect(secret.name).toBe('weave-password');
    expect(secret.provider).toBe('azurerm.sub1');
    expect(secret.key_vault_id).toMatch(/^\$\{azurerm_key_vault\.weave_key_vault\.id\}$/);
  });

  it('creates the vault with RBAC authorization (the 4.x attribute), purge protection and 90 days of soft delete', () => {
    const vault = only(tf, 'azurerm_key_vault');
    expect(vault).toMatchObject({ rbac_authorization_enabled: true, purge_protection_enabled: true, soft_delete_retention_days: 90, sku_name: 'standard', provider: 'azurerm.sub1' });
    expect(vault).not.toHaveProperty('enable_rbac_authorization');
    expect(vault.tenant_id).toMatch(/^\$\{data\.azurerm_client_config\.[^.]+\.tenant_id\}$/);
    // The deployer may write the secret, and the secret waits for that grant to propagate.
    const officer = resources(tf, 'azurerm_role_assignment').filter((r) => r.role_definition_name === 'Key Vault Secrets Officer');
    expect(officer).toHaveLength(1);
    expect(officer[0].principal_id).toMatch(/azurerm_client_config\.[^.]+\.object_id/);
    expect(officer[0].lifecycle).toEqual({ ignore_changes: ['principal_id'] });
    const waits = Object.values(valueResources(tf));
    expect(waits).toHaveLength(1);
    const wait = waits[0];
    expect(wait.provisioner).toEqual([{ 'local-exec': { command: 'sleep 120' } }]);
    expect(only(tf, 'azurerm_key_vault_secret').depends_on).toEqual([expect.stringMatching(/^terraform_data\./)]);
  });

  it('gives each Azure cluster its own identity in its own subscription, granted Key Vault Secrets User through the vault\'s provider', () => {
    const identities = tf.resource.azurerm_user_assigned_identity as Json;
    expect(Object.keys(identities).sort()).toEqual(['weave_cluster-01_identity', 'weave_cluster-02_identity']);
    expect(identities['weave_cluster-01_identity'].provider).toBe('azurerm.sub1');
    expect(identities['weave_cluster-02_identity'].provider).toBe('azurerm.sub2');
    const readers = resources(tf, 'azurerm_role_assignment').filter((r) => r.role_definition_name === 'Key Vault Secrets User');
    expect(readers).toHaveLength(2);
    for (const [cluster, r] of [['cluster-01', readers[0]], ['cluster-02', readers[1]]] as const) {
      // Cross-subscription: the grant lives with the vault, not with the cluster.
      expect(r.provider).toBe('azurerm.sub1');
      expect(r.principal_id).toBe(`\${azurerm_user_assigned_identity.weave_${cluster}_identity.principal_id}`);
      expect(r.principal_type).toBe('ServicePrincipal');
      expect(r.scope).toBe('${azurerm_key_vault.weave_key_vault.id}');
    }
  });

  it.each(['azure-prd-01', 'azure-prd-02', 'azure-prd-03', 'azure-prd-04'])('%s: uses its cluster\'s identity, fetches from the vault, carries no password', (name) => {
    const vm = vms[name];
    const cluster = name <= 'azure-prd-02' ? 'cluster-01' : 'cluster-02';
    expect(vm.identity).toEqual({ type: 'UserAssigned', identity_ids: [`\${azurerm_user_assigned_identity.weave_${cluster}_identity.id}`] });
    const custom = vm.custom_data as string;
    expect(custom).toContain('"__WEAVE_KEYVAULT_URL__", azurerm_key_vault.weave_key_vault.vault_uri)');
    expect(custom).toContain(`"__WEAVE_IDENTITY_CLIENT_ID__", azurerm_user_assigned_identity.weave_${cluster}_identity.client_id)`);
    expect(custom).not.toMatch(/var\.weave_password|__WEAVE_SECRET_|local\./);
    const cfg = parse(decodeBootDocument(custom));
    expect(cfg.write_files.map((f: { path: string }) => f.path)).not.toContain('/etc/weave.env');
    expect(cfg.coreos.units.map((u: { name: string }) => u.name)).toContain(KEY_VAULT_UNIT);
    expect(Buffer.from(vm.user_data as string, 'base64').toString()).not.toMatch(/PASSWORD/);
  });

  it('lets Terraform create every VM in parallel: no VM reaches another VM, nor any role assignment', () => {
    // Every reference followed: expressions, depends_on, replace_triggered_by, through locals and terraform_data.
    for (const start of Object.keys(tf.resource[VM]).map((n) => `${VM}.${n}`)) {
      const seen = [...dependencies(tf, start)];
      expect([start, seen.filter((r) => r.startsWith(`${VM}.`) || r.startsWith('azurerm_role_assignment.'))]).toEqual([start, []]);
      expect(seen.some((r) => r.startsWith('azurerm_user_assigned_identity.'))).toBe(true);
    }
    expect(vmToVmDependencies(tf)).toEqual([]);
    // ... and no grant waits for a VM.
    for (const start of Object.keys(tf.resource.azurerm_role_assignment).map((n) => `azurerm_role_assignment.${n}`)) {
      expect([start, [...dependencies(tf, start)].filter((r) => r.startsWith(`${VM}.`))]).toEqual([start, []]);
    }
    // Negative control: a VM made to wait for its grant is seen.
    const waiting = JSON.parse(JSON.stringify(tf));
    const [vmName, vm] = Object.entries(waiting.resource[VM] as Json)[0];
    vm.depends_on = [`azurerm_role_assignment.${Object.keys(waiting.resource.azurerm_role_assignment)[0]}`];
    expect([...dependencies(waiting, `${VM}.${vmName}`)].some((r) => r.startsWith('azurerm_role_assignment.'))).toBe(true);
  });

  it('the dedicated server: a script without the password, the env file as its own upload, triggers = script hash + rotation', () => {
    const ded = onlyProvisioner(tf);
    expect(Object.keys(ded.triggers_replace).sort()).toEqual(['config', 'host', 'rotation']);
    expect(ded.triggers_replace.rotation).toBe('1');
    expect(ded.triggers_replace.config).toMatch(/^\$\{sha256\(base64decode\("[A-Za-z0-9+/=]+"\)\)\}$/);
    const files = ded.provisioner.filter((p: Json) => 'file' in p).map((p: Json) => p.file);
    expect(files.map((f: Json) => f.destination)).toEqual(['/var/tmp/weave-deploy/apply.sh', '/var/tmp/weave-deploy/weave.env']);
    const script = decodeBootDocument(files[0].content);
    expect(script).not.toMatch(/WEAVE_PASSWORD|put \/etc\/weave\.env /);
    expect(files[0].content).not.toContain('var.weave_password');
    expect(files[1].content).toBe('${join("", ["WEAVE_VERSION=2.9.0\\nDOCKERHUB_USER=rajchaudhuri\\nCHECKPOINT_DISABLE=1\\nWEAVE_PASSWORD=", var.weave_password, "\\n"])}');
    const last = ded.provisioner[ded.provisioner.length - 1]['remote-exec'].inline[0] as string;
    // Installed 0600 by rename, before the script restarts Weave; the staging directory goes.
    expect(last).toContain('chmod 0600 /etc/weave.env.new && mv -f /etc/weave.env.new /etc/weave.env && bash /var/tmp/weave-deploy/apply.sh');
    expect(last).toMatch(/rm -rf \/var\/tmp\/weave-deploy; exit \$rc$/);
  });
});

describe('where the ephemeral password flows (every ${...} expression, locals followed)', () => {
  const tf = synthSeed();

  it('finds the expressions the walk needs to see, nested templates included', () => {
    expect(interpolations('a ${x} b $${not} c ${f("${y}", {k = 1})}')).toEqual(['x', 'f("${y}", {k = 1})']);
    const all = expressions(tf);
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((e) => e.path.endsWith('.custom_data'))).toBe(true);
  });

  it('reaches only the write-only value_wo, the provisioner upload and the variable\'s own validation', () => {
    const uses = usesOf(tf, 'weave_password');
    expect(uses.map((u) => u.path.replace(/\.[^.]*_[0-9A-F]{8}\./, '.<id>.')).sort()).toEqual([
      'resource.azurerm_key_vault_secret.weave_password.value_wo',
      'resource.terraform_data.<id>.provisioner[2].file.content',
      'variable.weave_password.validation[0].condition',
    ]);
    expect(uses.filter((u) => !ephemeralAllowedAt(u.path, 'weave_password'))).toEqual([]);
  });

  it('negative controls: a local feeding user_data, an output and a trigger are all caught', () => {
    const leaky = JSON.parse(JSON.stringify(tf));
    leaky.locals = { hop: '${upper(var.weave_password)}', env: '${base64encode(local.hop)}' };
    const vm = Object.values(leaky.resource[VM])[0] as Json;
    vm.user_data = '${local.env}';
    leaky.output.leak = { value: '${nonsensitive(var.weave_password)}' };
    (Object.values(dedicatedProvisioners(leaky))[0] as Json).triggers_replace.pw = '${sha256(var.weave_password)}';
    const bad = usesOf(leaky, 'weave_password').filter((u) => !ephemeralAllowedAt(u.path, 'weave_password')).map((u) => u.path);
    expect(bad).toHaveLength(3);
    expect(bad.some((p) => p.endsWith('.user_data'))).toBe(true);
    expect(bad).toContain('output.leak.value');
    expect(bad.some((p) => p.endsWith('.triggers_replace.pw'))).toBe(true);
  });

  it('in the default mode the same walk finds the password in custom_data (so it can fail)', () => {
    const plain = JSON.parse(Testing.synth(new SeedStack(Testing.app(), 'weave-seed')));
    const bad = usesOf(plain, 'weave_password').filter((u) => !ephemeralAllowedAt(u.path, 'weave_password'));
    expect(bad.filter((u) => u.path.endsWith('.custom_data'))).toHaveLength(4);
  });
});

describe('growth in Key Vault mode', () => {
  it('adding a cluster changes no existing Ignition VM and no existing boot generation (each cluster\'s identity triggers only its own VMs)', () => {
    const before = synthSeed({ keyVault: { rotation: 1 }, network: { bootFormat: 'ignition' } });
    const grown = new SeedStack(Testing.app(), 'weave-seed-keyvault', { keyVault: { rotation: 1 }, network: { bootFormat: 'ignition', allocationRecord: SEED_RECORD } });
    addClusterToSeed(grown);
    const after = JSON.parse(Testing.synth(grown)) as Json;
    const [vb, va] = [byName(before as TfJson, VM), byName(after as TfJson, VM)];
    for (const name of Object.keys(vb)) expect([name, JSON.stringify(va[name])]).toEqual([name, JSON.stringify(vb[name])]);
    const gens = (t: Json) => t.resource.terraform_data as Record<string, Json>;
    for (const [id, g] of Object.entries(gens(before))) expect([id, JSON.stringify(gens(after)[id])]).toEqual([id, JSON.stringify(g)]);
    expect(gens(after)['weave_cluster-04_boot_generation'].triggers_replace.identity).toContain('weave_cluster-04_identity.client_id');
  });
});

describe('rotation', () => {
  it.each(['cloud-config', 'ignition'] as const)('%s: raising the rotation number changes the secret and the dedicated trigger, and no VM at all', (bootFormat) => {
    const a = synthSeed({ keyVault: { rotation: 1 }, network: { bootFormat } });
    const b = synthSeed({ keyVault: { rotation: 2 }, network: { bootFormat } });
    expect(only(a, 'azurerm_key_vault_secret').value_wo_version).toBe(1);
    expect(only(b, 'azurerm_key_vault_secret').value_wo_version).toBe(2);
    const [va, vb] = [byName(a as TfJson, VM), byName(b as TfJson, VM)];
    expect(Object.keys(va)).toHaveLength(4);
    for (const name of Object.keys(va)) {
      expect([name, JSON.stringify(vb[name])]).toEqual([name, JSON.stringify(va[name])]);
    }
    const [da, db] = [onlyProvisioner(a), onlyProvisioner(b)];
    expect([da.triggers_replace.rotation, db.triggers_replace.rotation]).toEqual(['1', '2']);
    expect(db.triggers_replace.config).toBe(da.triggers_replace.config);
    if (bootFormat === 'ignition') {
      const gen = (t: Json) => (t.resource.terraform_data as Json).weave_boot_generation.triggers_replace.settings;
      expect(gen(b)).toBe(gen(a));
      // Where the VMs fetch from is in the generation; the password is not.
      expect(gen(a)).toContain('azurerm_key_vault.weave_key_vault.vault_uri');
      expect(gen(a)).not.toMatch(/weave_password|local\./);
      // Besides the network's boot generation, each Ignition VM is replaced
      // when its cluster's identity changes, and when its own user content
      // changes (a trigger per host).
      for (const vm of Object.values(va) as Json[]) {
        const cluster = ['azure-prd-01', 'azure-prd-02'].includes(vm.name) ? 'cluster-01' : 'cluster-02';
        expect(vm.lifecycle.replace_triggered_by).toEqual([
          'terraform_data.weave_boot_generation', `terraform_data.weave_${cluster}_boot_generation`, `terraform_data.weave_${vm.name}_user_content`,
        ]);
      }
    }
  });
});

/** A network in a plain stack, for the option variants. */
function declare(network: Partial<WeaveNetworkProps>, variable?: (stack: TerraformStack) => Partial<WeaveNetworkProps>) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'stack');
  const provider = new AzurermProvider(stack, 'azurerm', { features: [{}], subscriptionId: '00000000-0000-0000-0000-000000000000' });
  const net = new WeaveNetwork(stack, 'net', {
    sshPublicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAqhdR+Lro+o9SsvhjTty5CkgsNPHf2PZW2grJw0w4nd test',
    keyVault: { provider, create: { name: 'net-kv', location: 'westeurope' } },
    ...network,
    ...(variable ? variable(stack) : {}),
  });
  const c = new WeaveCluster(net, 'c1', { provider, location: 'westeurope', dnsLabel: 'mesh-c1' });
  new WeaveHost(c, 'h1');
  return { stack, provider, net };
}

describe('Key Vault options', () => {
  const VAULT_ID = '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/secrets-rg/providers/Microsoft.KeyVault/vaults/Team-Vault';

  it('an existing vault by id: no vault or deployer grant created, the URI derived from the name', () => {
    const { stack } = declare({}, (s) => ({ keyVault: { provider: s.node.findChild('azurerm') as AzurermProvider, vaultId: VAULT_ID } }));
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.resource.azurerm_key_vault).toBeUndefined();
    expect(tf.resource.terraform_data).toBeUndefined();
    expect(only(tf, 'azurerm_key_vault_secret').key_vault_id).toBe(VAULT_ID);
    expect(only(tf, 'azurerm_role_assignment').scope).toBe(VAULT_ID);
    expect(only(tf, VM).custom_data).toContain('"__WEAVE_KEYVAULT_URL__", "https://team-vault.vault.azure.net/")');
  });

  it('an existing vault given as a variable: the URI is computed by Terraform from the id', () => {
    const { stack } = declare({}, (s) => ({
      keyVault: {
        provider: s.node.findChild('azurerm') as AzurermProvider,
        vaultId: new TerraformVariable(s, 'vault_id', { type: 'string' }).stringValue,
      },
    }));
    const tf = JSON.parse(Testing.synth(stack));
    expect(only(tf, VM).custom_data).toContain('"__WEAVE_KEYVAULT_URL__", "https://${lower(element(split("/", var.vault_id), 8))}.vault.azure.net/")');
  });

  it('an explicit vault URI (another cloud) is used as given', () => {
    const { stack } = declare({}, (s) => ({ keyVault: { provider: s.node.findChild('azurerm') as AzurermProvider, vaultId: VAULT_ID, vaultUri: 'https://team-vault.vault.azure.cn/' } }));
    expect(only(JSON.parse(Testing.synth(stack)), VM).custom_data).toContain('"https://team-vault.vault.azure.cn/")');
  });

  it('grantScope "secret" grants on the secret alone, after the secret exists', () => {
    const { stack } = declare({}, (s) => ({ keyVault: { provider: s.node.findChild('azurerm') as AzurermProvider, vaultId: VAULT_ID, grantScope: 'secret', secretName: 'mesh-pw' } }));
    const grant = only(JSON.parse(Testing.synth(stack)), 'azurerm_role_assignment');
    expect(grant.scope).toBe(`${VAULT_ID}/secrets/mesh-pw`);
    expect(grant.depends_on).toEqual(['azurerm_key_vault_secret.net_password']);
  });

  it('named secrets officers replace the deployer grant; roleWaitSeconds 0 drops the wait', () => {
    const { stack } = declare({}, (s) => ({
      keyVault: { provider: s.node.findChild('azurerm') as AzurermProvider, create: { name: 'net-kv', location: 'westeurope', secretsOfficerIds: ['aaaaaaaa-0000-0000-0000-000000000001'], roleWaitSeconds: 0, purgeProtectionEnabled: false } },
    }));
    const tf = JSON.parse(Testing.synth(stack));
    const officer = resources(tf, 'azurerm_role_assignment').filter((r) => r.role_definition_name === 'Key Vault Secrets Officer');
    expect(officer.map((o) => [o.principal_id, o.lifecycle])).toEqual([['aaaaaaaa-0000-0000-0000-000000000001', undefined]]);
    expect(tf.resource.terraform_data).toBeUndefined();
    expect(only(tf, 'azurerm_key_vault').purge_protection_enabled).toBe(false);
  });
});

function problems(network: Partial<WeaveNetworkProps>, variable?: (stack: TerraformStack) => Partial<WeaveNetworkProps>) {
  const { stack } = declare(network, variable);
  try {
    Testing.synth(stack);
  } catch (e) {
    if (e instanceof WeaveConfigError) return e;
    throw e;
  }
  throw new Error('synth succeeded');
}

describe('Key Vault checks at synth', () => {
  const withKv = (kv: Json) => (s: TerraformStack) => ({ keyVault: { provider: s.node.findChild('azurerm') as AzurermProvider, ...kv } as never });

  it.each([
    ['neither vaultId nor create', withKv({}), 'key-vault-source', '"(neither vaultId nor create)"', /either vaultId .* or create/],
    ['both vaultId and create', withKv({ vaultId: '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/g/providers/Microsoft.KeyVault/vaults/v1', create: { name: 'kv-a', location: 'westeurope' } }), 'key-vault-source', '"vaultId and create"', /either vaultId/],
    ['a vault id that is not one', withKv({ vaultId: 'my-vault' }), 'key-vault-id-invalid', '"my-vault"', /Microsoft\.KeyVault\/vaults\/<name>/],
    ['a vault name with an underscore', withKv({ create: { name: 'weave_kv', location: 'westeurope' } }), 'key-vault-name-invalid', '"weave_kv"', /"weave-kv"/],
    ['a vault name with two hyphens in a row', withKv({ create: { name: 'weave--kv', location: 'westeurope' } }), 'key-vault-name-invalid', '"weave--kv"', /"weave-kv"/],
    ['a secret name with a dot', withKv({ create: { name: 'net-kv', location: 'westeurope' }, secretName: 'weave.password' }), 'key-vault-secret-name-invalid', '"weave.password"', /"weave-password"/],
    ['rotation 0', withKv({ create: { name: 'net-kv', location: 'westeurope' }, rotation: 0 }), 'key-vault-rotation-invalid', '0', /start at 1/],
    ['rotation 1.5', withKv({ create: { name: 'net-kv', location: 'westeurope' }, rotation: 1.5 }), 'key-vault-rotation-invalid', '1.5', /add 1 at every rotation/],
    ['3 days of soft delete', withKv({ create: { name: 'net-kv', location: 'westeurope', softDeleteRetentionDays: 3 } }), 'key-vault-retention-invalid', '3', /at least 7/],
    ['no provider', withKv({ provider: undefined, create: { name: 'net-kv', location: 'westeurope' } }), 'key-vault-no-provider', '(not set)', /AzurermProvider of the vault's subscription/],
  ])('%s', (_, variable, code, value, fix) => {
    const e = problems({}, variable as never);
    const p = e.problems.find((x) => x.code === code)!;
    expect(p).toBeDefined();
    expect(p.path).toBe('stack/net');
    expect(p.fix).toMatch(fix);
    const line = e.message.split('\n').find((l) => l.includes(`[${code}] stack/net:`))!;
    expect(line).toContain(value);
  });

  it('a literal password is refused in Key Vault mode (it would be written into cdk.tf.json)', () => {
    const e = problems({ password: 'hunter2hunter2' });
    expect(e.problems.map((p) => p.code)).toEqual(['key-vault-password-literal']);
    expect(e.message).not.toContain('hunter2hunter2');
  });
});
