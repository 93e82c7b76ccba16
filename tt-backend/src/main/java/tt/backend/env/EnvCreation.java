package tt.backend.env;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvPlan;
import tt.api.KeyFingerprint;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostPool;
import tt.server.Caller;
import tt.server.ConflictException;
import tt.server.InsufficientResourcesException;
import tt.server.QuotaException;
import tt.local.Revert;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes ENVs: places every VM at once ({@link EnvPlacement}), waiting for room if asked to, and
 * answers; the hosts make the VMs in the background. A failure while placing changes nothing.
 */
final class EnvCreation {

    private static final Logger LOG = LoggerFactory.getLogger(EnvCreation.class);
    /** The tag naming the ENV a host VM was made for. */
    static final String ENV_TAG = "ttEnv";
    /** The tag naming the ENV service that made a VM (see {@link PoolStore#instanceId()}). */
    static final String OWNER_TAG = "ttOwner";
    /** The longest a create may wait for room in the pool. */
    static final int MAX_WAIT_SECONDS = 3600;
    private static final long ROOM_POLL_MILLIS = 500;

    private final PoolStore store;
    private final HostPool pool;
    private final EnvService.Limits limits;
    private final String instanceId;
    private final EnvPlacement placement;
    private final VmCreations creations;
    private final EnvDeletion deletion;
    private final ExecutorService workers;
    private final MeterRegistry registry;
    private final Counter envsMade;
    private final Clock clock;
    /** The creates that found no room and wait for it. */
    private final AtomicInteger waitingForRoom = new AtomicInteger();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param creations where the host calls making VMs, and when each VM was made, are recorded
     * @param deletion  what deletes a VM made for an ENV deleted meanwhile
     * @param workers   what the host calls run on
     * @param registry  where the ENVs made, and the placements refused, are counted
     * @param clock     what lifetimes, leases and waits are measured by
     */
    EnvCreation(PoolStore store, HostPool pool, EnvService.Limits limits, EnvPlacement placement, VmCreations creations,
                EnvDeletion deletion, ExecutorService workers, MeterRegistry registry, Clock clock) {
        this.store = store;
        this.pool = pool;
        this.limits = limits;
        this.instanceId = store.instanceId();
        this.placement = placement;
        this.creations = creations;
        this.deletion = deletion;
        this.workers = workers;
        this.envsMade = Counter.builder("tt_env_creations").description("ENVs made").register(registry);
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * Makes an ENV within the owner's token's quota (VMs, memory over all its ENVs, lifetime per ENV).
     * When the pool has no room now, waits up to {@code waitSeconds} for room (0: refuse at once).
     */
    EnvInfo create(EnvCreateRequest req, String owner, Caller.Quota quota, int waitSeconds)
            throws InterruptedException {
        EnvSpec spec = EnvSpec.of(withinQuotaLifetime(req, quota), limits, pool);
        if (quota.maxLifetimeMinutes() != null && spec.lifetimeMinutes() > quota.maxLifetimeMinutes()) {
            throw new QuotaException("the token of " + owner + " may make ENVs of at most "
                    + quota.maxLifetimeMinutes() + " minutes' lifetime; this one asks for " + spec.lifetimeMinutes());
        }
        Instant deadline = clock.instant().plusSeconds(Math.min(waitSeconds, MAX_WAIT_SECONDS));
        while (true) {
            try {
                EnvInfo made = create(spec, owner, quota);
                envsMade.increment();
                return made;
            } catch (InsufficientResourcesException noRoom) {
                if (!clock.instant().isBefore(deadline)) {
                    registry.counter("tt_placement_failures", "reason",
                            noRoom.getMessage().startsWith("no online host has image") ? "no_host_with_image" : "no_room")
                            .increment();
                    throw noRoom;
                }
                waitingForRoom.incrementAndGet();
                try {
                    Thread.sleep(ROOM_POLL_MILLIS);
                } finally {
                    waitingForRoom.decrementAndGet();
                }
            }
        }
    }

    /** How many creates found no room and are waiting for it now. */
    int waitingForRoom() {
        return waitingForRoom.get();
    }

    /** Whether the pool could place the ENV now, and where or what is short; makes and reserves nothing. */
    EnvPlan plan(EnvCreateRequest req) {
        return placement.plan(EnvSpec.of(req, limits, pool));
    }

    private EnvInfo create(EnvSpec spec, String owner, Caller.Quota quota) {
        if (store.envByName(spec.name()).isPresent()) {
            throw new ConflictException("an ENV named '" + spec.name() + "' exists: pick another name or 'tt env del "
                    + spec.name() + "'");
        }
        String envId = "env-" + HexFormat.of().formatHex(random.generateSeed(6));
        Instant now = clock.instant();
        PoolStore.Env env = new PoolStore.Env(envId, spec.name(), owner, now, now.plus(Duration.ofMinutes(spec.lifetimeMinutes())),
                spec.leaseSeconds(), spec.leaseSeconds() == null ? null : now.plusSeconds(spec.leaseSeconds()),
                spec.tags(), spec.keys().stream().map(KeyFingerprint::of).distinct().toList());
        CountDownLatch calls;
        List<PoolStore.Vm> placed;
        try (Revert revert = new Revert()) {
            // registered before the ENV can be seen, so that a delete racing this create waits for its VMs
            calls = creations.start(envId, spec.vms().size());
            revert.add(() -> creations.cancel(envId));
            placed = placement.place(env, spec.vms(), !spec.ports().isEmpty(), quota);
            revert.disarm();
        }
        LOG.info("env {} ({}): {} VMs placed on {}", spec.name(), envId, placed.size(),
                placed.stream().map(PoolStore.Vm::hostId).distinct().sorted().toList());
        createOnHosts(env, placed, spec.keys(), spec.ports(), calls);
        return EnvView.of(env, placed);
    }

    /** A request that asks for no lifetime gets the default, or the token's longest if that is shorter. */
    private EnvCreateRequest withinQuotaLifetime(EnvCreateRequest r, Caller.Quota quota) {
        if (r == null || r.lifetimeMinutes() != null || quota.maxLifetimeMinutes() == null
                || quota.maxLifetimeMinutes() >= limits.defaultLifetimeMinutes()) {
            return r;
        }
        return new EnvCreateRequest(r.name(), r.osPrefix(), r.images(), r.cpu(), r.memMib(), r.diskMib(), r.ports(),
                r.sshKeys(), quota.maxLifetimeMinutes(), r.replicas(), r.leaseSeconds(), r.tags());
    }

    /**
     * Asks each VM's host to make it, in the background; a VM its host refuses is marked failed
     * with the host's reason (and the ENV with it). A VM made after its ENV was deleted is
     * deleted again at once.
     */
    private void createOnHosts(PoolStore.Env env, List<PoolStore.Vm> vms, List<String> keys, List<Integer> ports,
                               CountDownLatch calls) {
        for (PoolStore.Vm vm : vms) {
            workers.submit(() -> {
                try {
                    createOnHost(env, vm, keys, ports);
                } finally {
                    creations.callEnded(env.id(), calls);
                }
            });
        }
    }

    private void createOnHost(PoolStore.Env env, PoolStore.Vm vm, List<String> keys, List<Integer> ports) {
        Map<String, String> tags = Map.of(ENV_TAG, env.id(), OWNER_TAG, instanceId);
        if (vm.hostVmId() != null) {
            try {
                VmInfo given = pool.client(vm.hostId()).giveIdentity(vm.hostVmId(), new VmIdentity(vm.name(), keys, tags));
                if (recorded(env, vm, given)) {
                    LOG.info("env {} ({}): VM {} is warm VM {} of {}", env.name(), env.id(), vm.name(), given.id(),
                            vm.hostId());
                }
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("env {} ({}): warm VM {} on {} did not take its identity ({}); making a VM instead",
                        env.name(), env.id(), vm.hostVmId(), vm.hostId(), e.getMessage());
                deletion.deleteOnHost(vm.hostId(), vm.hostVmId());
            }
        }
        VmInfo made;
        try {
            made = pool.client(vm.hostId()).createVm(new VmCreateRequest(vm.name(), vm.image(), vm.cpu(),
                    vm.memMib(), vm.diskMib(), keys, ports, tags));
        } catch (IOException | RuntimeException e) {
            LOG.warn("env {} ({}): host {} did not make VM {}: {}", env.name(), env.id(), vm.hostId(),
                    vm.name(), e.getMessage());
            store.vmState(env.id(), vm.name(), VmState.FAILED, "host " + vm.hostId() + " did not make it: "
                    + e.getMessage());
            return;
        }
        recorded(env, vm, made);
    }

    /**
     * Records the host VM made for (or given the identity of) an ENV's VM; one whose ENV was
     * deleted meanwhile is deleted again at once. Whether it was recorded.
     */
    private boolean recorded(PoolStore.Env env, PoolStore.Vm vm, VmInfo made) {
        try (Revert revert = new Revert()) {
            revert.add(() -> deletion.deleteOnHost(vm.hostId(), made.id()));
            creations.made(made.id(), clock.instant());
            revert.add(() -> creations.forget(made.id()));
            if (!store.vmCreated(env.id(), vm.name(), made.id(), made.state(), made.address(), made.ports())) {
                LOG.info("env {} ({}): deleted while VM {} was being made; deleting it", env.name(), env.id(),
                        vm.name());
                return false;
            }
            revert.disarm();
            return true;
        }
    }
}
