// Key Vault mode: the shared env file (the one that holds WEAVE_PASSWORD)
// leaves every boot document. Azure VMs fetch the password at every start
// with their managed identity; dedicated servers receive the file through
// the provisioner. Both transforms take a finished boot document, so the
// boot builder and the renderers stay as they are.
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, SHARED_ENV_PATH, UNIT, WEAVE_DOCS_URL } from '../defaults';
import { FLATCAR } from '../os/flatcar';
import type { BootDocument, BootFile, BootUnit, SecretContent } from './document';
import { IDENTITY_CLIENT_ID_SLOT, KEY_VAULT_URL_SLOT } from './slots';

/** The unit that fetches the password from Key Vault before Weave starts. */
export const KEY_VAULT_UNIT = 'weave-keyvault.service';
/** Where the fetch script is installed on Azure VMs (Flatcar). */
export const KEY_VAULT_FETCH_BIN = `${FLATCAR.paths.bin}/weave-keyvault-fetch`;
/** Key Vault data-plane API version the script reads the secret with. */
export const KEY_VAULT_API_VERSION = '7.4';
/** Instance metadata API version of the managed identity token endpoint. */
export const IMDS_TOKEN_API_VERSION = '2018-02-01';
/**
 * Extra bytes the filled-in slots may add to a document: a 24-character vault
 * name in the longest cloud suffix (`https://<name>.vault.usgovcloudapi.net/`,
 * 57) for the URL slot, a GUID (36) for the client id.
 */
export const KEY_VAULT_SLOT_ALLOWANCE = 57 - KEY_VAULT_URL_SLOT.length + (36 - IDENTITY_CLIENT_ID_SLOT.length);

/** Where a VM's fetch unit finds the password. */
export interface KeyVaultFetchOptions {
  /** Vault URI, e.g. `https://weave-kv.vault.azure.net/` (a trailing `/` is fine). */
  readonly vaultUrl: string;
  /** Name of the secret that holds the password. */
  readonly secretName: string;
  /**
   * Client id of the user-assigned identity to ask a token for. Instance
   * metadata needs it once a VM has more than one identity.
   * @default - none; instance metadata uses the VM's only identity
   */
  readonly clientId?: string;
}

const isSharedEnv = (f: BootFile): boolean => f.path === SHARED_ENV_PATH && typeof f.content !== 'string';

/**
 * The boot config without the password file, for hosts that receive it some
 * other way (dedicated servers in Key Vault mode: a separate provisioner step).
 * Throws when the config carries no password file, so a change in the boot
 * builder cannot silently leave the password in.
 */
export function withoutSharedEnvFile(boot: BootDocument): BootDocument {
  if (!boot.files.some(isSharedEnv)) throw new Error(`${boot.host}: boot config has no secret ${SHARED_ENV_PATH} to take out`);
  return { ...boot, files: boot.files.filter((f) => !isSharedEnv(f)) };
}

/**
 * The boot config of an Azure VM in Key Vault mode: no password file, plus a
 * script and a unit that fetch the password with the VM's managed identity
 * and write the same file (same text around the password, mode 0600) before
 * anything that reads it starts.
 *
 * @param boot - the host's boot config (its password file is taken out)
 * @param shared - the shared env file's text around the password
 * @param options - where the password lives
 */
export function withKeyVaultFetch(boot: BootDocument, shared: SecretContent, options: KeyVaultFetchOptions): BootDocument {
  const files = withoutSharedEnvFile(boot).files;
  const script: BootFile = { path: KEY_VAULT_FETCH_BIN, mode: 0o755, content: keyVaultFetchScript(shared) };
  const unit: BootUnit = { name: KEY_VAULT_UNIT, contents: keyVaultFetchUnit(options), enable: true };
  // Right after docker.service's drop-in, before the units it must precede.
  const at = Math.max(0, boot.units.findIndex((u) => u.name === UNIT.install));
  return {
    ...boot,
    files: [...files, script],
    units: [...boot.units.slice(0, at), unit, ...boot.units.slice(at)],
  };
}

/** The unit text; values are systemd `Environment=` lines the script reads. */
export function keyVaultFetchUnit(options: KeyVaultFetchOptions): string {
  const env = [
    `Environment=WEAVE_KEYVAULT_URL=${options.vaultUrl}`,
    `Environment=WEAVE_KEYVAULT_SECRET=${options.secretName}`,
    ...(options.clientId !== undefined ? [`Environment=WEAVE_IDENTITY_CLIENT_ID=${options.clientId}`] : []),
  ];
  return [
    '[Unit]',
    'Description=Fetch the Weave Net password from Azure Key Vault',
    `Documentation=${WEAVE_DOCS_URL}`,
    'Documentation=https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token',
    'Wants=network-online.target',
    'After=network-online.target',
    `Before=${UNIT.install} ${UNIT.router} ${UNIT.expose}`,
    // Restarting the target (the rotation procedure) fetches again.
    `PartOf=${UNIT.target}`,
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    // A first boot waits for the role assignment however long it takes.
    'TimeoutStartSec=infinity',
    ...env,
    `ExecStart=${KEY_VAULT_FETCH_BIN}`,
    '',
    '[Install]',
    `WantedBy=${UNIT.target}`,
    // Nothing that reads the env file may start without it.
    `RequiredBy=${UNIT.install} ${UNIT.router}`,
    '',
  ].join('\n');
}

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/**
 * Characters the password may have, the same rule as the password variable's
 * validation: printable ASCII without `"`, `'` and `\` (it is written
 * unquoted into a systemd EnvironmentFile). A POSIX bracket expression: `]`
 * first, then `!`, `#`-`&`, `(`-`[`, `^`-`~`.
 */
export const PASSWORD_BRACKET = '[]!#-&(-[^-~]';

/**
 * The fetch script. It reads the secret with a token from the instance
 * metadata service and writes the env file atomically. It never prints the
 * token or the password, never passes either as a command-line argument
 * (other users can read those), and keeps both only in a private directory
 * removed on exit. It retries with exponential back-off: role assignments
 * take minutes to propagate. On a first boot it retries until it succeeds;
 * when an env file from an earlier boot exists, it keeps that one after
 * `WEAVE_KEYVAULT_KEEP_AFTER` failed attempts, so a reboot during a Key Vault
 * outage still brings Weave up.
 *
 * Knobs (environment): `WEAVE_KEYVAULT_RETRY_DELAY` (first delay, s, default
 * 5), `WEAVE_KEYVAULT_MAX_RETRY_DELAY` (default 300),
 * `WEAVE_KEYVAULT_MAX_ATTEMPTS` (default 0: unlimited),
 * `WEAVE_KEYVAULT_KEEP_AFTER` (default 6), `WEAVE_ENV_FILE` and
 * `WEAVE_IMDS_ENDPOINT` (for tests).
 */
export function keyVaultFetchScript(shared: SecretContent): string {
  return `#!/bin/bash
# Generated by cdktf-weave-azure: fetches the Weave Net password from Azure Key
# Vault with this VM's managed identity and writes ${SHARED_ENV_PATH} (0600).
# Never prints the token or the password nor passes them as arguments.
set -euo pipefail
umask 077
: "\${WEAVE_KEYVAULT_URL:?set by ${KEY_VAULT_UNIT}}"
: "\${WEAVE_KEYVAULT_SECRET:?set by ${KEY_VAULT_UNIT}}"
env_file=\${WEAVE_ENV_FILE:-${SHARED_ENV_PATH}}
imds=\${WEAVE_IMDS_ENDPOINT:-http://169.254.169.254}
delay=\${WEAVE_KEYVAULT_RETRY_DELAY:-5}
max_delay=\${WEAVE_KEYVAULT_MAX_RETRY_DELAY:-300}
max_attempts=\${WEAVE_KEYVAULT_MAX_ATTEMPTS:-0}
keep_after=\${WEAVE_KEYVAULT_KEEP_AFTER:-6}
vault=\${WEAVE_KEYVAULT_URL%/}
host=\${vault#*://}; host=\${host%%/*}; host=\${host%%:*}
# The token's audience is the vault's DNS zone: https://vault.azure.net in
# the public cloud, https://vault.azure.cn or https://vault.usgovcloudapi.net elsewhere.
token_url="$imds/metadata/identity/oauth2/token?api-version=${IMDS_TOKEN_API_VERSION}&resource=https://\${host#*.}"
if [ -n "\${WEAVE_IDENTITY_CLIENT_ID:-}" ]; then token_url="$token_url&client_id=$WEAVE_IDENTITY_CLIENT_ID"; fi
secret_url="$vault/secrets/$WEAVE_KEYVAULT_SECRET?api-version=${KEY_VAULT_API_VERSION}"
work=$(mktemp -d -p "\${TMPDIR:-/run}" weave-keyvault.XXXXXX)
trap 'rm -rf "$work"' EXIT
log() { echo "weave-keyvault: $*" >&2; }
why=""

# One attempt; on failure sets $why (never containing the token or the value).
fetch_once() {
  local code tmp
  if ! code=$(curl -sS --noproxy '*' --connect-timeout 5 --max-time 30 -H Metadata:true -o "$work/token.json" -w '%{http_code}' "$token_url" 2>"$work/err"); then
    why="instance metadata service unreachable: $(head -c 200 "$work/err")"; return 1
  fi
  if [ "$code" != 200 ]; then why="instance metadata service answered HTTP $code (no identity on this VM yet?)"; return 1; fi
  if ! jq -er '.access_token | select(type == "string" and length > 0) | "Authorization: Bearer " + .' <"$work/token.json" >"$work/auth" 2>/dev/null; then
    why="no access token in the instance metadata answer"; return 1
  fi
  if ! code=$(curl -sS --connect-timeout 10 --max-time 30 -H @"$work/auth" -o "$work/secret.json" -w '%{http_code}' "$secret_url" 2>"$work/err"); then
    why="Key Vault unreachable: $(head -c 200 "$work/err")"; return 1
  fi
  case $code in
    200) ;;
    401|403) why="Key Vault answered HTTP $code: this VM's identity may not read the secret yet (role assignments take minutes to propagate)"; return 1 ;;
    404) why="Key Vault answered HTTP 404: no secret $WEAVE_KEYVAULT_SECRET (yet)"; return 1 ;;
    *) why="Key Vault answered HTTP $code"; return 1 ;;
  esac
  if ! jq -ej '.value | select(type == "string")' <"$work/secret.json" >"$work/password" 2>/dev/null; then
    why="no value in Key Vault's answer"; return 1
  fi
  if [ "$(wc -l <"$work/password")" -ne 0 ] || ! LC_ALL=C grep -Eqx '${PASSWORD_BRACKET}{${MIN_PASSWORD_LENGTH},${MAX_PASSWORD_LENGTH}}' "$work/password"; then
    why="the secret's value is not a valid Weave password (${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} printable ASCII characters without spaces, quotes or backslashes); set a valid one in Key Vault"; return 1
  fi
  if ! { base64 -d <<<'${b64(shared.before)}' && cat "$work/password" && base64 -d <<<'${b64(shared.after)}'; } >"$work/env"; then
    why="could not assemble the env file"; return 1
  fi
  if [ -f "$env_file" ] && cmp -s "$work/env" "$env_file"; then return 0; fi
  # A temporary file beside the target, renamed over it: readers see the old
  # file or the new one, never a partial one, and never with a wider mode.
  tmp=$(mktemp "$env_file.XXXXXX")
  if cat "$work/env" >"$tmp" && chmod 0600 "$tmp" && mv -f "$tmp" "$env_file"; then return 0; fi
  rm -f "$tmp"; why="could not write $env_file"; return 1
}

had_file=false
if [ -s "$env_file" ] && grep -q '^WEAVE_PASSWORD=' "$env_file"; then had_file=true; fi
attempt=0
while :; do
  attempt=$((attempt + 1))
  if fetch_once; then
    log "$env_file holds the password from $vault (secret $WEAVE_KEYVAULT_SECRET), attempt $attempt"
    exit 0
  fi
  if [ "$had_file" = true ] && [ "$attempt" -ge "$keep_after" ]; then
    log "attempt $attempt: $why; keeping the password already in $env_file"
    exit 0
  fi
  if [ "$max_attempts" -gt 0 ] && [ "$attempt" -ge "$max_attempts" ]; then
    log "attempt $attempt: $why; giving up"
    exit 1
  fi
  log "attempt $attempt: $why; next try in \${delay}s"
  sleep "$delay"
  delay=$((delay * 2))
  if [ "$delay" -gt "$max_delay" ]; then delay=$max_delay; fi
done
`;
}
