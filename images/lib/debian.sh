# shellcheck shell=bash
# Debian system images (recipes that set BUILDER=debian); sourced by build-image.sh after lib/build.sh
# and the recipe. mmdebstrap installs a real Debian (systemd, OpenSSH, a JRE, ...) from the Debian
# archive into a directory; its kernel and initramfs-tools initrd go next to the disk for QEMU's
# direct kernel boot, and the directory becomes one ext4 file system (label ttroot) on the whole
# disk, an 8 GiB thin qcow2. With BOOT=bios the disk is made the way cloud images are instead: a
# partition table, the file system in its first partition, GRUB in the disk's first megabyte, so
# that the PC firmware boots it with no kernel next to it. The .debs are kept in
# $TT_CACHE_DIR/debian/SUITE (one pool per suite, shared by the architectures), so a rebuild
# downloads none again. See images/README.md.
#
# Recipe variables: IMAGE_NAME DEB_ARCH QEMU_ARCH CONSOLE MACHINE CPU MIN_MEM_MIB, and
#   DEBIAN_SUITE     bookworm, trixie, ...
#   KERNEL_PACKAGE   the kernel meta-package (linux-image-cloud-amd64, ...); its version must match
#                    the kernel part of IMAGE_NAME (6.1, 6.12, ...)
#   JRE_PACKAGE      openjdk-17-jre-headless, ...
#   EXTRA_PACKAGES   more packages (optional)
#   SEED_AGENT       tt (default: guest/debian/tt-seed reads the seed disk) or cloud-init
#   CMDLINE_EXTRA    more kernel parameters (optional)
#   BOOT             kernel (default: tt-host boots the kernel next to the disk) or bios (GRUB on a
#                    partitioned disk, booted by the firmware: a cloud image, for tt image import)
#   DISK_SIZE        the disk's virtual size (default 8G)

DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
DEBIAN_GUEST_DIR="$IMAGES_DIR/guest/debian"
: "${SEED_AGENT:=tt}"
: "${BOOT:=kernel}"
: "${DISK_SIZE:=8G}"
[ "$BOOT" = kernel ] || [ "$BOOT" = bios ] || die "BOOT must be kernel or bios, not '$BOOT'"
# A BOOT=bios disk: its one partition starts at 1 MiB, and GRUB's core image sits before it.
DEBIAN_PART_START_SECTOR=2048

# What every image holds besides the kernel and the JRE.
DEBIAN_BASE_PACKAGES=(systemd systemd-sysv udev initramfs-tools zstd kmod openssh-server git coreutils procps
  qemu-guest-agent iproute2 ca-certificates sudo e2fsprogs apt-utils)

# Units a throwaway test VM does not need (masked when present): each one costs emulated CPU at boot.
DEBIAN_MASKED_UNITS=(apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer e2scrub_reap.service
  fstrim.timer man-db.timer logrotate.timer systemd-timesyncd.service systemd-firstboot.service
  getty@tty1.service getty-static.service systemd-networkd-wait-online.service systemd-logind.service
  systemd-pstore.service remote-fs.target systemd-binfmt.service proc-sys-fs-binfmt_misc.automount
  systemd-update-utmp.service systemd-update-utmp-runlevel.service systemd-remount-fs.service
  systemd-sysusers.service systemd-random-seed.service systemd-journal-flush.service systemd-network-generator.service
  systemd-modules-load.service kmod-static-nodes.service systemd-tmpfiles-setup-dev.service
  modprobe@configfs.service modprobe@dm_mod.service modprobe@fuse.service modprobe@loop.service modprobe@drm.service
  modprobe@efi_pstore.service
  sys-kernel-debug.mount sys-kernel-tracing.mount sys-kernel-config.mount sys-fs-fuse-connections.mount dev-hugepages.mount
  systemd-ask-password-console.path systemd-ask-password-wall.path)

# systemd generators not needed: no encrypted/verity/GPT-auto disks, no SysV scripts, no hibernation.
DEBIAN_MASKED_GENERATORS=(systemd-cryptsetup-generator systemd-debug-generator systemd-gpt-auto-generator
  systemd-hibernate-resume-generator systemd-integritysetup-generator systemd-rc-local-generator systemd-run-generator
  systemd-system-update-generator systemd-sysv-generator systemd-veritysetup-generator systemd-bless-boot-generator
  systemd-tpm2-generator systemd-import-generator systemd-factory-reset-generator systemd-ssh-generator
  systemd-storagetm-generator)

# The root file system: the whole first virtio disk, or its first partition (BOOT=bios).
debian_root_device() {
  if [ "$BOOT" = bios ]; then echo /dev/vda1; else echo /dev/vda; fi
}

# The guest kernel's command line (root is on the first virtio disk; the seed is the second).
debian_cmdline() {
  echo "root=$(debian_root_device) rw rootflags=noinit_itable console=$CONSOLE quiet panic=-1${CMDLINE_EXTRA:+ $CMDLINE_EXTRA}"
}

# debian_pool_out ROOTFS POOL : keeps the chroot's downloaded .debs in the pool (atomically: other
# builds of the same suite may be adding the same files).
debian_pool_out() {
  local rootfs=$1 pool=$2 f name
  mkdir -p "$pool"
  for f in "$rootfs"/var/cache/apt/archives/*.deb; do
    [ -e "$f" ] || continue
    name=${f##*/}
    [ -e "$pool/$name" ] && continue
    { ln "$f" "$pool/.$name.$$" 2>/dev/null || cp "$f" "$pool/.$name.$$"; } && mv -f "$pool/.$name.$$" "$pool/$name"
  done
}

# debian_pool_prune ROOTFS POOL : after a good build, drops the pool's other versions of the
# packages this build used (the pool keeps the suite's current packages, not its history).
debian_pool_prune() {
  local rootfs=$1 pool=$2 f name pkg arch old
  for f in "$rootfs"/var/cache/apt/archives/*.deb; do
    [ -e "$f" ] || continue
    name=${f##*/}
    pkg=${name%%_*}
    arch=${name##*_}
    for old in "$pool/${pkg}_"*"_$arch"; do
      [ -e "$old" ] && [ "$old" != "$pool/$name" ] && rm -f "$old"
    done
  done
  return 0
}

# debian_ca_certificates ROOTFS : /etc/ssl/certs (the symlinks, hashes and bundle) and the Java
# keystore /etc/ssl/certs/java/cacerts, made once after all packages are in (update-ca-certificates
# is diverted while they install). The output only depends on the (Architecture: all) certificate
# files, so it is made natively when the host can: the image's own update-ca-certificates script
# and ca-certificates-java jar run with the host's shell, openssl and java in a private mount
# namespace where the image's certificate directories are bind-mounted over the host's. Under
# qemu-user the same work takes minutes (a thousand short processes and a JVM). Falls back to the
# chroot.
debian_ca_certificates() {
  local r=$1 native=1 d
  rm -f "$r/var/lib/ca-certificates-java/fresh" "$r/var/lib/ca-certificates-java/pending"
  for d in /usr/share/ca-certificates /usr/local/share/ca-certificates /etc/ssl/certs /etc/ca-certificates.conf; do
    [ -e "$d" ] || native=0
  done
  command -v openssl >/dev/null && command -v unshare >/dev/null || native=0
  # shellcheck disable=SC2016 # the script in single quotes is the inner bash's, which expands it
  if [ "$native" = 1 ] && unshare --mount --propagation private bash -euc '
      r=$1
      for d in /usr/share/ca-certificates /usr/local/share/ca-certificates /etc/ssl/certs; do
        mkdir -p "$r$d"; mount --bind "$r$d" "$d"
      done
      mount --bind "$r/etc/ca-certificates.conf" /etc/ca-certificates.conf
      sh "$r/usr/sbin/update-ca-certificates" --fresh --hooksdir "" >/dev/null
      jar=$r/usr/share/ca-certificates-java/ca-certificates-java.jar
      [ -f "$jar" ] || exit 0
      command -v java >/dev/null || exit 3
      storepass=changeit
      [ -f "$r/etc/default/cacerts" ] && . "$r/etc/default/cacerts"
      mkdir -p /etc/ssl/certs/java
      list=$(mktemp)
      for l in /etc/ssl/certs/*.pem; do
        case $(readlink "$l") in /usr/share/ca-certificates/*|/usr/local/share/ca-certificates/*) echo "+$l" ;; esac
      done > "$list"
      java -Xmx64m -jar "$jar" -storepass "$storepass" < "$list" >/dev/null
      rm -f "$list"' _ "$r"; then
    return 0
  fi
  log "making /etc/ssl/certs in the chroot (slow under qemu-user)"
  mount -t proc proc "$r/proc"
  chroot "$r" update-ca-certificates --fresh >/dev/null || { umount "$r/proc"; die "update-ca-certificates failed"; }
  umount "$r/proc"
}

# debian_configure ROOTFS : the TT guest configuration, run on the host against the chroot.
debian_configure() {
  local r=$1 unit
  echo "$IMAGE_NAME" > "$r/etc/tt-image"
  echo debian > "$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$r/etc/hosts"
  rm -f "$r/etc/resolv.conf"
  printf 'nameserver 10.0.2.3\n' > "$r/etc/resolv.conf"
  # the root file system, grown to the disk at boot: by systemd (the whole disk), or by cloud-init
  # (BOOT=bios: growpart, then resizefs)
  local growfs=,x-systemd.growfs
  [ "$BOOT" = bios ] && growfs=
  printf '%s / ext4 rw,relatime,noinit_itable%s 0 0\n' "$(debian_root_device)" "$growfs" > "$r/etc/fstab"
  # a machine id per VM: empty means "first boot", systemd makes one (presets are applied below already)
  : > "$r/etc/machine-id"
  rm -f "$r/var/lib/dbus/machine-id"
  # SSH: no baked host keys; tt-seed (or cloud-init) makes them per VM
  rm -f "$r"/etc/ssh/ssh_host_*
  install -m 644 "$DEBIAN_GUEST_DIR/sshd-tt.conf" "$r/etc/ssh/sshd_config.d/tt.conf"
  # OpenSSH >= 9.8 (trixie) penalises a source address for connections closed before logging in:
  # the host's banner probes all come from 10.0.2.2, so that would lock tt-host out
  if grep -aqi PerSourcePenalties "$r/usr/sbin/sshd"; then
    printf '# TT: see tt.conf (all clients come from 10.0.2.2)\nPerSourcePenalties no\n' > "$r/etc/ssh/sshd_config.d/tt-penalties.conf"
  else
    # OpenSSH < 9.8 (bookworm): no re-exec per connection, so the banner comes in ~20 ms instead of
    # ~200 ms under TCG, and the host's 1 s banner probes do not pile up while the guest boots
    printf '# TT: sshd -r (no re-exec per connection): see images/README.md\nSSHD_OPTS=-r\n' > "$r/etc/default/ssh"
  fi
  install -d -m 700 "$r/root/.ssh"
  # network: static address for QEMU user networking
  install -D -m 644 "$DEBIAN_GUEST_DIR/10-tt.network" "$r/etc/systemd/network/10-tt.network"
  install -D -m 644 "$DEBIAN_GUEST_DIR/journald-tt.conf" "$r/etc/systemd/journald.conf.d/tt.conf"
  sed "s|@IMAGE_NAME@|$IMAGE_NAME|" "$DEBIAN_GUEST_DIR/tt-ready.service" > "$r/etc/systemd/system/tt-ready.service"
  # TT's agent (guest/tt-agent, shared with the tiny images): VMs for and from snapshots take their identity from it
  install -D -m 755 "$IMAGES_DIR/guest/tt-agent" "$r/usr/local/sbin/tt-agent"
  install -m 644 "$DEBIAN_GUEST_DIR/tt-agent.service" "$r/etc/systemd/system/tt-agent.service"
  if [ "$SEED_AGENT" = tt ]; then
    install -D -m 755 "$DEBIAN_GUEST_DIR/tt-seed" "$r/usr/local/sbin/tt-seed"
    install -m 644 "$DEBIAN_GUEST_DIR/tt-seed.service" "$r/etc/systemd/system/tt-seed.service"
  else
    install -D -m 644 "$DEBIAN_GUEST_DIR/cloud-init-tt.cfg" "$r/etc/cloud/cloud.cfg.d/90-tt.cfg"
  fi
  # The presets systemd would apply on the first boot, applied now; then what we want on or off. The
  # image's own systemctl does it: the host's, of another systemd release, can refuse the image's
  # unit files (bookworm's 252.39 systemd-localed.service: "Channel number out of range").
  local sc=(chroot "$r" systemctl --quiet)
  if ! "${sc[@]}" preset-all 2>"$WORK/preset.err"; then
    cat "$WORK/preset.err" >&2
    die "systemctl preset-all failed in the image's root $r"
  fi
  "${sc[@]}" set-default multi-user.target
  "${sc[@]}" enable systemd-networkd.service tt-ready.service tt-agent.service
  if [ "$SEED_AGENT" = tt ]; then "${sc[@]}" enable tt-seed.service; fi
  for unit in "${DEBIAN_MASKED_UNITS[@]}"; do
    if [ -e "$r/lib/systemd/system/$unit" ] || [ -e "$r/usr/lib/systemd/system/$unit" ] \
      || [ -e "$r/lib/systemd/system/${unit%%@*}@.service" ] || [ -e "$r/usr/lib/systemd/system/${unit%%@*}@.service" ]; then
      ln -sfn /dev/null "$r/etc/systemd/system/$unit"
    fi
  done
  install -d "$r/etc/systemd/system-generators"
  for unit in "${DEBIAN_MASKED_GENERATORS[@]}"; do
    ln -sfn /dev/null "$r/etc/systemd/system-generators/$unit"
  done
  # sshd: no "sshd -t" before the start (one emulated process less on the way to the banner)
  install -d "$r/etc/systemd/system/ssh.service.d"
  printf '[Service]\nExecStartPre=\n' > "$r/etc/systemd/system/ssh.service.d/tt.conf"
  # /etc and /var are up to date with /usr: no ldconfig, hwdb or catalog rebuilds at the first boot
  local usr_ns f
  usr_ns=$(date -r "$r/usr" +%s%N)
  for f in "$r/etc/.updated" "$r/var/.updated"; do
    printf '# This file was created by systemd-update-done. Its only\n# purpose is to hold a timestamp of the time this directory\n# was updated. See man:systemd-update-done.service(8).\nTIMESTAMP_NSEC=%s\n' "$usr_ns" > "$f"
    touch -r "$r/usr" "$f"
  done
  # what the image does not need to carry
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/debconf/*-old "$r"/var/log/*.log "$r"/var/log/apt/* \
    "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/locale/* "$r"/usr/share/info/*
  # update-alternatives puts man page links there (a JDK's postinst fails without the directory)
  mkdir -p "$r"/usr/share/man/man{1,2,3,4,5,6,7,8}
}

# debian_disk ROOTFS KERNEL_VERSION OUT_QCOW2 : the disk holding ROOTFS, a thin qcow2 of DISK_SIZE
# (only written blocks take space). BOOT=kernel: one ext4 file system (label ttroot) on the whole
# disk. BOOT=bios: made as cloud images are, with no loop device: a DOS partition table with one
# Linux partition from 1 MiB to the end holding ROOTFS, GRUB's boot sector in the MBR and its core
# image (debian_grub) in the sectors after it, before the partition. GRUB's boot sector loads the
# core image from sector 1 and the core image the rest of itself from sector 2: the places they
# name when grub-install has not changed them.
debian_disk() {
  local rootfs=$1 kver=$2 out=$3 raw="$WORK/disk.raw" grub="$1/boot/grub/i386-pc" sectors
  rm -f "$raw"
  truncate -s "$DISK_SIZE" "$raw"
  if [ "$BOOT" = bios ]; then
    debian_grub "$rootfs" "$kver"
    printf 'label: dos\nstart=%s, type=83, bootable\n' "$DEBIAN_PART_START_SECTOR" | sfdisk -q "$raw" \
      || die "sfdisk failed"
    sectors=$(( $(stat -c %s "$raw") / 512 - DEBIAN_PART_START_SECTOR ))
    debian_mkfs "$rootfs" "$raw" $((DEBIAN_PART_START_SECTOR * 512)) $((sectors / 2))
    # the boot sector's code only: the partition table and the disk signature after byte 440 stay
    dd if="$grub/boot.img" of="$raw" bs=440 count=1 conv=notrunc status=none
    dd if="$grub/core.img" of="$raw" bs=512 seek=1 conv=notrunc status=none
  else
    debian_mkfs "$rootfs" "$raw"
  fi
  qemu-img convert -q -O qcow2 "$raw" "$out"
  rm -f "$raw"
}

# debian_mkfs ROOTFS FILE [OFFSET_BYTES SIZE_KIB] : the ext4 file system holding ROOTFS, on all of
# FILE or on SIZE_KIB of it from OFFSET_BYTES. Inode tables and journal are written now (as zeros,
# which the qcow2 does not store), so the guest kernel does not zero them in the background on
# every VM's overlay.
debian_mkfs() {
  local rootfs=$1 file=$2 offset=${3:-} size=${4:-}
  mkfs.ext4 -q -F -L ttroot -E "root_owner=0:0,lazy_itable_init=0,lazy_journal_init=0${offset:+,offset=$offset}" \
    -d "$rootfs" "$file" ${size:+"${size}k"} || die "mkfs.ext4 failed"
}

# debian_grub ROOTFS KERNEL_VERSION : GRUB for the PC firmware in ROOTFS/boot/grub, from the image's
# own grub-pc-bin: its modules, a grub.cfg that boots the kernel and initrd under /boot, and a core
# image (grub-mkimage in the chroot) that finds them on the first partition.
debian_grub() {
  local rootfs=$1 kver=$2 grub="$1/boot/grub" core_max
  [ -f "$rootfs/usr/lib/grub/i386-pc/boot.img" ] || die "grub-pc-bin is not in the image (BOOT=bios needs it)"
  install -d "$grub"
  cp -r "$rootfs/usr/lib/grub/i386-pc" "$grub/"
  cat > "$grub/grub.cfg" <<CFG
# made by TT's image build (images/lib/debian.sh), not by update-grub
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry 'Debian GNU/Linux ($kver)' {
  linux /boot/vmlinuz-$kver $(debian_cmdline)
  initrd /boot/initrd.img-$kver
}
CFG
  chroot "$rootfs" grub-mkimage -O i386-pc -o /boot/grub/i386-pc/core.img -p '(hd0,msdos1)/boot/grub' \
    biosdisk part_msdos ext2 || die "grub-mkimage failed"
  core_max=$(( (DEBIAN_PART_START_SECTOR - 1) * 512 ))
  [ "$(stat -c %s "$grub/i386-pc/core.img")" -le "$core_max" ] || die "GRUB's core image is larger than $core_max bytes"
}

# debian_write_manifest DIR : image.json. "seed": "nocloud": tt-host gives every VM a NoCloud seed
# disk (ISO 9660 labelled cidata: meta-data, user-data, tt/hostname, tt/authorized_keys), read by
# tt-seed or cloud-init, the way clouds personalise their images.
# "agent": "tt": the guest runs TT's agent (tt-agent.service), so its VMs start from snapshots.
# A BOOT=bios image names its firmware instead of a kernel, as an imported cloud image does (tt-host
# makes snapshots only of images whose kernel it boots: the kernel command line tells the guest's
# agent to wait for its identity).
debian_write_manifest() {
  local boot
  if [ "$BOOT" = bios ]; then
    boot='"firmware": "bios",'
  else
    boot=$(printf '"kernel": "vmlinuz",\n  "initrd": "initrd.img",\n  "cmdline": "%s",' "$(debian_cmdline)")
  fi
  cat > "$1/image.json" <<JSON
{
  "name": "$IMAGE_NAME",
  "arch": "$QEMU_ARCH",
  $boot
  "disk": "disk.qcow2",
  "sshUser": "root",
  "minMemMib": $MIN_MEM_MIB,
  "seed": "nocloud",
  "agent": "tt",
  "machine": "$MACHINE"${CPU:+,
  \"cpu\": \"$CPU\"}
}
JSON
}

# debian_unmount DIR : unmounts whatever is mounted below DIR (mmdebstrap unmounts what it mounted;
# this is for a build that failed or was killed half way); fails if something stays mounted, so
# that nothing is ever deleted through a mount point (the chroot's /dev is the host's).
debian_unmount() {
  local m
  for m in $(findmnt -rn -o TARGET | grep -F "$1/" | sort -r); do umount -l "$m" 2>/dev/null || true; done
  ! findmnt -rn -o TARGET | grep -qF "$1/"
}

debian_cleanup() {
  [ -n "${WORK:-}" ] && [ -d "$WORK" ] || return 0
  if debian_unmount "$WORK"; then
    [ -d "$WORK/rootfs/var/cache/apt/archives" ] && debian_pool_out "$WORK/rootfs" "$DEBIAN_POOL"
    rm -rf "$WORK"
  else
    log "leaving $WORK: something is still mounted there"
  fi
}

# build_image OUT_DIR : the whole Debian recipe, into OUT_DIR/IMAGE_NAME, replaced atomically.
build_image() {
  local out_dir=$1 stage rootfs want_series kver packages hooks=() t0
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (run images/setup-deps.sh)"
  want_series=${IMAGE_NAME##*:}
  want_series=${want_series%.*}
  DEBIAN_POOL="$TT_CACHE_DIR/debian/$DEBIAN_SUITE"
  mkdir -p "$DEBIAN_POOL"
  WORK=$(mktemp -d "$TT_CACHE_DIR/work.XXXX")
  trap debian_cleanup EXIT
  rootfs="$WORK/rootfs"
  packages=("$KERNEL_PACKAGE" "$JRE_PACKAGE" "${DEBIAN_BASE_PACKAGES[@]}" "${EXTRA_PACKAGES[@]}")
  [ "$SEED_AGENT" = cloud-init ] && packages+=(cloud-init)
  [ "$BOOT" = bios ] && packages+=(grub-pc-bin)
  local IFS=,
  local include="${packages[*]}"
  unset IFS
  local g="$DEBIAN_GUEST_DIR"
  # shellcheck disable=SC2016 # the hooks in single quotes are mmdebstrap's shell's: it expands their "$1"
  hooks=(
    # merged /usr by symlinks, without the usrmerge package (its conversion is slow under qemu-user)
    --hook-dir=/usr/share/mmdebstrap/hooks/maybe-merged-usr
    # the pool's .debs in, so apt downloads only what is missing
    --setup-hook="mkdir -p \"\$1/var/cache/apt/archives/partial\" && for f in '$DEBIAN_POOL'/*_${DEB_ARCH}.deb '$DEBIAN_POOL'/*_all.deb; do [ -e \"\$f\" ] || continue; ln \"\$f\" \"\$1/var/cache/apt/archives/\" 2>/dev/null || cp \"\$f\" \"\$1/var/cache/apt/archives/\"; done"
    # initramfs-tools: only the listed drivers, no udev (guest/debian/initramfs-hook)
    --setup-hook="mkdir -p \"\$1/etc/initramfs-tools/conf.d\" \"\$1/etc/initramfs-tools/hooks\" && echo MODULES=list > \"\$1/etc/initramfs-tools/conf.d/tt.conf\" && install -m 755 '$g/initramfs-hook' \"\$1/etc/initramfs-tools/hooks/tt\""
    # No docs, man pages or translations from here on (the essential packages' go in debian_configure;
    # as --dpkgopt they would be filtered through a Perl process per essential package). The man1
    # directory stays: update-alternatives puts links there.
    --essential-hook='printf "path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\npath-exclude=/usr/share/locale/*\npath-exclude=/usr/share/info/*\npath-exclude=/usr/share/lintian/*\n" > "$1/etc/dpkg/dpkg.cfg.d/tt-nodoc" && mkdir -p "$1/usr/share/man/man1"'
    # update-initramfs and update-ca-certificates run once at the end instead of at every trigger
    # (each run costs tens of seconds under qemu-user; see debian_ca_certificates)
    --essential-hook='for f in /usr/sbin/update-initramfs /usr/sbin/update-ca-certificates; do chroot "$1" dpkg-divert --quiet --local --rename --add "$f" && ln -s /bin/true "$1$f" || exit 1; done'
    --customize-hook='for f in /usr/sbin/update-initramfs /usr/sbin/update-ca-certificates; do rm "$1$f" && chroot "$1" dpkg-divert --quiet --local --rename --remove "$f" || exit 1; done'
    --customize-hook='chroot "$1" update-initramfs -c -k all'
  )
  local suites=("$DEBIAN_SUITE" "$DEBIAN_SUITE-updates" "$DEBIAN_SUITE-security") suite sources attempt bad
  log "mmdebstrap $DEBIAN_SUITE $DEB_ARCH: $include"
  t0=$SECONDS
  for attempt in 1 2 3; do
    sources=
    for suite in "${suites[@]}"; do
      case "$suite" in
        *-security) sources+="deb $DEBIAN_SECURITY_MIRROR $suite main"$'\n' ;;
        *) sources+="deb $DEBIAN_MIRROR $suite main"$'\n' ;;
      esac
    done
    debian_unmount "$rootfs" || die "cannot unmount what is mounted below $rootfs"
    rm -rf "$rootfs"
    if mmdebstrap "$(case "${TT_BUILD_VERBOSE:-}" in 2) echo --debug ;; ?*) echo --verbose ;; *) echo --quiet ;; esac)" \
        --variant=apt --arch="$DEB_ARCH" --include="$include" --aptopt='Acquire::Retries "3"' \
        --skip=essential/unlink --skip=cleanup/apt/cache --dpkgopt=force-unsafe-io \
        "${hooks[@]}" "$DEBIAN_SUITE" "$rootfs" - <<<"$sources" 2> >(tee "$WORK/mmdebstrap.err" >&2) >&2; then
      break
    fi
    wait  # for tee
    # A mirror whose -updates or -security index for this architecture does not match its Release
    # file ("Mirror sync in progress?") fails apt-get update: build without that suite then.
    bad=$(sed -n 's|^E: Failed to fetch .*/dists/\([a-z]*-[a-z]*\)/main/binary-.*|\1|p' "$WORK/mmdebstrap.err" | sort -u)
    if [ -z "$bad" ] || [ "$attempt" -ge 3 ]; then
      die "mmdebstrap failed"
    fi
    log "WARNING: the mirror's index of ${bad//$'\n'/ } for $DEB_ARCH is broken; building without it"
    for suite in $bad; do
      [ "$suite" = "$DEBIAN_SUITE" ] && die "mmdebstrap failed: the mirror's $DEBIAN_SUITE index is broken"
      suites=("${suites[@]/$suite}")
    done
    local kept=()
    for suite in "${suites[@]}"; do [ -n "$suite" ] && kept+=("$suite"); done
    suites=("${kept[@]}")
    if debian_unmount "$rootfs"; then
      debian_pool_out "$rootfs" "$DEBIAN_POOL" 2>/dev/null || true
    fi
  done
  log "mmdebstrap took $((SECONDS - t0)) s"
  debian_pool_out "$rootfs" "$DEBIAN_POOL"
  debian_pool_prune "$rootfs" "$DEBIAN_POOL"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb
  t0=$SECONDS
  debian_ca_certificates "$rootfs"
  log "certificates took $((SECONDS - t0)) s"
  kver=$(find "$rootfs/boot" -maxdepth 1 -name 'vmlinu[xz]-*' -printf '%f\n' | sed 's/^vmlinu[xz]-//' | sort -V | tail -1)
  [ -n "$kver" ] || die "no kernel in $rootfs/boot"
  case "$kver" in
    "$want_series".*) ;;
    *) die "the image name says kernel $want_series but $KERNEL_PACKAGE installed $kver" ;;
  esac
  debian_configure "$rootfs"
  stage="$out_dir/.building-$IMAGE_NAME"
  rm -rf "$stage"
  mkdir -p "$stage"
  echo "$kver" > "$stage/kernel-version"
  if [ "$BOOT" = kernel ]; then
    cp "$rootfs"/boot/vmlinu[xz]-"$kver" "$stage/vmlinuz"
    cp "$rootfs/boot/initrd.img-$kver" "$stage/initrd.img"
  fi
  debian_disk "$rootfs" "$kver" "$stage/disk.qcow2"
  debian_write_manifest "$stage"
  rm -rf "${out_dir:?}/${IMAGE_NAME:?}"
  mv "$stage" "$out_dir/$IMAGE_NAME"
  log "built $IMAGE_NAME (kernel $kver, boot: $BOOT): $(cd "$out_dir/$IMAGE_NAME" && du -h --apparent-size -- * | awk '{printf "%s %s, ", $2, $1}')disk virtual size $DISK_SIZE"
}
