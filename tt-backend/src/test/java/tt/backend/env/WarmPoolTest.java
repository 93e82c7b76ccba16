package tt.backend.env;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.VmInfo;
import tt.api.WarmPoolStatus;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;
import tt.backend.db.WarmStore;
import tt.backend.hosts.HostConnector;
import tt.backend.hosts.HostPool;
import tt.client.HostClient;
import tt.server.InsufficientResourcesException;
import tt.testkit.ManualClock;
import tt.testkit.SimulatedHost;
import tt.testkit.Wait;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The warm pool's bookkeeping against a host answered from memory (SimulatedHost) and the real
 * embedded database: it keeps the VMs it should, an ENV takes one, it refills, and its VMs hold
 * their share of the host without being anyone's.
 */
class WarmPoolTest {

    private static final String IMAGE = "qemu:sim-1.0:1.x86_64";

    @TempDir
    Path dir;
    private Database db;
    private HostPool pool;
    private EnvService envs;
    private WarmPool warm;
    private SimulatedHost host;
    private String hostId;
    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeEach
    void startPool() throws Exception {
        db = Database.open(dir, null, null, null);
        PoolStore store = new PoolStore(db);
        EnvService[] ref = new EnvService[1];
        pool = new HostPool(store, new HostConnector("sim-token", null, Map.of()),
                id -> ref[0].reconciler().sharesHeldOn(id), clock);
        Object lock = new Object();
        warm = new WarmPool(new WarmStore(db), pool, lock, store.instanceId(), 64, clock);
        envs = new EnvService(store, pool, new EnvService.Limits(60, 120, 64), lock, warm, new SimpleMeterRegistry(),
                clock);
        ref[0] = envs;
        host = SimulatedHost.start("sim-token", new Capacity(4, 4L * 64 * 1024, 1L << 30), IMAGE);
        pool.start(envs.reconciler(), 200);
        hostId = pool.add("127.0.0.1", host.port(), true, null);
    }

    @AfterEach
    void stopPool() {
        warm.close();
        envs.close();
        pool.close();
        host.close();
        db.close();
    }

    private WarmPoolStatus status() {
        return warm.status().get(0);
    }

    private List<VmInfo> hostVms() throws Exception {
        return new HostClient(URI.create("http://127.0.0.1:" + host.port()), "sim-token").vms();
    }

    @Test
    void anEnvTakesAWarmVmAndThePoolRefills() throws Exception {
        warm.set(IMAGE, 2, 3);
        warm.refill();
        Wait.until("two warm VMs wait", Duration.ofSeconds(10), () -> status().ready() == 2);
        assertEquals(List.of(), envs.list("alice", false, Map.of()), "warm VMs are nobody's");
        assertEquals(new Capacity(2, 2L * 64 * 1024, 2L * 100 * 1024), pool.handedOut(hostId),
                "warm VMs hold their share of the host");

        long t0 = System.nanoTime();
        EnvInfo made = envs.create(EnvCreateRequest.builder("W").osPrefix("sim").cpu(1).memMib(64).build(),
                "alice", 0);
        long createMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("warm hand-out: the create answered in " + createMillis + " ms");
        assertEquals(1, made.vms().size());
        assertTrue(made.vms().get(0).hostVmId() != null, "the ENV's VM is a warm VM from the start: " + made);
        assertEquals(EnvState.READY, envs.get("W", "alice", false, 10).state());
        VmInfo given = hostVms().stream().filter(v -> v.id().equals(made.vms().get(0).hostVmId())).findFirst()
                .orElseThrow();
        assertEquals("W-sim-1-0-x86_64", given.name(), "the warm VM took the ENV VM's name");
        assertEquals(made.id(), given.tags().get(EnvCreation.ENV_TAG));

        warm.refill();
        Wait.until("the pool is back to two ready VMs (demand of 1 is under its minimum)", Duration.ofSeconds(10),
                () -> status().ready() == 2);
        assertEquals(3, hostVms().size());
        envs.delete("W", "alice", false);
        assertEquals(new Capacity(2, 2L * 64 * 1024, 2L * 100 * 1024), pool.handedOut(hostId));
    }

    @Test
    void anEnvOfAnotherSizeOrWithPortsBootsItsOwnVm() throws Exception {
        warm.set(IMAGE, 1, 1);
        warm.refill();
        Wait.until("a warm VM waits", Duration.ofSeconds(10), () -> status().ready() == 1);
        EnvInfo big = envs.create(EnvCreateRequest.builder("BIG").osPrefix("sim").cpu(2).memMib(64).build(),
                "alice", 0);
        assertEquals(null, big.vms().get(0).hostVmId(), "two vCPUs: not the warm VMs' size");
        EnvInfo ports = envs.create(EnvCreateRequest.builder("PORTS").osPrefix("sim").cpu(1).memMib(64)
                .ports(List.of(8080)).build(), "alice", 0);
        assertEquals(null, ports.vms().get(0).hostVmId(), "an extra port: not a warm VM");
        assertEquals(1, status().ready());
    }

    @Test
    void demandRaisesTheTargetUpToTheMaximumAndRemovingThePoolDeletesItsVms() throws Exception {
        warm.set(IMAGE, 0, 2);
        for (int i = 0; i < 3; i++) {
            envs.create(EnvCreateRequest.builder("D" + i).osPrefix("sim").cpu(1).memMib(64).build(),
                    "alice", 0);
            envs.delete("D" + i, "alice", false);
        }
        assertEquals(2, status().target(), "three ENVs asked in the last 10 minutes; the maximum is 2");
        warm.refill();
        Wait.until("two warm VMs wait", Duration.ofSeconds(10), () -> status().ready() == 2);
        clock.advance(WarmPool.DEMAND_WINDOW.plusSeconds(1));
        assertEquals(0, status().target(), "no ENV asked in the last 10 minutes; the minimum is 0");
        warm.remove(IMAGE);
        warm.refill();
        Wait.until("its warm VMs are gone from the host", Duration.ofSeconds(10),
                () -> hostVms().stream().noneMatch(v -> v.tags() != null && v.tags().containsKey(WarmPool.WARM_TAG)));
        assertThrows(IllegalArgumentException.class, () -> warm.set(IMAGE, 3, 2));
    }

    @Test
    void anEnvTheFreeRoomDoesNotFitTakesTheRoomOfWarmVms() throws Exception {
        warm.set(IMAGE, 3, 3);
        warm.refill();
        Wait.until("three warm VMs wait", Duration.ofSeconds(10), () -> status().ready() == 3);
        EnvCreateRequest twoCpus = EnvCreateRequest.builder("BIG").osPrefix("sim").cpu(2).memMib(64).build();
        assertTrue(envs.plan(twoCpus).fits(), "the warm VMs' room counts as free for an ENV");

        EnvInfo big = envs.create(twoCpus, "alice", 0);
        assertEquals(EnvState.READY, envs.get("BIG", "alice", false, 10).state(), "made, not refused: " + big);
        Wait.until("one warm VM was deleted on the host for it", Duration.ofSeconds(10), () -> hostVms().size() == 3);
        assertEquals(2, hostVms().stream().filter(v -> v.tags() != null && v.tags().containsKey(WarmPool.WARM_TAG))
                .count());
        assertEquals(2, status().ready() + status().starting(), "the other two stay warm");
        assertEquals(new Capacity(4, 3L * 64 * 1024, 3L * 100 * 1024), pool.handedOut(hostId),
                "the ENV's VM and two warm VMs, each counted once");

        EnvCreateRequest fiveCpus = EnvCreateRequest.builder("HUGE").osPrefix("sim").cpu(5).memMib(64).build();
        assertThrows(RuntimeException.class, () -> envs.create(fiveCpus, "alice", 0));
        assertEquals(2, status().ready(), "an ENV that does not fit even then deletes no warm VM");
        envs.delete("BIG", "alice", false);
    }

    @Test
    void anEnvThatCannotBePlacedGivesBackTheWarmVmsItTook() throws Exception {
        warm.set(IMAGE, 1, 1);
        warm.refill();
        Wait.until("a warm VM waits", Duration.ofSeconds(10), () -> status().ready() == 1);
        EnvCreateRequest six = EnvCreateRequest.builder("SIX").osPrefix("sim").cpu(1).memMib(64).replicas(6).build();
        assertThrows(InsufficientResourcesException.class, () -> envs.create(six, "alice", 0),
                "one VM takes the warm VM, the other five do not fit in the room of four");
        assertEquals(1, status().ready(), "the warm VM is back in the pool");
        assertEquals(new Capacity(1, 64L * 1024, 100L * 1024), pool.handedOut(hostId), "holding its share again");
        assertEquals(List.of(), envs.list("alice", false, Map.of()));
    }

    @Test
    void aWarmVmItsHostNoLongerHasLeavesThePool() throws Exception {
        warm.set(IMAGE, 1, 1);
        warm.refill();
        Wait.until("a warm VM waits", Duration.ofSeconds(10), () -> status().ready() == 1);
        String id = hostVms().get(0).id();
        clock.advance(Duration.ofSeconds(1)); // the next poll is asked for after the warm VM was made
        new HostClient(URI.create("http://127.0.0.1:" + host.port()), "sim-token").deleteVm(id);
        Wait.until("the pool let it go and gave its share back", Duration.ofSeconds(10),
                () -> status().ready() == 0 && pool.handedOut(hostId).equals(Capacity.ZERO));
        warm.refill();
        Wait.until("the pool made another", Duration.ofSeconds(10),
                () -> status().ready() == 1 && !hostVms().get(0).id().equals(id));
    }
}
