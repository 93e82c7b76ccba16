# description: x86_64 Debian 12 (bookworm) as a cloud image: partitioned 3 GiB disk booted by the PC firmware through GRUB, cloud-init (grows its partition); for tt image import
# What a user downloads from a cloud's image page, made here from Debian's packages so that
# tt image import is tested without a download: the disk boots through its firmware (SeaBIOS,
# GRUB in the MBR, no kernel next to it), cloud-init personalises it from the NoCloud seed and
# grows its partition and file system (cloud-guest-utils' growpart) to the disk the VM gets.
IMAGE_NAME="qemu:debian-12-cloudimg:6.1.x86_64"
BUILDER=debian
BOOT=bios
DISK_SIZE=3G
DEBIAN_SUITE=bookworm
DEB_ARCH=amd64
QEMU_ARCH=x86_64
CONSOLE=ttyS0
CMDLINE_EXTRA=no_timer_check  # images/README.md, "The kernel's timer check"
MACHINE=q35
MIN_MEM_MIB=512
KERNEL_PACKAGE=linux-image-cloud-amd64
JRE_PACKAGE=openjdk-17-jre-headless
SEED_AGENT=cloud-init
EXTRA_PACKAGES=(cloud-guest-utils)
