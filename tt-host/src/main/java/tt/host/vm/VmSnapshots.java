package tt.host.vm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Capacity;
import tt.local.FileTrees;
import tt.host.cgroup.Cgroups;
import tt.host.engine.Engine;
import tt.host.engine.SnapshotRole;
import tt.host.engine.VmLaunch;
import tt.host.engine.VmProcess;
import tt.host.image.Image;
import tt.host.snapshot.SnapshotStore;
import tt.server.InsufficientResourcesException;
import tt.local.DaemonThreads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Snapshots for this host's VMs: which one a new VM starts from, and building them. A snapshot of
 * an image and size is built in the background, one at a time, after the first cold boot of that
 * image and size (and at start for the default size): a VM boots the image until its guest's agent
 * waits for an identity, then its state is saved and the VM ends. Only images whose guest has TT's
 * agent ({@code "agent": "tt"} in image.json) get snapshots; x86_64 only, where a VM generation id
 * makes every clone's kernel reseed its random number generator.
 */
final class VmSnapshots implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VmSnapshots.class);
    static final String AGENT_TT = "tt";

    /** What building a snapshot needs from the host. */
    record Host(Map<String, Engine> engines, Cgroups cgroups, ResourceLedger ledger, String address, Path runtimeDir,
                String hostPublicKey, Duration bootTimeout) {
    }

    private final SnapshotStore store;
    private final Host host;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ExecutorService builder = Executors.newSingleThreadExecutor(DaemonThreads.named("snapshot-build"));
    private final SecureRandom random = new SecureRandom();
    /**
     * A build under way: its room, its process once started, and whether a user's VM took its
     * room (then the build ends at once; see {@link ResourceLedger}).
     */
    private static final class Building {
        volatile ResourceLedger.Hold hold;
        volatile VmProcess process;
        volatile boolean yielded;

        void endForAUsersVm() {
            yielded = true;
            VmProcess p = process;
            if (p != null) {
                p.kill();
            }
        }
    }

    /** @param store null when snapshots are off: every VM boots cold */
    VmSnapshots(SnapshotStore store, Host host) {
        this.store = store;
        this.host = host;
    }

    static boolean supports(Image image) {
        return AGENT_TT.equals(image.manifest().agent()) && "x86_64".equals(image.manifest().arch())
                && image.kernel() != null;
    }

    static SnapshotStore.Size sizeOf(Vm vm) {
        return new SnapshotStore.Size(vm.cpu, vm.memMib, vm.diskMib);
    }

    /** The snapshot a new VM of this image and size starts from, if there is one. */
    Optional<SnapshotStore.Snapshot> find(Vm vm) {
        return store == null || !supports(vm.image) ? Optional.empty() : store.find(vm.image, sizeOf(vm));
    }

    /** A snapshot that failed to restore is removed, so that it is built again. */
    void forget(SnapshotStore.Snapshot snapshot) {
        store.forget(snapshot.dir());
    }

    /** After a cold boot: the image and size get a snapshot, in the background, if they have none. */
    void buildLater(Vm vm) {
        buildLater(vm.image, sizeOf(vm));
    }

    void buildLater(Image image, SnapshotStore.Size size) {
        if (store == null || !supports(image) || store.find(image, size).isPresent()) {
            return;
        }
        String what = image.name() + " " + size;
        if (queued.add(what)) {
            LOG.info("snapshot of {} ({}): queued", image.name(), size);
            builder.submit(() -> {
                try {
                    build(image, size);
                } finally {
                    queued.remove(what);
                }
            });
        }
    }

    private void build(Image image, SnapshotStore.Size size) {
        Capacity share = new Capacity(size.cpu(), size.memMib() * 1024L, size.diskMib() * 1024L);
        Building me = new Building();
        try {
            me.hold = host.ledger().reserveHostWork(share, me::endForAUsersVm);
        } catch (InsufficientResourcesException full) {
            LOG.info("snapshot of {} ({}) not built now: the host is full; the next cold boot tries again",
                    image.name(), size);
            return;
        }
        String id = "snap-" + HexFormat.of().formatHex(random.generateSeed(4));
        Path dir = null;
        Cgroups.VmCgroup cgroup = null;
        VmProcess process = null;
        Path control = host.runtimeDir().resolve(id + ".qmp");
        Path agentSocket = host.runtimeDir().resolve(id + ".agent");
        long t0 = System.nanoTime();
        try {
            dir = store.startBuilding(image, size);
            Engine engine = host.engines().get(image.name().engine());
            Path overlay = dir.resolve("disk.qcow2");
            engine.createOverlay(image.disk(), overlay, size.diskMib() * 1024L * 1024L);
            Path keys = dir.resolve("authorized_keys");
            Files.writeString(keys, host.hostPublicKey() + "\n", StandardCharsets.US_ASCII);
            Path seed = image.manifest().nocloudSeed()
                    ? NoCloudSeed.write(dir, id, "tt-snapshot", List.of(host.hostPublicKey())) : null;
            cgroup = host.cgroups().create(id, size.cpu(), size.memMib() * 1024L * 1024L + VmLauncher.QEMU_OVERHEAD_BYTES);
            process = engine.start(new VmLaunch(id, "tt-snapshot", image, size.cpu(), size.memMib(), dir, control,
                    overlay, host.address(), Map.of(), keys, seed, cgroup.procsFiles(),
                    new SnapshotRole(SnapshotRole.Mode.PREPARE, dir.resolve("ram"), null), agentSocket));
            me.process = process;
            if (me.yielded) {
                throw new IOException("a VM needed its room");
            }
            LOG.info("snapshot {} of {} ({}): building", id, image.name(), size);
            try (GuestAgent agent = GuestAgent.connect(agentSocket)) {
                agent.awaitReady(host.bootTimeout());
            }
            long bootMillis = (System.nanoTime() - t0) / 1_000_000;
            process.saveSnapshot(dir.resolve("state"));
            process.onExit().get(30, TimeUnit.SECONDS);
            SnapshotStore.Snapshot made = store.finish(dir, image, size, bootMillis);
            LOG.info("snapshot {} of {} ({}) built: booted to its agent in {} ms, {} ms in all", made.dir().getFileName(),
                    image.name(), size, bootMillis, (System.nanoTime() - t0) / 1_000_000);
            dir = null;
        } catch (InterruptedException e) {
            LOG.info("snapshot of {} ({}) not built: the host is stopping", image.name(), size);
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (me.yielded) {
                LOG.info("snapshot of {} ({}) not built: a VM needed its room; the next cold boot tries again",
                        image.name(), size);
            } else {
                LOG.warn("snapshot of {} ({}) not built: {}; its VMs boot cold", image.name(), size,
                        e.getMessage() != null ? e.getMessage() : e.toString());
            }
        } finally {
            if (process != null) {
                process.kill();
            }
            try {
                if (cgroup != null) {
                    cgroup.remove();
                }
                if (dir != null) {
                    FileTrees.delete(dir);
                }
                Files.deleteIfExists(control);
                Files.deleteIfExists(agentSocket);
            } catch (IOException e) {
                LOG.warn("cleaning up after the snapshot build {}: {}", id, e.getMessage());
            }
            me.hold.release();
        }
    }

    @Override
    public void close() {
        builder.shutdownNow();
        try {
            builder.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
