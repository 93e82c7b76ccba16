package tt.host.vm;

import tt.api.Capacity;
import tt.api.GuestHostname;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.host.cgroup.Cgroups;
import tt.host.engine.VmProcess;
import tt.host.image.Image;
import tt.host.snapshot.SnapshotStore;
import tt.server.ConflictException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** One VM of this host: what it was asked for, what it holds, and where it is in its life. */
final class Vm {

    final String id;
    /** Its name (its guest's hostname is {@link #hostname()}); a warm VM gets its name when it is given its identity. */
    volatile String name;
    final Image image;
    final int cpu;
    final int memMib;
    final int diskMib;
    volatile Map<String, String> tags;
    final Path dir;
    final Instant createdAt = Instant.now();
    final String accel;
    Map<Integer, Integer> ports = Map.of();
    Cgroups.VmCgroup cgroup;
    /** Its room on the host; null until it is admitted. */
    volatile ResourceLedger.Hold hold;
    VmProcess process;
    /** The snapshot it was restored from; null for a cold boot. */
    volatile SnapshotStore.Snapshot restoredFrom;
    /** The keys it lets in: the users' and the host's own. */
    volatile List<String> keys = List.of();
    /** Whether its guest takes its identity from the agent (restored from a snapshot, or warm) and has yet to. */
    volatile boolean awaitsIdentity;
    /** Kept warm: it waits, booted, until it is given an identity. */
    volatile boolean keptWarm;
    private VmState state = VmState.BOOTING;
    private Instant readyAt;
    private String error;
    private boolean deleting;
    /**
     * Held while the VM is launched and while it is destroyed, so that a delete that comes during
     * its create waits for the launch and then ends what the launch started.
     */
    final Object lifecycle = new Object();
    private final CountDownLatch gone = new CountDownLatch(1);

    /** The hostname its guest gets: its name as an RFC 1123 hostname. */
    String hostname() {
        return GuestHostname.of(name);
    }

    Vm(String id, String name, Image image, int cpu, int memMib, int diskMib, Map<String, String> tags, Path dir,
       String accel) {
        this.id = id;
        this.name = name;
        this.image = image;
        this.cpu = cpu;
        this.memMib = memMib;
        this.diskMib = diskMib;
        this.tags = tags;
        this.dir = dir;
        this.accel = accel;
    }

    Capacity capacity() {
        return new Capacity(cpu, memMib * 1024L, diskMib * 1024L);
    }

    List<Integer> hostPorts() {
        return List.copyOf(ports.values());
    }

    synchronized VmState state() {
        return state;
    }

    /** Throws a conflict, naming {@code action}, unless the VM is in state {@code wanted}. */
    void requireState(VmState wanted, String action) {
        VmState now = state();
        if (now != wanted) {
            throw new ConflictException("cannot " + action + " VM " + id + ": it is " + now + ", must be " + wanted);
        }
    }

    synchronized boolean markReady() {
        if (state != VmState.BOOTING || deleting) {
            return false;
        }
        state = VmState.READY;
        readyAt = Instant.now();
        return true;
    }

    synchronized void markFailed(String why) {
        if (!deleting) {
            state = VmState.FAILED;
            error = why;
        }
    }

    /** Booted and waiting for an identity. */
    synchronized boolean markWarm() {
        if (state != VmState.BOOTING || deleting) {
            return false;
        }
        state = VmState.WARM;
        return true;
    }

    /** A warm VM given its identity boots on. */
    synchronized void markGivenIdentity() {
        state = VmState.BOOTING;
    }

    synchronized void markStopped() {
        state = VmState.STOPPED;
    }

    synchronized void markResumed() {
        state = VmState.READY;
    }

    /** Flags the VM as going away; false if it already was. */
    synchronized boolean beginDelete() {
        if (deleting) {
            return false;
        }
        deleting = true;
        return true;
    }

    /** Its process, cgroup, files, ports and room are given back. */
    void markGone() {
        gone.countDown();
    }

    /** Whether it is gone: nothing of it is left to give back. */
    boolean isGone() {
        return gone.getCount() == 0;
    }

    /** Waits until it is gone; false if it is not gone in time. */
    boolean awaitGone(Duration timeout) throws InterruptedException {
        return gone.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized boolean isDeleting() {
        return deleting;
    }

    synchronized VmInfo info(String address) {
        return new VmInfo(id, name, image.name().toString(), state, cpu, memMib, diskMib, address, ports, accel,
                createdAt, readyAt, error, tags, restoredFrom == null ? "cold" : "snapshot");
    }
}
