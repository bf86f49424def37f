// What the library needs to know about the operating system of a host:
// where it may write, which tools its units call, what it mounts read-only,
// which boot formats it applies itself, and where its images come from. The
// boot builder, the checks and the renderers read these from a profile, so
// another OS is another profile, not edits across the core.
import type { FlatcarChannel } from '../declare/azure';
import type { BootFormat } from '../declare/network';

/** Directories the library writes on a host. */
export interface OsPaths {
  /** A writable directory for the executables the library installs (`weave`). */
  readonly bin: string;
  /** Where the library's systemd units and drop-ins go. */
  readonly units: string;
  /** Where systemd-networkd reads `.network` files. */
  readonly networkd: string;
}

/** Absolute paths of the tools the library's units run. */
export interface OsTools {
  readonly bash: string;
  readonly base64: string;
  readonly chmod: string;
  readonly curl: string;
  readonly docker: string;
  readonly ip: string;
  readonly ln: string;
  readonly mkdir: string;
  readonly mv: string;
  readonly networkctl: string;
  readonly sha256sum: string;
}

/** Where a cloud's VM images of the OS come from (Azure Marketplace). */
export interface OsImage {
  /** Image publisher. */
  readonly publisher: string;
  /** Image offer. */
  readonly offer: string;
  /** Release channels the offer publishes, the first the default. */
  readonly channels: readonly FlatcarChannel[];
  /** The image SKU of a channel. */
  readonly sku: (channel: FlatcarChannel) => string;
  /** Image version when none is given. */
  readonly defaultVersion: string;
}

/** An operating system as the library targets it. */
export interface OsProfile {
  /** Its name in messages, e.g. `Flatcar`. */
  readonly name: string;
  /** What a host must be for the library's units to run, for messages. */
  readonly requires: string;
  /** Where the library writes. */
  readonly paths: OsPaths;
  /** The tools the units call. */
  readonly tools: OsTools;
  /** Directories mounted read-only, where users' files cannot go. */
  readonly readOnly: readonly string[];
  /** The login user the library uses when none is given. */
  readonly defaultUser: string;
  /** Boot formats the OS applies itself from its cloud's boot data, the first its default. */
  readonly reads: readonly BootFormat[];
  /**
   * The Ignition spec version its Ignition reads, when it reads Ignition.
   * @default - none
   */
  readonly ignitionVersion?: string;
  /**
   * Its VM images, when the library creates VMs of it.
   * @default - none
   */
  readonly image?: OsImage;
}
