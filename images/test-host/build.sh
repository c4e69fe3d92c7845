#!/usr/bin/env bash
# Builds the Debian 12 test-host image from Debian packages (no registry is
# reachable), tagged by a hash of this recipe so an unchanged recipe is reused.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
packages="$(grep -Ev '^(#|[[:space:]]*$)' "$here/packages.txt" | paste -sd, -)"
local_debs="$(grep -Ev '^(#|[[:space:]]*$)' "$here/local-repo.txt" | tr '\n' ' ')"
# Names, modes and contents of every file of the recipe make the tag.
hash="$( (cd "$here" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 stat -c '%n %a' && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-12)"
tag="ingress-test-host:$hash"
if [ "${1:-}" = "--tag" ]; then echo "$tag"; exit 0; fi
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
# One build at a time; whoever waited finds the image made by the other.
exec 9>/var/lock/ingress-test-host.lock
flock 9
if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
mirror="${DEBIAN_MIRROR:-$(awk '/^(deb|URIs:)/ {for (i=1;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' $(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null) </dev/null | head -1 || true)}"
mirror="${mirror:-http://deb.debian.org/debian}"
work="$(mktemp -d /var/tmp/ingress-image.XXXXXX)"
trap 'umount -l "$work/rootfs/proc" 2>/dev/null || true; rm -rf "$work"' EXIT
echo "building $tag from $mirror (debootstrap, a few minutes)" >&2
debootstrap --variant=minbase --include="$packages" bookworm "$work/rootfs" "$mirror" >&2
root="$work/rootfs"
# A local file repository holds a few packages that are not installed, so
# apt tasks can install something with no network.
mkdir -p "$root/opt/local-repo"
mount -t proc proc "$root/proc"
chroot "$root" sh -c "cd /opt/local-repo && apt-get download $local_debs && apt-ftparchive packages . > Packages" >&2
echo 'deb [trusted=yes] file:/opt/local-repo ./' > "$root/etc/apt/sources.list"
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
# A host as it comes from a provider: package lists present (here: the local repository's).
chroot "$root" apt-get update -q >&2
umount -l "$root/proc"
# Each container makes its own host keys at boot.
rm -f "$root"/etc/ssh/ssh_host_*
cp -a "$here/rootfs/." "$root/"
chroot "$root" sh -c 'systemctl enable ssh-keygen-host.service >/dev/null 2>&1;
  for s in haproxy yggdrasil named bind9 certbot.timer apt-daily.timer apt-daily-upgrade.timer; do systemctl disable "$s" >/dev/null 2>&1 || true; done;
  systemctl mask systemd-logind.service getty@.service console-getty.service >/dev/null 2>&1 || true;
  echo "root:*" | chpasswd -e'
tar -C "$root" -c . | docker import -c 'ENTRYPOINT ["/sbin/init"]' -c 'ENV container=docker' - "$tag" >&2
echo "$tag"
