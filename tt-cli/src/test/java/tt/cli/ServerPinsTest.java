package tt.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.local.LocalDaemons;
import tt.api.ServerAddress;
import tt.server.ApiServer;
import tt.server.Authenticator;
import tt.server.ServerTls;
import tt.server.TlsIdentity;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Trust on first use against a real HTTPS server with its own certificate. */
class ServerPinsTest {

    @TempDir
    Path dir;
    private TlsIdentity identity;
    private ApiServer server;
    private ServerAddress address;
    private Map<String, String> env;
    private final StringWriter err = new StringWriter();
    private final List<String> questions = new ArrayList<>();

    @BeforeEach
    void serve() throws IOException {
        identity = TlsIdentity.keptIn(dir.resolve("tls"), "server", List.of("127.0.0.1"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = ApiServer.start("127.0.0.1", port, new ServerTls(identity, false), Authenticator.single("t"));
        address = new ServerAddress(false, "127.0.0.1", port);
        env = Map.of("XDG_STATE_HOME", dir.resolve("state").toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ServerPins pins(String answer) {
        return new ServerPins(new KnownServers(dir.resolve("known_servers")), env, new PrintWriter(err, true),
                answer == null ? null : question -> {
                    questions.add(question);
                    return answer;
                });
    }

    private void publish(String fingerprint) throws IOException {
        Path local = Files.createDirectories(LocalDaemons.dir(env, address.port()));
        Files.writeString(local.resolve(LocalDaemons.FINGERPRINT), fingerprint + "\n");
    }

    @Test
    void theCertificateOfADaemonOfThisMachineIsTrustedAtOnceAndPinned() throws IOException {
        publish(identity.fingerprint());

        assertEquals(identity.fingerprint(), pins(null).trusted(address, null));
        assertTrue(err.toString().contains("trusting 127.0.0.1:" + address.port() + " (" + identity.fingerprint()
                + "): it is the certificate of the TT daemon serving on this machine"), err.toString());
        server.close();
        assertEquals(identity.fingerprint(), pins(null).trusted(address, null), "pinned: no need to ask the server again");
        assertEquals(List.of("127.0.0.1:" + address.port() + " " + identity.fingerprint()),
                Files.readAllLines(dir.resolve("known_servers")));
    }

    @Test
    void withoutATerminalAnUnknownCertificateIsRefusedNamingItsFingerprintAndHowToPinIt() throws IOException {
        publish("SHA256:" + "B".repeat(43));

        ServerPins.NotTrustedException refused = assertThrows(ServerPins.NotTrustedException.class,
                () -> pins(null).trusted(address, null));
        assertTrue(refused.getMessage().contains("presents a certificate with the fingerprint " + identity.fingerprint()),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("tt config --serv-addr 127.0.0.1 --serv-port " + address.port()
                + " --fingerprint " + identity.fingerprint()), refused.getMessage());
        assertTrue(Files.notExists(dir.resolve("known_servers")), "nothing pinned");
    }

    @Test
    void atATerminalTheUserConfirmsOrRefusesTheCertificate() throws IOException {
        assertThrows(ServerPins.NotTrustedException.class, () -> pins("n").trusted(address, null));
        assertTrue(Files.notExists(dir.resolve("known_servers")), "a refusal pins nothing");

        assertEquals(identity.fingerprint(), pins("yes").trusted(address, null));
        assertEquals(2, questions.size());
        assertTrue(questions.get(1).contains(identity.fingerprint()) && questions.get(1).endsWith("Trust it? [y/N] "),
                questions.get(1));
        assertEquals(identity.fingerprint(), pins(null).trusted(address, null));
    }

    @Test
    void aGivenFingerprintIsCheckedAndTakenWithoutAsking() throws IOException {
        String other = "SHA256:" + "C".repeat(43);
        assertEquals(other, pins(null).trusted(address, other));
        assertThrows(IllegalArgumentException.class, () -> pins(null).trusted(address, "SHA1:abc"));
        assertEquals(List.of(), questions);
    }
}
