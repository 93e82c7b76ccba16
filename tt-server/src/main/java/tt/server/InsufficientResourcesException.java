package tt.server;

/** A request the host cannot fit; the message names what is short. */
public final class InsufficientResourcesException extends RuntimeException {
    public InsufficientResourcesException(String message) {
        super(message);
    }
}
