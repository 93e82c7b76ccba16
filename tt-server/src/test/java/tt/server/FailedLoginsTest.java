package tt.server;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailedLoginsTest {

    private final HandClock clock = new HandClock();
    private final List<String> logged = new ArrayList<>();
    private final FailedLogins logins = new FailedLogins(clock, logged::add);

    @Test
    void failuresOverTheLimitAreAnswered429UntilTheAddressFailsLessOften() {
        for (int i = 0; i < FailedLogins.MAX_FAILURES; i++) {
            assertEquals(0, logins.failed("10.0.0.1", "unknown or revoked API token"), "failure " + i);
        }
        assertEquals(60, logins.failed("10.0.0.1", "unknown or revoked API token"));
        assertEquals(0, logins.failed("10.0.0.2", "unknown or revoked API token"), "another address is not limited");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(30, logins.failed("10.0.0.1", "unknown or revoked API token"));
        clock.advance(Duration.ofSeconds(30));
        assertEquals(0, logins.failed("10.0.0.1", "unknown or revoked API token"), "the window passed");
    }

    @Test
    void aRefusalIsLoggedOncePerAddressAndCauseThenCounted() {
        logins.failed("10.0.0.1", "unknown or revoked API token");
        clock.advance(Duration.ofSeconds(20));
        logins.failed("10.0.0.1", "unknown or revoked API token");
        logins.failed("10.0.0.1", "missing API token");
        logins.failed("10.0.0.2", "unknown or revoked API token");
        assertEquals(List.of(
                "refused requests from 10.0.0.1: unknown or revoked API token (first at 2026-03-01T10:00:00Z, 1 so far)",
                "refused requests from 10.0.0.1: missing API token (first at 2026-03-01T10:00:20Z, 1 so far)",
                "refused requests from 10.0.0.2: unknown or revoked API token (first at 2026-03-01T10:00:20Z, 1 so far)"),
                logged);
        clock.advance(FailedLogins.LOG_EVERY.minusSeconds(21));
        logins.failed("10.0.0.1", "unknown or revoked API token");
        assertEquals(3, logged.size(), "a repeat within ten minutes of its line is counted, not logged");
        clock.advance(Duration.ofSeconds(1));
        logins.failed("10.0.0.1", "unknown or revoked API token");
        assertEquals("refused requests from 10.0.0.1: unknown or revoked API token (first at 2026-03-01T10:00:00Z,"
                + " 4 so far)", logged.get(3));
    }

    @Test
    void goingOverTheLimitIsLoggedOnceAsACauseOfItsOwn() {
        for (int i = 0; i < FailedLogins.MAX_FAILURES + 5; i++) {
            logins.failed("10.0.0.1", "unknown or revoked API token");
        }
        assertEquals(List.of(
                "refused requests from 10.0.0.1: unknown or revoked API token (first at 2026-03-01T10:00:00Z, 1 so far)",
                "refused requests from 10.0.0.1: unknown or revoked API token, after 10 failed logins within 60 s:"
                        + " answered 429 (first at 2026-03-01T10:00:00Z, 1 so far)"), logged);
    }
}
