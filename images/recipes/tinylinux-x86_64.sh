# description: x86_64 busybox + dropbear + JRE 17 (jlink) on the Debian 6.1 cloud kernel; boots in ~2 s under TCG
IMAGE_NAME="qemu:tinylinux-1.0:6.1.x86_64"
DEB_ARCH=amd64
QEMU_ARCH=x86_64
CONSOLE=ttyS0
CMDLINE_EXTRA=no_timer_check  # images/README.md, "The kernel's timer check"
MACHINE=q35
MIN_MEM_MIB=256
MODULES="virtio_pci virtio_net virtio_blk virtio-rng virtio_console qemu_fw_cfg"
EXTRA_PACKAGES=(libstdc++6 libgcc-s1)
# Enough of the JDK for a Jenkins agent (remoting) and ordinary test programs.
JRE_MODULES=java.base,java.logging,java.management,java.naming,java.xml,java.instrument,java.scripting,java.sql,java.desktop,java.net.http,java.security.jgss,jdk.crypto.ec,jdk.unsupported,jdk.zipfs

# A JRE linked from the host's JDK 17 (a Debian package) into /opt/jre, plus the C++ runtime it needs.
# Uncompressed modules and a CDS archive: the JVM starts faster under TCG (the CDS archive saves ~0.7 s).
recipe_rootfs() {
  local rootfs=$1 jdk
  jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
  [ -d "$jdk/jmods" ] || die "the JDK at $jdk has no jmods: install openjdk-17-jdk-headless"
  unpack_debs "$DEB_ARCH" "$rootfs" libstdc++6 libgcc-s1
  rm -rf "$rootfs/usr/share/doc" "$rootfs/usr/share/gcc" "$rootfs/usr/share/gdb"
  "$jdk/bin/jlink" --add-modules "$JRE_MODULES" --strip-debug --no-header-files --no-man-pages --generate-cds-archive \
    --output "$rootfs/opt/jre"
  ln -sf /opt/jre/bin/java "$rootfs/usr/bin/java"
  guest_jvm "$rootfs"
}
