package tt.jenkins;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.Capacity;
import tt.api.HostStatus;
import tt.api.PoolStatus;
import tt.client.ApiException;
import tt.server.ApiServer;
import tt.server.Authenticator;
import tt.server.ServerTls;
import tt.server.TlsIdentity;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cloud's trust in its backend, against a real HTTPS server with its own certificate. */
class BackendTrustTest {

    @TempDir
    java.nio.file.Path dir;
    private TlsIdentity identity;
    private ApiServer server;
    private String url;

    @Path("/api/v1/status")
    public static final class Status {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public PoolStatus status() {
            Capacity none = Capacity.ZERO;
            return new PoolStatus("test", List.of(new HostStatus("h1", "10.0.0.1", 20001, true, "kvm", none, none, 0, null),
                    new HostStatus("h2", "10.0.0.2", 20001, false, "kvm", none, none, 0, "unreachable")),
                    List.of("qemu:tinylinux-1.0:6.1.x86_64", "qemu:debian-12:x86_64"));
        }
    }

    @BeforeEach
    void serve() throws IOException {
        identity = TlsIdentity.keptIn(dir, "backend", List.of("127.0.0.1"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = ApiServer.start("127.0.0.1", port, new ServerTls(identity, false), Authenticator.single("t"), new Status(),
                new ProvisioningHealthTest.Envs());
        url = "https://127.0.0.1:" + port;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void thePinnedBackendIsUsed() throws IOException {
        assertEquals("test", BackendTrust.client(url, "t", identity.fingerprint()).status().version());
    }

    @Test
    void testConnectionSaysWhatThePoolHasOrThatTheTokenIsRefused() throws IOException {
        assertEquals("Connected to TT test: 1 of 2 hosts online, images: qemu:tinylinux-1.0:6.1.x86_64,"
                + " qemu:debian-12:x86_64", BackendTrust.testConnection(BackendTrust.client(url, "t",
                identity.fingerprint())));
        ApiException refused = assertThrows(ApiException.class,
                () -> BackendTrust.testConnection(BackendTrust.client(url, "wrong", identity.fingerprint())));
        assertTrue(refused.tokenRefused(), refused.getMessage());
    }

    @Test
    void withoutAFingerprintTestConnectionShowsTheOneTheBackendPresents() {
        IOException e = assertThrows(IOException.class, () -> BackendTrust.client(url, "t", null).status());
        String said = BackendTrust.explain(url, null, e);
        assertTrue(said.contains("presents the certificate " + identity.fingerprint()), said);
        assertTrue(said.contains("enter it under 'Server certificate fingerprint'"), said);
    }

    @Test
    void aWrongFingerprintIsNamedBesideTheOneTheBackendPresents() {
        String entered = "SHA256:" + "Q".repeat(43);
        IOException e = assertThrows(IOException.class, () -> BackendTrust.client(url, "t", entered).status());
        String said = BackendTrust.explain(url, entered, e);
        assertTrue(said.startsWith("The backend presents the certificate " + identity.fingerprint() + ", not "
                + entered), said);
    }
}
