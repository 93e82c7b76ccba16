package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentRetentionTest {

    @Test
    void aComputerStillConnectingIsNotIdleUntilTheConnectTimeoutIsOver() {
        Duration timeout = Duration.ofSeconds(300);
        assertFalse(AgentRetention.idleTimeCounts(true, 80_000, timeout),
                "an agent booting for 80 s with an idle limit of 1 minute is left to connect");
        assertTrue(AgentRetention.idleTimeCounts(true, 301_000, timeout), "a launch stuck past its timeout may end");
        assertTrue(AgentRetention.idleTimeCounts(false, 80_000, timeout), "a connected idle agent ends as usual");
    }
}
