package tt.local;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The undo of an operation of several steps that fails part way: each step that succeeded
 * registers its undo; unless the operation {@linkplain #disarm() disarms} the revert once every
 * step succeeded, closing it runs the undos, the newest first. Used with try-with-resources, so
 * that whatever ends the operation early (an exception, a return) gives back what it took.
 */
public final class Revert implements AutoCloseable {

    /** Undoes one step. */
    @FunctionalInterface
    public interface Undo {
        void run() throws Exception;
    }

    /** Thrown by {@link #close()} when undos failed; each failure is one of its suppressed exceptions. */
    public static final class UndoFailedException extends RuntimeException {
        UndoFailedException() {
            super("undoing the steps of a failed operation failed");
        }
    }

    private final Deque<Undo> undos = new ArrayDeque<>();
    private boolean disarmed;

    /** Registers the undo of a step that succeeded. */
    public void add(Undo undo) {
        undos.push(undo);
    }

    /** Every step succeeded: closing runs no undo. */
    public void disarm() {
        disarmed = true;
    }

    /**
     * Unless disarmed, runs the undos, the newest first. An undo that throws does not stop the
     * others; if any threw, an {@link UndoFailedException} holding their exceptions as suppressed
     * ones is thrown (try-with-resources keeps it as suppressed on the operation's own failure).
     */
    @Override
    public void close() {
        if (disarmed) {
            return;
        }
        UndoFailedException failed = null;
        while (!undos.isEmpty()) {
            try {
                undos.pop().run();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new UndoFailedException();
                }
                failed.addSuppressed(e);
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
