#!/usr/bin/env bash
# The suite runs the real validators (ignition-validate, systemd-analyze).
# On Debian as root, install what is missing; elsewhere, say what to install.
set -euo pipefail
missing=()
command -v ignition-validate >/dev/null 2>&1 || missing+=(ignition)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing validators: ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need: ${missing[*]} (Debian packages). Install them, e.g. sudo apt-get install ${missing[*]}" >&2
exit 1
