package tt.bench;

import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.HostStatus;
import tt.backend.placement.Placement;
import tt.client.BackendClient;
import tt.testkit.BackendProcess;
import tt.testkit.Checkout;
import tt.testkit.SimulatedHost;
import tt.testkit.Wait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * tt-backend's figures over 50 simulated hosts: placing a 1000-VM ENV (the placement alone, and
 * the whole create request), and API latency under 100 concurrent clients listing ENVs, next to
 * the same clients asking for the pool status (a call that reads no ENV) in the same run.
 */
final class BackendBenchmark {

    private static final String IMAGE = "qemu:sim-1.0:6.1.x86_64";
    private static final int HOSTS = 50;
    private static final int CLIENTS = 100;
    private static final int CALLS_PER_CLIENT = 50;

    private BackendBenchmark() {
    }

    static void run() throws Exception {
        System.out.printf("tt-backend benchmark: %d simulated hosts (20 cpu, 5 GiB each), embedded database%n%n", HOSTS);
        placementAlone();
        List<SimulatedHost> hosts = new ArrayList<>();
        Path data = Files.createDirectories(Checkout.root().resolve("target/bench-backend")).resolve("db-" + System.nanoTime());
        try {
            for (int i = 0; i < HOSTS; i++) {
                hosts.add(SimulatedHost.start("sim-token", new Capacity(20, 20L * 256 * 1024, 1L << 30), IMAGE));
            }
            try (BackendProcess backend = BackendProcess.start(data, List.of(), "sim-token",
                    List.of("--server-set", String.join(",", hosts.stream().map(h -> "http://127.0.0.1:" + h.port()).toList())))) {
                BackendClient client = backend.client();
                Wait.until(HOSTS + " hosts online", Duration.ofSeconds(60),
                        () -> client.status().hosts().stream().filter(HostStatus::online).count() == HOSTS);
                List<Double> accepted = new ArrayList<>();
                List<Double> ready = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    long t0 = System.nanoTime();
                    client.createEnv(EnvCreateRequest.builder("BIG").osPrefix("sim").cpu(1).memMib(256)
                            .replicas(1000).build());
                    accepted.add((System.nanoTime() - t0) / 1e6);
                    client.env("BIG", 120);
                    ready.add((System.nanoTime() - t0) / 1e6);
                    client.deleteEnv("BIG");
                }
                System.out.printf("1000-VM ENV: create request answered (placed, recorded) in %.0f ms;"
                        + " every VM made by its host and reported ready in %.0f ms%n%n", median(accepted), median(ready));

                for (int i = 0; i < 20; i++) {
                    client.createEnv(EnvCreateRequest.builder("E" + i).osPrefix("sim").cpu(1).memMib(256)
                            .replicas(10).build());
                }
                List<Double> status = latencies(() -> client.status());
                List<Double> envs = latencies(() -> client.envs());
                System.out.printf("%d clients x %d calls, GET /api/v1/envs (20 ENVs of 10 VMs): p50 %.1f ms, p99 %.1f ms%n",
                        CLIENTS, CALLS_PER_CLIENT, pct(envs, 50), pct(envs, 99));
                System.out.printf("%d clients x %d calls, GET /api/v1/status (baseline, no ENV read): p50 %.1f ms,"
                        + " p99 %.1f ms%n", CLIENTS, CALLS_PER_CLIENT, pct(status, 50), pct(status, 99));
                System.out.printf("ratio envs/status at p99: %.2f (target: envs p99 under 50 ms)%n",
                        pct(envs, 99) / pct(status, 99));
                for (int i = 0; i < 20; i++) {
                    client.deleteEnv("E" + i);
                }
            }
        } finally {
            hosts.forEach(SimulatedHost::close);
        }
    }

    private static void placementAlone() {
        List<Placement.Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < HOSTS; i++) {
            candidates.add(new Placement.Candidate("h" + i, new Capacity(20, 20L * 256 * 1024, 1L << 30), Set.of(IMAGE)));
        }
        List<Placement.Demand> demands = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            demands.add(new Placement.Demand("v" + i, IMAGE, new Capacity(1, 256 * 1024, 100 * 1024)));
        }
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long t0 = System.nanoTime();
            Placement.place(demands, candidates);
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.printf("placement alone of 1000 VMs over %d hosts: first %.1f ms, median of 50 %.2f ms"
                + " (target: under 1000 ms)%n", HOSTS, ms.get(0), median(ms));
    }

    private static List<Double> latencies(Callable<?> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<List<Double>>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                futures.add(pool.submit(() -> {
                    List<Double> mine = new ArrayList<>();
                    for (int i = 0; i < CALLS_PER_CLIENT; i++) {
                        long t0 = System.nanoTime();
                        call.call();
                        mine.add((System.nanoTime() - t0) / 1e6);
                    }
                    return mine;
                }));
            }
            List<Double> all = new ArrayList<>();
            for (Future<List<Double>> f : futures) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static double median(List<Double> values) {
        return pct(values, 50);
    }
}
