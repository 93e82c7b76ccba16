package tt.jenkins;

import tt.client.ApiException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether a cloud may ask the backend for agents now, after failures. A backend that cannot be
 * reached, or that refuses the cloud's token, pauses provisioning: while paused, one cheap call
 * every {@link #PROBE_EVERY} checks the backend again, and provisioning resumes as soon as it
 * answers. A request the backend refuses for itself (no such image, the pool is full) is retried
 * after a back-off that doubles up to {@link #MAX_BACKOFF}. Each change of state or of the error
 * gives one line to log; the same error again gives none, nor does a 429 after a 429 (the backend
 * refusing the token again, with another wait). A refused token (401, or 429 for too many failed
 * logins) is named as the problem, with the backend's reason.
 */
public final class ProvisioningHealth {

    public static final Duration PROBE_EVERY = Duration.ofSeconds(5);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(10);
    public static final Duration MAX_BACKOFF = Duration.ofMinutes(2);

    /** What provisioning may do now. */
    public enum Next {
        /** Ask for agents. */
        PROVISION,
        /** First check the backend with a cheap call ({@link #probeSucceeded} or {@link #failed} after it). */
        PROBE,
        /** Nothing: paused. */
        WAIT
    }

    private final LongSupplier nanoClock;
    private final Supplier<Instant> wallClock;
    private String error;
    private int errorStatus;
    private Instant since;
    private boolean backendDown;
    private long nextTryNanos;
    private Duration backoff = Duration.ZERO;

    public ProvisioningHealth(LongSupplier nanoClock, Supplier<Instant> wallClock) {
        this.nanoClock = nanoClock;
        this.wallClock = wallClock;
    }

    public synchronized Next next() {
        if (error == null) {
            return Next.PROVISION;
        }
        long now = nanoClock.getAsLong();
        if (now - nextTryNanos < 0) {
            return Next.WAIT;
        }
        if (backendDown) {
            nextTryNanos = now + PROBE_EVERY.toNanos();
            return Next.PROBE;
        }
        return Next.PROVISION;
    }

    /**
     * A call to the backend failed; returns the line to log, or empty when it says nothing new.
     */
    public synchronized Optional<String> failed(Exception e) {
        boolean down = isBackendDown(e);
        int status = e instanceof ApiException api ? api.status() : 0;
        String message = e instanceof ApiException api && api.tokenRefused()
                ? "the TT backend refuses this cloud's token: " + e.getMessage() : String.valueOf(e.getMessage());
        long now = nanoClock.getAsLong();
        boolean news = down != backendDown || !message.equals(error) && !(status == 429 && errorStatus == 429);
        if (error == null) {
            since = wallClock.get();
        }
        backendDown = down;
        if (down) {
            backoff = Duration.ZERO;
            nextTryNanos = now + PROBE_EVERY.toNanos();
        } else {
            backoff = backoff.isZero() ? FIRST_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
            nextTryNanos = now + backoff.toNanos();
        }
        error = message;
        errorStatus = status;
        if (!news) {
            return Optional.empty();
        }
        return Optional.of(down
                ? "provisioning paused: " + message + "; checking the TT backend again every "
                + PROBE_EVERY.toSeconds() + " s"
                : "an agent could not be made: " + message + "; trying again in " + backoff.toSeconds() + " s at the"
                + " earliest, this message is not repeated while it stays the same");
    }

    /** The backend answered the probe: provisioning resumes now. Returns the line to log. */
    public synchronized String probeSucceeded() {
        String was = error;
        clear();
        return "provisioning resumed: the TT backend answers again (it failed with: " + was + ")";
    }

    /** An agent's ENV was made: whatever failed before is over. Returns the line to log, if any. */
    public synchronized Optional<String> succeeded() {
        if (error == null) {
            return Optional.empty();
        }
        String was = error;
        clear();
        return Optional.of("provisioning works again (it failed with: " + was + ")");
    }

    /** The last failure and since when, while provisioning is not working; empty when it is. */
    public synchronized Optional<String> problem() {
        return error == null ? Optional.empty() : Optional.of("since " + since + ": " + error);
    }

    private void clear() {
        error = null;
        errorStatus = 0;
        since = null;
        backendDown = false;
        backoff = Duration.ZERO;
    }

    /** Unreachable, refusing the token, or failing itself: nothing works until that is fixed. */
    static boolean isBackendDown(Exception e) {
        if (e instanceof ApiException api) {
            return api.tokenRefused() || api.status() == 403 || api.status() >= 500;
        }
        return e instanceof java.io.IOException;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
