# description: riscv64 Debian 13 (trixie) from mmdebstrap: 6.12 riscv64 kernel (no cloud flavour), systemd, OpenSSH, OpenJDK 21 JRE, git; OpenSBI from QEMU
IMAGE_NAME="qemu:debian-13:6.12.riscv64"
BUILDER=debian
DEBIAN_SUITE=trixie
DEB_ARCH=riscv64
QEMU_ARCH=riscv64
CONSOLE=ttyS0
MACHINE=virt
MIN_MEM_MIB=512
KERNEL_PACKAGE=linux-image-riscv64
JRE_PACKAGE=openjdk-21-jre-headless
# QEMU's default riscv64 CPU offers Sv57 paging; the JVM refuses it ("Unsupported satp mode: SV57"),
# so the kernel is told to use at most Sv48.
CMDLINE_EXTRA=no5lvl
