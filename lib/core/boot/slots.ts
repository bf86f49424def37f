// Placeholders for what a boot document cannot hold when it is rendered:
// the network password (a secret), users' file content that Terraform
// supplies, the Key Vault URI and the cluster identity's client id (Terraform
// attributes), and the host name (filled in at synth, so hosts can share one
// rendered template). One spelling for all of them, `__WEAVE_<NAME>__`:
// uppercase letters, digits and underscores, which every format keeps
// verbatim and which no host name (lowercase) can contain. Whoever knows a
// value fills its slots: Terraform (the constructs write `replace(...)`),
// the template cache, or fillSlots for tests and local previews.

const slot = (name: string): string => `__WEAVE_${name}__`;

/** The placeholder of each kind of value. */
export const SLOT = {
  /** The n-th secret file content of a document: base64(before + password + after). */
  secret: (n: number): string => slot(`SECRET_${n}`),
  /** The n-th file whose content Terraform supplies: its base64. */
  file: (n: number): string => slot(`FILE_${n}`),
  /** The Key Vault's URI (Key Vault mode). */
  keyVaultUrl: slot('KEYVAULT_URL'),
  /** The client id of the cluster's managed identity (Key Vault mode). */
  identityClientId: slot('IDENTITY_CLIENT_ID'),
  /** The host's name, in a template shared by hosts whose documents differ only in it. */
  hostName: slot('HOST_NAME'),
} as const;

/** The Key Vault URI's placeholder ({@link SLOT}.keyVaultUrl). */
export const KEY_VAULT_URL_SLOT = SLOT.keyVaultUrl;
/** The identity client id's placeholder ({@link SLOT}.identityClientId). */
export const IDENTITY_CLIENT_ID_SLOT = SLOT.identityClientId;

/** `text` with every placeholder given replaced by its value. */
export function fillSlots(text: string, values: Iterable<readonly [placeholder: string, value: string]>): string {
  let out = text;
  for (const [placeholder, value] of values) out = out.split(placeholder).join(value);
  return out;
}
