package tt.jenkins;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.Json;
import tt.client.BackendClient;
import tt.testkit.ManualClock;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OrphanSweepTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final List<String> read = new CopyOnWriteArrayList<>();
    private final List<String> deleted = new CopyOnWriteArrayList<>();
    private final RecordedLog log = new RecordedLog();

    private static EnvInfo env(String name, Instant createdAt) {
        return new EnvInfo("id-" + name, name, "jenkins", EnvState.READY, createdAt, null, null, null, null, null,
                List.of());
    }

    @Test
    void deletesOwnUnusedEnvsOnceOldEnoughGoesOnPastFailuresAndNamesTheNodesWithoutEnv() throws Exception {
        Instant old = clock.instant().minus(Duration.ofMinutes(10));
        List<EnvInfo> envs = List.of(env("jabc-used-1", old), env("jabc-lost-2", old), env("jabc-coming-3", old),
                env("jabc-broken-4", old), env("jabc-young-5", clock.instant().minus(Duration.ofSeconds(30))),
                env("b-build-1-7", old));
        // the backend's answers, from memory: its ENVs, and one that fails to delete
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/api/v1/envs", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            int status;
            if ("GET".equals(exchange.getRequestMethod()) && path.equals("/api/v1/envs")) {
                read.add("envs");
                status = 200;
                body = Json.mapper().writeValueAsBytes(envs.stream().filter(e -> !deleted.contains(e.name())).toList());
            } else {
                String name = path.substring("/api/v1/envs/".length());
                status = name.equals("jabc-broken-4") ? 500 : 204;
                body = status == 500 ? "{\"error\":\"disk on fire\"}".getBytes() : new byte[0];
                if (status == 204) {
                    deleted.add(name);
                }
            }
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        backend.start();
        try {
            OrphanSweep sweep = new OrphanSweep(new AgentVms(new BackendClient(URI.create("http://127.0.0.1:"
                    + backend.getAddress().getPort()), "t")), "jabc-", clock);
            List<String> envGone = sweep.run(() -> {
                read.add("starting");
                return Set.of("jabc-coming-3");
            }, () -> {
                read.add("nodes");
                return Map.of("agent-used", "jabc-used-1", "agent-ghost", "jabc-ghost-9");
            }, OrphanSweep.MIN_AGE, log);
            assertEquals(List.of("envs", "starting", "nodes"), read, "an agent being made is never missed");
            assertEquals(List.of("agent-ghost"), envGone);
            assertEquals(List.of("jabc-lost-2"), deleted, "only own, unused, not coming, old enough ENVs");
            assertEquals(List.of("deleting ENV jabc-broken-4, which no agent uses",
                    "deleting ENV jabc-lost-2, which no agent uses"), log.infos);
            assertEquals(List.of("ENV jabc-broken-4 could not be deleted (next sweep tries again): disk on fire"),
                    log.warnings);

            clock.advance(Duration.ofMinutes(2));
            sweep.run(Set::of, Map::of, OrphanSweep.MIN_AGE, log);
            assertEquals(List.of("jabc-lost-2", "jabc-coming-3", "jabc-used-1", "jabc-young-5"), deleted,
                    "two minutes on, with no agent left, every own ENV goes (the broken one fails again)");
        } finally {
            backend.stop(0);
        }
    }
}
