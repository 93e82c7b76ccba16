package tt.server;

/** A token that is known but may not be used (it expired), with why: the caller is told. */
public final class TokenRefusedException extends RuntimeException {
    public TokenRefusedException(String message) {
        super(message);
    }
}
