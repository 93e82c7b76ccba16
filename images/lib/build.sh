# shellcheck shell=bash
# Shared steps of the image recipes; sourced by build-image.sh. Every package comes through apt
# (apt-get download + dpkg -x), cached under $TT_CACHE_DIR/debs/ARCH.

die() { echo "build-image: $*" >&2; exit 1; }
log() { echo "build-image: $*" >&2; }

# The newest package whose name matches an extended regex, e.g. the current cloud kernel.
newest_package() {
  apt-cache search --names-only "$1" | awk '{print $1}' | sort -V | tail -1
}

# fetch_debs DEB_ARCH PKG... : downloads each package once into the cache; prints nothing.
fetch_debs() {
  local arch=$1; shift
  local dir="$TT_CACHE_DIR/debs/$arch" pkg want=()
  mkdir -p "$dir"
  for pkg in "$@"; do
    compgen -G "$dir/${pkg}_*_${arch}.deb" >/dev/null || compgen -G "$dir/${pkg}_*_all.deb" >/dev/null || want+=("$pkg:$arch")
  done
  if [ ${#want[@]} -gt 0 ]; then
    log "downloading ${want[*]}"
    (cd "$dir" && apt-get download -q "${want[@]}" >/dev/null 2>&1) \
      || die "apt-get download failed for ${want[*]} (run images/setup-deps.sh, which adds the arm64 lists)"
  fi
}

# unpack_debs DEB_ARCH DEST PKG... : unpacks the cached packages into DEST.
unpack_debs() {
  local arch=$1 dest=$2; shift 2
  local pkg deb
  for pkg in "$@"; do
    deb=$(compgen -G "$TT_CACHE_DIR/debs/$arch/${pkg}_*_${arch}.deb" || compgen -G "$TT_CACHE_DIR/debs/$arch/${pkg}_*_all.deb") \
      || die "package $pkg is not in the cache"
    dpkg -x "$(echo "$deb" | sort -V | tail -1)" "$dest"
  done
}

# module_closure MODDIR NAME... : the modules and their dependencies, dependencies first,
# read from each module's "depends=" field (no depmod or modinfo needed, works for any arch).
module_closure() {
  local moddir=$1; shift
  local -A seen=()
  local order=()
  visit() {
    local name=$1 file deps dep
    [ -n "${seen[$name]:-}" ] && return
    seen[$name]=1
    file=$(find "$moddir" -name "$name.ko" -print -quit)
    [ -n "$file" ] || die "kernel module $name not found in $moddir"
    deps=$(strings -a "$file" | sed -n 's/^depends=//p' | head -1)
    for dep in ${deps//,/ }; do visit "$dep"; done
    order+=("$name")
  }
  local m
  for m in "$@"; do visit "$m"; done
  echo "${order[@]}"
}

# make_initrd KERNEL_ROOT BUSYBOX_ROOT OUT MODULE... : a gzip cpio with busybox, the modules
# and guest/initrd-init as /init.
make_initrd() {
  local kroot=$1 bbroot=$2 out=$3; shift 3
  local moddir tree m order
  moddir=$(echo "$kroot"/lib/modules/*)
  tree=$(mktemp -d "$WORK/initrd.XXXX")
  mkdir -p "$tree"/{bin,dev,proc,sys,newroot,lib/modules,etc}
  cp "$bbroot/bin/busybox" "$tree/bin/busybox"
  order=$(module_closure "$moddir" "$@")
  for m in $order; do
    cp "$(find "$moddir" -name "$m.ko" -print -quit)" "$tree/lib/modules/"
  done
  echo "$order" > "$tree/etc/modules.order"
  install -m 755 "$IMAGES_DIR/guest/initrd-init" "$tree/init"
  (cd "$tree" && find . | cpio -o -H newc --quiet | gzip -9) > "$out"
}

# make_disk ROOTFS OUT_QCOW2 : an ext4 file system holding ROOTFS with 64 MiB to spare, as qcow2.
make_disk() {
  local rootfs=$1 out=$2 used_mib size_mib
  used_mib=$(du -sm "$rootfs" | cut -f1)
  size_mib=$(( (used_mib * 12 / 10) + 64 ))
  # the file system's size, for the guest's rcS: it grows the file system when the VM's disk is larger
  echo $((size_mib * 1024)) > "$rootfs/etc/tt-root-kib"
  rm -f "$WORK/disk.raw"
  truncate -s "${size_mib}M" "$WORK/disk.raw"
  # 4 KiB blocks: few block groups, so growing it to a VM's 8 GiB disk at boot is quick
  mkfs.ext4 -q -F -L ttroot -b 4096 -E root_owner=0:0 -d "$rootfs" "$WORK/disk.raw" \
    || die "mkfs.ext4 failed"
  qemu-img convert -q -O qcow2 "$WORK/disk.raw" "$out"
  rm -f "$WORK/disk.raw"
}

# What the guest needs besides busybox: coreutils' nohup (Jenkins' durable-task runs "nohup sh -c";
# busybox-static has no nohup applet), e2fsprogs' resize2fs with its libraries (rcS grows the root
# file system to the VM's disk) and perl-base's perl (tt-agent reseeds the kernel's random number
# generator with an ioctl). Only these files are taken from the packages.
TOOL_PACKAGES=(coreutils e2fsprogs libext2fs2 libcom-err2 perl-base)

# guest_tools ROOTFS : installs the TOOL_PACKAGES' files above into ROOTFS.
guest_tools() {
  local rootfs=$1 t libdir
  t=$(mktemp -d "$WORK/tools.XXXX")
  unpack_debs "$DEB_ARCH" "$t" "${TOOL_PACKAGES[@]}"
  install -m 755 "$t/usr/bin/nohup" "$rootfs/usr/bin/nohup"
  install -m 755 "$t/sbin/resize2fs" "$rootfs/sbin/resize2fs"
  install -m 755 "$t/usr/bin/perl" "$rootfs/usr/bin/perl"
  libdir=$(cd "$t/lib" && echo *-linux-gnu)
  mkdir -p "$rootfs/lib/$libdir"
  cp -a "$t/lib/$libdir"/lib{ext2fs,e2p,com_err}.so.2* "$rootfs/lib/$libdir/"
  rm -rf "$t"
}

# guest_jvm ROOTFS : tt-guest's PrestartedJvm compiled by the host's JDK into /usr/lib/tt/tt-jvm.jar,
# which guest/tt-jvm starts (images with a JRE).
guest_jvm() {
  local rootfs=$1 t
  t=$(mktemp -d "$WORK/jvm.XXXX")
  javac --release 17 -d "$t/classes" "$PRESTARTED_JVM_SOURCE"
  mkdir -p "$rootfs/usr/lib/tt"
  jar --create --file "$rootfs/usr/lib/tt/tt-jvm.jar" --main-class tt.guest.PrestartedJvm -C "$t/classes" .
  rm -rf "$t"
}

# base_rootfs ROOTFS : busybox, dropbear with its libraries, nohup, resize2fs, TT's guest agent,
# the guest's /sbin/init and config.
base_rootfs() {
  local rootfs=$1
  mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc/init.d,etc/dropbear,root/.ssh,proc,sys,dev,tmp,run,var/log,opt}
  chmod 700 "$rootfs/root/.ssh"
  chmod 1777 "$rootfs/tmp"
  unpack_debs "$DEB_ARCH" "$rootfs" busybox-static dropbear-bin libtomcrypt1 libtommath1 zlib1g libcrypt1 libc6 libgmp10
  rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/man" "$rootfs/usr/share/locale" "$rootfs/usr/share/lintian"
  guest_tools "$rootfs"
  install -m 755 "$IMAGES_DIR/guest/tt-agent" "$rootfs/usr/sbin/tt-agent"
  install -m 755 "$IMAGES_DIR/guest/tt-jvm" "$rootfs/usr/sbin/tt-jvm"
  # applet links, listed by the host's busybox-static (the same Debian version as the guest's)
  local applet
  for applet in $(busybox --list-full); do
    [ -e "$rootfs/$applet" ] || ln -s /bin/busybox "$rootfs/$applet"
  done
  install -m 644 "$IMAGES_DIR/guest/inittab" "$rootfs/etc/inittab"
  install -m 755 "$IMAGES_DIR/guest/rcS" "$rootfs/etc/init.d/rcS"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$rootfs/etc/passwd"
  printf 'root:*:19000:0:99999:7:::\n' > "$rootfs/etc/shadow"
  chmod 600 "$rootfs/etc/shadow"
  printf 'root:x:0:\n' > "$rootfs/etc/group"
  printf '/bin/sh\n' > "$rootfs/etc/shells"
  printf '127.0.0.1 localhost\n' > "$rootfs/etc/hosts"
  ln -sf /proc/mounts "$rootfs/etc/mtab"
  printf 'nameserver 10.0.2.3\n' > "$rootfs/etc/resolv.conf"
  echo "$IMAGE_NAME" > "$rootfs/etc/tt-image"
}

# write_manifest DIR : the image.json the daemon reads.
write_manifest() {
  cat > "$1/image.json" <<JSON
{
  "name": "$IMAGE_NAME",
  "arch": "$QEMU_ARCH",
  "kernel": "vmlinuz",
  "initrd": "initrd.img",
  "disk": "disk.qcow2",
  "cmdline": "console=$CONSOLE quiet panic=-1${CMDLINE_EXTRA:+ $CMDLINE_EXTRA}",
  "sshUser": "root",
  "minMemMib": $MIN_MEM_MIB,
  "agent": "tt",
  "machine": "$MACHINE"${CPU:+,
  \"cpu\": \"$CPU\"}
}
JSON
}

# build_image OUT_DIR : the whole recipe, into OUT_DIR/IMAGE_NAME, replaced atomically.
build_image() {
  local out_dir=$1 kernel_pkg stage initrd_modules
  read -ra initrd_modules <<<"$MODULES"
  kernel_pkg=$(newest_package "^linux-image-6\.1\.0-[0-9]+-cloud-${DEB_ARCH}\$")
  [ -n "$kernel_pkg" ] || die "no linux-image-6.1.0-*-cloud-$DEB_ARCH package in the apt lists (run images/setup-deps.sh)"
  fetch_debs "$DEB_ARCH" "$kernel_pkg" busybox-static dropbear-bin libtomcrypt1 libtommath1 zlib1g libcrypt1 libc6 \
    libgmp10 "${TOOL_PACKAGES[@]}" "${EXTRA_PACKAGES[@]}"
  WORK=$(mktemp -d "$TT_CACHE_DIR/work.XXXX")
  trap 'rm -rf "$WORK"' EXIT
  stage="$out_dir/.building-$IMAGE_NAME"
  rm -rf "$stage"
  mkdir -p "$stage" "$WORK/kernel" "$WORK/busybox" "$WORK/rootfs"
  unpack_debs "$DEB_ARCH" "$WORK/kernel" "$kernel_pkg"
  unpack_debs "$DEB_ARCH" "$WORK/busybox" busybox-static
  cp "$WORK"/kernel/boot/vmlinuz-* "$stage/vmlinuz"
  log "kernel $kernel_pkg"
  make_initrd "$WORK/kernel" "$WORK/busybox" "$stage/initrd.img" "${initrd_modules[@]}"
  base_rootfs "$WORK/rootfs"
  if declare -F recipe_rootfs >/dev/null; then
    recipe_rootfs "$WORK/rootfs"
  fi
  make_disk "$WORK/rootfs" "$stage/disk.qcow2"
  write_manifest "$stage"
  rm -rf "${out_dir:?}/${IMAGE_NAME:?}"
  mv "$stage" "$out_dir/$IMAGE_NAME"
  log "built $IMAGE_NAME: vmlinuz $(du -h "$out_dir/$IMAGE_NAME/vmlinuz" | cut -f1), initrd $(du -h "$out_dir/$IMAGE_NAME/initrd.img" | cut -f1), disk $(du -h "$out_dir/$IMAGE_NAME/disk.qcow2" | cut -f1)"
}
