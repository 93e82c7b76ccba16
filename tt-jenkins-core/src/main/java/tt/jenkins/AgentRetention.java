package tt.jenkins;

import java.time.Duration;

/**
 * When an agent's idle time may end it. Jenkins counts a computer that is still connecting as
 * idle since its launch began, so an idle limit shorter than a VM's boot would end agents while
 * they connect ("Unexpected termination of the channel"). While the launch is under way, within
 * the cloud's connect timeout (after which the launcher gives up by itself), idleness does not
 * count.
 */
public final class AgentRetention {

    private AgentRetention() {
    }

    /**
     * @param connecting         whether the computer is still connecting
     * @param connectingForMillis how long the current launch has been under way
     */
    public static boolean idleTimeCounts(boolean connecting, long connectingForMillis, Duration connectTimeout) {
        return !connecting || connectingForMillis > connectTimeout.toMillis();
    }
}
