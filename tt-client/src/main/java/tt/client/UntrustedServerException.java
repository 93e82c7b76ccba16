package tt.client;

import java.io.IOException;
import java.net.URI;

/**
 * The server presented a certificate other than the one pinned for it: either it was made anew
 * (a new state folder, a new certificate given), or something stands between client and server.
 */
public final class UntrustedServerException extends IOException {

    private final String seen;

    UntrustedServerException(URI server, String seen, String expected, Throwable cause) {
        super("the server at " + server + " presented the certificate " + seen + ", not the pinned " + expected
                + ": if its certificate was made anew on purpose, pin the new one (its daemon logs it at start);"
                + " otherwise something may stand between you and the server, so do not go on", cause);
        this.seen = seen;
    }

    /** The fingerprint of the certificate the server presented. */
    public String seen() {
        return seen;
    }
}
