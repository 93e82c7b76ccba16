package tt.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tt.api.CertFingerprint;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trusting an HTTPS server by its pinned certificate, against a real HTTPS server with a certificate of its own. */
class ServerTrustTest {

    private static TestIdentity server;
    private static TestIdentity other;
    private static TestIdentity client;
    private HttpsServer https;
    private URI base;
    /** Each request the server got: its token and the fingerprint of the client's certificate, or "none". */
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void identities() throws Exception {
        server = TestIdentity.make("tt-host of another machine");
        other = TestIdentity.make("another server");
        client = TestIdentity.make("tt-backend");
    }

    @AfterEach
    void stop() {
        if (https != null) {
            https.stop(0);
        }
    }

    /** Serves {@code {}} presenting {@link #server}'s certificate; {@code askedClient}: asks for that client's. */
    private void serve(TestIdentity askedClient) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(server.keyManagers(), askedClient == null ? null : trusting(askedClient.certificate()), null);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters asked = context.getDefaultSSLParameters();
                asked.setNeedClientAuth(askedClient != null);
                params.setSSLParameters(asked);
            }
        });
        https.createContext("/", this::handle);
        https.start();
        base = URI.create("https://127.0.0.1:" + https.getAddress().getPort());
    }

    private static TrustManager[] trusting(X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("client", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String presented;
        try {
            presented = CertFingerprint.of((X509Certificate) ((HttpsExchange) exchange).getSSLSession()
                    .getPeerCertificates()[0]);
        } catch (SSLPeerUnverifiedException none) {
            presented = "none";
        }
        received.add(exchange.getRequestHeaders().getFirst("Authorization") + " " + presented);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Test
    void thePinnedCertificateIsTrustedThoughItNamesAnotherServer() throws Exception {
        serve(null);

        new HostClient(base, "t", ServerTrust.pinned(server.fingerprint())).send("POST", "/api/v1/vms", null);

        assertEquals(List.of("Bearer t none"), received);
    }

    @Test
    void aCertificateOtherThanThePinnedOneIsRefusedNamingBothBeforeTheTokenIsSent() throws Exception {
        serve(null);

        UntrustedServerException e = assertThrows(UntrustedServerException.class,
                () -> new HostClient(base, "t", ServerTrust.pinned(other.fingerprint())).send("POST", "/api/v1/vms", null));

        assertEquals(server.fingerprint(), e.seen());
        assertTrue(e.getMessage().startsWith("the server at " + base + " presented the certificate "
                + server.fingerprint() + ", not the pinned " + other.fingerprint()), e.getMessage());
        assertTrue(e.getMessage().contains("pin the new one"), e.getMessage());
        assertEquals(List.of(), received);
    }

    @Test
    void withoutAPinTheJavasAuthoritiesRefuseASelfMadeCertificate() throws Exception {
        serve(null);

        IOException e = assertThrows(IOException.class, () -> new HostClient(base, "t",
                ServerTrust.certificateAuthorities()).host());

        assertFalse(e instanceof UntrustedServerException, e.toString());
        assertTrue(e.getMessage().startsWith("no TLS with " + base), e.getMessage());
        assertEquals(List.of(), received);
    }

    @Test
    void theClientCertificateIsPresentedToAServerThatAsksForIt() throws Exception {
        serve(client);

        new HostClient(base, "t", ServerTrust.pinned(server.fingerprint()).presenting(client.keyManagers())).host();

        assertEquals(List.of("Bearer t " + client.fingerprint()), received);
        assertThrows(IOException.class, () -> new HostClient(base, "t", ServerTrust.pinned(server.fingerprint())).host());
        assertEquals(1, received.size());
    }

    @Test
    void theServersCertificateIsReadWithoutTrustingItOrSendingItARequest() throws Exception {
        serve(null);

        assertEquals(server.fingerprint(), ServerCertificate.fingerprint(base));
        assertEquals(List.of(), received);
    }

    @Test
    void aServerWithoutACertificateOrAClientAreNeverTrusted() {
        ServerCertificateCheck acceptsAny = new ServerCertificateCheck() {
            @Override
            void check(X509Certificate certificate) {
            }
        };
        CertificateException none = assertThrows(CertificateException.class,
                () -> acceptsAny.checkServerTrusted(new X509Certificate[0], "EC"));
        assertEquals("the server presented no certificate", none.getMessage());
        assertThrows(CertificateException.class,
                () -> acceptsAny.checkClientTrusted(new X509Certificate[] {client.certificate()}, "EC"));
    }
}
