package tt.backend.hosts;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.ServerAddress;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hosts given at a backend's start are polled at once: each host here answers its first
 * request only once every other host has been asked too, which a poll of one host after the
 * other never gets to (the barrier breaks when its wait ends, and the count stays short).
 */
class HostPoolFirstPollTest {

    @TempDir
    Path dir;

    @Test
    void theHostsGivenAtStartArePolledAtOnce() throws Exception {
        int hosts = 4;
        CyclicBarrier allAsked = new CyclicBarrier(hosts);
        AtomicInteger metTheOthers = new AtomicInteger();
        List<HttpServer> servers = new ArrayList<>();
        ExecutorService answers = Executors.newCachedThreadPool();
        try (Database db = Database.open(dir, null, null, null);
             HostPool pool = new HostPool(new PoolStore(db), new HostConnector("sim-token", null, Map.of()), id -> Map.of(),
                     Clock.systemUTC())) {
            List<ServerAddress> addresses = new ArrayList<>();
            for (int i = 0; i < hosts; i++) {
                HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                server.setExecutor(answers);
                server.createContext("/", exchange -> {
                    try {
                        allAsked.await(20, TimeUnit.SECONDS);
                        metTheOthers.incrementAndGet();
                    } catch (Exception e) {
                        // the others were not asked meanwhile: the count stays short
                    }
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                });
                server.start();
                servers.add(server);
                addresses.add(ServerAddress.parse("http://127.0.0.1:" + server.getAddress().getPort()));
            }

            pool.addConfigured(addresses);

            assertEquals(hosts, metTheOthers.get(), "hosts whose first poll found every other host asked too");
            assertEquals(hosts, pool.status().size());
        } finally {
            servers.forEach(s -> s.stop(0));
            answers.shutdownNow();
        }
    }
}
