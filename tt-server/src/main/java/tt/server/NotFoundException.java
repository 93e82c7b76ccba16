package tt.server;

/** A VM, image or other thing the caller named does not exist. */
public final class NotFoundException extends RuntimeException {
    public NotFoundException(String message) {
        super(message);
    }
}
