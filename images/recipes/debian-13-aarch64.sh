# description: aarch64 Debian 13 (trixie) from mmdebstrap: 6.12 arm64 cloud kernel, systemd, OpenSSH, OpenJDK 21 JRE, git; seed disk personalises it
IMAGE_NAME="qemu:debian-13:6.12.aarch64"
BUILDER=debian
DEBIAN_SUITE=trixie
DEB_ARCH=arm64
QEMU_ARCH=aarch64
CONSOLE=ttyAMA0
MACHINE=virt
CPU=cortex-a57
MIN_MEM_MIB=512
KERNEL_PACKAGE=linux-image-cloud-arm64
JRE_PACKAGE=openjdk-21-jre-headless
