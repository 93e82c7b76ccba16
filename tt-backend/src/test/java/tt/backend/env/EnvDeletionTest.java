package tt.backend.env;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.EnvState;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostConnector;
import tt.backend.hosts.HostPool;
import tt.server.NotFoundException;
import tt.testkit.SimulatedHost;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deleting an ENV: the call returns only once its VMs are gone from the host, also VMs the host
 * was still making; deleting twice, one after the other or at once, frees each VM's share of the
 * host exactly once. The host answers from memory (SimulatedHost); the database is the real
 * embedded one.
 */
class EnvDeletionTest {

    private static final String IMAGE = "qemu:sim-1.0:1.x86_64";
    private static final String OWNER = "alice";

    @TempDir
    Path dir;
    private Database db;
    private HostPool pool;
    private EnvService envs;
    private SimulatedHost host;
    private String hostId;

    @BeforeEach
    void startPool() throws Exception {
        db = Database.open(dir, null, null, null);
        PoolStore store = new PoolStore(db);
        EnvService[] ref = new EnvService[1];
        pool = new HostPool(store, new HostConnector("sim-token", null, Map.of()),
                id -> ref[0].reconciler().sharesHeldOn(id), Clock.systemUTC());
        envs = new EnvService(store, pool, new EnvService.Limits(60, 120, 64), Clock.systemUTC());
        ref[0] = envs;
        host = SimulatedHost.start("sim-token", new Capacity(64, 64L * 1024 * 1024, 1L << 30), IMAGE);
        pool.start(envs.reconciler(), 60_000);
        hostId = pool.add("127.0.0.1", host.port(), true, null);
    }

    @AfterEach
    void stopPool() {
        envs.close();
        pool.close();
        host.close();
        db.close();
    }

    @RepeatedTest(10)
    void deletesRacingEachOtherFreeEveryVmOnceAndReturnWithTheVmsGone() throws Exception {
        envs.create(request("RACE", 4), OWNER, 0);
        assertEquals(EnvState.READY, envs.get("RACE", OWNER, false, 30).state());
        assertEquals(4, host.vmCount());

        int callers = 8;
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            outcomes.add(threads.submit(() -> {
                go.await();
                try {
                    envs.delete("RACE", OWNER, false);
                    return "deleted with " + host.vmCount() + " VMs left on the host";
                } catch (NotFoundException alreadyGone) {
                    return "not found";
                }
            }));
        }
        go.countDown();
        int deleted = 0;
        for (Future<String> f : outcomes) {
            String outcome = f.get();
            assertTrue(outcome.equals("not found") || outcome.equals("deleted with 0 VMs left on the host"), outcome);
            deleted += outcome.startsWith("deleted") ? 1 : 0;
        }
        threads.shutdown();
        assertTrue(deleted >= 1, "at least one call deleted it");
        assertEquals(Capacity.ZERO, pool.handedOut(hostId), "every VM's share was given back exactly once");

        envs.create(request("AFTER", 4), OWNER, 0);
        assertEquals(new Capacity(4, 4L * 64 * 1024, 4L * 100 * 1024), pool.handedOut(hostId),
                "the ledger counts the next ENV from zero");
        envs.delete("AFTER", OWNER, false);
        assertEquals(0, host.vmCount());
    }

    /** A host answering a create while the delete reads the ENV's VMs must not leave that VM behind. */
    @RepeatedTest(40)
    void aDeleteRightAfterTheCreateLeavesNoVmOnTheHost() throws Exception {
        envs.create(request("QUICK", 4), OWNER, 0);
        envs.delete("QUICK", OWNER, false);
        assertEquals(0, host.vmCount(), "no VM of the deleted ENV is left when the delete returns");
        assertEquals(Capacity.ZERO, pool.handedOut(hostId));
    }

    @Test
    void aDeleteWhileTheHostIsStillMakingTheVmsReturnsOnlyOnceTheyAreGone() throws Exception {
        host.delayCreates(Duration.ofMillis(700));
        envs.create(request("SLOW", 3), OWNER, 0);
        envs.delete("SLOW", OWNER, false);
        assertEquals(3, host.createsAnswered(), "the delete waited for the host to answer every create");
        assertEquals(0, host.vmCount(), "no VM of the deleted ENV is left when the delete returns");
        assertEquals(Capacity.ZERO, pool.handedOut(hostId));
    }

    @Test
    void deletingTwiceInARowIsHarmless() throws Exception {
        envs.create(request("TWICE", 2), OWNER, 0);
        assertEquals(EnvState.READY, envs.get("TWICE", OWNER, false, 30).state());
        envs.delete("TWICE", OWNER, false);
        NotFoundException again = assertThrows(NotFoundException.class,
                () -> envs.delete("TWICE", OWNER, false));
        assertTrue(again.getMessage().contains("no ENV 'TWICE'"), again.getMessage());
        assertEquals(Capacity.ZERO, pool.handedOut(hostId));
        assertEquals(0, host.vmCount());
    }

    private static EnvCreateRequest request(String name, int replicas) {
        return EnvCreateRequest.builder(name).osPrefix("sim").cpu(1).memMib(64).replicas(replicas).build();
    }
}
