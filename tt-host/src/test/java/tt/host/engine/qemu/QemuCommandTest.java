package tt.host.engine.qemu;

import org.junit.jupiter.api.Test;
import tt.api.ImageName;
import tt.host.engine.VmLaunch;
import tt.host.image.Image;
import tt.host.image.ImageManifest;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QemuCommandTest {

    private static VmLaunch launch(String arch, Path dir) {
        ImageManifest m = new ImageManifest("qemu:tiny-1.0:6.1." + arch, arch, "vmlinuz", "initrd.img", "disk.qcow2",
                "console=ttyS0 quiet", "root", 256, null, null, null, null, null);
        Image image = new Image(ImageName.parse("qemu:tiny-1.0:6.1." + arch), Path.of("/srv/images/x"), m, 1024);
        return new VmLaunch("vm-1", "web1", image, 2, 512, dir, dir.resolve("qmp.sock"), dir.resolve("disk.qcow2"),
                "127.0.0.1",
                Map.of(22, 30001, 80, 30002), dir.resolve("authorized_keys"), null, List.of(), null, null);
    }

    @Test
    void buildsAnX86CommandWithForwardsKeysConsoleAndQmp() {
        List<String> cmd = QemuCommand.build(launch("x86_64", Path.of("/var/tt/vms/vm-1")), "tcg");
        String line = String.join(" ", cmd);
        assertEquals("qemu-system-x86_64", cmd.get(0));
        assertTrue(line.contains("-accel tcg,tb-size=64"), line);
        assertTrue(line.contains("-machine q35"), line);
        assertTrue(line.contains("-m 512 -smp 2"), line);
        assertTrue(line.contains("user,id=net0,hostfwd=tcp:127.0.0.1:30001-:22,hostfwd=tcp:127.0.0.1:30002-:80"), line);
        assertTrue(line.contains("name=opt/tt/authorized_keys,file=/var/tt/vms/vm-1/authorized_keys"), line);
        assertTrue(line.contains("name=opt/tt/hostname,string=web1"), line);
        assertTrue(line.contains("-qmp unix:/var/tt/vms/vm-1/qmp.sock,server=on,wait=off"), line);
        assertTrue(line.contains("-append console=ttyS0 quiet"), line);
        assertTrue(!line.contains("-cpu"), "TCG x86 keeps QEMU's default CPU");
    }

    @Test
    void aarch64UsesVirtAndCortexA57AndKvmUsesHostCpu() {
        String arm = String.join(" ", QemuCommand.build(launch("aarch64", Path.of("/v")), "tcg"));
        assertTrue(arm.startsWith("qemu-system-aarch64 "));
        assertTrue(arm.contains("-machine virt -cpu cortex-a57"), arm);
        String kvm = String.join(" ", QemuCommand.build(launch("x86_64", Path.of("/v")), "kvm"));
        assertTrue(kvm.contains("-cpu host") && kvm.contains("-accel kvm"), kvm);
    }

    @Test
    void aNoCloudImageGetsItsSeedAsTheSecondDiskAndACloudImageBootsThroughUefi() {
        Path dir = Path.of("/var/tt/vms/vm-2");
        ImageManifest m = new ImageManifest("qemu:ubuntu-22.04:cloud.x86_64", "x86_64", null, null, "disk.qcow2", null,
                "root", 512, null, null, ImageManifest.SEED_NOCLOUD, "uefi", null);
        Image image = new Image(ImageName.parse(m.name()), Path.of("/srv/images/u"), m, 8L << 20);
        VmLaunch l = new VmLaunch("vm-2", "cloud1", image, 1, 1024, dir, dir.resolve("qmp.sock"),
                dir.resolve("disk.qcow2"), "127.0.0.1", Map.of(22, 30001), dir.resolve("authorized_keys"),
                dir.resolve("seed.iso"), List.of(), null, null);
        String line = String.join(" ", QemuCommand.build(l, "tcg"));
        assertTrue(!line.contains("-kernel") && !line.contains("-append"), line);
        assertTrue(line.contains("-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
                + " -drive if=pflash,format=raw,file=/var/tt/vms/vm-2/efivars.fd"), line);
        assertTrue(line.contains("-drive file=/var/tt/vms/vm-2/disk.qcow2,if=virtio,format=qcow2"
                + " -drive file=/var/tt/vms/vm-2/seed.iso,if=virtio,format=raw,readonly=on"), "root disk first: " + line);
        assertTrue(!line.contains("-fw_cfg"), "the seed disk carries the keys and hostname: " + line);
    }

    @Test
    void commasInPathsAreEscapedForQemu() {
        String line = String.join(" ", QemuCommand.build(launch("x86_64", Path.of("/data/a,b")), "tcg"));
        assertTrue(line.contains("file=/data/a,,b/disk.qcow2,if=virtio"), line);
    }
}
