package tt.jenkins;

import org.junit.jupiter.api.Test;
import tt.client.ApiException;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProvisioningHealthTest {

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
        assertTrue(logged.get(0).contains("provisioning paused") && logged.get(0).contains("wrong token"), logged.get(0));
        assertTrue(backendCalls <= 19, "at most one call per 5 s: " + backendCalls);
        assertEquals(Optional.of("since 1970-01-01T00:00:00Z: missing or wrong token"), health.problem());
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
