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
}
