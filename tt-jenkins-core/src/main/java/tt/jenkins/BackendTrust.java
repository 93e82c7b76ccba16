package tt.jenkins;

import tt.api.HostStatus;
import tt.api.PoolStatus;
import tt.client.BackendClient;
import tt.client.ServerCertificate;
import tt.client.ServerTrust;
import tt.client.UntrustedServerException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.URI;

/**
 * How the cloud trusts its tt-backend: an https:// backend by the fingerprint of its certificate
 * (the one tt-backend makes and logs at start), or, with no fingerprint, by the certificate
 * authorities of the controller's Java (for a backend given a CA-signed certificate).
 */
public final class BackendTrust {

    private BackendTrust() {
    }

    /** The client of the backend at {@code url}, pinned to {@code fingerprint} when one is given. */
    public static BackendClient client(String url, String token, String fingerprint) {
        URI uri = URI.create(url);
        return new BackendClient(uri, token, fingerprint == null || "http".equals(uri.getScheme()) ? null
                : ServerTrust.pinned(fingerprint));
    }

    /**
     * Test connection: the backend's status, and its ENVs, which only a token it accepts may list;
     * returns what the pool has, in one line.
     */
    public static String testConnection(BackendClient client) throws IOException {
        PoolStatus status = client.status();
        long online = status.hosts().stream().filter(HostStatus::online).count();
        client.envs();
        return "Connected to TT " + status.version() + ": " + online + " of " + status.hosts().size()
                + " hosts online, images: " + String.join(", ", status.images());
    }

    /**
     * Why the backend could not be used, for Test connection: for a certificate problem, the
     * fingerprint the backend presents and where to enter it.
     */
    public static String explain(String url, String fingerprint, IOException failure) {
        if (failure instanceof UntrustedServerException wrong) {
            return "The backend presents the certificate " + wrong.seen() + ", not " + fingerprint + " as entered under"
                    + " 'Server certificate fingerprint'. If the backend made a new certificate (a new data folder),"
                    + " enter the new fingerprint it logged at start; otherwise something stands between Jenkins and"
                    + " the backend.";
        }
        URI uri = URI.create(url);
        if (fingerprint == null && "https".equals(uri.getScheme()) && causedBy(failure, SSLException.class)) {
            try {
                return "The backend's certificate is not signed by an authority this Java trusts; it presents the"
                        + " certificate " + ServerCertificate.fingerprint(uri) + ". If that is the fingerprint"
                        + " tt-backend logged at start (also in DATA_DIR/tls/fingerprint on its machine), enter it"
                        + " under 'Server certificate fingerprint'.";
            } catch (IOException unreadable) {
                return "Cannot use the TT backend: " + failure.getMessage() + " (and its certificate cannot be read: "
                        + unreadable.getMessage() + ")";
            }
        }
        return "Cannot use the TT backend: " + failure.getMessage();
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
