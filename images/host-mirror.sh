#!/usr/bin/env bash
# Prints the Debian mirror this machine's apt uses (first http(s) URI of a
# `debian` archive), or Debian's CDN when none is configured.
set -euo pipefail
files=$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
found=""
if [ -n "$files" ]; then
  found=$(awk '/^(deb|URIs:)/ {for (i=1;i<=NF;i++) if ($i ~ /^https?:.*\/debian\/?$/) {print $i; exit}}' $files </dev/null | head -1 || true)
fi
echo "${found:-http://deb.debian.org/debian}"
