package tt.host.vm;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import tt.api.Capacity;
import tt.server.InsufficientResourcesException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResourceLedgerTest {

    private static final Capacity ONE = new Capacity(1, 256, 100);

    @Test
    void reservesUntilFullThenNamesWhatIsShort() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(2, 1024, 4096));
        ledger.reserve(new Capacity(1, 512, 1000));
        ledger.reserve(new Capacity(1, 256, 1000));
        InsufficientResourcesException e = assertThrows(InsufficientResourcesException.class,
                () -> ledger.reserve(new Capacity(1, 512, 100)));
        assertTrue(e.getMessage().contains("cpu: need 1, free 0 of 2"), e.getMessage());
        assertTrue(e.getMessage().contains("memory: need 512 KiB, free 256 KiB of 1024 KiB"), e.getMessage());
        assertFalse(e.getMessage().contains("disk"), e.getMessage());
        assertEquals(new Capacity(2, 768, 2000), ledger.used(), "a refused reservation changes nothing");
    }

    @Test
    void releaseGivesBackExactlyOnce() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(4, 4096, 4096));
        ResourceLedger.Hold vm = ledger.reserve(new Capacity(2, 1024, 2048));
        ResourceLedger.Hold other = ledger.reserve(new Capacity(1, 1024, 1024));
        vm.release();
        vm.release();
        assertEquals(new Capacity(1, 1024, 1024), ledger.used());
        other.release();
        assertEquals(Capacity.ZERO, ledger.used());
    }

    @Test
    void aUsersVmTakesTheRoomOfTheHostsWorkAtOnce() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(2, 1024, 1000));
        ledger.reserve(ONE);
        AtomicInteger yields = new AtomicInteger();
        ResourceLedger.Hold build = ledger.reserveHostWork(ONE, yields::incrementAndGet);
        assertEquals(ONE, ledger.used(), "the host's own work is not what VMs use");
        assertEquals(new Capacity(2, 512, 200), ledger.held());

        ResourceLedger.Hold user = ledger.reserve(ONE);
        assertEquals(1, yields.get(), "the build was told to stop");
        assertEquals(new Capacity(2, 512, 200), ledger.held(), "its room is the user's VM's now");
        build.release();
        assertEquals(new Capacity(2, 512, 200), ledger.held(), "a release after yielding gives nothing back twice");
        assertThrows(InsufficientResourcesException.class, () -> ledger.reserveHostWork(ONE, () -> { }),
                "new work takes free room only");
        user.release();
        assertEquals(ONE, ledger.held());
    }

    @Test
    void theHostsWorkYieldsBeforeWarmVmsAndNothingYieldsForNothing() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(3, 3072, 3000));
        List<String> yielded = new ArrayList<>();
        ResourceLedger.Hold warm = ledger.reserveWarm(ONE, () -> yielded.add("warm"));
        ledger.reserveHostWork(ONE, () -> yielded.add("build"));
        ledger.reserve(ONE);
        assertEquals(List.of(), yielded, "free room first");
        ledger.reserve(ONE);
        assertEquals(List.of("build"), yielded);
        assertThrows(InsufficientResourcesException.class, () -> ledger.reserve(new Capacity(2, 256, 100)));
        assertEquals(List.of("build"), yielded, "a VM that does not fit even then makes nothing yield");
        assertTrue(warm.keep(), "a warm VM taken by a user keeps its room");
        assertThrows(InsufficientResourcesException.class, () -> ledger.reserve(ONE));
        assertEquals(List.of("build"), yielded, "a kept warm VM yields no more");
    }

    @Test
    void aWarmVmThatYieldedCannotBeKept() {
        ResourceLedger ledger = new ResourceLedger(new Capacity(1, 1024, 1000));
        ResourceLedger.Hold warm = ledger.reserveWarm(ONE, () -> { });
        ledger.reserve(ONE);
        assertFalse(warm.keep());
    }

    /**
     * N users' VMs asked for at once, from N threads, while background work keeps reserving
     * whatever room is free and releasing it: every VM gets its room, and the ledger ends exact.
     */
    @RepeatedTest(20)
    void usersGetEveryCpuWhileBackgroundWorkKeepsComingBack() throws Exception {
        int n = 8;
        ResourceLedger ledger = new ResourceLedger(new Capacity(n, n * 256L, n * 100L));
        ExecutorService threads = Executors.newFixedThreadPool(n + 2);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<ResourceLedger.Hold> background = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                boolean warm = w == 0;
                workers.add(threads.submit(() -> {
                    while (!stop.get()) {
                        try {
                            ResourceLedger.Hold h = warm ? ledger.reserveWarm(ONE, () -> { })
                                    : ledger.reserveHostWork(ONE, () -> { });
                            background.add(h);
                        } catch (InsufficientResourcesException full) {
                            ResourceLedger.Hold h = background.poll();
                            if (h != null) {
                                h.release();
                            }
                        }
                    }
                }));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ResourceLedger.Hold>> users = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                users.add(threads.submit(() -> {
                    go.await();
                    return ledger.reserve(ONE);
                }));
            }
            go.countDown();
            for (Future<ResourceLedger.Hold> u : users) {
                u.get(10, TimeUnit.SECONDS);
            }
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(10, TimeUnit.SECONDS);
            }
            assertEquals(ledger.total(), ledger.held(), "the users' VMs hold the whole host, and nothing more");
            background.forEach(ResourceLedger.Hold::release);
            assertEquals(ledger.total(), ledger.used(), "what yielded gave nothing back on its late release");
        } finally {
            threads.shutdownNow();
        }
    }
}
