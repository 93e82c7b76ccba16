package tt.backend.env;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvPlan;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostConnector;
import tt.backend.hosts.HostPool;
import tt.server.Caller;
import tt.server.ConflictException;
import tt.server.InsufficientResourcesException;
import tt.server.QuotaException;
import tt.testkit.ManualClock;
import tt.testkit.SimulatedHost;
import tt.testkit.Wait;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every CI client needs of the backend: leases that end an abandoned ENV, tags to find its
 * own ENVs, a plan before committing, and waiting for room. The host answers from memory
 * (SimulatedHost); the database is the real embedded one.
 */
class EnvLeasesAndPlansTest {

    private static final String IMAGE = "qemu:sim-1.0:1.x86_64";

    @TempDir
    Path dir;
    private Database db;
    private PoolStore store;
    private HostPool pool;
    private EnvService envs;
    private SimulatedHost host;
    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeEach
    void startPool() throws Exception {
        db = Database.open(dir, null, null, null);
        store = new PoolStore(db);
        EnvService[] ref = new EnvService[1];
        pool = new HostPool(store, new HostConnector("sim-token", null, Map.of()),
                id -> ref[0].reconciler().sharesHeldOn(id), clock);
        envs = new EnvService(store, pool, new EnvService.Limits(60, 120, 64), clock);
        ref[0] = envs;
        // room for exactly two VMs of one vCPU
        host = SimulatedHost.start("sim-token", new Capacity(2, 64L * 1024 * 1024, 1L << 30), IMAGE);
        pool.start(envs.reconciler(), 60_000);
        pool.add("127.0.0.1", host.port(), true, null);
    }

    @AfterEach
    void stopPool() {
        envs.close();
        pool.close();
        host.close();
        db.close();
    }

    private static EnvCreateRequest request(String name, int replicas, Integer leaseSeconds, Map<String, String> tags) {
        return EnvCreateRequest.builder(name).osPrefix("sim").cpu(1).memMib(64).replicas(replicas)
                .leaseSeconds(leaseSeconds).tags(tags).build();
    }

    @Test
    void anEnvWhoseLeaseIsNotRenewedIsDeletedAndARenewedOneStays() throws Exception {
        Instant made = clock.instant();
        envs.create(request("KEPT", 1, 30, null), "ci", 0);
        envs.create(request("ABANDONED", 1, 30, null), "ci", 0);
        Wait.until("both ENVs' VMs are on the host", Duration.ofSeconds(10), () -> host.vmCount() == 2);
        clock.advance(Duration.ofSeconds(25));
        envs.expire();
        assertEquals(2, store.envs().size(), "within their leases both live");
        clock.advance(Duration.ofSeconds(3));
        EnvInfo renewed = envs.renew("KEPT", "ci", false);
        assertEquals(made.plusSeconds(58), renewed.leaseExpiresAt(), renewed.toString());
        clock.advance(Duration.ofSeconds(3));
        envs.expire();
        assertEquals(List.of("KEPT"), store.envs().stream().map(PoolStore.Env::name).toList(),
                "the renewed ENV lives on, the abandoned one is gone");
        assertEquals(1, host.vmCount(), "and its VM with it");
        ConflictException noLease = assertThrows(ConflictException.class, () -> {
            envs.create(request("PLAIN", 1, null, null), "ci", 0);
            envs.renew("PLAIN", "ci", false);
        });
        assertTrue(noLease.getMessage().contains("has no lease"), noLease.getMessage());
        assertThrows(IllegalArgumentException.class, () -> envs.create(request("SHORT", 1, 5, null), "ci", 0));
    }

    @Test
    void aClientListsOnlyItsOwnTaggedEnvs() throws Exception {
        envs.create(request("MINE", 1, null, Map.of("client", "runner-7")), "ci", 0);
        envs.create(request("OTHER", 1, null, Map.of("client", "runner-8")), "ci", 0);
        assertEquals(List.of("MINE"), envs.list("ci", false, Map.of("client", "runner-7")).stream()
                .map(EnvInfo::name).toList());
        assertEquals(2, envs.list("ci", false, Map.of()).size());
        assertEquals(List.of(), envs.list("someone-else", false, Map.of("client", "runner-7")),
                "tags never show another owner's ENVs");
        assertEquals(Map.of("client", "runner-7"), envs.list("ci", false, Map.of("client", "runner-7")).get(0).tags());
    }

    @Test
    void aPlanSaysWhereVmsWouldGoOrWhatIsShortAndMakesNothing() {
        EnvPlan fits = envs.plan(request("P", 2, null, null));
        assertTrue(fits.fits(), fits.toString());
        assertEquals(2, fits.hostOfVm().size());
        EnvPlan tooBig = envs.plan(request("P", 3, null, null));
        assertFalse(tooBig.fits());
        assertTrue(tooBig.problem().contains("the pool cannot fit VM"), tooBig.problem());
        assertEquals(List.of(), store.envs(), "a plan makes nothing");
        assertEquals(0, host.vmCount());
        assertEquals(Capacity.ZERO, pool.handedOut("127.0.0.1:" + host.port()), "and reserves nothing");
    }

    @Test
    void aTokensQuotaRefusesWhatWouldPassItNamingTheLimit() throws Exception {
        Caller.Quota quota = new Caller.Quota(1, 128, 30);
        envs.create(request("ONE", 1, null, null), "bot", quota, 0);
        QuotaException vms = assertThrows(QuotaException.class, () -> envs.create(request("TWO", 1, null, null), "bot",
                quota, 0));
        assertEquals("the token of bot may hold at most 1 VMs; it holds 1 and asks for 1 more: delete ENVs first",
                vms.getMessage());
        QuotaException mem = assertThrows(QuotaException.class, () -> envs.create(EnvCreateRequest.builder("BIG")
                .osPrefix("sim").cpu(1).memMib(256).replicas(1).build(), "bot", new Caller.Quota(null, 128, null), 0));
        assertTrue(mem.getMessage().contains("at most 128 MiB of VM memory"), mem.getMessage());
        QuotaException life = assertThrows(QuotaException.class, () -> envs.create(EnvCreateRequest.builder("LONG")
                .osPrefix("sim").cpu(1).memMib(64).lifetimeMinutes(60).replicas(1).build(), "bot", quota, 0));
        assertTrue(life.getMessage().contains("at most 30 minutes' lifetime"), life.getMessage());
        assertEquals(List.of("ONE"), store.envs().stream().map(PoolStore.Env::name).toList(), "a refusal makes nothing");
    }

    @Test
    void aCreateWithWaitSecondsGetsTheRoomOnceItIsFreed() throws Exception {
        envs.create(request("FIRST", 2, null, null), "ci", 0);
        assertThrows(InsufficientResourcesException.class, () -> envs.create(request("NOW", 1, null, null), "ci", 0),
                "without waiting, a full pool refuses at once");
        CompletableFuture<EnvInfo> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return envs.create(request("WAITS", 1, null, null), "ci", 60);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Wait.until("the create waits for room", Duration.ofSeconds(10), () -> envs.waitingForRoom() == 1);
        assertFalse(waiting.isDone(), "still waiting for room");
        envs.delete("FIRST", "ci", false);
        EnvInfo made = waiting.get(30, TimeUnit.SECONDS);
        assertNotNull(made);
        assertEquals("WAITS", made.name());
    }
}
