#!/usr/bin/env bash
# Installs, from Debian packages, every host tool TT's daemon, image builder and tests need.
# Idempotent: installs only what is missing; 'apt-get update' only when something is.
set -euo pipefail
packages=(qemu-system-x86 qemu-system-arm qemu-utils busybox-static cpio e2fsprogs binutils curl postgresql openssh-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_arm64_lists=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  need_arm64_lists=1
fi
if [ ${#missing[@]} -gt 0 ] || [ "$need_arm64_lists" -eq 1 ] || ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
  echo "setup-deps: apt-get update"
  apt-get update -q >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-deps: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup-deps: host tools ready ($(qemu-system-x86_64 --version | head -1))"
