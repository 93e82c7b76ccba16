package tt.jenkins;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The pool's images as last seen, so that a dynamic label no image matches is not offered to
 * Jenkins (whose queue then says that no node or cloud serves it) instead of failing at every
 * provisioning round. Never blocks its caller: a stale list is refreshed in the background.
 */
public final class PoolImages {

    private final Callable<List<String>> fetch;
    private final long maxAgeNanos;
    private final Executor executor;
    private final LongSupplier nanoClock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile List<String> images;
    private volatile long fetchedAt;

    public PoolImages(Callable<List<String>> fetch, long maxAgeNanos, Executor executor, LongSupplier nanoClock) {
        this.fetch = fetch;
        this.maxAgeNanos = maxAgeNanos;
        this.executor = executor;
        this.nanoClock = nanoClock;
    }

    /** Whether an image of the pool serves the spec; empty while the pool has not been seen yet. */
    public Optional<Boolean> serves(AgentVms.Spec spec, String preferredArch) {
        refreshIfStale();
        List<String> known = images;
        if (known == null) {
            return Optional.empty();
        }
        try {
            AgentVms.chooseImage(spec, known, preferredArch);
            return Optional.of(true);
        } catch (IllegalArgumentException e) {
            return Optional.of(false);
        }
    }

    private void refreshIfStale() {
        boolean stale = images == null || nanoClock.getAsLong() - fetchedAt > maxAgeNanos;
        if (stale && refreshing.compareAndSet(false, true)) {
            executor.execute(() -> {
                try {
                    List<String> fresh = List.copyOf(fetch.call());
                    fetchedAt = nanoClock.getAsLong();
                    images = fresh;
                } catch (Exception e) {
                    // The backend did not answer: keep what was known; provisioning reports the error itself.
                } finally {
                    refreshing.set(false);
                }
            });
        }
    }
}
