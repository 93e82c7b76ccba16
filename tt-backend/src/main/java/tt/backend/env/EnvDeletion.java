package tt.backend.env;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostPool;
import tt.client.ApiException;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deletes ENVs, asked to or because their lifetime is over or their lease ran out: their rows,
 * their VMs on the hosts, and the VMs' shares of their hosts.
 */
final class EnvDeletion {

    private static final Logger LOG = LoggerFactory.getLogger(EnvDeletion.class);

    private final PoolStore store;
    private final HostPool pool;
    private final VmCreations creations;
    private final Counter envsDeleted;
    private final Clock clock;
    /** The ENVs being deleted, each by one call that the others wait for. */
    private final Map<String, CompletableFuture<Void>> deletions = new ConcurrentHashMap<>();

    /**
     * @param creations the host calls a delete waits for
     * @param registry  where the ENVs deleted are counted
     * @param clock     what lifetimes and leases are measured by
     */
    EnvDeletion(PoolStore store, HostPool pool, VmCreations creations, MeterRegistry registry, Clock clock) {
        this.store = store;
        this.pool = pool;
        this.creations = creations;
        this.envsDeleted = Counter.builder("tt_env_deletions").description("ENVs deleted").register(registry);
        this.clock = clock;
    }

    /** Deletes the ENVs whose lifetime is over, or whose lease ended without a renewal. */
    void expire() {
        Instant now = clock.instant();
        for (PoolStore.Env env : store.expiredEnvs(now)) {
            LOG.info("env {} ({}): {}, deleting", env.name(), env.id(), env.expiresAt().isBefore(now) ? "lifetime over"
                    : "lease of " + env.leaseSeconds() + " s not renewed since " + env.leaseExpiresAt()
                    .minusSeconds(env.leaseSeconds()));
            delete(env);
        }
    }

    /**
     * Deletes the ENV and returns once every VM of it is gone from its host (a host that cannot be
     * reached removes it when it is back). A VM its host is still making is deleted as soon as
     * the host has made it, before this returns. Deleting an ENV that another call is deleting
     * waits for that call; only one of them frees the VMs' shares of their hosts.
     */
    void delete(PoolStore.Env env) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = deletions.putIfAbsent(env.id(), mine);
        if (other != null) {
            other.join();
            return;
        }
        try {
            // the host calls still making VMs finish first, so each made VM is in the rows read
            // here: a VM recorded between reading the rows and deleting them would be left behind
            creations.await(env);
            List<PoolStore.Vm> vms = store.deleteEnv(env.id()).orElse(List.of());
            for (PoolStore.Vm vm : vms) {
                if (vm.hostVmId() != null) {
                    creations.forget(vm.hostVmId());
                    if (pool.isOnline(vm.hostId())) {
                        deleteOnHost(vm.hostId(), vm.hostVmId());
                    }
                }
                pool.release(vm.hostId(), EnvPlacement.ledgerKey(vm));
            }
            mine.complete(null);
            envsDeleted.increment();
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            deletions.remove(env.id(), mine);
        }
    }

    /** Deletes a VM on its host; a host that cannot be reached removes it when it is back. */
    void deleteOnHost(String hostId, String hostVmId) {
        try {
            pool.client(hostId).deleteVm(hostVmId);
        } catch (ApiException e) {
            if (e.status() != 404) {
                LOG.warn("deleting VM {} on {}: {}", hostVmId, hostId, e.getMessage());
            }
        } catch (IOException e) {
            LOG.warn("deleting VM {} on {}: {} (the host will remove it when it is back)", hostVmId, hostId,
                    e.getMessage());
        }
    }
}
