package tt.host.vm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.local.FileTrees;
import tt.host.cgroup.Cgroups;
import tt.host.engine.Engine;
import tt.host.engine.SnapshotRole;
import tt.host.engine.VmLaunch;
import tt.host.engine.VmProcess;
import tt.host.snapshot.SnapshotStore;
import tt.host.ssh.HostSshKey;
import tt.local.Revert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Starts a VM's process and ends it: the VM's folder, identity files, cgroup, overlay and
 * forwarded ports, restored from a snapshot when there is one; and gives all of that back.
 */
final class VmLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(VmLauncher.class);
    /** Room for QEMU itself above the guest's RAM in the VM's memory limit. */
    static final long QEMU_OVERHEAD_BYTES = 256L << 20;
    private static final int START_ATTEMPTS = 3;

    private final Path socketsDir;
    private final String address;
    private final Map<String, Engine> engines;
    private final Cgroups cgroups;
    private final PortAllocator portAllocator;
    private final HostSshKey hostKey;
    private final VmSnapshots snapshots;

    VmLauncher(Path socketsDir, String address, Map<String, Engine> engines, Cgroups cgroups,
               PortAllocator portAllocator, HostSshKey hostKey, VmSnapshots snapshots) {
        this.socketsDir = socketsDir;
        this.address = address;
        this.engines = engines;
        this.cgroups = cgroups;
        this.portAllocator = portAllocator;
        this.hostKey = hostKey;
        this.snapshots = snapshots;
    }

    /**
     * Starts the VM: restored from a snapshot of its image and size when there is one (falling back
     * to a cold boot, with the reason in the log, when that fails), else booted cold. A warm VM
     * boots (or is restored) to its agent and waits there for its identity. Each step that
     * succeeds registers its undo in {@code revert}.
     */
    void launch(Vm vm, List<String> keys, List<Integer> guestPorts, boolean warm, Revert revert) throws IOException {
        Files.createDirectories(vm.dir);
        revert.add(() -> removeFiles(vm));
        Path seed = writeIdentityFiles(vm, keys);
        vm.awaitsIdentity = warm;
        vm.keptWarm = warm;
        vm.cgroup = cgroups.create(vm.id, vm.cpu, vm.memMib * 1024L * 1024L + QEMU_OVERHEAD_BYTES);
        revert.add(() -> removeCgroup(vm));
        List<Integer> wanted = new ArrayList<>(List.of(22));
        wanted.addAll(guestPorts);
        Optional<SnapshotStore.Snapshot> snapshot = snapshots.find(vm);
        if (snapshot.isEmpty() || !restore(vm, wanted, seed, snapshot.get())) {
            start(vm, wanted, seed, null, warm);
        }
        revert.add(() -> releasePorts(vm));
        revert.add(() -> stopProcess(vm));
    }

    /** Starts the VM restored from {@code snapshot}; false (the snapshot forgotten) if that fails. */
    private boolean restore(Vm vm, List<Integer> wantedPorts, Path seed, SnapshotStore.Snapshot snapshot) {
        try {
            start(vm, wantedPorts, seed, snapshot, true);
        } catch (IOException e) {
            LOG.warn("vm {}: restoring snapshot {} failed ({}); booting cold instead", vm.id,
                    snapshot.dir().getFileName(), e.getMessage());
            snapshots.forget(snapshot);
            return false;
        }
        vm.restoredFrom = snapshot;
        vm.awaitsIdentity = true;
        LOG.info("vm {}: restored from snapshot {} of {}", vm.id, snapshot.dir().getFileName(), vm.image.name());
        return true;
    }

    /** Ends the VM's process and boots it cold on the same ports (a restored guest that did not take its identity). */
    void bootColdAgain(Vm vm) throws IOException {
        stopProcess(vm);
        start(vm, List.copyOf(vm.ports.keySet()), vm.image.manifest().nocloudSeed() ? vm.dir.resolve("seed.iso") : null,
                null, false);
    }

    /** Writes the keys file and, for a NoCloud image, the seed; returns the seed (or null). */
    Path writeIdentityFiles(Vm vm, List<String> userKeys) throws IOException {
        List<String> allKeys = new ArrayList<>(userKeys);
        allKeys.add(hostKey.publicKey());
        vm.keys = List.copyOf(allKeys);
        Files.writeString(keysFile(vm), String.join("\n", allKeys) + "\n", StandardCharsets.US_ASCII);
        return vm.image.manifest().nocloudSeed() ? NoCloudSeed.write(vm.dir, vm.id, vm.hostname(), allKeys) : null;
    }

    /**
     * Makes the VM's overlay and starts its process, cold or restoring {@code snapshot}; with
     * {@code byAgent}, the guest takes its identity from the agent after the boot. A VM without
     * ports gets fresh ones, other ones if a forward clashes; on failure it holds no process, nor
     * the ports it got here.
     */
    private void start(Vm vm, List<Integer> wantedPorts, Path seed, SnapshotStore.Snapshot snapshot, boolean byAgent)
            throws IOException {
        Engine engine = engines.get(vm.image.name().engine());
        Path overlay = vm.dir.resolve("disk.qcow2");
        Files.deleteIfExists(overlay);
        long t0 = System.nanoTime();
        engine.createOverlay(snapshot == null ? vm.image.disk() : snapshot.disk(), overlay, vm.diskMib * 1024L * 1024L);
        LOG.info("vm {}: overlay over {} made in {} ms", vm.id, snapshot == null ? vm.image.name() : "its snapshot",
                (System.nanoTime() - t0) / 1_000_000);
        SnapshotRole role = snapshot == null ? null
                : new SnapshotRole(SnapshotRole.Mode.RESTORE, snapshot.ram(), snapshot.state());
        Supplier<VmLaunch> launch = () -> new VmLaunch(vm.id, vm.hostname(), vm.image, vm.cpu, vm.memMib, vm.dir,
                controlSocket(vm), overlay, address, vm.ports, keysFile(vm), seed, vm.cgroup.procsFiles(), role,
                byAgent ? agentSocket(vm) : null);
        try (Revert revert = new Revert()) {
            if (vm.ports.isEmpty()) {
                vm.process = startOnFreshPorts(vm, engine, wantedPorts, launch);
                revert.add(() -> giveBackPorts(vm));
            } else {
                vm.process = engine.start(launch.get());
            }
            revert.add(() -> stopProcess(vm));
            // the running QEMU holds the overlay open: unlinking it now means that however the
            // daemon ends, even by SIGKILL, the kernel frees the disk when the QEMU process goes
            Files.delete(overlay);
            revert.disarm();
        }
        VmProcess process = vm.process;
        process.onExit().thenRun(() -> {
            if (!vm.isDeleting() && vm.process == process) {
                String why = "QEMU exited (the guest powered off or crashed); QEMU's log ends with: "
                        + LogTail.lines(vm.dir.resolve("engine.log"), 2) + "; the console ends with: "
                        + LogTail.lines(vm.dir.resolve("console.log"), 3);
                LOG.warn("vm {}: {}", vm.id, why);
                vm.markFailed(why);
            }
        });
    }

    /**
     * Gives the VM fresh host ports for {@code wantedPorts} and starts it; when a forward's port was
     * taken meanwhile by another program, tries again with others. On failure it holds no ports.
     */
    private VmProcess startOnFreshPorts(Vm vm, Engine engine, List<Integer> wantedPorts, Supplier<VmLaunch> launch)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            List<Integer> hostPorts = portAllocator.allocate(wantedPorts.size());
            Map<Integer, Integer> forwards = new LinkedHashMap<>();
            for (int i = 0; i < wantedPorts.size(); i++) {
                forwards.put(wantedPorts.get(i), hostPorts.get(i));
            }
            vm.ports = Map.copyOf(forwards);
            try {
                return engine.start(launch.get());
            } catch (IOException e) {
                giveBackPorts(vm);
                if (!String.valueOf(e.getMessage()).contains("host forwarding") || attempt >= START_ATTEMPTS) {
                    throw e;
                }
                LOG.info("vm {}: a forwarded port was taken meanwhile, retrying with others", vm.id);
            }
        }
    }

    /** The VM's ports go back to the allocator and it has none (it may get others). */
    private void giveBackPorts(Vm vm) {
        portAllocator.release(vm.hostPorts());
        vm.ports = Map.of();
    }

    /** Ends the VM's process, whose exit is then no failure of the VM; its ports stay (a cold boot may follow). */
    private static void stopProcess(Vm vm) {
        VmProcess p = vm.process;
        vm.process = null;
        if (p != null) {
            p.kill();
        }
    }

    /** Kills the process, removes the cgroup and every file, and gives back the ports. */
    void tearDown(Vm vm) {
        if (vm.process != null) {
            vm.process.kill();
        }
        removeCgroup(vm);
        removeFiles(vm);
        releasePorts(vm);
    }

    private static void removeCgroup(Vm vm) {
        if (vm.cgroup != null) {
            try {
                vm.cgroup.remove();
            } catch (IOException e) {
                LOG.error("vm {}: cgroup not removed: {}", vm.id, e.getMessage());
            }
        }
    }

    private void removeFiles(Vm vm) {
        try {
            FileTrees.delete(vm.dir);
            Files.deleteIfExists(controlSocket(vm));
            Files.deleteIfExists(agentSocket(vm));
        } catch (IOException e) {
            LOG.error("vm {}: files not removed from {}: {}", vm.id, vm.dir, e.getMessage());
        }
    }

    private void releasePorts(Vm vm) {
        portAllocator.release(vm.hostPorts());
    }

    private Path controlSocket(Vm vm) {
        return socketsDir.resolve(vm.id + ".qmp");
    }

    Path agentSocket(Vm vm) {
        return socketsDir.resolve(vm.id + ".agent");
    }

    private static Path keysFile(Vm vm) {
        return vm.dir.resolve("authorized_keys");
    }
}
