package tt.backend.env;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RevertStackTest {

    private final List<String> undone = new ArrayList<>();

    @Test
    void aFailureUndoesTheStepsThatSucceededNewestFirst() {
        IllegalStateException failure = new IllegalStateException("step 3 failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (RevertStack revert = new RevertStack()) {
                revert.push(() -> undone.add("step 1"));
                revert.push(() -> undone.add("step 2"));
                throw failure;
            }
        });
        assertSame(failure, thrown);
        assertEquals(List.of("step 2", "step 1"), undone);
        assertEquals(0, thrown.getSuppressed().length, "undos that succeed add nothing to the failure");
    }

    @Test
    void disarmedOnSuccessItUndoesNothing() {
        try (RevertStack revert = new RevertStack()) {
            revert.push(() -> undone.add("step 1"));
            revert.push(() -> undone.add("step 2"));
            revert.disarm();
        }
        assertEquals(List.of(), undone);
    }

    @Test
    void closedWithoutDisarmingItUndoesEvenWithoutAFailure() {
        try (RevertStack revert = new RevertStack()) {
            revert.push(() -> undone.add("step 1"));
        }
        assertEquals(List.of("step 1"), undone);
    }

    @Test
    void undosThatThrowStopNoOtherUndoAndTheirExceptionsAreKeptInTheFailure() {
        IllegalStateException failure = new IllegalStateException("step 4 failed");
        RuntimeException undo3 = new RuntimeException("undo 3 failed");
        RuntimeException undo1 = new RuntimeException("undo 1 failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
            try (RevertStack revert = new RevertStack()) {
                revert.push(() -> {
                    undone.add("step 1");
                    throw undo1;
                });
                revert.push(() -> undone.add("step 2"));
                revert.push(() -> {
                    undone.add("step 3");
                    throw undo3;
                });
                throw failure;
            }
        });
        assertSame(failure, thrown);
        assertEquals(List.of("step 3", "step 2", "step 1"), undone);
        assertArrayEquals(new Throwable[] {undo3}, thrown.getSuppressed());
        assertArrayEquals(new Throwable[] {undo1}, undo3.getSuppressed());
    }

    @Test
    void anUndoThatThrowsWithoutAFailureIsThrownAfterTheOtherUndos() {
        RuntimeException undo2 = new RuntimeException("undo 2 failed");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> {
            try (RevertStack revert = new RevertStack()) {
                revert.push(() -> undone.add("step 1"));
                revert.push(() -> {
                    throw undo2;
                });
            }
        });
        assertSame(undo2, thrown);
        assertEquals(List.of("step 1"), undone);
    }
}
