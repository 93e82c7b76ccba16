package tt.backend.env;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.VmState;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostConnector;
import tt.backend.hosts.HostPool;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expiry against a real (embedded) database; the ENVs' hosts are unknown here, so only rows change. */
class EnvExpiryTest {

    @Test
    void expiredEnvsAndTheirVmsAreDeletedOthersStay(@TempDir Path dir) {
        try (Database db = Database.open(dir, null, null, null)) {
            PoolStore store = new PoolStore(db);
            HostPool pool = new HostPool(store, new HostConnector("token", null, Map.of()), host -> Map.of(),
                    Clock.systemUTC());
            EnvDeletion deletion = new EnvDeletion(store, pool, new VmCreations(), new SimpleMeterRegistry(),
                    Clock.systemUTC());
            Instant now = Instant.now();
            store.insertEnv(new PoolStore.Env("env-old", "OLD", "alice", now.minus(Duration.ofHours(2)),
                    now.minus(Duration.ofMinutes(1)), null, null, Map.of(), List.of()), List.of(new PoolStore.Vm("env-old", "OLD-vm", "qemu:a-1:1.x86_64",
                    "gone:1", null, 1, 256, 100, VmState.SCHEDULED, null, Map.of(), null)));
            store.insertEnv(new PoolStore.Env("env-new", "NEW", "alice", now, now.plus(Duration.ofHours(1)), null, null, Map.of(), List.of()), List.of());
            deletion.expire();
            assertEquals(List.of("NEW"), store.envs().stream().map(PoolStore.Env::name).toList());
            assertEquals(List.of(), store.allVms());
        }
    }
}
