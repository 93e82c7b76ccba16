package tt.host.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A running VM process and its control channel. */
public interface VmProcess {

    long pid();

    /** Completes when the process has exited (the guest powered off, crashed or was killed). */
    CompletableFuture<Void> onExit();

    /** Halts the vCPUs; memory and disk stay. */
    void pause() throws IOException;

    void resume() throws IOException;

    /**
     * Halts the guest and writes its device state to {@code state} (its RAM stays in the file it
     * was started with, see {@link SnapshotRole}); the process ends after. For a VM started with
     * {@link SnapshotRole.Mode#PREPARE}.
     */
    void saveSnapshot(Path state) throws IOException;

    /**
     * How many connections forwarded to {@code guestPort} the guest has not answered yet: their
     * first packet was lost (the guest's network was not up) and waits for a retransmission, which
     * QEMU's user networking makes some 6 s later.
     */
    int unansweredConnections(int guestPort) throws IOException;

    /** Kills the process and waits until it is gone. */
    void kill();
}
