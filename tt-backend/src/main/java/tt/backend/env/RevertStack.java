package tt.backend.env;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Undoes a change of several steps that fails part way: each step that succeeded pushes its undo;
 * closing runs the undos newest first, unless the change was disarmed once it all succeeded. Used as
 * {@code try (RevertStack revert = new RevertStack()) { step(); revert.push(this::unstep); ...; revert.disarm(); }}.
 * An undo that throws does not stop the others; closing then throws the first undo's exception
 * with the later ones suppressed in it, and try-with-resources keeps that as suppressed in the
 * failure that started the undoing.
 */
final class RevertStack implements AutoCloseable {

    private final Deque<Runnable> undos = new ArrayDeque<>();

    /** Registers the undo of a step that has just succeeded. */
    void push(Runnable undo) {
        undos.push(undo);
    }

    /** The change succeeded: closing undoes none of the steps pushed so far. */
    void disarm() {
        undos.clear();
    }

    @Override
    public void close() {
        RuntimeException failed = null;
        while (!undos.isEmpty()) {
            try {
                undos.pop().run();
            } catch (RuntimeException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
