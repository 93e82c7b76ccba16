package tt.client;

import tt.api.CertFingerprint;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * Reads the certificate an HTTPS server presents, without trusting it or sending it anything: what a
 * client shows its user to confirm before pinning it (trust on first use, as SSH does).
 */
public final class ServerCertificate {

    private static final int TIMEOUT_MS = 5_000;

    private ServerCertificate() {
    }

    /** The fingerprint of the certificate the server at {@code base} (https://ADDR:PORT) presents. */
    public static String fingerprint(URI base) throws IOException {
        Recorder recorder = new Recorder();
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {recorder}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java cannot make a TLS context: " + e.getMessage(), e);
        }
        int port = base.getPort() < 0 ? 443 : base.getPort();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(base.getHost(), port), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, base.getHost(), port, false)) {
                tls.startHandshake();
            }
        } catch (SSLException e) {
            if (recorder.seen != null) {
                return recorder.seen;
            }
            throw new IOException(base + " does not answer TLS (" + e.getMessage() + "): if it is a server started"
                    + " with --insecure-http, address it as http://ADDR:PORT", e);
        } catch (SocketTimeoutException e) {
            throw new IOException(base + " does not answer TLS within " + TIMEOUT_MS / 1000 + " s: if it is a server"
                    + " started with --insecure-http, address it as http://ADDR:PORT; otherwise it may be overloaded", e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + base + ": " + e.getMessage() + " (is the server running? check"
                    + " the address)", e);
        }
        if (recorder.seen == null) {
            throw new IOException(base + " presented no certificate");
        }
        return recorder.seen;
    }

    /** Notes the server's certificate and accepts it for this one look. */
    private static final class Recorder extends ServerCertificateCheck {
        private String seen;

        @Override
        void check(X509Certificate certificate) {
            seen = CertFingerprint.of(certificate);
        }
    }
}
