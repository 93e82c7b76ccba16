package tt.backend.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A backend that was down took no renewals: on its start every lease gets its full period again
 * (found by ChaosIT: a backend SIGKILLed and 50 s in restarting deleted a Jenkins agent's ENV
 * whose controller had tried to renew it all along). The real embedded database.
 */
class LeaseRenewalOnStartTest {

    @Test
    void everyLeaseThatWouldEndWithinItsPeriodIsMovedOnAndNoOtherRowChanges(@TempDir Path dir) {
        try (Database db = Database.open(dir, null, null, null)) {
            PoolStore store = new PoolStore(db);
            Instant start = Instant.now();
            Instant lifetime = start.plus(Duration.ofHours(1));
            store.insertEnv(env("env-lapsed", 30, start.minus(Duration.ofSeconds(20)), lifetime), List.of());
            store.insertEnv(env("env-renewed", 30, start.plus(Duration.ofSeconds(50)), lifetime), List.of());
            store.insertEnv(env("env-unleased", null, null, lifetime), List.of());

            assertEquals(1, store.renewLeasesFrom(start));

            Map<String, Instant> leases = new TreeMap<>();
            store.envs().forEach(e -> leases.put(e.id(), e.leaseExpiresAt()));
            assertEquals(start.plusSeconds(30).toEpochMilli(), leases.get("env-lapsed").toEpochMilli(),
                    "a lease that ended while the backend was down has its full 30 s from the start");
            assertEquals(start.plusSeconds(50).toEpochMilli(), leases.get("env-renewed").toEpochMilli(),
                    "a lease ending later is not shortened");
            assertNull(leases.get("env-unleased"));
            assertEquals(List.of(), store.expiredEnvs(start.plusSeconds(29)), "none ends within its period");
            assertEquals(List.of("env-lapsed"), store.expiredEnvs(start.plusSeconds(31)).stream().map(PoolStore.Env::id)
                    .toList(), "a lease not renewed after the start ends as before");
        }
    }

    private static PoolStore.Env env(String id, Integer leaseSeconds, Instant leaseEnds, Instant lifetimeEnds) {
        return new PoolStore.Env(id, id.toUpperCase(), "alice", Instant.now(), lifetimeEnds, leaseSeconds, leaseEnds,
                Map.of(), List.of());
    }
}
