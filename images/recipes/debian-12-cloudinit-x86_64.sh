# description: x86_64 Debian 12 (bookworm) personalised by cloud-init (as cloud images are) from the NoCloud seed disk: 6.1 cloud kernel, systemd, OpenSSH, OpenJDK 17 JRE, git
# debian-12-x86_64 with cloud-init in place of tt-seed: it checks that tt-host's NoCloud seed
# (meta-data, user-data: hostname, keys, disk growth) works with a real cloud-init, as for any cloud
# image a user imports (tt image import).
IMAGE_NAME="qemu:debian-12-cloudinit:6.1.x86_64"
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
SEED_AGENT=cloud-init
