# description: x86_64 Debian 13 (trixie) from mmdebstrap: 6.12 cloud kernel, systemd, OpenSSH, OpenJDK 21 JRE, git; seed disk personalises it
IMAGE_NAME="qemu:debian-13:6.12.x86_64"
BUILDER=debian
DEBIAN_SUITE=trixie
DEB_ARCH=amd64
QEMU_ARCH=x86_64
CONSOLE=ttyS0
CMDLINE_EXTRA=no_timer_check  # images/README.md, "The kernel's timer check"
MACHINE=q35
MIN_MEM_MIB=512
KERNEL_PACKAGE=linux-image-cloud-amd64
JRE_PACKAGE=openjdk-21-jre-headless
