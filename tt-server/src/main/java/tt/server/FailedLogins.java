package tt.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Failed authentications per client address. Once an address failed {@link #MAX_FAILURES} times
 * within {@link #WINDOW}, its further failures are answered 429 until it fails less often; only
 * failures are counted here, so a valid token from that address is still served. Each refusal is
 * logged the first time an address gets it for a cause, then counted: the same address and cause
 * log again at most every {@link #LOG_EVERY}, with how many there were.
 */
public final class FailedLogins {

    static final int MAX_FAILURES = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration LOG_EVERY = Duration.ofMinutes(10);
    private static final int MAX_KEPT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(FailedLogins.class);

    private final Clock clock;
    private final Consumer<String> log;
    private final Map<String, Deque<Instant>> failures = new HashMap<>();
    private final Map<Refusal, Seen> seen = new HashMap<>();

    private record Refusal(String address, String cause) {
    }

    private record Seen(Instant first, long count, Instant logged) {
    }

    /** Logs to the server's log. */
    public FailedLogins(Clock clock) {
        this(clock, LOG::warn);
    }

    /** Logs each line to {@code log}. */
    public FailedLogins(Clock clock, Consumer<String> log) {
        this.clock = clock;
        this.log = log;
    }

    /**
     * Counts and logs a failed authentication from the address, {@code cause} saying why it failed
     * (never the token itself). Returns 0 when the failure is to be answered 401, else the seconds
     * for which the address's failures are still answered 429 (longer if it goes on failing).
     */
    public long failed(String address, String cause) {
        String line;
        long wait;
        synchronized (this) {
            Instant now = clock.instant();
            Deque<Instant> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
            forgetOld(times, now);
            boolean over = times.size() >= MAX_FAILURES;
            times.addLast(now);
            if (times.size() > MAX_FAILURES) {
                times.removeFirst();
            }
            wait = over ? Math.max(1, secondsUp(Duration.between(now, times.peekFirst().plus(WINDOW)))) : 0;
            line = note(new Refusal(address, over ? cause + ", after " + MAX_FAILURES + " failed logins within "
                    + WINDOW.toSeconds() + " s: answered 429" : cause), now);
            if (failures.size() > MAX_KEPT) {
                failures.values().removeIf(t -> t.isEmpty() || !t.peekLast().isAfter(now.minus(WINDOW)));
            }
        }
        if (line != null) {
            log.accept(line);
        }
        return wait;
    }

    /** Counts the refusal; returns the line to log, or null when it was logged less than {@link #LOG_EVERY} ago. */
    private String note(Refusal refusal, Instant now) {
        Seen was = seen.get(refusal);
        boolean logNow = was == null || !now.isBefore(was.logged().plus(LOG_EVERY));
        Seen is = was == null ? new Seen(now, 1, now) : new Seen(was.first(), was.count() + 1, logNow ? now : was.logged());
        seen.put(refusal, is);
        if (seen.size() > MAX_KEPT) {
            seen.values().removeIf(s -> !s.logged().isAfter(now.minus(LOG_EVERY)));
        }
        return logNow ? "refused requests from " + refusal.address() + ": " + refusal.cause() + " (first at "
                + is.first().truncatedTo(ChronoUnit.SECONDS) + ", " + is.count() + " so far)" : null;
    }

    private static void forgetOld(Deque<Instant> times, Instant now) {
        Instant since = now.minus(WINDOW);
        while (!times.isEmpty() && !times.peekFirst().isAfter(since)) {
            times.removeFirst();
        }
    }

    private static long secondsUp(Duration d) {
        return d.plusNanos(999_999_999).toSeconds();
    }
}
