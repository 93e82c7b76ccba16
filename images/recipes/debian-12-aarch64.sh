# description: aarch64 Debian 12 (bookworm) from mmdebstrap: 6.1 arm64 cloud kernel, systemd, OpenSSH, OpenJDK 17 JRE, git; seed disk personalises it
IMAGE_NAME="qemu:debian-12:6.1.aarch64"
BUILDER=debian
DEBIAN_SUITE=bookworm
DEB_ARCH=arm64
QEMU_ARCH=aarch64
CONSOLE=ttyAMA0
MACHINE=virt
CPU=cortex-a57
MIN_MEM_MIB=512
KERNEL_PACKAGE=linux-image-cloud-arm64
JRE_PACKAGE=openjdk-17-jre-headless
