package tt.client;

import java.io.IOException;

/** A TT server answered with an error status; the message is the server's own explanation. */
public final class ApiException extends IOException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /**
     * The server refused the token: 401, or 429, which TT servers answer only to an address's failed
     * logins once they are too many (the message still says why the token was refused).
     */
    public boolean tokenRefused() {
        return status == 401 || status == 429;
    }
}
