package tt.backend.env;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvPlan;
import tt.api.EnvState;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.api.Validation;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostPool;
import tt.server.Caller;
import tt.server.ConflictException;
import tt.server.NotFoundException;
import tt.local.DaemonThreads;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The ENVs of the client API, each found by name for its caller (its owner, or the admin): listed,
 * shown, its lease renewed; making them ({@link EnvCreation}), deleting them ({@link EnvDeletion})
 * and acting on their VMs ({@link EnvCommands}) are handed to the class that does it, and
 * {@link #reconciler()} keeps them in step with their hosts.
 */
public final class EnvService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EnvService.class);

    /** Lifetimes in minutes, and the default VM size. */
    public record Limits(int defaultLifetimeMinutes, int maxLifetimeMinutes, int defaultMemMib) {
    }

    private final PoolStore store;
    private final Clock clock;
    private final ExecutorService workers = Executors.newFixedThreadPool(32, DaemonThreads.named("env-work"));
    private final EnvCreation creation;
    private final EnvDeletion deletion;
    private final EnvCommands commands;
    private final HostReconciler reconciler;

    public EnvService(PoolStore store, HostPool pool, Limits limits, Clock clock) {
        this(store, pool, limits, new Object(), null, new SimpleMeterRegistry(), clock);
    }

    /**
     * @param placementLock held while VMs are placed and their shares reserved; the warm pool
     *                      places under the same lock
     * @param warm          the warm pool ENVs take VMs from, or null for none
     * @param registry      where the ENVs made and deleted, and the placements refused, are counted
     * @param clock         what lifetimes, leases and waits are measured by
     */
    public EnvService(PoolStore store, HostPool pool, Limits limits, Object placementLock, WarmPool warm,
                      MeterRegistry registry, Clock clock) {
        this.store = store;
        this.clock = clock;
        VmCreations creations = new VmCreations();
        this.deletion = new EnvDeletion(store, pool, creations, registry, clock);
        this.creation = new EnvCreation(store, pool, limits, new EnvPlacement(store, pool, placementLock, warm),
                creations, deletion, workers, registry, clock);
        this.commands = new EnvCommands(store, pool, workers);
        this.reconciler = new HostReconciler(store, pool, warm, creations);
    }

    /** What keeps the ENVs' VMs in step with their hosts: the pool's listener. */
    public HostReconciler reconciler() {
        return reconciler;
    }

    /**
     * Makes an ENV: places every VM at once and answers; the hosts make the VMs in the background.
     * When the pool has no room now, waits up to {@code waitSeconds} for room (0: refuse at once).
     */
    public EnvInfo create(EnvCreateRequest req, String owner, int waitSeconds) throws InterruptedException {
        return create(req, owner, Caller.Quota.NONE, waitSeconds);
    }

    /** Makes an ENV within the owner's token's quota (VMs, memory over all its ENVs, lifetime per ENV). */
    public EnvInfo create(EnvCreateRequest req, String owner, Caller.Quota quota, int waitSeconds)
            throws InterruptedException {
        return creation.create(req, owner, quota, waitSeconds);
    }

    /** How many creates found no room and are waiting for it now. */
    int waitingForRoom() {
        return creation.waitingForRoom();
    }

    /** Whether the pool could place the ENV now, and where or what is short; makes and reserves nothing. */
    public EnvPlan plan(EnvCreateRequest req) {
        return creation.plan(req);
    }

    /** Moves the ENV's lease on by its length: its client is alive. */
    public EnvInfo renew(String name, String owner, boolean admin) {
        PoolStore.Env env = find(name, owner, admin);
        if (env.leaseSeconds() == null) {
            throw new ConflictException("ENV " + name + " has no lease to renew: it lives until " + env.expiresAt()
                    + " (make it with leaseSeconds to tie it to its client)");
        }
        store.renewLease(env.id(), clock.instant().plusSeconds(env.leaseSeconds()));
        return info(find(name, owner, admin));
    }

    /** The ENVs the caller may see that carry every tag of {@code withTags} (all of them for none). */
    public List<EnvInfo> list(String owner, boolean admin, Map<String, String> withTags) {
        Map<String, List<PoolStore.Vm>> vmsByEnv = store.allVms().stream()
                .collect(Collectors.groupingBy(PoolStore.Vm::envId));
        return store.envs().stream().filter(e -> admin || e.owner().equals(owner))
                .filter(e -> e.tags().entrySet().containsAll(withTags.entrySet()))
                .map(e -> EnvView.of(e, vmsByEnv.getOrDefault(e.id(), List.of()))).toList();
    }

    /** The ENV; with {@code waitSeconds} > 0, answers once it is no longer CREATING (or time is up). */
    public EnvInfo get(String name, String owner, boolean admin, int waitSeconds) throws InterruptedException {
        PoolStore.Env env = find(name, owner, admin);
        Instant deadline = clock.instant().plusSeconds(Math.min(waitSeconds, 600));
        EnvInfo info = info(env);
        while (info.state() == EnvState.CREATING && clock.instant().isBefore(deadline)) {
            Thread.sleep(200);
            info = info(env);
        }
        return info;
    }

    /** Deletes the ENV; returns once its VMs are gone from their hosts (see {@link EnvDeletion#delete}). */
    public void delete(String name, String owner, boolean admin) {
        PoolStore.Env env = find(name, owner, admin);
        deletion.delete(env);
        LOG.info("env {} ({}): deleted", env.name(), env.id());
    }

    /** Deletes the ENVs whose lifetime is over, or whose lease ended without a renewal. */
    public void expire() {
        deletion.expire();
    }

    /**
     * Runs the command on every VM in parallel, through each host's exec path (SSH into the guest),
     * handing each VM's result to {@code sink} as soon as it is there.
     */
    public void run(String name, RunRequest req, String owner, boolean admin, Consumer<RunResult> sink)
            throws InterruptedException {
        commands.run(find(name, owner, admin), req, sink);
    }

    /**
     * Pauses ({@code stop}) or resumes ({@code start}) every VM of the ENV on its host; VMs already
     * in the wanted state, or failed, are left as they are.
     */
    public EnvInfo pauseOrResume(String name, boolean stop, String owner, boolean admin) {
        PoolStore.Env env = find(name, owner, admin);
        commands.pauseOrResume(env, stop);
        return info(env);
    }

    public boolean hostHasVms(String hostId) {
        return !store.vmsOnHost(hostId).isEmpty();
    }

    /** Throws the usual not-found answer unless the caller may see the ENV. */
    public void checkVisible(String name, String owner, boolean admin) {
        find(name, owner, admin);
    }

    private PoolStore.Env find(String name, String owner, boolean admin) {
        PoolStore.Env env = store.envByName(name == null ? "" : name).orElse(null);
        if (env == null || !(admin || env.owner().equals(owner))) {
            throw new NotFoundException("no ENV '" + Validation.printable(name) + "': see 'tt env list'");
        }
        return env;
    }

    private EnvInfo info(PoolStore.Env env) {
        return EnvView.of(env, store.vms(env.id()));
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
