#!/usr/bin/env bash
# Installs, from Debian packages, every host tool TT's daemon, image builder and tests need.
# Idempotent: installs only what is missing; 'apt-get update' only when something is.
# The Debian images (recipes debian-*) also need: mmdebstrap; qemu-user-static + binfmt-support to
# run arm64/riscv64 maintainer scripts in the foreign chroots (binfmt_misc is mounted and the
# handlers enabled here when missing); qemu-system-misc for riscv64 guests (it brings OpenSBI, the
# default -bios of -machine virt); genisoimage for the NoCloud seed disk (volume label cidata).
# autopkgtest and dpkg-dev: the system test that runs Debian's autopkgtest on TT testbeds.
# The shellcheck package: bin/check-scripts, which "mvn verify" runs over bin/ and images/.
set -euo pipefail
packages=(qemu-system-x86 qemu-system-arm qemu-system-misc qemu-utils busybox-static cpio e2fsprogs binutils curl postgresql
  openssh-client mmdebstrap debian-archive-keyring arch-test qemu-user-static binfmt-support genisoimage systemd
  autopkgtest dpkg-dev fdisk ovmf qemu-efi-aarch64 shellcheck)
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
# Foreign-architecture chroots (mmdebstrap runs their maintainer scripts through qemu-user).
binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/status" ]; then
  mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || echo "setup-deps: cannot mount $binfmt: foreign-architecture images will not build" >&2
fi
if [ -e "$binfmt/status" ]; then
  for a in aarch64 riscv64; do
    [ -e "$binfmt/qemu-$a" ] || update-binfmts --enable "qemu-$a" >/dev/null 2>&1 \
      || echo "setup-deps: cannot enable the qemu-$a binfmt handler" >&2
  done
fi
echo "setup-deps: host tools ready ($(qemu-system-x86_64 --version | head -1))"
