package tt.backend.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvPlan;
import tt.api.EnvState;
import tt.api.ExecResult;
import tt.api.KeyFingerprint;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.api.Validation;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.backend.db.Store;
import tt.backend.hosts.HostLedger;
import tt.backend.hosts.HostPool;
import tt.backend.placement.Placement;
import tt.client.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tt.server.Caller;
import tt.server.ConflictException;
import tt.server.InsufficientResourcesException;
import tt.server.NotFoundException;
import tt.server.QuotaException;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * ENVs: placed all at once on the pool, created on the hosts in parallel, followed until every VM
 * is ready, run on, expired and deleted. A failure while creating removes everything made so far.
 */
public final class EnvService implements HostPool.Listener, AutoCloseable {

    static final String INTERRUPTED = "its creation was interrupted by a restart of tt-backend: delete the ENV"
            + " and make it again";
    private static final Logger LOG = LoggerFactory.getLogger(EnvService.class);
    static final String ENV_TAG = "ttEnv";
    /** The tag naming the ENV service that made a VM (see {@link Store#instanceId()}). */
    static final String OWNER_TAG = "ttOwner";
    /** The longest a create may wait for room in the pool. */
    static final int MAX_WAIT_SECONDS = 3600;
    private static final long ROOM_POLL_MILLIS = 500;
    /** How long a delete waits for a host still making one of the ENV's VMs. */
    private static final int CREATE_CALL_WAIT_SECONDS = 60;

    /** Lifetimes in minutes, and the default VM size. */
    public record Limits(int defaultLifetimeMinutes, int maxLifetimeMinutes, int defaultMemMib) {
    }

    private final Store store;
    private final HostPool pool;
    private final Limits limits;
    private final String instanceId;
    private final Object placementLock;
    private final WarmPool warm;
    private final MeterRegistry registry;
    private final Counter envsMade;
    private final Counter envsDeleted;
    private final Clock clock;
    /** The creates that found no room and wait for it. */
    private final AtomicInteger waitingForRoom = new AtomicInteger();
    private final ExecutorService workers = Executors.newFixedThreadPool(32, r -> {
        Thread t = new Thread(r, "env-work");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();
    /** When each host VM was made, so that a poll asked for before that does not call it lost. */
    private final Map<String, Instant> madeAt = new ConcurrentHashMap<>();
    /** The host calls still making each ENV's VMs. */
    private final Map<String, CountDownLatch> creating = new ConcurrentHashMap<>();
    /** The ENVs being deleted, each by one call that the others wait for. */
    private final Map<String, CompletableFuture<Void>> deletions = new ConcurrentHashMap<>();

    public EnvService(Store store, HostPool pool, Limits limits, Clock clock) {
        this(store, pool, limits, new Object(), null, new SimpleMeterRegistry(), clock);
    }

    /**
     * @param placementLock held while VMs are placed and their shares reserved; the warm pool
     *                      places under the same lock
     * @param warm          the warm pool ENVs take VMs from, or null for none
     * @param registry      where the ENVs made and deleted, and the placements refused, are counted
     * @param clock         what lifetimes, leases and waits are measured by
     */
    public EnvService(Store store, HostPool pool, Limits limits, Object placementLock, WarmPool warm,
                      MeterRegistry registry, Clock clock) {
        this.store = store;
        this.pool = pool;
        this.limits = limits;
        this.instanceId = store.instanceId();
        this.placementLock = placementLock;
        this.warm = warm;
        this.envsMade = Counter.builder("tt_env_creations").description("ENVs made").register(registry);
        this.envsDeleted = Counter.builder("tt_env_deletions").description("ENVs deleted").register(registry);
        this.registry = registry;
        this.clock = clock;
    }

    /** What each of the backend's VMs (warm ones too) holds on a host, by ledger key: used to rebuild its ledger. */
    public Map<String, Capacity> heldOn(String hostId) {
        Map<String, Capacity> held = new HashMap<>(store.vmsOnHost(hostId).stream()
                .collect(Collectors.toMap(EnvService::ledgerKey, EnvService::capacity)));
        if (warm != null) {
            held.putAll(warm.heldOn(hostId));
        }
        return held;
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

    private EnvInfo create(EnvSpec spec, String owner, Caller.Quota quota) {
        if (store.envByName(spec.name()).isPresent()) {
            throw new ConflictException("an ENV named '" + spec.name() + "' exists: pick another name or 'tt env del "
                    + spec.name() + "'");
        }
        String envId = "env-" + HexFormat.of().formatHex(random.generateSeed(6));
        Instant now = clock.instant();
        Store.Env env = new Store.Env(envId, spec.name(), owner, now, now.plus(Duration.ofMinutes(spec.lifetimeMinutes())),
                spec.leaseSeconds(), spec.leaseSeconds() == null ? null : now.plusSeconds(spec.leaseSeconds()),
                spec.tags(), spec.keys().stream().map(KeyFingerprint::of).distinct().toList());
        // registered before the ENV can be seen, so that a delete racing this create waits for its VMs
        CountDownLatch inFlight = new CountDownLatch(spec.vms().size());
        creating.put(envId, inFlight);
        List<Store.Vm> placed;
        try {
            placed = place(env, spec.vms(), !spec.ports().isEmpty(), quota);
        } catch (RuntimeException e) {
            creating.remove(envId);
            throw e;
        }
        LOG.info("env {} ({}): {} VMs placed on {}", spec.name(), envId, placed.size(),
                placed.stream().map(Store.Vm::hostId).distinct().sorted().toList());
        createOnHosts(env, placed, spec.keys(), spec.ports(), inFlight);
        return info(env, placed);
    }

    /** Whether the pool could place the ENV now, and where or what is short; makes and reserves nothing. */
    public EnvPlan plan(EnvCreateRequest req) {
        EnvSpec spec = EnvSpec.of(req, limits, pool);
        if (store.envByName(spec.name()).isPresent()) {
            return new EnvPlan(false, Map.of(), "an ENV named '" + spec.name() + "' exists");
        }
        try {
            synchronized (placementLock) {
                List<Placement.Candidate> candidates = warm == null ? pool.candidates()
                        : warm.withWarmRoom(pool.candidates());
                return new EnvPlan(true, Placement.place(demands(spec.vms()), candidates), null);
            }
        } catch (InsufficientResourcesException e) {
            return new EnvPlan(false, Map.of(), e.getMessage());
        }
    }

    /**
     * Places every VM and reserves it on its host, atomically; records the ENV; or changes nothing.
     * A VM of a warm pool's image and size (and no extra ports) takes a warm VM where one waits:
     * its row has its host's VM from the start, and it is BOOTING.
     */
    private List<Store.Vm> place(Store.Env env, List<EnvSpec.VmSpec> vms, boolean extraPorts, Caller.Quota quota) {
        synchronized (placementLock) {
            checkQuota(env.owner(), quota, vms);
            Map<String, WarmPool.Taken> fromWarm = new HashMap<>();
            List<EnvSpec.VmSpec> cold = new ArrayList<>();
            for (EnvSpec.VmSpec v : vms) {
                Optional<WarmPool.Taken> taken = Optional.empty();
                if (warm != null && !extraPorts) {
                    warm.demanded(v.image());
                    taken = warm.take(v.image(), new Capacity(v.cpu(), v.memMib() * 1024L, v.diskMib() * 1024L));
                }
                taken.ifPresentOrElse(t -> fromWarm.put(v.name(), t), () -> cold.add(v));
            }
            Map<String, String> hostOf;
            try {
                hostOf = placeCold(cold);
            } catch (RuntimeException e) {
                fromWarm.values().forEach(t -> warm.giveBack(t));
                throw e;
            }
            List<Store.Vm> placed = vms.stream().map(v -> {
                WarmPool.Taken t = fromWarm.get(v.name());
                return t == null ? new Store.Vm(env.id(), v.name(), v.image(), hostOf.get(v.name()), null, v.cpu(),
                        v.memMib(), v.diskMib(), VmState.SCHEDULED, null, Map.of(), null)
                        : new Store.Vm(env.id(), v.name(), v.image(), t.vm().hostId(), t.vm().hostVmId(), v.cpu(),
                        v.memMib(), v.diskMib(), VmState.BOOTING, null, Map.of(), null);
            }).toList();
            if (!store.insertEnv(env, placed)) {
                fromWarm.values().forEach(t -> warm.giveBack(t));
                throw new ConflictException("an ENV named '" + env.name() + "' exists: pick another name");
            }
            placed.forEach(v -> pool.reserve(v.hostId(), ledgerKey(v), capacity(v)));
            return placed;
        }
    }

    /** Places the VMs that take no warm VM: in free room, else in the room warm VMs give up. */
    private Map<String, String> placeCold(List<EnvSpec.VmSpec> cold) {
        try {
            return Placement.place(demands(cold), pool.candidates());
        } catch (InsufficientResourcesException full) {
            if (warm == null) {
                throw full;
            }
            return warm.placeOverWarm(demands(cold), full);
        }
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

    /** Refuses, naming the limit, VMs that would take the owner past its token's quota; under the placement lock. */
    private void checkQuota(String owner, Caller.Quota quota, List<EnvSpec.VmSpec> vms) {
        if (quota.maxVms() == null && quota.maxMemMib() == null) {
            return;
        }
        long[] held = store.usageOf(owner);
        long mem = vms.stream().mapToLong(EnvSpec.VmSpec::memMib).sum();
        if (quota.maxVms() != null && held[0] + vms.size() > quota.maxVms()) {
            throw new QuotaException("the token of " + owner + " may hold at most " + quota.maxVms() + " VMs; it"
                    + " holds " + held[0] + " and asks for " + vms.size() + " more: delete ENVs first");
        }
        if (quota.maxMemMib() != null && held[1] + mem > quota.maxMemMib()) {
            throw new QuotaException("the token of " + owner + " may hold at most " + quota.maxMemMib() + " MiB of"
                    + " VM memory; it holds " + held[1] + " MiB and asks for " + mem + " MiB more: delete ENVs first");
        }
    }

    private static List<Placement.Demand> demands(List<EnvSpec.VmSpec> vms) {
        return vms.stream().map(v -> new Placement.Demand(v.name(), v.image(),
                new Capacity(v.cpu(), v.memMib() * 1024L, v.diskMib() * 1024L))).toList();
    }

    /** Moves the ENV's lease on by its length: its client is alive. */
    public EnvInfo renew(String name, String owner, boolean admin) {
        Store.Env env = find(name, owner, admin);
        if (env.leaseSeconds() == null) {
            throw new ConflictException("ENV " + name + " has no lease to renew: it lives until " + env.expiresAt()
                    + " (make it with leaseSeconds to tie it to its client)");
        }
        store.renewLease(env.id(), clock.instant().plusSeconds(env.leaseSeconds()));
        return info(find(name, owner, admin));
    }

    /**
     * Asks each VM's host to make it, in the background; a VM its host refuses is marked failed
     * with the host's reason (and the ENV with it). A VM made after its ENV was deleted is
     * deleted again at once.
     */
    private void createOnHosts(Store.Env env, List<Store.Vm> vms, List<String> keys, List<Integer> ports,
                               CountDownLatch inFlight) {
        for (Store.Vm vm : vms) {
            workers.submit(() -> {
                try {
                    createOnHost(env, vm, keys, ports);
                } finally {
                    inFlight.countDown();
                    if (inFlight.getCount() == 0) {
                        creating.remove(env.id(), inFlight);
                    }
                }
            });
        }
    }

    private void createOnHost(Store.Env env, Store.Vm vm, List<String> keys, List<Integer> ports) {
        Map<String, String> tags = Map.of(ENV_TAG, env.id(), OWNER_TAG, instanceId);
        if (vm.hostVmId() != null) {
            try {
                VmInfo given = pool.client(vm.hostId()).giveIdentity(vm.hostVmId(), new VmIdentity(vm.name(), keys, tags));
                madeAt.put(given.id(), clock.instant());
                if (!store.vmCreated(env.id(), vm.name(), given.id(), given.state(), given.address(), given.ports())) {
                    madeAt.remove(given.id());
                    deleteQuietly(vm.hostId(), given.id());
                    return;
                }
                LOG.info("env {} ({}): VM {} is warm VM {} of {}", env.name(), env.id(), vm.name(), given.id(),
                        vm.hostId());
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("env {} ({}): warm VM {} on {} did not take its identity ({}); making a VM instead",
                        env.name(), env.id(), vm.hostVmId(), vm.hostId(), e.getMessage());
                deleteQuietly(vm.hostId(), vm.hostVmId());
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
        madeAt.put(made.id(), clock.instant());
        if (!store.vmCreated(env.id(), vm.name(), made.id(), made.state(), made.address(), made.ports())) {
            LOG.info("env {} ({}): deleted while VM {} was being made; deleting it", env.name(), env.id(),
                    vm.name());
            madeAt.remove(made.id());
            deleteQuietly(vm.hostId(), made.id());
        }
    }

    /** The ENVs the caller may see that carry every tag of {@code withTags} (all of them for none). */
    public List<EnvInfo> list(String owner, boolean admin, Map<String, String> withTags) {
        Map<String, List<Store.Vm>> vmsByEnv = store.allVms().stream()
                .collect(Collectors.groupingBy(Store.Vm::envId));
        return store.envs().stream().filter(e -> admin || e.owner().equals(owner))
                .filter(e -> e.tags().entrySet().containsAll(withTags.entrySet()))
                .map(e -> info(e, vmsByEnv.getOrDefault(e.id(), List.of()))).toList();
    }

    /** The ENV; with {@code waitSeconds} > 0, answers once it is no longer CREATING (or time is up). */
    public EnvInfo get(String name, String owner, boolean admin, int waitSeconds) throws InterruptedException {
        Store.Env env = find(name, owner, admin);
        Instant deadline = clock.instant().plusSeconds(Math.min(waitSeconds, 600));
        EnvInfo info = info(env);
        while (info.state() == EnvState.CREATING && clock.instant().isBefore(deadline)) {
            Thread.sleep(200);
            info = info(env);
        }
        return info;
    }

    public void delete(String name, String owner, boolean admin) {
        Store.Env env = find(name, owner, admin);
        destroy(env);
        LOG.info("env {} ({}): deleted", env.name(), env.id());
    }

    /**
     * Runs the command on every VM in parallel, through each host's exec path (SSH into the guest),
     * handing each VM's result to {@code sink} as soon as it is there.
     */
    public void run(String name, RunRequest req, String owner, boolean admin, Consumer<RunResult> sink)
            throws InterruptedException {
        Store.Env env = find(name, owner, admin);
        if (req == null) {
            throw new IllegalArgumentException("request body is missing: send JSON {\"cmd\": \"...\"}");
        }
        String cmd = Validation.command(req.cmd());
        int timeout = (int) Validation.range("timeoutSeconds", req.timeoutSeconds() == null ? 60 : req.timeoutSeconds(),
                1, 3600, "s");
        List<Store.Vm> vms = store.vms(env.id());
        CompletionService<RunResult> runs = new ExecutorCompletionService<>(workers);
        for (Store.Vm vm : vms) {
            runs.submit(() -> runOn(vm, cmd, timeout));
        }
        int failed = 0;
        for (int i = 0; i < vms.size(); i++) {
            try {
                RunResult r = runs.take().get();
                failed += r.exitCode() == 0 ? 0 : 1;
                sink.accept(r);
            } catch (ExecutionException e) {
                failed++;
                sink.accept(new RunResult("?", -1, "", "", 0, e.getCause().getMessage()));
            }
        }
        LOG.info("env {} ({}): ran a command on {} VMs, {} failed", env.name(), env.id(), vms.size(), failed);
    }

    private RunResult runOn(Store.Vm vm, String cmd, int timeout) {
        if (vm.hostVmId() == null || vm.state() != VmState.READY) {
            return new RunResult(vm.name(), -1, "", "", 0, "VM is " + vm.state()
                    + (vm.error() == null ? "" : ": " + vm.error()));
        }
        try {
            ExecResult r = pool.client(vm.hostId()).exec(vm.hostVmId(), cmd, timeout);
            return new RunResult(vm.name(), r.exitCode(), r.stdout(), r.stderr(), r.millis(),
                    r.timedOut() ? "timed out after " + timeout + " s" : null);
        } catch (IOException e) {
            return new RunResult(vm.name(), -1, "", "", 0, e.getMessage());
        }
    }

    /**
     * Pauses ({@code stop}) or resumes ({@code start}) every VM of the ENV on its host; VMs already
     * in the wanted state, or failed, are left as they are.
     */
    public EnvInfo pauseOrResume(String name, boolean stop, String owner, boolean admin) {
        Store.Env env = find(name, owner, admin);
        VmState from = stop ? VmState.READY : VmState.STOPPED;
        List<String> problems = new ArrayList<>();
        for (Store.Vm vm : store.vms(env.id())) {
            if (vm.state() != from || vm.hostVmId() == null) {
                continue;
            }
            try {
                VmInfo now = stop ? pool.client(vm.hostId()).stopVm(vm.hostVmId())
                        : pool.client(vm.hostId()).startVm(vm.hostVmId());
                store.vmState(env.id(), vm.name(), now.state(), null);
            } catch (IOException e) {
                problems.add(vm.name() + ": " + e.getMessage());
            }
        }
        LOG.info("env {} ({}): {}", env.name(), env.id(), stop ? "stopped" : "started");
        if (!problems.isEmpty()) {
            throw new ConflictException("not every VM could be " + (stop ? "stopped" : "started") + ": "
                    + String.join("; ", problems));
        }
        return info(env);
    }

    /** Deletes the ENVs whose lifetime is over, or whose lease ended without a renewal. */
    public void expire() {
        Instant now = clock.instant();
        for (Store.Env env : store.expiredEnvs(now)) {
            LOG.info("env {} ({}): {}, deleting", env.name(), env.id(), env.expiresAt().isBefore(now) ? "lifetime over"
                    : "lease of " + env.leaseSeconds() + " s not renewed since " + env.leaseExpiresAt()
                    .minusSeconds(env.leaseSeconds()));
            destroy(env);
        }
    }

    /**
     * After a restart: the VMs whose making was cut short (no host VM recorded) are marked FAILED
     * with the reason, so that the user who was told the ENV is being made still finds it, and
     * sees why; whatever a host made for them is deleted at its next poll ({@link #deleteOrphans}).
     */
    public void cleanUpInterruptedCreates() {
        for (Store.Vm vm : store.allVms()) {
            if (vm.hostVmId() == null && vm.state() != VmState.FAILED) {
                LOG.warn("env {}: VM {}: its creation was interrupted by a restart of tt-backend; marked FAILED",
                        vm.envId(), vm.name());
                store.vmState(vm.envId(), vm.name(), VmState.FAILED, INTERRUPTED);
            }
        }
    }

    /**
     * Deletes the ENV and returns once every VM of it is gone from its host (a host that cannot be
     * reached removes it when it is back). A VM its host is still making is deleted as soon as
     * the host has made it, before this returns. Deleting an ENV that another call is deleting
     * waits for that call; only one of them frees the VMs' shares of their hosts.
     */
    private void destroy(Store.Env env) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> other = deletions.putIfAbsent(env.id(), mine);
        if (other != null) {
            other.join();
            return;
        }
        try {
            // the host calls still making VMs finish first, so each made VM is in the rows read
            // here: a VM recorded between reading the rows and deleting them would be left behind
            awaitCreations(env);
            List<Store.Vm> vms = store.deleteEnv(env.id()).orElse(List.of());
            for (Store.Vm vm : vms) {
                if (vm.hostVmId() != null) {
                    madeAt.remove(vm.hostVmId());
                    if (pool.isOnline(vm.hostId())) {
                        deleteQuietly(vm.hostId(), vm.hostVmId());
                    }
                }
                pool.release(vm.hostId(), ledgerKey(vm));
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

    /**
     * Waits for the host calls still making the ENV's VMs; one that answers after this wait ends
     * finds its row gone and deletes its VM itself.
     */
    private void awaitCreations(Store.Env env) {
        CountDownLatch inFlight = creating.get(env.id());
        try {
            if (inFlight != null && !inFlight.await(CREATE_CALL_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("env {} ({}): {} VMs still being made after {} s; each is deleted when its host answers,"
                        + " or at the host's next poll", env.name(), env.id(), inFlight.getCount(),
                        CREATE_CALL_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes a VM on its host; a host that cannot be reached removes it when it is back. */
    private void deleteQuietly(String hostId, String hostVmId) {
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

    @Override
    public void polled(String hostId, List<VmInfo> hostVms, Instant askedAt) {
        Map<String, VmInfo> byId = hostVms.stream().collect(Collectors.toMap(VmInfo::id, v -> v, (a, b) -> a));
        List<Store.Vm> ours = store.vmsOnHost(hostId);
        Set<String> known = ours.stream().map(Store.Vm::hostVmId).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        for (Store.Vm vm : ours) {
            if (vm.hostVmId() == null) {
                continue;
            }
            VmInfo now = byId.get(vm.hostVmId());
            Instant made = madeAt.get(vm.hostVmId());
            if (now == null) {
                if (vm.state() != VmState.FAILED && (made == null || made.isBefore(askedAt))) {
                    store.vmState(vm.envId(), vm.name(), VmState.FAILED, "lost: host " + hostId + " no longer has it");
                }
            } else if (now.state() != vm.state() && vm.state() != VmState.FAILED) {
                store.vmState(vm.envId(), vm.name(), now.state(), now.error());
            }
        }
        deleteOrphans(hostId, hostVms, known);
        if (warm != null) {
            warm.polled(hostId, hostVms, askedAt, () -> store.vmsOnHost(hostId).stream().map(Store.Vm::hostVmId)
                    .filter(Objects::nonNull).collect(Collectors.toSet()));
        }
    }

    /**
     * Deletes the host's VMs that this ENV service made for an ENV that no longer exists: left by
     * a stop, even while a host was still making them, or by a create that raced a delete. A VM of
     * an ENV that exists but is not recorded yet is being made, and is left alone; so are the VMs
     * of other ENV services on the same host.
     */
    private void deleteOrphans(String hostId, List<VmInfo> hostVms, Set<String> known) {
        Map<String, Boolean> envExists = new HashMap<>();
        for (VmInfo orphan : hostVms) {
            if (orphan.tags() == null || !instanceId.equals(orphan.tags().get(OWNER_TAG))
                    || !orphan.tags().containsKey(ENV_TAG) || known.contains(orphan.id())) {
                continue;
            }
            String envId = orphan.tags().get(ENV_TAG);
            boolean exists = envExists.computeIfAbsent(envId, store::envExists);
            if (!exists || interruptedRow(envId, orphan.name())) {
                LOG.info("host {}: deleting VM {} of ENV {}, {}", hostId, orphan.id(), envId,
                        exists ? "whose making was interrupted by a restart" : "which no longer exists");
                try {
                    pool.client(hostId).deleteVm(orphan.id());
                } catch (IOException e) {
                    LOG.warn("host {}: could not delete orphan VM {}: {}", hostId, orphan.id(), e.getMessage());
                }
            }
        }
    }

    /** Whether the ENV's VM of that name failed because a restart cut its making short. */
    private boolean interruptedRow(String envId, String vmName) {
        return store.vms(envId).stream().anyMatch(v -> v.name().equals(vmName) && v.hostVmId() == null
                && v.state() == VmState.FAILED && INTERRUPTED.equals(v.error()));
    }

    @Override
    public void wentOffline(String hostId, String why) {
        for (Store.Vm vm : store.vmsOnHost(hostId)) {
            if (vm.state() != VmState.FAILED) {
                store.vmState(vm.envId(), vm.name(), VmState.FAILED, "lost: host " + hostId + " is offline (" + why + ")");
            }
        }
    }

    public boolean hostHasVms(String hostId) {
        return !store.vmsOnHost(hostId).isEmpty();
    }

    /** Throws the usual not-found answer unless the caller may see the ENV. */
    public void checkVisible(String name, String owner, boolean admin) {
        find(name, owner, admin);
    }

    private Store.Env find(String name, String owner, boolean admin) {
        Store.Env env = store.envByName(name == null ? "" : name).orElse(null);
        if (env == null || !(admin || env.owner().equals(owner))) {
            throw new NotFoundException("no ENV '" + Validation.printable(name) + "': see 'tt env list'");
        }
        return env;
    }

    private EnvInfo info(Store.Env env) {
        return info(env, store.vms(env.id()));
    }

    private static EnvInfo info(Store.Env env, List<Store.Vm> vms) {
        EnvState state = vms.stream().anyMatch(v -> v.state() == VmState.FAILED) ? EnvState.FAILED
                : vms.stream().anyMatch(v -> v.state() == VmState.SCHEDULED || v.state() == VmState.BOOTING)
                ? EnvState.CREATING
                : !vms.isEmpty() && vms.stream().allMatch(v -> v.state() == VmState.STOPPED) ? EnvState.STOPPED
                : EnvState.READY;
        return new EnvInfo(env.id(), env.name(), env.owner(), state, env.createdAt(), env.expiresAt(),
                env.leaseSeconds(), env.leaseExpiresAt(), env.tags(), env.sshKeys(),
                vms.stream().map(Store.Vm::view).toList());
    }

    private static String ledgerKey(Store.Vm v) {
        return HostLedger.key(v.envId(), v.name());
    }

    private static Capacity capacity(Store.Vm v) {
        return new Capacity(v.cpu(), v.memMib() * 1024L, v.diskMib() * 1024L);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
