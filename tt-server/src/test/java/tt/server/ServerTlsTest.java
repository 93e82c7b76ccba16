package tt.server;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.glassfish.grizzly.http.server.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.HostInfo;
import tt.client.HostClient;
import tt.client.ServerCertificate;
import tt.client.ServerTrust;
import tt.client.UntrustedServerException;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerTlsTest {

    @TempDir
    static java.nio.file.Path dir;
    private static TlsIdentity server;
    private static TlsIdentity client;
    private ApiServer api;

    /** Answers with the fingerprint of the caller's client certificate, as a host's id. */
    @Path("/api/v1/host")
    public static final class Caller {
        @Inject
        private Provider<Request> request;

        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public HostInfo host() {
            return new HostInfo(ClientCertificates.fingerprint(request.get()).orElse("none"), null, null, 0, null, null,
                    null, 0, List.of());
        }
    }

    @BeforeAll
    static void identities() throws IOException {
        server = TlsIdentity.keptIn(dir.resolve("server"), "server", List.of("127.0.0.1", "localhost"));
        client = TlsIdentity.keptIn(dir.resolve("client"), "client", List.of("client"));
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
    }

    private URI serve(boolean asksClientCertificate) throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        api = ApiServer.start("127.0.0.1", port, new ServerTls(server, asksClientCertificate), Authenticator.single("t"),
                new Caller());
        return URI.create("https://127.0.0.1:" + port);
    }

    @Test
    void anIdentityIsMadeOnceAndKeptWithItsFingerprintAndAPrivateKey() throws Exception {
        TlsIdentity again = TlsIdentity.keptIn(dir.resolve("server"), "server", List.of());
        assertEquals(server.fingerprint(), again.fingerprint());
        assertEquals(server.fingerprint() + "\n", Files.readString(dir.resolve("server/fingerprint")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("server/key.pem"))));
        assertNotEquals(server.fingerprint(), client.fingerprint());
        assertTrue(server.certificate().getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals("127.0.0.1")));
    }

    @Test
    void aPinnedClientReachesTheServerAndTheServerSeesItsClientCertificate() throws IOException {
        URI base = serve(true);

        assertEquals(server.fingerprint(), ServerCertificate.fingerprint(base));
        HostClient withCertificate = new HostClient(base, "t",
                ServerTrust.pinned(server.fingerprint()).presenting(client.keyManagers()));
        assertEquals(client.fingerprint(), withCertificate.host().hostId());
        assertEquals("none", new HostClient(base, "t", ServerTrust.pinned(server.fingerprint())).host().hostId());
    }

    @Test
    void aServerWithAnotherCertificateIsRefusedNamingWhatItPresented() throws IOException {
        URI base = serve(false);

        UntrustedServerException e = assertThrows(UntrustedServerException.class,
                () -> new HostClient(base, "t", ServerTrust.pinned(client.fingerprint())).host());
        assertEquals(server.fingerprint(), e.seen());
        assertTrue(e.getMessage().contains("not the pinned " + client.fingerprint()), e.getMessage());
        IOException byAuthorities = assertThrows(IOException.class, () -> new HostClient(base, "t").host());
        assertTrue(byAuthorities.getMessage().startsWith("no TLS with " + base), byAuthorities.getMessage());
    }

    @Test
    void plainHttpToATlsServerAndTlsToAPlainServerSayWhatIsWrong() throws IOException {
        URI base = serve(false);
        IOException plainToTls = assertThrows(IOException.class,
                () -> new HostClient(URI.create(base.toString().replace("https:", "http:")), "t").host());
        assertTrue(plainToTls.getMessage().contains("cannot reach"), plainToTls.getMessage());
        api.close();

        int port = base.getPort();
        api = ApiServer.start("127.0.0.1", port, Authenticator.single("t"), new Caller());
        IOException tlsToPlain = assertThrows(IOException.class, () -> ServerCertificate.fingerprint(base));
        assertTrue(tlsToPlain.getMessage().contains("does not answer TLS"), tlsToPlain.getMessage());
        assertTrue(tlsToPlain.getMessage().contains("--insecure-http"), tlsToPlain.getMessage());
    }
}
