package tt.server;

import org.glassfish.grizzly.ssl.SSLEngineConfigurator;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * How a daemon serves HTTPS: with its {@link TlsIdentity}, and, for a tt-host, asking callers for a
 * client certificate, which it accepts at the TLS level whatever it is: the host then decides by the
 * certificate's fingerprint ({@link ClientCertificates}), so that a refusal says why in plain words.
 */
public record ServerTls(TlsIdentity identity, boolean asksClientCertificate) {

    SSLEngineConfigurator engines() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity.keyManagers(), asksClientCertificate ? new TrustManager[] {new AnyClient()} : null, null);
            return new SSLEngineConfigurator(context, false, false, asksClientCertificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java cannot make a TLS context: " + e.getMessage(), e);
        }
    }

    /** Takes any client certificate (the application checks it); trusts no server. */
    private static final class AnyClient extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server trusts no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a server trusts no servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a server trusts no servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
