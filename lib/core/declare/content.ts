// Users' own files and systemd units, declared on the network, a cluster or
// a host and delivered in the same boot document as Weave's. One family:
// WeaveFile / WeaveUnit / WeaveDropIn are what a user writes (the construct
// props take them as they are); UserFile is a WeaveFile once the constructs
// have taken Terraform-supplied content out into an ExpressionContent; the
// boot document's BootFile and BootUnit (boot/document.ts) derive from them.

/**
 * A file the library writes on every host it reaches (network, cluster or
 * host level), beside Weave's own files.
 */
export interface WeaveFile {
  /** Absolute path on the host, e.g. `/etc/kubernetes/kubelet.yaml`. */
  readonly path: string;
  /**
   * Permission bits. Write an octal literal: `0o600`, not `600` (a plain
   * `600` is decimal).
   * @default 0o644
   */
  readonly mode?: number;
  /**
   * Owner as `user` or `user:group` (names or numeric ids) that exist on the
   * host when the file is written: `root` and `core` on Flatcar. With only a
   * user, the group is `root`.
   * @default 'root'
   */
  readonly owner?: string;
  /**
   * Text content. A string holding a Terraform expression (a cdktf token,
   * e.g. a variable's `stringValue` or `Fn.templatefile(...)`) is filled in
   * by Terraform at apply time; it must not be secret (sensitive variables
   * and secret attributes are rejected). A hand-written `${...}` without a
   * token is plain text (shell syntax stays as written).
   * @default '' (an empty file), unless contentBase64 is given
   */
  readonly content?: string;
  /**
   * Content as base64 (binary files, exact bytes). A cdktf token here must
   * yield base64 (e.g. `Fn.filebase64(...)`).
   * @default - none; `content` is used
   */
  readonly contentBase64?: string;
}

/**
 * File content that Terraform supplies at apply time (a non-secret
 * expression such as a variable, a resource attribute or `templatefile()`).
 * Renderers leave a placeholder for it; whoever turns the document into a
 * Terraform expression replaces the placeholder with {@link ref}.
 */
export interface ExpressionContent {
  /**
   * Terraform expression (without `${}`) whose value is the base64 of the
   * file's bytes, e.g. `local.mesh_file_0a1b2c3d4e_b64`.
   */
  readonly ref: string;
  /** The expression as the user wrote it, for messages (e.g. `${var.ca_pem}`). */
  readonly display: string;
  /**
   * Why the expression looks secret, when it does; the checks then reject
   * the file.
   * @default - not known to be secret
   */
  readonly sensitive?: string;
}

/**
 * A {@link WeaveFile} as the planner receives it: `content` and
 * `contentBase64` are literal, and content that Terraform supplies is an
 * {@link ExpressionContent} instead.
 */
export interface UserFile extends WeaveFile {
  /**
   * Content Terraform fills in at apply time.
   * @default - none
   */
  readonly expression?: ExpressionContent;
}

/** A drop-in for a {@link WeaveUnit}: a snippet that amends a unit without replacing it. */
export interface WeaveDropIn {
  /** File name in the unit's `.d` directory, ending in `.conf`, e.g. `20-registry-mirror.conf`. */
  readonly name: string;
  /** Unit-file text of the drop-in, e.g. `[Service]\nEnvironment=...\n`. */
  readonly contents: string;
}

/**
 * A systemd unit installed (or, with only drop-ins, amended) on every host
 * it reaches. Order it after the mesh with `After=weave-network.target`,
 * plus `Requires=weave-network.target` (stopped and restarted with Weave)
 * or `Wants=weave-network.target` (started after it, left alone when Weave
 * restarts).
 */
export interface WeaveUnit {
  /** Unit name with its type suffix, e.g. `kubelet.service`. Weave's own units are off limits. */
  readonly name: string;
  /**
   * Full unit text.
   * @default - none: the unit already exists on the host (e.g. `docker.service`) and only gets drop-ins
   */
  readonly contents?: string;
  /**
   * Drop-ins; for `docker.service` they go beside the library's own
   * (`10-weave-min-api.conf`), which you cannot replace.
   * @default - none
   */
  readonly dropIns?: readonly WeaveDropIn[];
  /**
   * `systemctl enable` the unit, so its `[Install]` section (e.g.
   * `WantedBy=kubernetes.node.target`) pulls it in at every boot.
   * @default - true when `contents` has an `[Install]` section
   */
  readonly enable?: boolean;
  /**
   * Also start it whenever the boot config is applied (cloud-config: every
   * boot; dedicated servers: every provisioning run). Ignition has no such
   * step, so on Ignition hosts a started unit must also be enabled.
   * @default false
   */
  readonly start?: boolean;
}

/** Files and units a user adds at one level (network, cluster or host). */
export interface UserContent {
  /**
   * Files to write.
   * @default - none
   */
  readonly files?: readonly UserFile[];
  /**
   * Units to install or amend.
   * @default - none
   */
  readonly units?: readonly WeaveUnit[];
}

/** Whether the unit text has an `[Install]` section, which `systemctl enable` needs. */
export function hasInstallSection(contents: string | undefined): boolean {
  return contents !== undefined && /^\s*\[Install\]\s*$/m.test(contents);
}

/** The `enable` a user's unit ends up with ({@link WeaveUnit.enable}'s default). */
export function unitEnabled(u: WeaveUnit): boolean {
  return u.enable ?? hasInstallSection(u.contents);
}

/** Whether a level declares nothing. */
export function isEmptyContent(c: UserContent | undefined): boolean {
  return !c || ((c.files?.length ?? 0) === 0 && (c.units?.length ?? 0) === 0);
}
