package tt.server;

import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.util.Globals;
import tt.api.CertFingerprint;

import java.security.cert.X509Certificate;
import java.util.Optional;

/** The client certificate a caller presented over HTTPS (see {@link ServerTls#asksClientCertificate()}). */
public final class ClientCertificates {

    private ClientCertificates() {
    }

    /** The fingerprint of the caller's certificate, if it presented one. */
    public static Optional<String> fingerprint(Request request) {
        if (request == null || !request.isSecure()) {
            return Optional.empty();
        }
        return request.getAttribute(Globals.CERTIFICATES_ATTR) instanceof X509Certificate[] chain && chain.length > 0
                ? Optional.of(CertFingerprint.of(chain[0])) : Optional.empty();
    }
}
