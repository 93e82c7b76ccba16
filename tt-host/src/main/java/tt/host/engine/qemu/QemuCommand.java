package tt.host.engine.qemu;

import tt.host.engine.SnapshotRole;
import tt.host.engine.VmLaunch;
import tt.host.image.ImageManifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the QEMU command line for one VM. The guest boots its kernel directly, or through its
 * firmware from its disk. Guest networking is QEMU user networking (slirp) with host port forwards;
 * SSH keys and the hostname reach the guest through fw_cfg and, for images that take one, a
 * cloud-init NoCloud seed disk (the second virtio disk, after the root disk).
 */
public final class QemuCommand {

    /** TCG translation cache per VM in MiB: small guests need little, and it bounds QEMU's RSS. */
    static final int TCG_TB_SIZE_MIB = 64;
    /**
     * On the kernel command line of a guest that waits for its identity from the agent
     * (docs/protocols/guest-agent.md).
     */
    public static final String AGENT_IDENTITY_KERNEL_ARG = "tt.identity=agent";
    /** The name of the guest agent's virtio-serial port. */
    public static final String AGENT_PORT = "org.tt.agent.0";

    private QemuCommand() {
    }

    public static String binaryFor(String arch) {
        return "qemu-system-" + arch;
    }

    public static List<String> build(VmLaunch l, String accel) {
        ImageManifest m = l.image().manifest();
        String arch = m.arch();
        List<String> args = new ArrayList<>();
        args.add(binaryFor(arch));
        args.addAll(List.of("-name", "tt-" + l.vmId()));
        SnapshotRole snapshot = l.snapshot();
        boolean byAgent = l.agentSocket() != null;
        String machine = m.machine() != null ? m.machine() : defaultMachine(arch);
        args.addAll(List.of("-machine", snapshot == null ? machine : machine + ",memory-backend=ram0"));
        String cpu = m.cpu() != null ? m.cpu() : defaultCpu(arch, accel);
        if (cpu != null) {
            args.addAll(List.of("-cpu", cpu));
        }
        args.addAll(List.of("-accel", "tcg".equals(accel) ? "tcg,tb-size=" + TCG_TB_SIZE_MIB : accel));
        args.addAll(List.of("-m", Integer.toString(l.memMib()), "-smp", Integer.toString(l.cpus())));
        args.addAll(List.of("-nodefaults", "-no-user-config", "-display", "none", "-no-reboot"));
        if (l.image().kernel() != null) {
            args.addAll(List.of("-kernel", l.image().kernel().toString()));
            if (l.image().initrd() != null) {
                args.addAll(List.of("-initrd", l.image().initrd().toString()));
            }
            String cmdline = !byAgent ? m.cmdline()
                    : (m.cmdline() == null ? "" : m.cmdline() + " ") + AGENT_IDENTITY_KERNEL_ARG;
            if (cmdline != null) {
                args.addAll(List.of("-append", cmdline));
            }
        } else if ("uefi".equals(m.firmware())) {
            args.addAll(List.of("-drive", "if=pflash,format=raw,readonly=on,file=" + escape(Firmware.uefiCode(arch).toString()),
                    "-drive", "if=pflash,format=raw,file=" + escape(l.firmwareVars().toString())));
        }
        args.addAll(List.of("-drive", "file=" + escape(l.overlay().toString()) + ",if=virtio,format=qcow2"));
        if (l.seedImage() != null) {
            args.addAll(List.of("-drive", "file=" + escape(l.seedImage().toString()) + ",if=virtio,format=raw,readonly=on"));
        }
        args.addAll(List.of("-netdev", netdev(l.bindAddress(), l.forwards()), "-device", "virtio-net-pci,netdev=net0"));
        // entropy from the host, so the guest's SSH server does not wait for its own at boot
        args.addAll(List.of("-object", "rng-random,filename=/dev/urandom,id=rng0", "-device", "virtio-rng-pci,rng=rng0"));
        if (!byAgent && l.seedImage() == null) {
            // no seed disk: keys and hostname through fw_cfg (which some machines, e.g. QEMU 7.2's
            // riscv64 virt, do not have: images for them take a seed)
            args.addAll(List.of("-fw_cfg", "name=opt/tt/authorized_keys,file=" + escape(l.authorizedKeys().toString())));
            args.addAll(List.of("-fw_cfg", "name=opt/tt/hostname,string=" + l.hostname()));
        } else if (byAgent) {
            // the guest's agent on a virtio-serial port; a VM generation id, whose change at a
            // restore makes the guest kernel reseed its random number generator
            args.addAll(List.of("-device", "virtio-serial-pci,id=vser0",
                    "-chardev", "socket,id=agent,path=" + escape(l.agentSocket().toString()) + ",server=on,wait=off",
                    "-device", "virtserialport,bus=vser0.0,chardev=agent,name=" + AGENT_PORT));
            if ("x86_64".equals(arch)) {
                args.addAll(List.of("-device", "vmgenid,guid=auto"));
            }
        }
        if (snapshot != null) {
            // RAM in a file: shared while preparing (the state stream leaves it out), a private
            // copy-on-write view of it when restoring
            args.addAll(List.of("-object", "memory-backend-file,id=ram0,size=" + l.memMib() + "M,mem-path="
                    + escape(snapshot.ram().toString()) + ",share=" + (snapshot.mode() == SnapshotRole.Mode.PREPARE
                    ? "on" : "off")));
            if (snapshot.mode() == SnapshotRole.Mode.RESTORE) {
                args.addAll(List.of("-incoming", "defer"));
            }
        }
        args.addAll(List.of("-chardev", "file,id=console,path=" + escape(l.consoleLog().toString()),
                "-serial", "chardev:console"));
        args.addAll(List.of("-qmp", "unix:" + escape(l.controlSocket().toString()) + ",server=on,wait=off"));
        return args;
    }

    static String netdev(String bindAddress, Map<Integer, Integer> forwards) {
        StringBuilder sb = new StringBuilder("user,id=net0");
        for (Map.Entry<Integer, Integer> f : new TreeMap<>(forwards).entrySet()) {
            sb.append(",hostfwd=tcp:").append(bindAddress).append(':').append(f.getValue())
                    .append("-:").append(f.getKey());
        }
        return sb.toString();
    }

    static String defaultMachine(String arch) {
        return switch (arch) {
            case "x86_64" -> "q35";
            case "aarch64", "riscv64" -> "virt";
            default -> throw new IllegalArgumentException("no QEMU machine known for arch " + arch);
        };
    }

    static String defaultCpu(String arch, String accel) {
        if ("kvm".equals(accel)) {
            return "host";
        }
        return "aarch64".equals(arch) ? "cortex-a57" : null;
    }

    /** QEMU option values separate with commas; a literal comma is written twice. */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
