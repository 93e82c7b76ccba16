package tt.client;

import tt.api.CertFingerprint;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * How a client trusts an HTTPS server: by the fingerprint of the one certificate it expects (pinned,
 * as SSH pins host keys: TT's daemons make their own certificates), or, with no fingerprint, by the
 * Java's certificate authorities and the server's name. Optionally presents a client certificate
 * (a tt-backend does, to the hosts it joined).
 */
public final class ServerTrust {

    private final String fingerprint;
    private final KeyManager[] identity;
    private SSLSocketFactory sockets;

    private ServerTrust(String fingerprint, KeyManager[] identity) {
        this.fingerprint = fingerprint;
        this.identity = identity;
    }

    /** Trusts exactly the certificate with this fingerprint. */
    public static ServerTrust pinned(String fingerprint) {
        return new ServerTrust(CertFingerprint.parse(fingerprint), null);
    }

    /** Trusts what the Java's certificate authorities vouch for, for the server's name. */
    public static ServerTrust certificateAuthorities() {
        return new ServerTrust(null, null);
    }

    /** The same trust, presenting the client certificate of {@code identity}. */
    public ServerTrust presenting(KeyManager[] clientIdentity) {
        return new ServerTrust(fingerprint, clientIdentity);
    }

    /** The pinned fingerprint, or null when the certificate authorities decide. */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Opens a connection to {@code uri} that trusts the server this way (for callers that speak HTTP
     * themselves, e.g. a metrics scrape).
     */
    public HttpURLConnection open(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        if (c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(socketFactory());
            if (fingerprint != null) {
                https.setHostnameVerifier((name, session) -> true); // the certificate itself is pinned
            }
        }
        return c;
    }

    /** One factory per trust, so that connections are kept alive and reused. */
    private synchronized SSLSocketFactory socketFactory() {
        if (sockets == null) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(identity, fingerprint == null ? null : new TrustManager[] {new PinnedCertificate(fingerprint)}, null);
                sockets = context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java cannot make a TLS context: " + e.getMessage(), e);
            }
        }
        return sockets;
    }

    /** The server's certificate was not the one pinned: says which one it was. */
    static final class WrongCertificateException extends CertificateException {
        final String seen;

        WrongCertificateException(String seen, String expected) {
            super("the server's certificate is " + seen + ", not the pinned " + expected);
            this.seen = seen;
        }
    }

    /** Accepts the one certificate whose fingerprint is pinned; the name in it does not matter. */
    private static final class PinnedCertificate extends ServerCertificateCheck {
        private final String expected;

        PinnedCertificate(String expected) {
            this.expected = expected;
        }

        @Override
        void check(X509Certificate certificate) throws CertificateException {
            String seen = CertFingerprint.of(certificate);
            if (!seen.equals(expected)) {
                throw new WrongCertificateException(seen, expected);
            }
        }
    }
}
