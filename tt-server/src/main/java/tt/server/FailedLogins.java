package tt.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed authentications per client address: after {@link #MAX_FAILURES} within {@link #WINDOW},
 * that address is refused for the rest of the window, so a token cannot be guessed by trying.
 */
public final class FailedLogins {

    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);

    private final LongSupplier nanoClock;
    private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

    public FailedLogins(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Seconds the address must still wait, or 0 if it may try. */
    public long waitSeconds(String address) {
        Deque<Long> times = failures.get(address);
        if (times == null) {
            return 0;
        }
        synchronized (times) {
            forgetOld(times);
            if (times.size() < MAX_FAILURES) {
                return 0;
            }
            return Math.max(1, (times.peekFirst() + WINDOW.toNanos() - nanoClock.getAsLong()) / 1_000_000_000L);
        }
    }

    public void failed(String address) {
        Deque<Long> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            forgetOld(times);
            times.addLast(nanoClock.getAsLong());
        }
        if (failures.size() > 10_000) {
            failures.entrySet().removeIf(e -> e.getValue().isEmpty());
        }
    }

    private void forgetOld(Deque<Long> times) {
        long since = nanoClock.getAsLong() - WINDOW.toNanos();
        while (!times.isEmpty() && times.peekFirst() - since < 0) {
            times.removeFirst();
        }
    }
}
