package tt.local;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RevertTest {

    @Test
    void aFailedOperationUndoesItsStepsNewestFirst() {
        List<String> undone = new ArrayList<>();
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> {
            try (Revert revert = new Revert()) {
                revert.add(() -> undone.add("dir"));
                revert.add(() -> undone.add("cgroup"));
                revert.add(() -> undone.add("ports"));
                throw new IllegalStateException("the process did not start");
            }
        });
        assertEquals("the process did not start", failure.getMessage());
        assertEquals(List.of("ports", "cgroup", "dir"), undone);
        assertEquals(0, failure.getSuppressed().length);
    }

    @Test
    void anUndoThatThrowsDoesNotStopTheOthersAndIsKeptAsSuppressed() {
        List<String> undone = new ArrayList<>();
        IOException cgroupStuck = new IOException("cgroup busy");
        IllegalStateException portsStuck = new IllegalStateException("ports busy");
        IOException failure = assertThrows(IOException.class, () -> {
            try (Revert revert = new Revert()) {
                revert.add(() -> undone.add("dir"));
                revert.add(() -> {
                    throw cgroupStuck;
                });
                revert.add(() -> {
                    throw portsStuck;
                });
                revert.add(() -> undone.add("process"));
                throw new IOException("the guest did not boot");
            }
        });
        assertEquals("the guest did not boot", failure.getMessage());
        assertEquals(List.of("process", "dir"), undone);
        assertEquals(1, failure.getSuppressed().length);
        Throwable undoFailed = failure.getSuppressed()[0];
        assertEquals(Revert.UndoFailedException.class, undoFailed.getClass());
        assertEquals(2, undoFailed.getSuppressed().length);
        assertSame(portsStuck, undoFailed.getSuppressed()[0]);
        assertSame(cgroupStuck, undoFailed.getSuppressed()[1]);
    }

    @Test
    void aDisarmedRevertUndoesNothing() {
        List<String> undone = new ArrayList<>();
        try (Revert revert = new Revert()) {
            revert.add(() -> undone.add("dir"));
            revert.add(() -> undone.add("cgroup"));
            revert.disarm();
        }
        assertEquals(List.of(), undone);
    }

    @Test
    void anOperationThatEndsWithoutDisarmingIsUndone() {
        List<String> undone = new ArrayList<>();
        try (Revert revert = new Revert()) {
            revert.add(() -> undone.add("dir"));
        }
        assertEquals(List.of("dir"), undone);
    }
}
