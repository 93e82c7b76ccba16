# description: aarch64 busybox + dropbear on the Debian 6.1 arm64 cloud kernel (qemu-system-aarch64, TCG); no JRE
IMAGE_NAME="qemu:tinylinux-1.0:6.1.aarch64"
DEB_ARCH=arm64
QEMU_ARCH=aarch64
CONSOLE=ttyAMA0
MACHINE=virt
CPU=cortex-a57
MIN_MEM_MIB=256
MODULES="virtio_pci virtio_net virtio_blk virtio-rng virtio_console qemu_fw_cfg"
