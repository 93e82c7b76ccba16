package tt.server;

/** The request clashes with the current state (a name in use, a VM not ready). */
public final class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message);
    }
}
