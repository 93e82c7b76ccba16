package tt.backend.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.backend.db.PoolStore;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The hosts' making of ENVs' VMs: the host calls still making each ENV's VMs, which a delete
 * waits for, and when each host VM was made, so that a poll asked for before that does not call
 * it lost.
 */
final class VmCreations {

    private static final Logger LOG = LoggerFactory.getLogger(VmCreations.class);
    /** How long a delete waits for a host still making one of the ENV's VMs. */
    private static final int CREATE_CALL_WAIT_SECONDS = 60;

    private final Map<String, Instant> madeAt = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> inFlight = new ConcurrentHashMap<>();

    /** Registers the host calls about to make the ENV's VMs, one per VM; each ends with {@link #callEnded}. */
    CountDownLatch start(String envId, int vms) {
        CountDownLatch calls = new CountDownLatch(vms);
        inFlight.put(envId, calls);
        return calls;
    }

    /** The ENV's host calls will not be made after all. */
    void cancel(String envId) {
        inFlight.remove(envId);
    }

    /** One of the host calls {@link #start} registered has ended, whatever its outcome. */
    void callEnded(String envId, CountDownLatch calls) {
        calls.countDown();
        if (calls.getCount() == 0) {
            inFlight.remove(envId, calls);
        }
    }

    void made(String hostVmId, Instant at) {
        madeAt.put(hostVmId, at);
    }

    /** When the host VM was made, or null if not by this backend since its start. */
    Instant madeAt(String hostVmId) {
        return madeAt.get(hostVmId);
    }

    void forget(String hostVmId) {
        madeAt.remove(hostVmId);
    }

    /**
     * Waits for the host calls still making the ENV's VMs; one that answers after this wait ends
     * finds its row gone and deletes its VM itself.
     */
    void await(PoolStore.Env env) {
        CountDownLatch calls = inFlight.get(env.id());
        try {
            if (calls != null && !calls.await(CREATE_CALL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("env {} ({}): {} VMs still being made after {} s; each is deleted when its host answers,"
                        + " or at the host's next poll", env.name(), env.id(), calls.getCount(),
                        CREATE_CALL_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
