import { ITerraformDependable, SSHProvisionerConnection, TerraformResource, TerraformResourceLifecycle, FileProvisioner, LocalExecProvisioner, RemoteExecProvisioner } from 'cdktf';
import { Construct } from 'constructs';
import { compareVersions } from '../../core/common/text';

/** Settings of a {@link TerraformData} resource. */
export interface TerraformDataConfig {
  /**
   * Values whose change replaces the resource (and re-runs its provisioners).
   * @default - none
   */
  readonly triggersReplace?: Readonly<Record<string, string>> | readonly string[];
  /**
   * A value kept in state (and readable as `self.input` by destroy-time provisioners); changing it updates in place.
   * @default - none
   */
  readonly input?: Readonly<Record<string, string | number>>;
  /**
   * SSH connection of the provisioners.
   * @default - none
   */
  readonly connection?: SSHProvisionerConnection;
  /**
   * Provisioners run when the resource is created.
   * @default - none
   */
  readonly provisioners?: (FileProvisioner | LocalExecProvisioner | RemoteExecProvisioner)[];
  /**
   * Lifecycle settings.
   * @default - none
   */
  readonly lifecycle?: TerraformResourceLifecycle;
  /**
   * Resources to create first.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Terraform's built-in `terraform_data` resource (Terraform 1.4+, no
 * provider). cdktf's own `DataResource` makes every synth run
 * `terraform version` and fails where Terraform is not installed; this one
 * leaves the version to Terraform (`terraform.required_version`).
 */
export class TerraformData extends TerraformResource {
  /** Values whose change replaces the resource. */
  triggersReplace?: Readonly<Record<string, string>> | readonly string[];
  /** Value kept in state, updated in place. */
  input?: Readonly<Record<string, string | number>>;

  constructor(scope: Construct, id: string, config: TerraformDataConfig = {}) {
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

  /** `terraform_data.<name>.id`. */
  get id(): string {
    return this.getStringAttribute('id');
  }

  /** The resource's arguments in Terraform JSON. */
  protected synthesizeAttributes(): Record<string, unknown> {
    return { triggers_replace: this.triggersReplace, ...(this.input !== undefined ? { input: this.input } : {}) };
  }

  /** The resource's arguments for HCL output. */
  protected synthesizeHclAttributes(): Record<string, unknown> {
    return {
      triggers_replace: { value: this.triggersReplace, isBlock: false, type: Array.isArray(this.triggersReplace) ? 'list' : 'map', storageClassType: Array.isArray(this.triggersReplace) ? 'stringList' : 'stringMap' },
      ...(this.input !== undefined ? { input: { value: this.input, isBlock: false, type: 'map', storageClassType: 'stringMap' } } : {}),
    };
  }
}

const REQUIRED = new WeakMap<object, string>();

/**
 * Raises the stack's `terraform.required_version` to at least `version`,
 * keeping the highest any construct asked for.
 */
export function requireTerraform(stack: { addOverride(path: string, value: unknown): void }, version: string): void {
  const current = REQUIRED.get(stack);
  if (current !== undefined && compareVersions(version, current) <= 0) return;
  REQUIRED.set(stack, version);
  stack.addOverride('terraform.required_version', `>= ${version}`);
}
