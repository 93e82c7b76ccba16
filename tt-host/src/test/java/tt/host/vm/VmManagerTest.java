package tt.host.vm;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.Capacity;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.host.cgroup.Cgroups;
import tt.host.engine.Engine;
import tt.host.engine.SnapshotRole;
import tt.host.engine.VmLaunch;
import tt.host.engine.VmProcess;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageSpeeds;
import tt.host.snapshot.SnapshotStore;
import tt.host.ssh.HostSshKey;
import tt.server.InsufficientResourcesException;
import tt.testkit.Wait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host's VMs with a fake engine and fake cgroups (no QEMU, no root): what a failed create gives
 * back, the retry of a port clash, and admission (a user's VM before the host's own work).
 */
class VmManagerTest {

    private static final String IMAGE = "qemu:agent-1.0:6.1.x86_64";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PORT_CLASH = "Could not set up host forwarding rule 'tcp:127.0.0.1:%d-:22'";

    @TempDir
    Path dir;
    private final FakeEngine engine = new FakeEngine();
    private final FakeCgroups cgroups = new FakeCgroups();
    private final ResourceLedger ledger = new ResourceLedger(new Capacity(2, 4L << 20, 16L << 20));
    private int firstPort;
    private VmManager vms;

    private VmManager start(boolean snapshots) throws IOException {
        writeImage(Files.createDirectories(dir.resolve("images")));
        ImageCatalog images = new ImageCatalog(dir.resolve("images"));
        images.rescan();
        firstPort = PortAllocatorTest.twoFreePortsInARow();
        PortAllocator ports = new PortAllocator(InetAddress.getLoopbackAddress(), firstPort, firstPort + 1);
        SnapshotStore store = snapshots ? new SnapshotStore(dir.resolve("snapshots"), "fake-1") : null;
        vms = new VmManager(Files.createDirectories(dir.resolve("vms")), Files.createDirectories(dir.resolve("run")),
                "127.0.0.1", images, Map.of(engine.name(), engine), cgroups, ledger, ports,
                HostSshKey.loadOrCreate(dir), new ImageSpeeds(dir.resolve("speeds.json")), store,
                new SimpleMeterRegistry(), new VmManager.Defaults(1, 128, 30));
        return vms;
    }

    @AfterEach
    void closeHost() {
        if (vms != null) {
            vms.close();
        }
    }

    @Test
    void aCreateThatFailsAfterItsPortsWereTakenGivesBackPortsRoomCgroupAndFiles() throws Exception {
        start(false);
        engine.failures.add(new IOException("cannot open disk"));
        IOException failed = assertThrows(IOException.class, () -> vms.create(vm("a", 1, false)));
        assertEquals("cannot open disk", failed.getMessage());
        assertEquals(1, engine.launches.size());
        assertEquals(List.of(), vms.list());
        assertEquals(Capacity.ZERO, ledger.held());
        assertEquals(cgroups.created, cgroups.removed);
        assertEquals(1, cgroups.created.size());
        assertNothingIn(dir.resolve("vms"));
        // both ports of the range are free again: two VMs get one each
        VmInfo b = vms.create(vm("b", 1, false));
        VmInfo c = vms.create(vm("c", 1, false));
        assertNotEquals(b.sshPort(), c.sshPort());
    }

    @Test
    void aCreateWhoseCgroupFailsGivesBackRoomAndFiles() throws Exception {
        start(false);
        cgroups.failNext = true;
        assertThrows(IOException.class, () -> vms.create(vm("a", 1, false)));
        assertEquals(List.of(), engine.launches);
        assertEquals(List.of(), vms.list());
        assertEquals(Capacity.ZERO, ledger.held());
        assertNothingIn(dir.resolve("vms"));
    }

    @Test
    void aPortClashAtLaunchRetriesWithOtherPorts() throws Exception {
        start(false);
        engine.portClashes = 1;
        VmInfo a = vms.create(vm("a", 1, false));
        assertEquals(2, engine.launches.size());
        int clashed = engine.launches.get(0).forwards().get(22);
        int got = engine.launches.get(1).forwards().get(22);
        assertNotEquals(clashed, got);
        assertEquals(Map.of(22, got), a.ports());
        assertEquals(VmState.BOOTING, a.state());
        // the clashed port went back: the next VM gets it
        assertEquals(clashed, vms.create(vm("b", 1, false)).sshPort());
    }

    @Test
    void portClashesAtEveryAttemptFailTheCreateAndGiveEverythingBack() throws Exception {
        start(false);
        engine.portClashes = 3;
        IOException failed = assertThrows(IOException.class, () -> vms.create(vm("a", 1, false)));
        assertTrue(failed.getMessage().contains("host forwarding"), failed.getMessage());
        assertEquals(3, engine.launches.size());
        assertEquals(Capacity.ZERO, ledger.held());
        assertEquals(cgroups.created, cgroups.removed);
        assertNothingIn(dir.resolve("vms"));
        vms.create(vm("b", 1, false));
        vms.create(vm("c", 1, false));
    }

    @Test
    void aFullHostRefusesAUsersVmAndNothingYieldsForIt() throws Exception {
        start(false);
        VmInfo warm = vms.create(vm("warm", 1, true));
        awaitState(warm.id(), VmState.WARM);
        VmInfo user = vms.create(vm("user", 1, false));
        assertThrows(InsufficientResourcesException.class, () -> vms.create(vm("big", 2, false)));
        assertEquals(List.of(warm.id(), user.id()), vms.list().stream().map(VmInfo::id).toList());
        assertEquals(VmState.WARM, vms.get(warm.id()).state());
        assertEquals(new Capacity(2, 2 * 128 * 1024L, 2 * 64 * 1024L), ledger.held());
        assertEquals(2, cgroups.created.size());
    }

    @Test
    void aWarmVmYieldsItsRoomToAUsersVm() throws Exception {
        start(false);
        VmInfo warm = vms.create(vm("warm", 1, true));
        awaitState(warm.id(), VmState.WARM);
        FakeProcess warmProcess = engine.processes.get(0);
        VmInfo user = vms.create(vm("user", 2, false));
        assertEquals(VmState.BOOTING, user.state());
        assertEquals(new Capacity(2, 128 * 1024L, 64 * 1024L), ledger.held());
        Wait.until("the warm VM deleted", WAIT, () -> vms.list().stream().map(VmInfo::id).toList()
                .equals(List.of(user.id())));
        assertTrue(warmProcess.onExit().isDone());
        assertTrue(cgroups.removed.contains(warm.id()));
        assertFalse(Files.exists(dir.resolve("vms").resolve(warm.id())));
    }

    @Test
    void aSnapshotBuildYieldsItsRoomToAUsersVm() throws Exception {
        start(true);
        vms.prepareSnapshots();
        FakeProcess building = engine.awaitProcess(WAIT);
        assertEquals(SnapshotRole.Mode.PREPARE, engine.launches.get(0).snapshot().mode());
        assertEquals(new Capacity(1, 128 * 1024L, 64 * 1024L), ledger.held());
        VmInfo user = vms.create(vm("user", 2, false));
        Wait.until("the build's VM ended", WAIT, building.onExit()::isDone);
        assertEquals(new Capacity(2, 128 * 1024L, 64 * 1024L), ledger.held());
        String buildId = engine.launches.get(0).vmId();
        Wait.until("the build's cgroup removed", WAIT, () -> cgroups.removed.contains(buildId));
        assertEquals(List.of(user.id()), vms.list().stream().map(VmInfo::id).toList());
        assertEquals(new Capacity(2, 128 * 1024L, 64 * 1024L), ledger.held());
    }

    private void awaitState(String id, VmState state) throws Exception {
        Wait.until(id + " " + state, WAIT, () -> vms.get(id).state() == state);
    }

    private static VmCreateRequest vm(String name, int cpu, boolean warm) {
        return new VmCreateRequest(name, IMAGE, cpu, null, null, null, null, null, warm);
    }

    private static void assertNothingIn(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            assertEquals(List.of(), files.toList());
        }
    }

    /** An image with TT's agent (so its VMs can be kept warm and get snapshots) of a 64 MiB disk. */
    private static void writeImage(Path root) throws IOException {
        Path image = Files.createDirectories(root.resolve(IMAGE));
        Files.writeString(image.resolve("vmlinuz"), "kernel");
        ByteBuffer header = ByteBuffer.allocate(64).putInt(0x514649fb).putInt(3);
        header.putLong(24, 64L << 20);
        Files.write(image.resolve("disk.qcow2"), header.array());
        Files.writeString(image.resolve("image.json"), """
                {"name":"agent","arch":"x86_64","kernel":"vmlinuz","disk":"disk.qcow2","sshUser":"root",
                 "minMemMib":64,"agent":"tt"}
                """);
    }

    /**
     * Starts fake VM processes; the next {@code portClashes} starts fail as QEMU does when a forward's
     * port is taken, and then one start for each queued failure. A VM
     * that waits for its identity (warm) gets an agent that answers it is ready; one booted for a
     * snapshot gets an agent that never answers, so its build runs until it is ended.
     */
    private static final class FakeEngine implements Engine {

        final Deque<IOException> failures = new ArrayDeque<>();
        int portClashes;
        final List<VmLaunch> launches = Collections.synchronizedList(new ArrayList<>());
        final List<FakeProcess> processes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "qemu";
        }

        @Override
        public void createOverlay(Path backingDisk, Path overlay, long sizeBytes) throws IOException {
            Files.writeString(overlay, "overlay of " + backingDisk);
        }

        @Override
        public synchronized VmProcess start(VmLaunch launch) throws IOException {
            launches.add(launch);
            if (portClashes > 0) {
                portClashes--;
                throw new IOException(PORT_CLASH.formatted(launch.forwards().get(22)));
            }
            if (!failures.isEmpty()) {
                throw failures.poll();
            }
            boolean forSnapshot = launch.snapshot() != null && launch.snapshot().mode() == SnapshotRole.Mode.PREPARE;
            FakeProcess process = new FakeProcess(launch.agentSocket(), !forSnapshot);
            processes.add(process);
            notifyAll();
            return process;
        }

        synchronized FakeProcess awaitProcess(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (processes.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(this, deadline - System.nanoTime());
            }
            assertFalse(processes.isEmpty(), "no VM process started");
            return processes.get(0);
        }

        @Override
        public String accelFor(Image image) {
            return "tcg";
        }

        @Override
        public String accelSummary() {
            return "x86_64=tcg";
        }
    }

    /** A VM process: its guest's agent, if it has one, on a UNIX socket; killing it closes the agent. */
    private static final class FakeProcess implements VmProcess {

        private final CompletableFuture<Void> exit = new CompletableFuture<>();
        private final ServerSocketChannel agent;

        FakeProcess(Path agentSocket, boolean agentAnswers) throws IOException {
            agent = agentSocket == null ? null : ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                    .bind(UnixDomainSocketAddress.of(agentSocket));
            if (agent != null) {
                Thread t = new Thread(() -> serveAgent(agentAnswers), "fake-agent");
                t.setDaemon(true);
                t.start();
            }
        }

        private void serveAgent(boolean answers) {
            try (SocketChannel host = agent.accept()) {
                ByteBuffer ping = ByteBuffer.allocate("PING\n".length());
                while (ping.hasRemaining() && host.read(ping) >= 0) {
                    // reads the host's PING
                }
                if (answers) {
                    host.write(ByteBuffer.wrap("TT-AGENT READY\n".getBytes(StandardCharsets.US_ASCII)));
                }
                exit.join();
            } catch (IOException closed) {
                // the process was killed
            }
        }

        @Override
        public long pid() {
            return 1;
        }

        @Override
        public CompletableFuture<Void> onExit() {
            return exit;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void saveSnapshot(Path state) throws IOException {
            throw new IOException("the fake engine saves no snapshots");
        }

        @Override
        public int unansweredConnections(int guestPort) {
            return 0;
        }

        @Override
        public void kill() {
            exit.complete(null);
            if (agent != null) {
                try {
                    agent.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Cgroups that are only names: which were created and which removed. */
    private static final class FakeCgroups implements Cgroups {

        final Set<String> created = ConcurrentHashMap.newKeySet();
        final Set<String> removed = ConcurrentHashMap.newKeySet();
        volatile boolean failNext;

        @Override
        public VmCgroup create(String vmId, int cpus, long memBytes) throws IOException {
            if (failNext) {
                failNext = false;
                throw new IOException("cgroup " + vmId + " not made");
            }
            created.add(vmId);
            return new VmCgroup() {
                @Override
                public List<Path> procsFiles() {
                    return List.of();
                }

                @Override
                public void remove() {
                    removed.add(vmId);
                }
            };
        }

        @Override
        public void removeAll() {
        }

        @Override
        public String describe() {
            return "fake cgroups";
        }
    }
}
