// The boot document: everything that brings Weave (and the user's own
// content) up on one host, independent of how it is delivered. The builder
// (weave.ts) makes Weave's part, user-content.ts and key-vault.ts add to it,
// and the renderers (render/) turn the finished document into cloud-config,
// Ignition or a script.
import type { ExpressionContent, WeaveFile, WeaveUnit } from '../declare/content';

/** File content that embeds the network password: `before + password + after`. */
export interface SecretContent {
  /**
   * Marks the content as secret, so renderers leave a placeholder instead of
   * text and the password never appears in a rendered document.
   */
  readonly secret: true;
  /** Text that goes before the password (the other env lines and `WEAVE_PASSWORD=`). */
  readonly before: string;
  /** Text that goes after the password. */
  readonly after: string;
}

/** File content given as bytes: the base64 of any (also binary) content. */
export interface FileBytes {
  /** The bytes, base64-encoded. */
  readonly base64: string;
}

/**
 * What a file holds: plain text; bytes as base64; or a {@link SecretContent}
 * or {@link ExpressionContent} that the renderers turn into a placeholder.
 */
export type FileContent = string | SecretContent | FileBytes | ExpressionContent;

/** A file the boot document writes on the host. */
export interface BootFile extends Pick<WeaveFile, 'path' | 'owner'> {
  /** Octal mode as a number, e.g. 0o600. */
  readonly mode: number;
  /** What the file holds. */
  readonly content: FileContent;
}

/** A systemd unit the boot document installs, enables or amends (Weave's own, or a user's {@link WeaveUnit}). */
export interface BootUnit extends Omit<WeaveUnit, 'enable'> {
  /** `systemctl enable` it (its `[Install]` section says what pulls it in). */
  readonly enable: boolean;
}

/**
 * Everything that brings Weave up on one host, independent of the delivery
 * format: render it with `renderBoot` (or one of the format-specific
 * renderers) to get cloud-config, Ignition or an SSH install script.
 */
export interface BootDocument {
  /** Name of the host the document is for. */
  readonly host: string;
  /** Files to write: the env files, the networkd config that keeps DHCP off Weave's interfaces, and the user's. */
  readonly files: readonly BootFile[];
  /** Units to amend (docker.service), install and enable; Weave's target is the one started. */
  readonly units: readonly BootUnit[];
}
