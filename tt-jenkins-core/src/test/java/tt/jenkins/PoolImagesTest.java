package tt.jenkins;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PoolImagesTest {

    private static final AgentVms.Spec UBUNTU = new AgentVms.Spec("ubuntu", null, null, 1, 512, null, 60);
    private static final AgentVms.Spec WINDOWS = new AgentVms.Spec("windows", null, null, 1, 512, null, 60);

    @Test
    void unknownUntilFetchedThenAnswersFromTheListAndRefreshesWhenStale() {
        AtomicLong clock = new AtomicLong();
        AtomicInteger fetches = new AtomicInteger();
        List<List<String>> answers = new ArrayList<>(List.of(List.of("qemu:ubuntu-20.04:x86_64"),
                List.of("qemu:ubuntu-20.04:x86_64", "qemu:windows-2022:x86_64")));
        List<Runnable> background = new ArrayList<>();
        PoolImages pool = new PoolImages(() -> {
            fetches.incrementAndGet();
            return answers.remove(0);
        }, 30, background::add, clock::get);

        assertEquals(Optional.empty(), pool.serves(UBUNTU, "x86_64"));
        assertEquals(1, background.size(), "one refresh at a time");
        pool.serves(UBUNTU, "x86_64");
        assertEquals(1, background.size());
        background.remove(0).run();
        assertEquals(Optional.of(true), pool.serves(UBUNTU, "x86_64"));
        assertEquals(Optional.of(false), pool.serves(WINDOWS, "x86_64"));
        assertEquals(0, background.size(), "fresh: no refresh");

        clock.set(31);
        assertEquals(Optional.of(false), pool.serves(WINDOWS, "x86_64"), "stale answers until the refresh ran");
        background.remove(0).run();
        assertEquals(Optional.of(true), pool.serves(WINDOWS, "x86_64"));
        assertEquals(2, fetches.get());
    }

    @Test
    void aFailedFetchKeepsWhatWasKnown() {
        AtomicLong clock = new AtomicLong();
        AtomicInteger calls = new AtomicInteger();
        PoolImages pool = new PoolImages(() -> {
            if (calls.incrementAndGet() > 1) {
                throw new IOException("backend down");
            }
            return List.of("qemu:ubuntu-20.04:x86_64");
        }, 30, Runnable::run, clock::get);
        assertEquals(Optional.of(true), pool.serves(UBUNTU, "x86_64"), "this executor refreshes before the answer");
        clock.set(100);
        assertEquals(Optional.of(true), pool.serves(UBUNTU, "x86_64"));
        assertEquals(2, calls.get());
    }
}
