package tt.jenkins;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;
import tt.client.ApiException;
import tt.client.BackendClient;
import tt.server.ApiServer;
import tt.server.Authenticator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvisioningHealthTest {

    /** What the cloud's probe asks the backend for. */
    @Path("/api/v1/envs")
    public static final class Envs {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public String list() {
            return "[]";
        }
    }

    private long now;
    private final ProvisioningHealth health = new ProvisioningHealth(() -> now, () -> Instant.EPOCH);

    private void advanceSeconds(long s) {
        now += TimeUnit.SECONDS.toNanos(s);
    }

    @Test
    void aWrongTokenPausesProvisioningWithOneProbeEveryFiveSecondsAndOneLogLine() {
        List<String> logged = new ArrayList<>();
        int backendCalls = 0;
        // 90 s of Jenkins asking every 100 ms, as the queue listener and the strategy do
        for (int tick = 0; tick < 900; tick++) {
            switch (health.next()) {
                case PROVISION, PROBE -> {
                    backendCalls++;
                    health.failed(new ApiException(401, "missing or wrong token")).ifPresent(logged::add);
                }
                case WAIT -> { }
            }
            now += TimeUnit.MILLISECONDS.toNanos(100);
        }
        assertEquals(1, logged.size(), logged.toString());
        assertEquals("provisioning paused: the TT backend refuses this cloud's token: missing or wrong token; checking"
                + " the TT backend again every 5 s", logged.get(0));
        assertTrue(backendCalls <= 19, "at most one call per 5 s: " + backendCalls);
        assertEquals(Optional.of("since 1970-01-01T00:00:00Z: the TT backend refuses this cloud's token: missing or"
                + " wrong token"), health.problem());
    }

    @Test
    void aWrongTokenThatTripsTheBackendsFailedLoginLimitIsStillShownAsTheTokenProblem() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> logged = new ArrayList<>();
        try (ApiServer server = ApiServer.start("127.0.0.1", port, Authenticator.single("right"), new Envs())) {
            BackendClient wrong = new BackendClient(URI.create("http://127.0.0.1:" + port), "wrong");
            for (int probe = 0; probe < 20; probe++) {
                assertEquals(probe == 0 ? ProvisioningHealth.Next.PROVISION : ProvisioningHealth.Next.PROBE, health.next());
                health.failed(assertThrows(ApiException.class, wrong::envs)).ifPresent(logged::add);
                advanceSeconds(ProvisioningHealth.PROBE_EVERY.toSeconds());
            }
        }
        assertEquals(2, logged.size(), "a line for the 401, one when it turns 429, none for the next 429s: " + logged);
        assertTrue(logged.get(1).startsWith("provisioning paused: the TT backend refuses this cloud's token: unknown or"
                + " revoked API token: ask your TT admin for a token (the token is refused; too many failed logins from"
                + " 127.0.0.1"), logged.get(1));
        assertEquals(Optional.empty(), health.failed(new ApiException(429, "unknown or revoked API token (the token is"
                + " refused; too many failed logins from 127.0.0.1: its failed attempts get 429 for 7 s more)")),
                "another wait says nothing new");
        String problem = health.problem().orElseThrow();
        assertTrue(problem.contains("refuses this cloud's token: unknown or revoked API token") && problem.contains("429"),
                problem);
    }

    @Test
    void recoveryIsImmediateOnceTheBackendAnswersTheProbe() {
        health.failed(new IOException("cannot reach http://tt:20002", new ConnectException("refused")));
        assertEquals(ProvisioningHealth.Next.WAIT, health.next());
        advanceSeconds(5);
        assertEquals(ProvisioningHealth.Next.PROBE, health.next());
        assertTrue(health.probeSucceeded().startsWith("provisioning resumed"));
        assertEquals(ProvisioningHealth.Next.PROVISION, health.next(), "no waiting once it answers");
        assertEquals(Optional.empty(), health.problem());
    }

    @Test
    void aRequestTheBackendRefusesBacksOffAndDoesNotRepeatItsLine() {
        ApiException full = new ApiException(409, "not enough resources in the pool");
        assertTrue(health.failed(full).isPresent());
        assertEquals(ProvisioningHealth.Next.WAIT, health.next());
        advanceSeconds(10);
        assertEquals(ProvisioningHealth.Next.PROVISION, health.next(), "retried after 10 s, not probed");
        assertEquals(Optional.empty(), health.failed(full), "the same error says nothing new");
        advanceSeconds(10);
        assertEquals(ProvisioningHealth.Next.WAIT, health.next(), "the back-off doubled to 20 s");
        advanceSeconds(10);
        assertEquals(ProvisioningHealth.Next.PROVISION, health.next());
        assertTrue(health.succeeded().orElseThrow().startsWith("provisioning works again"));
        assertEquals(Optional.empty(), health.succeeded(), "a success after a success says nothing");
    }

    @Test
    void theBackOffStopsGrowingAtTwoMinutes() {
        ApiException full = new ApiException(409, "full");
        for (int i = 0; i < 10; i++) {
            health.failed(full);
            advanceSeconds(ProvisioningHealth.MAX_BACKOFF.toSeconds());
            assertEquals(ProvisioningHealth.Next.PROVISION, health.next(), "round " + i);
        }
    }
}
