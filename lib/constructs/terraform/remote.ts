// Lines of a remote-exec provisioner on a dedicated server, where Terraform
// logs in as root or as a user with passwordless sudo.

/**
 * Runs `command` as root (directly, or by `sudo -n` for another user), then
 * `cleanup`, and exits with the command's status.
 */
export function asRoot(command: string, cleanup: string): string {
  return `if [ "$(id -u)" = 0 ]; then ${command}; else sudo -n ${command}; fi; rc=$?; ${cleanup}; exit $rc`;
}

/**
 * A private staging directory in the shared /var/tmp: made fresh, mode 0700.
 * Terraform's script ends with the mkdir, so the step fails when someone
 * else's directory of that name is in the way (the login user cannot remove
 * it there), instead of uploading into it.
 */
export function privateDirectory(dir: string): string[] {
  return [`rm -rf ${dir}`, `mkdir -m 0700 ${dir}`];
}
