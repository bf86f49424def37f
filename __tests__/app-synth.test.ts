// The app as `cdktf synth` runs it (the command in cdktf.json, in a child
// process, with the user's environment): both seed stacks, the password
// supplied the way a user supplies it, and main.ts's own settings.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { USER_DATA_HEADER } from '../lib/core/boot/weave';
import { planNetwork } from '../lib/core/plan/plan';
import { seedSpec } from './fixtures/seed-spec';
import { byName, decodeBootDocument, dedicatedProvisioners, dependencies, readStack, synthApp, vmToVmDependencies } from './support/synth';

const VM = 'azurerm_linux_virtual_machine';

describe('seed stack synthesized by the app (what `cdktf synth` runs)', () => {
  const PASSWORD = 'Known-Pa55word-4-test!';
  // The way a user supplies it: TF_VAR_weave_password in the environment.
  const outdir = synthApp({ TF_VAR_weave_password: PASSWORD });
  const tf = readStack(outdir, 'weave-seed');
  const vms = byName(tf, VM);
  const plan = planNetwork(seedSpec());

  it('has four Flatcar VMs and one provisioner for the dedicated server, which needs no null provider', () => {
    expect(Object.keys(vms)).toHaveLength(4);
    expect(Object.keys(dedicatedProvisioners(tf))).toHaveLength(1);
    expect(tf.resource.null_resource).toBeUndefined();
    expect(Object.keys(tf.terraform?.required_providers as object)).toEqual(['azurerm']);
    for (const vm of Object.values(vms)) {
      expect(vm.source_image_reference).toEqual({
        publisher: 'kinvolk', offer: 'flatcar-container-linux-corevm-amd64', sku: 'stable-gen2', version: 'latest',
      });
      expect(vm.plan).toBeUndefined();
      expect(vm.admin_username).toBe('core');
      expect(vm.admin_ssh_key).toEqual([{ username: 'core', public_key: '${var.ssh_public_key}' }]);
      expect(vm.disable_password_authentication).toBe(true);
    }
  });

  it.each(plan.hosts.filter((h) => h.kind === 'azure').map((h) => [h.name, h]))(
    '%s: decoded boot data carries exactly its own plan',
    (name, host) => {
      const vm = vms[name];
      expect(vm.name).toBe(name);
      expect(vm.computer_name).toBe(name);
      const userData = Buffer.from(vm.user_data as string, 'base64').toString();
      expect(userData).toBe(
        `${USER_DATA_HEADER}\nWEAVE_PEERS=${host.peers.join(' ')}\nWEAVE_IPALLOC_INIT=${host.ipallocInit}\nWEAVE_BRIDGE_ADDRESS=${host.bridgeAddress}\n`,
      );
      const cloudConfig = decodeBootDocument(vm.custom_data as string);
      expect(cloudConfig.startsWith('#cloud-config\n')).toBe(true);
      const cfg = parse(cloudConfig);
      const units = Object.fromEntries(cfg.coreos.units.map((u: { name: string; content?: string }) => [u.name, u.content ?? '']));
      expect(units['weave.service']).toContain(`EnvironmentFile=/etc/weave.${name}.env`);
      expect(units['weave-host-env.service']).toContain(`/etc/weave.${name}.env`);
      // No other host's name anywhere in this host's boot data.
      for (const other of plan.hosts.filter((h) => h.name !== name)) {
        expect(cloudConfig).not.toContain(other.name);
        expect(userData.includes(`/etc/weave.${other.name}.env`)).toBe(false);
      }
    },
  );

  it('gives the dedicated server its own script, re-run when the config hash changes', () => {
    const ded = Object.values(dedicatedProvisioners(tf))[0];
    expect(ded.connection).toMatchObject({ type: 'ssh', host: '${var.dedicated_address}', user: 'core' });
    expect(ded.triggers_replace.config).toMatch(/^\$\{sha256\(/);
    const file = ded.provisioner.find((p: Record<string, unknown>) => 'file' in p).file;
    const script = decodeBootDocument(file.content);
    expect(script).toContain("put /etc/weave.ded-prd-01.env 0600 <<'WEAVE_B64'");
    const envB64 = script.split("put /etc/weave.ded-prd-01.env 0600 <<'WEAVE_B64'\n")[1].split('\n')[0];
    expect(Buffer.from(envB64, 'base64').toString()).toBe(
      'WEAVE_PEERS=cluster-01.westeurope.cloudapp.azure.com\nWEAVE_IPALLOC_INIT=consensus=5\nWEAVE_BRIDGE_ADDRESS=10.1.0.5/16\n',
    );
    // Staged in a private directory, removed afterwards.
    expect(JSON.stringify(ded.provisioner)).toContain('mkdir -m 0700 /var/tmp/weave-deploy');
  });

  it('moves the null_resource earlier releases made for the dedicated server onto its terraform_data (same logical id), so the script does not run again', () => {
    const ids = Object.keys(dedicatedProvisioners(tf));
    // The id releases with null_resource gave it (the construct path's hash, not the type's).
    expect(ids).toEqual(['weave_cluster-03_ded-prd-01_provision_05197ABA']);
    expect((tf as Record<string, unknown>).moved).toEqual([{ from: `null_resource.${ids[0]}`, to: `terraform_data.${ids[0]}` }]);
  });

  it('declares two azurerm providers with distinct aliases and binds each cluster to its own', () => {
    const providers = tf.provider.azurerm;
    expect(providers.map((p) => p.alias).sort()).toEqual(['sub1', 'sub2']);
    expect(providers.map((p) => p.subscription_id).sort()).toEqual(['${var.subscription_id_1}', '${var.subscription_id_2}']);
    for (const p of providers) expect(p.features).toEqual([{}]);
    let checked = 0;
    for (const [type, resources] of Object.entries(tf.resource)) {
      if (!type.startsWith('azurerm_')) continue;
      for (const r of Object.values(resources)) {
        const path = (r['//'] as { metadata: { path: string } }).metadata.path;
        const expected = path.includes('/cluster-01/') ? 'azurerm.sub1' : path.includes('/cluster-02/') ? 'azurerm.sub2' : 'none';
        expect([path, r.provider]).toEqual([path, expected]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('lets Terraform create every VM in parallel: no VM depends on another VM, through locals and terraform_data too', () => {
    expect(vmToVmDependencies(tf)).toEqual([]);
    for (const vm of Object.keys(tf.resource[VM])) expect(dependencies(tf, `${VM}.${vm}`).size).toBeGreaterThan(3);
  });

  it('never writes the password: not in cdk.tf.json, not anywhere in the output', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(outdir);
    expect(files.some((f) => f.endsWith('cdk.tf.json'))).toBe(true);
    for (const f of files) expect([f, readFileSync(f, 'utf8').includes(PASSWORD)]).toEqual([f, false]);
    expect(tf.variable!.weave_password.sensitive).toBe(true);
    // user_data is readable by any process on the VM: no password reference there either.
    for (const vm of Object.values(vms)) expect(Buffer.from(vm.user_data as string, 'base64').toString()).not.toMatch(/PASSWORD/);
    // The password enters only through one local, built from the sensitive variable.
    const locals = (tf as unknown as { locals: Record<string, string> }).locals;
    expect(locals.weave_shared_env_b64).toMatch(/^\$\{base64encode\(join\("", \[".*WEAVE_PASSWORD=", var\.weave_password, "\\n"\]\)\)\}$/);
    for (const vm of Object.values(vms)) expect(vm.custom_data).toMatch(/"__WEAVE_SECRET_0__", local\.weave_shared_env_b64\)\)\}$/);
  });

  it('outputs each host\'s bridge address and each cluster\'s DNS name', () => {
    const out = tf.output!;
    expect(out['weave_azure-prd-01_bridge_address'].value).toBe('10.1.0.1/16');
    expect(out['weave_ded-prd-01_bridge_address'].value).toBe('10.1.0.5/16');
    expect(out['weave_cluster-01_dns_name'].value).toMatch(/^\$\{azurerm_public_ip\..*\.fqdn\}$/);
    expect(out['weave_cluster-02_dns_name'].value).toMatch(/\.fqdn\}$/);
  });
});

describe('main.ts settings', () => {
  it('takes the DNS label prefix from WEAVE_DNS_LABEL_PREFIX', () => {
    const tf = readStack(synthApp({ WEAVE_DNS_LABEL_PREFIX: 'zz-' }), 'weave-seed');
    expect(Object.values(tf.resource.azurerm_public_ip).map((p) => p.domain_name_label).sort()).toEqual(['zz-cluster-01', 'zz-cluster-02']);
  });
});
