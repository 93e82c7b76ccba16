# description: x86_64 Debian 12 (bookworm) from mmdebstrap: 6.1 cloud kernel, systemd, OpenSSH, OpenJDK 17 JRE, git; seed disk personalises it
IMAGE_NAME="qemu:debian-12:6.1.x86_64"
BUILDER=debian
DEBIAN_SUITE=bookworm
DEB_ARCH=amd64
QEMU_ARCH=x86_64
CONSOLE=ttyS0
CMDLINE_EXTRA=no_timer_check  # images/README.md, "The kernel's timer check"
MACHINE=q35
MIN_MEM_MIB=512
KERNEL_PACKAGE=linux-image-cloud-amd64
JRE_PACKAGE=openjdk-17-jre-headless
