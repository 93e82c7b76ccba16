package tt.backend.hosts;

import org.junit.jupiter.api.Test;
import tt.client.ApiException;
import tt.client.HostClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OfflineReasonTest {

    @Test
    void aWrongHostTokenSaysWhichTokenToGive() {
        String why = OfflineReason.of(new ApiException(401, "missing or wrong token"), URI.create("http://h:20000"));
        assertTrue(why.contains("refuses the backend's host token") && why.contains("--host-token-file"), why);
    }

    @Test
    void aHostThatIsNotRunningIsSaidToBeUnreachableFromTheBackendsSide() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI base = URI.create("http://127.0.0.1:" + port);
        IOException e = assertThrows(IOException.class, () -> new HostClient(base, "t").host());
        String why = OfflineReason.of(e, base);
        assertTrue(why.startsWith("nothing answers at http://127.0.0.1:" + port + " (connection refused)"), why);
    }
}
