package tt.jenkins;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import tt.client.ApiException;
import tt.client.BackendClient;
import tt.testkit.ManualClock;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentProvisionerTest {

    private static final String INSTANCE = "3f2a9c1d77";
    private static final AgentProvisioner.Template TINY = new AgentProvisioner.Template("tt-tinylinux", 1, 0);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final RecordedLog log = new RecordedLog();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger reviews = new AtomicInteger();
    /** What the backend answers the probe: null for an answer, else the failure. */
    private IOException probeFails;

    private final AgentProvisioner provisioner = new AgentProvisioner(INSTANCE, () -> {
        probes.incrementAndGet();
        if (probeFails != null) {
            throw probeFails;
        }
    }, Runnable::run, log, () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()), clock);

    /** Jenkins asking for one agent every 100 ms for that long, each agent failing as the backend says. */
    private int roundsFor(Duration time, Exception agentFailure) {
        int started = 0;
        for (long t = 0; t < time.toMillis(); t += 100) {
            for (String name : provisioner.agentsToStart(TINY, 1, Map.of(), 0, reviews::incrementAndGet)) {
                started++;
                provisioner.agentFailed(name, agentFailure);
                provisioner.pending().ended(name);
            }
            clock.advance(Duration.ofMillis(100));
        }
        return started;
    }

    @Test
    void aRefusedTokenLogsOneLineChecksTheBackendEveryFiveSecondsAndResumesOnceItAnswers() {
        ApiException refused = new ApiException(401, "missing or wrong token");
        probeFails = refused;
        assertEquals(1, roundsFor(Duration.ofSeconds(60), refused), "one agent tried, then only probes");
        assertEquals(11, probes.get(), "a probe every 5 s after the first failure");
        assertEquals(List.of("provisioning paused: the TT backend refuses this cloud's token: missing or wrong token;"
                + " checking the TT backend again every 5 s"), log.warnings, "one line, none for the repetitions");
        assertEquals("since 2026-12-01T10:00:00Z: the TT backend refuses this cloud's token: missing or wrong token",
                provisioner.problem());
        assertEquals(0, reviews.get());

        probeFails = null;
        clock.advance(Duration.ofSeconds(5));
        assertEquals(List.of(), provisioner.agentsToStart(TINY, 1, Map.of(), 0, reviews::incrementAndGet),
                "the round that probes starts nothing itself");
        assertEquals(1, reviews.get(), "the backend answering asks Jenkins for a review at once");
        assertEquals("provisioning resumed: the TT backend answers again (it failed with: the TT backend refuses this"
                + " cloud's token: missing or wrong token)", log.infos.get(log.infos.size() - 1));
        assertNull(provisioner.problem());
        assertEquals(1, provisioner.agentsToStart(TINY, 1, Map.of(), 0, reviews::incrementAndGet).size());
        int lines = log.infos.size();
        provisioner.envMade();
        assertEquals(lines, log.infos.size(), "nothing more to say once the probe said it");
        assertEquals(1, log.warnings.size());
    }

    @Test
    void aRequestTheBackendRefusesIsRetriedAfterAGrowingBackOffWithoutProbes() {
        ApiException full = new ApiException(409, "not enough resources in the pool");
        assertEquals(3, roundsFor(Duration.ofSeconds(60), full), "tried at 0, 10 and 30 s");
        assertEquals(0, probes.get());
        assertEquals(List.of("an agent could not be made: not enough resources in the pool; trying again in 10 s at the"
                + " earliest, this message is not repeated while it stays the same"), log.warnings);
        clock.advance(Duration.ofSeconds(10));
        List<String> next = provisioner.agentsToStart(TINY, 1, Map.of(), 0, reviews::incrementAndGet);
        assertEquals(1, next.size(), "40 s after the third failure");
        provisioner.envMade();
        assertEquals("provisioning works again (it failed with: not enough resources in the pool)",
                log.infos.get(log.infos.size() - 1));
        assertNull(provisioner.problem());
    }

    @Test
    void agentsOnTheirWayAndLiveAgentsCountOnceAgainstTheCaps() {
        List<String> first = provisioner.agentsToStart(TINY, 3, Map.of(), 2, reviews::incrementAndGet);
        assertEquals(2, first.size(), "three builds wait, the cloud's cap is 2");
        assertEquals(2, new HashSet<>(first).size());
        for (String name : first) {
            assertTrue(name.startsWith(AgentNames.envPrefix(INSTANCE) + "tt-tinylinux-"), name);
            assertTrue(log.infos.contains("starting agent " + name + " for label tt-tinylinux"), log.infos.toString());
        }
        assertEquals(List.of(), provisioner.agentsToStart(TINY, 3, Map.of(), 2, reviews::incrementAndGet),
                "the cap holds the agents on their way");
        Map<String, String> nodes = new HashMap<>(Map.of(first.get(0), "tt-tinylinux"));
        assertEquals(List.of(), provisioner.agentsToStart(TINY, 3, nodes, 2, reviews::incrementAndGet),
                "an agent that is a node and still on its way counts once");
        provisioner.pending().ended(first.get(0));
        nodes.clear();
        assertEquals(1, provisioner.agentsToStart(TINY, 3, nodes, 2, reviews::incrementAndGet).size(),
                "its node gone, there is room for one");
        AgentProvisioner.Template capped = new AgentProvisioner.Template("big", 2, 1);
        assertEquals(1, provisioner.agentsToStart(capped, 4, Map.of(), 0, reviews::incrementAndGet).size(),
                "the template's cap");
        assertEquals(List.of(), log.warnings);
    }

    @Test
    void aFailedAgentSaysWhyInOneLine() {
        assertEquals("cannot make agent jx-1: no 'Secret text' credentials with the id 'tt'",
                provisioner.agentFailed("jx-1", new IOException("no 'Secret text' credentials with the id 'tt'")));
        assertEquals(1, log.warnings.size());
    }

    @Test
    void leasesAreRenewedForLiveAgentsAndThoseOnTheirWay() throws Exception {
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> renewed = new CopyOnWriteArrayList<>();
        backend.createContext("/api/v1/envs/", exchange -> {
            String env = exchange.getRequestURI().getPath().replaceAll("^/api/v1/envs/|/renew$", "");
            boolean broken = env.equals("j-live-broken");
            byte[] body = broken ? "{\"error\":\"backend busy\"}".getBytes() : "{}".getBytes();
            if (!broken) {
                renewed.add(env);
            }
            exchange.sendResponseHeaders(broken ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            List<String> coming = provisioner.agentsToStart(TINY, 1, Map.of(), 0, reviews::incrementAndGet);
            AgentVms vms = new AgentVms(new BackendClient(URI.create("http://127.0.0.1:" + backend.getAddress().getPort()),
                    "t"), new AgentVms.Lease("j1-", 900));
            RecordedLog taskLog = new RecordedLog();
            provisioner.renewLeases(vms, List.of("j-live-a", "j-live-broken"), taskLog);
            assertEquals(List.of("j-live-a", coming.get(0)).stream().sorted().toList(),
                    renewed.stream().sorted().toList());
            assertEquals(List.of("the lease of ENV j-live-broken could not be renewed (next round tries again): backend"
                    + " busy"), taskLog.warnings);
            assertEquals(List.of(), taskLog.infos);
        } finally {
            backend.stop(0);
        }
    }
}
