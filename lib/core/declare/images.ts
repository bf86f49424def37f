// Where the hosts' Weave images come from and how they log in, as the pure
// core sees it: the three image digests a release may pin, and the registry
// login facts the boot documents and the checks need (the construct side,
// with its providers and role assignments, is lib/constructs/registry.ts).

/**
 * Digests that pin each of Weave's three images exactly (`sha256:<64 hex>`),
 * as `docker buildx imagetools inspect <image>` or `az acr repository show`
 * print them. Give all three: a pinned weave beside a floating weavedb is
 * not a pinned mesh.
 */
export interface WeaveImageDigests {
  /** Digest of `<imageOwner>/weave:<version>`, the router. */
  readonly weave: string;
  /** Digest of `<imageOwner>/weaveexec:<version>`, which runs the `weave` script's commands. */
  readonly weaveexec: string;
  /** Digest of `<imageOwner>/weavedb:<weavedbVersion>`, the data-only image of the IPAM volume. */
  readonly weavedb: string;
}

/** How hosts log in to the registry, as the pure core sees it. */
export interface RegistrySpec {
  /**
   * Azure Container Registry mode: Azure VMs log in with their cluster's
   * managed identity (a token from instance metadata at every pull).
   * @default - Azure VMs pull anonymously
   */
  readonly azureContainerRegistry?: {
    /** Whether an azurerm provider for the registry's subscription was passed. */
    readonly hasProvider: boolean;
    /**
     * The registry's resource id, when a literal (checked).
     * @default - not checked
     */
    readonly id?: string;
  };
  /**
   * Dedicated servers log in with a user name and password that reach them
   * only through the provisioner.
   * @default - dedicated servers pull anonymously
   */
  readonly login?: {
    /** The user name, as given (a literal or a token). */
    readonly username: string;
    /**
     * Whether the password was given as a plain string.
     * @default false
     */
    readonly passwordIsLiteral?: boolean;
  };
}
