package tt.host.engine;

import java.nio.file.Path;

/**
 * The part a VM plays for a snapshot: started to make one, or from one. {@code PREPARE}: a boot
 * whose guest RAM lives in {@code ram} (shared, so the snapshot's state stream leaves it out) and
 * whose guest waits, before it takes any identity, for the host's agent. {@code RESTORE}: a VM
 * whose RAM is a private copy-on-write view of {@code ram} and whose devices are loaded from
 * {@code state}; its guest is then given its identity through the agent.
 */
public record SnapshotRole(Mode mode, Path ram, Path state) {

    public enum Mode {
        PREPARE, RESTORE
    }
}
