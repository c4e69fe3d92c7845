#!/usr/bin/env bash
# Builds a lab image from Debian packages (no registry is reachable):
#   images/build.sh KIND DEBIAN [--tag]
# KIND is `node` (a bare VPS as a provider hands it over) or `services` (the lab's
# DNS, ACME, demo, client and package-cache containers); DEBIAN is 13 or 12.
# The tag carries a hash of the recipe, so an unchanged recipe is reused.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kind="${1:?usage: build.sh node|services 13|12 [--tag]}"
debian="${2:?usage: build.sh node|services 13|12 [--tag]}"
case "$debian" in
  13) suite=trixie ;;
  12) suite=bookworm ;;
  *) echo "build.sh: Debian $debian is not supported (13 or 12)" >&2; exit 64 ;;
esac
[ -f "$here/$kind/packages.txt" ] || { echo "build.sh: no recipe images/$kind/" >&2; exit 64; }
packages="$(grep -Ev '^(#|[[:space:]]*$)' "$here/$kind/packages.txt" | paste -sd, -)"
# Names, modes and contents of every file of the recipe make the tag.
hash="$( (cd "$here" && find build.sh common "$kind" -type f -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %a' \
  && find build.sh common "$kind" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-12)"
tag="ingress-$kind-debian$debian:$hash"
if [ "${3:-}" = "--tag" ]; then echo "$tag"; exit 0; fi
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
# One build at a time; whoever waited finds the image made by the other.
exec 9>"/var/lock/ingress-image-$kind-$debian.lock"
flock 9
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
mirror="${DEBIAN_MIRROR:-$(bash "$here/host-mirror.sh")}"
work="$(mktemp -d /var/tmp/ingress-image.XXXXXX)"
trap 'rm -rf "$work"' EXIT
echo "building $tag from $mirror (debootstrap $suite, a minute or two)" >&2
debootstrap --variant=minbase --include="$packages" "$suite" "$work/rootfs" "$mirror" >&2
root="$work/rootfs"
# As a provider's image: the suite's updates and security sources; the lab points
# them at its package cache when a container starts (see src/lab/apt-cache.ts).
security="http://deb.debian.org/debian-security"
printf '%s\n' "deb $mirror $suite main" "deb $mirror $suite-updates main" \
  "deb $security $suite-security main" >"$root/etc/apt/sources.list"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
# Each container makes its own host keys at boot.
rm -f "$root"/etc/ssh/ssh_host_*
cp -a "$here/common/rootfs/." "$root/"
chroot "$root" sh -c 'systemctl enable ssh-keygen-host.service >/dev/null 2>&1;
  for s in named bind9 apt-cacher-ng yggdrasil apt-daily.timer apt-daily-upgrade.timer; do systemctl disable "$s" >/dev/null 2>&1 || true; done;
  systemctl mask systemd-logind.service getty@.service console-getty.service >/dev/null 2>&1 || true;
  echo "root:*" | chpasswd -e'
tar -C "$root" -c . | docker import -c 'ENTRYPOINT ["/sbin/init"]' -c 'ENV container=docker' - "$tag" >&2
echo "$tag"
