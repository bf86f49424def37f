#!/bin/bash
# Builds the boot tier's guest image from Debian packages, as root:
#   build-image.sh OUTDIR [MIRROR]
# OUTDIR gets vmlinuz, initrd.img, rootfs.raw (ext4) and weave-image.tar (a
# busybox root file system that the Weave stand-in `docker import`s).
# The image stands in for Flatcar: systemd, udev, networkd, Docker, curl, jq,
# iproute2, iptables and sshd from Debian trixie, with the tools Flatcar does
# not ship moved off PATH (flatcar-limits.sh) and a jq without regex support,
# like Flatcar's. The harness files (harness/) boot it: harness-init runs
# before systemd (Ignition's place), harness-cloudinit.service at boot
# (coreos-cloudinit's place).
set -euo pipefail
out=$1
mirror=${2:-http://deb.debian.org/debian}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/var/tmp}/weave-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$out"

packages=$(grep -v '^#' "$here/packages.txt" | grep -v '^$' | paste -sd, -)
# Keep apt from asking, and keep docs and locales out (smaller, faster image).
mmdebstrap --variant=minbase --include="$packages" \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --aptopt='APT::Install-Recommends "false"' \
  trixie "$root" "$mirror"

cp -L "$root/vmlinuz" "$out/vmlinuz"
cp -L "$root/initrd.img" "$out/initrd.img"

# The Weave stand-in's image: busybox and nothing else, as `docker import` wants it.
img=$work/weave-image
mkdir -p "$img/bin"
cp "$root/usr/bin/busybox" "$img/bin/busybox"
for applet in sh sleep cat echo ip ping; do ln -s busybox "$img/bin/$applet"; done
tar -C "$img" -cf "$out/weave-image.tar" .

# Flatcar's user, sshd keys made at build (the guest never runs ssh-keygen at boot).
chroot "$root" useradd --uid 500 --create-home --shell /bin/bash --groups sudo,docker core
echo 'core ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/core"
chmod 0440 "$root/etc/sudoers.d/core"
chroot "$root" ssh-keygen -A >/dev/null
sed -i 's/^#\?PasswordAuthentication.*/PasswordAuthentication no/' "$root/etc/ssh/sshd_config"
printf 'UseDNS no\nPermitRootLogin prohibit-password\n' >>"$root/etc/ssh/sshd_config"

# Boot: root on /dev/vda, networkd for the network (Flatcar's), no getty
# prompts, nothing slow that a test never needs.
echo '/dev/vda / ext4 rw,relatime 0 1' >"$root/etc/fstab"
: >"$root/etc/machine-id"
chroot "$root" systemctl enable systemd-networkd.service systemd-networkd-wait-online.service >/dev/null
chroot "$root" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
  systemd-timesyncd.service getty@tty1.service serial-getty@ttyS0.service \
  systemd-logind.service modprobe@drm.service modprobe@efi_pstore.service modprobe@fuse.service \
  systemd-network-generator.service >/dev/null 2>&1 || true
# No name service on the test network: names resolve through /etc/hosts.
rm -f "$root/etc/resolv.conf" && : >"$root/etc/resolv.conf"
# Flatcar starts docker.service through docker.socket on first use; both are
# there from the start, as on Flatcar.
chroot "$root" systemctl enable docker.socket containerd.service >/dev/null
chroot "$root" systemctl disable docker.service >/dev/null 2>&1 || true

install -D -m 0755 "$here/harness/harness-init" "$root/usr/libexec/harness/harness-init"
install -D -m 0644 "$here/harness/harness-cloudinit.service" "$root/usr/lib/systemd/system/harness-cloudinit.service"
chroot "$root" systemctl enable harness-cloudinit.service >/dev/null

bash "$here/flatcar-limits.sh" "$root"

# 3 GiB sparse ext4 made from the tree: no loop device, no mount.
rm -f "$out/rootfs.raw"
mke2fs -q -t ext4 -L guestroot -d "$root" "$out/rootfs.raw" 3G
echo "built $out"
