package tt.backend.it;

import org.junit.jupiter.api.Test;
import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.HostStatus;
import tt.api.RunResult;
import tt.client.BackendClient;
import tt.testkit.BackendProcess;
import tt.testkit.SimulatedHost;
import tt.testkit.Wait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler alone at scale: the real tt-backend over 50 simulated hosts (the host API
 * answered from memory), placing, following, running on and deleting a 1000-VM ENV.
 */
class ScaleIT {

    static final String IMAGE = "qemu:sim-1.0:6.1.x86_64";

    @Test
    void aThousandVmEnvOverFiftyHosts() throws Exception {
        List<SimulatedHost> hosts = new ArrayList<>();
        Path data = Files.createDirectories(Path.of("target/it-scale").toAbsolutePath()).resolve("db-" + System.nanoTime());
        try {
            for (int i = 0; i < 50; i++) {
                hosts.add(SimulatedHost.start("sim-token", new Capacity(20, 20L * 256 * 1024, 1L << 30), IMAGE));
            }
            try (BackendProcess backend = BackendProcess.start(data, List.of(), "sim-token",
                    List.of("--server-set", String.join(",", hosts.stream().map(h -> "http://127.0.0.1:" + h.port()).toList())))) {
                BackendClient client = backend.client();
                Wait.until("50 hosts online", Duration.ofSeconds(60),
                        () -> client.status().hosts().stream().filter(HostStatus::online).count() == 50);

                long t0 = System.nanoTime();
                client.createEnv(EnvCreateRequest.builder("BIG").osPrefix("sim").cpu(1).memMib(256)
                        .replicas(1000).build());
                long createdMs = (System.nanoTime() - t0) / 1_000_000;
                EnvInfo env = client.env("BIG", 120);
                assertEquals(EnvState.READY, env.state());
                assertEquals(1000, env.vms().size());
                Map<String, Integer> perHost = new HashMap<>();
                env.vms().stream().map(EnvVm::host).forEach(h -> perHost.merge(h, 1, Integer::sum));
                assertEquals(50, perHost.size());
                assertTrue(perHost.values().stream().allMatch(n -> n == 20), perHost.toString());
                assertEquals(1000, hosts.stream().mapToInt(SimulatedHost::vmCount).sum());

                List<RunResult> results = client.run("BIG", "hostname", 30);
                assertEquals(1000, results.size());
                assertTrue(results.stream().allMatch(r -> r.exitCode() == 0 && r.stdout().equals(r.vm() + "\n")));

                client.deleteEnv("BIG");
                assertEquals(0, hosts.stream().mapToInt(SimulatedHost::vmCount).sum());
                System.out.printf("ScaleIT: 1000-VM ENV over 50 simulated hosts created in %d ms%n", createdMs);
            }
        } finally {
            hosts.forEach(SimulatedHost::close);
        }
    }
}
