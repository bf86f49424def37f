#!/bin/bash
# Gives the guest root ROOT Flatcar's limits where Debian's tools differ from
# Flatcar's, so a unit that works here only because Debian has more fails
# here as it would on Flatcar (the tool list the units need is checked
# against Flatcar's package list in flatcar-tools.test.ts):
# - tools of Debian packages Flatcar has no counterpart of (perl, dpkg, apt,
#   debconf, init-system-helpers, initramfs-tools, the busybox binary) move
#   to /usr/libexec/debian-only, off PATH;
# - jq answers regex builtins with the error of a jq built without
#   oniguruma, as Flatcar's is.
set -euo pipefail
root=$1
off=$root/usr/libexec/debian-only
mkdir -p "$off"
for pkg in perl-base dpkg apt debconf init-system-helpers initramfs-tools busybox-static; do
  [ -f "$root/var/lib/dpkg/info/$pkg.list" ] || continue
  while read -r f; do
    case $f in /usr/bin/*|/usr/sbin/*|/bin/*|/sbin/*) ;; *) continue ;; esac
    [ -e "$root$f" ] || [ -L "$root$f" ] || continue
    mv "$root$f" "$off/$(basename "$f")"
  done <"$root/var/lib/dpkg/info/$pkg.list"
done

mv "$root/usr/bin/jq" "$root/usr/libexec/harness/jq"
cat >"$root/usr/bin/jq" <<'JQ'
#!/bin/bash
# jq as Flatcar builds it: without oniguruma, so every regex builtin fails
# at run time with the message such a jq gives. Everything else is Debian's jq.
real=/usr/libexec/harness/jq
no='error("jq was compiled without ONIGURUMA regex library. match/test/sub and related functions are not available.")'
prelude="def test(\$r): $no; def test(\$r; \$f): $no; def match(\$r): $no; def match(\$r; \$f): $no;"
prelude+=" def capture(\$r): $no; def capture(\$r; \$f): $no; def scan(\$r): $no; def scan(\$r; \$f): $no;"
prelude+=" def split(\$r; \$f): $no; def splits(\$r): $no; def splits(\$r; \$f): $no;"
prelude+=" def sub(\$r; \$s): $no; def sub(\$r; \$s; \$f): $no; def gsub(\$r; \$s): $no; def gsub(\$r; \$s; \$f): $no;"
args=() filter_done=false
while [ $# -gt 0 ]; do
  case $1 in
    --arg|--argjson|--slurpfile|--rawfile) args+=("$1" "$2" "$3"); shift 3; continue ;;
    --indent|-L) args+=("$1" "$2"); shift 2; continue ;;
    -f|--from-file) args+=("$prelude $(cat "$2")"); filter_done=true; shift 2; continue ;;
    --args|--jsonargs) args+=("$@"); break ;;
    --) args+=("$@"); break ;;
    -*) args+=("$1"); shift; continue ;;
  esac
  if [ "$filter_done" = false ]; then args+=("$prelude $1"); filter_done=true; else args+=("$1"); fi
  shift
done
exec "$real" "${args[@]}"
JQ
chmod 0755 "$root/usr/bin/jq"
