package tt.server;

/** A request past the caller's token's quota (403); the message names the limit. */
public final class QuotaException extends RuntimeException {
    public QuotaException(String message) {
        super(message);
    }
}
