package tt.backend.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Capacity;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.api.WarmPoolStatus;
import tt.backend.db.WarmStore;
import tt.client.ApiException;
import tt.backend.hosts.HostLedger;
import tt.backend.hosts.HostPool;
import tt.backend.placement.Placement;
import tt.server.InsufficientResourcesException;
import tt.server.NotFoundException;
import tt.local.DaemonThreads;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * VMs kept warm: per image (as the admin sets it), VMs booted (or restored from a snapshot) that
 * wait, with no identity yet, on the pool's hosts; an ENV of that image and the default size takes
 * one and gives it its identity, so its VM is ready in a moment. The pool keeps at least its
 * minimum, and as many as were asked for in the last {@link #DEMAND_WINDOW}, up to its maximum;
 * it refills in the background. Warm VMs hold their share of their host like any VM and are never
 * anyone's until an ENV takes them.
 */
public final class WarmPool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
    static final String WARM_TAG = "ttWarm";
    static final Duration DEMAND_WINDOW = Duration.ofMinutes(10);

    /** A warm VM an ENV took. */
    record Taken(WarmStore.WarmVm vm) {
    }

    private final WarmStore store;
    private final HostPool pool;
    private final Object placementLock;
    private final String instanceId;
    private final int defaultMemMib;
    private final Clock clock;
    private final Map<String, VmState> hostStates = new ConcurrentHashMap<>();
    private final Set<String> starting = ConcurrentHashMap.newKeySet();
    private final Map<String, Deque<Instant>> demand = new ConcurrentHashMap<>();
    private final Set<String> fullLogged = ConcurrentHashMap.newKeySet();
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService workers = Executors.newFixedThreadPool(4, DaemonThreads.named("warm-pool"));

    /** @param clock what the demand window is measured by */
    public WarmPool(WarmStore store, HostPool pool, Object placementLock, String instanceId, int defaultMemMib,
                    Clock clock) {
        this.store = store;
        this.pool = pool;
        this.placementLock = placementLock;
        this.instanceId = instanceId;
        this.defaultMemMib = defaultMemMib;
        this.clock = clock;
    }

    /** The size warm VMs of an image have: one vCPU, the default memory (or the image's least), the image's disk. */
    Capacity sizeOf(String image) {
        return new Capacity(1, Math.max(defaultMemMib, pool.imageMinMemMib(image)) * 1024L,
                pool.imageDiskMib(image) * 1024L);
    }

    /** Each pool with its warm VMs: ready, and on their way. */
    public List<WarmPoolStatus> status() {
        List<WarmStore.WarmVm> vms = store.vms();
        return store.pools().stream().map(p -> {
            long ready = vms.stream().filter(v -> v.image().equals(p.image()))
                    .filter(v -> hostStates.get(v.hostVmId()) == VmState.WARM).count();
            long all = vms.stream().filter(v -> v.image().equals(p.image())).count();
            return new WarmPoolStatus(p.image(), p.min(), p.max(), target(p), (int) ready,
                    (int) (all - ready) + (int) starting.stream().filter(s -> s.startsWith(p.image() + "|")).count());
        }).toList();
    }

    /** Sets how many VMs of an image to keep warm. */
    public WarmPoolStatus set(String image, int min, int max) {
        if (!pool.images().contains(image)) {
            throw new NotFoundException("no online host has the image '" + image + "': see 'tt image list'");
        }
        if (min < 0 || max < min || max > 100) {
            throw new IllegalArgumentException("give 0 <= min <= max <= 100, not min " + min + " and max " + max);
        }
        store.setPool(new WarmStore.Pool(image, min, max));
        LOG.info("warm pool of {}: at least {}, at most {} VMs", image, min, max);
        return status().stream().filter(s -> s.image().equals(image)).findFirst().orElseThrow();
    }

    /** Stops keeping VMs of an image warm; its warm VMs are deleted at the next refill. */
    public void remove(String image) {
        if (!store.deletePool(image)) {
            throw new NotFoundException("no warm pool for the image '" + image + "': see 'tt warm list'");
        }
        LOG.info("warm pool of {} removed", image);
    }

    /** An ENV asked for a VM of this image: demand the pool adapts to. */
    void demanded(String image) {
        Deque<Instant> times = demand.computeIfAbsent(image, i -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.instant());
        }
    }

    /**
     * A warm VM of this image and size that waits for its identity, taken off the pool (its share
     * of its host given back, for the ENV to hold); call with the placement lock held.
     */
    Optional<Taken> take(String image, Capacity size) {
        if (!size.equals(sizeOf(image))) {
            return Optional.empty();
        }
        for (WarmStore.WarmVm vm : store.vms()) {
            if (vm.image().equals(image) && hostStates.get(vm.hostVmId()) == VmState.WARM
                    && pool.isOnline(vm.hostId()) && store.removeVm(vm.name())) {
                pool.release(vm.hostId(), key(vm.name()));
                hostStates.remove(vm.hostVmId());
                return Optional.of(new Taken(vm));
            }
        }
        return Optional.empty();
    }

    /** Puts a taken VM back (the ENV that took it could not be placed); call with the placement lock held. */
    void giveBack(Taken taken) {
        WarmStore.WarmVm vm = taken.vm();
        store.addVm(vm);
        hostStates.put(vm.hostVmId(), VmState.WARM);
        pool.reserve(vm.hostId(), key(vm.name()), capacity(vm));
    }

    /**
     * Places a user's VMs that the pool's free room does not fit in the room warm VMs hold, and
     * deletes the warm VMs whose room they take (the newest first): a VM someone asked for comes
     * before a VM kept warm for whoever asks next. Throws {@code full} when even that does not
     * fit; then no warm VM is deleted. Call with the placement lock held.
     */
    Map<String, String> placeOverWarm(List<Placement.Demand> demands, InsufficientResourcesException full) {
        List<WarmStore.WarmVm> vms = store.vms().stream()
                .sorted(Comparator.comparing(WarmStore.WarmVm::createdAt).reversed()).toList();
        List<Placement.Candidate> now = pool.candidates();
        Map<String, String> hostOf;
        try {
            hostOf = Placement.place(demands, withWarmRoom(now));
        } catch (InsufficientResourcesException evenThen) {
            throw full;
        }
        Map<String, Capacity> needOn = demands.stream().collect(Collectors.toMap(d -> hostOf.get(d.vm()),
                Placement.Demand::need, Capacity::plus));
        for (Placement.Candidate c : now) {
            Capacity need = needOn.get(c.host());
            Capacity free = c.free();
            for (WarmStore.WarmVm vm : vms) {
                if (need == null || free.fits(need)) {
                    break;
                }
                if (vm.hostId().equals(c.host()) && store.removeVm(vm.name())) {
                    free = free.plus(capacity(vm));
                    pool.release(vm.hostId(), key(vm.name()));
                    hostStates.remove(vm.hostVmId());
                    LOG.info("warm pool of {}: VM {} ({}) on {} gives its room to a VM an ENV asked for", vm.image(),
                            vm.name(), vm.hostVmId(), vm.hostId());
                    workers.submit(() -> deleteOnHost(vm));
                }
            }
        }
        return hostOf;
    }

    /** The candidates with the room their warm VMs hold counted as free: what a user's VMs may take. */
    List<Placement.Candidate> withWarmRoom(List<Placement.Candidate> candidates) {
        Map<String, Capacity> warmRoom = store.vms().stream().collect(Collectors.toMap(WarmStore.WarmVm::hostId,
                WarmPool::capacity, Capacity::plus));
        return candidates.stream().map(c -> new Placement.Candidate(c.host(),
                c.free().plus(warmRoom.getOrDefault(c.host(), Capacity.ZERO)), c.images())).toList();
    }

    private static Capacity capacity(WarmStore.WarmVm vm) {
        return new Capacity(vm.cpu(), vm.memMib() * 1024L, vm.diskMib() * 1024L);
    }

    /** What the warm VMs hold on a host, by ledger key: used to rebuild its ledger. */
    Map<String, Capacity> sharesHeldOn(String hostId) {
        return store.vms().stream().filter(v -> v.hostId().equals(hostId))
                .collect(Collectors.toMap(v -> key(v.name()), WarmPool::capacity));
    }

    /** Brings every pool to its target: starts the missing warm VMs, deletes the extra ones and the failed. */
    public void refill() {
        List<WarmStore.Pool> pools = store.pools();
        Set<String> pooled = pools.stream().map(WarmStore.Pool::image).collect(Collectors.toSet());
        List<WarmStore.WarmVm> vms = store.vms();
        for (WarmStore.WarmVm vm : vms) {
            VmState state = hostStates.get(vm.hostVmId());
            if (!pooled.contains(vm.image()) || state == VmState.FAILED) {
                discard(vm, state == VmState.FAILED ? "it failed on its host" : "its pool was removed");
            }
        }
        for (WarmStore.Pool p : pools) {
            if (!pool.images().contains(p.image())) {
                continue;
            }
            List<WarmStore.WarmVm> have = vms.stream().filter(v -> v.image().equals(p.image()))
                    .filter(v -> hostStates.get(v.hostVmId()) != VmState.FAILED)
                    .sorted(Comparator.comparing(WarmStore.WarmVm::createdAt)).toList();
            long coming = starting.stream().filter(s -> s.startsWith(p.image() + "|")).count();
            int target = target(p);
            for (long n = have.size() + coming; n < target; n++) {
                if (!startOne(p.image())) {
                    break;
                }
            }
            for (WarmStore.WarmVm extra : have.subList(0, Math.max(0, have.size() - target))) {
                discard(extra, "the pool keeps " + target + " now");
            }
        }
    }

    /** At least the minimum; as many as were asked for in the last window; at most the maximum. */
    int target(WarmStore.Pool p) {
        Deque<Instant> times = demand.getOrDefault(p.image(), new ArrayDeque<>());
        Instant since = clock.instant().minus(DEMAND_WINDOW);
        int recent;
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst().isBefore(since)) {
                times.removeFirst();
            }
            recent = times.size();
        }
        return Math.max(p.min(), Math.min(p.max(), recent));
    }

    private boolean startOne(String image) {
        String name = "warm-" + HexFormat.of().formatHex(random.generateSeed(5));
        Capacity size = sizeOf(image);
        String hostId;
        try {
            synchronized (placementLock) {
                hostId = Placement.place(List.of(new Placement.Demand(name, image, size)), pool.candidates()).get(name);
                pool.reserve(hostId, key(name), size);
            }
            fullLogged.remove(image);
        } catch (InsufficientResourcesException full) {
            if (fullLogged.add(image)) {
                LOG.info("warm pool of {}: no room for another warm VM now ({})", image, full.getMessage());
            }
            return false;
        }
        String marker = image + "|" + name;
        starting.add(marker);
        workers.submit(() -> {
            try {
                VmInfo made = pool.client(hostId).createVm(new VmCreateRequest(name, image, size.cpu(),
                        (int) (size.memKib() / 1024), (int) (size.diskKib() / 1024), List.of(), List.of(),
                        Map.of(WARM_TAG, image, EnvCreation.OWNER_TAG, instanceId), true));
                hostStates.put(made.id(), made.state());
                store.addVm(new WarmStore.WarmVm(name, made.id(), hostId, image, size.cpu(), (int) (size.memKib() / 1024),
                        (int) (size.diskKib() / 1024), clock.instant()));
                LOG.info("warm pool of {}: VM {} ({}) started on {}", image, name, made.id(), hostId);
            } catch (IOException | RuntimeException e) {
                pool.release(hostId, key(name));
                LOG.warn("warm pool of {}: host {} did not make a warm VM: {}", image, hostId, e.getMessage());
            } finally {
                starting.remove(marker);
            }
        });
        return true;
    }

    private void discard(WarmStore.WarmVm vm, String why) {
        if (!store.removeVm(vm.name())) {
            return;
        }
        LOG.info("warm pool of {}: deleting VM {} ({}): {}", vm.image(), vm.name(), vm.hostVmId(), why);
        hostStates.remove(vm.hostVmId());
        deleteOnHost(vm);
        pool.release(vm.hostId(), key(vm.name()));
    }

    /** Deletes a warm VM on its host; one the host no longer has is gone already. */
    private void deleteOnHost(WarmStore.WarmVm vm) {
        try {
            pool.client(vm.hostId()).deleteVm(vm.hostVmId());
        } catch (ApiException e) {
            if (e.status() != 404) {
                LOG.warn("warm VM {} on {} not deleted ({}); its host's next poll finds it an orphan", vm.hostVmId(),
                        vm.hostId(), e.getMessage());
            }
        } catch (IOException e) {
            LOG.warn("warm VM {} on {} not deleted ({}); its host's next poll finds it an orphan", vm.hostVmId(),
                    vm.hostId(), e.getMessage());
        }
    }

    /**
     * A host's VMs as polled at {@code askedAt}: the warm VMs' states; a warm VM the host no longer
     * has (it gave its room to a user's VM there, or the host restarted) leaves the pool; a warm VM
     * of this backend that neither the pool nor an ENV ({@code envVmIds}) knows, left by a restart,
     * is deleted. Under the placement lock, so that a warm VM an ENV is taking is always one or the
     * other's.
     */
    void answeredPoll(String hostId, List<VmInfo> hostVms, Instant askedAt, Supplier<Set<String>> envVmIds) {
        List<String> unknown = new ArrayList<>();
        synchronized (placementLock) {
            Set<String> onHost = hostVms.stream().map(VmInfo::id).collect(Collectors.toSet());
            for (WarmStore.WarmVm vm : store.vms()) {
                if (vm.hostId().equals(hostId) && !onHost.contains(vm.hostVmId()) && vm.createdAt().isBefore(askedAt)
                        && store.removeVm(vm.name())) {
                    hostStates.remove(vm.hostVmId());
                    pool.release(hostId, key(vm.name()));
                    LOG.info("warm pool of {}: VM {} ({}) left the pool: host {} no longer has it", vm.image(),
                            vm.name(), vm.hostVmId(), hostId);
                }
            }
            Set<String> known = store.vms().stream().map(WarmStore.WarmVm::hostVmId).collect(Collectors.toSet());
            Set<String> ofEnvs = null;
            for (VmInfo vm : hostVms) {
                Map<String, String> tags = vm.tags() == null ? Map.of() : vm.tags();
                if (!tags.containsKey(WARM_TAG) || !instanceId.equals(tags.get(EnvCreation.OWNER_TAG))) {
                    continue;
                }
                if (known.contains(vm.id())) {
                    hostStates.put(vm.id(), vm.state());
                } else if (starting.stream().noneMatch(s -> s.endsWith("|" + vm.name()))) {
                    ofEnvs = ofEnvs == null ? envVmIds.get() : ofEnvs;
                    if (!ofEnvs.contains(vm.id())) {
                        unknown.add(vm.id());
                    }
                }
            }
        }
        for (String id : unknown) {
            LOG.info("host {}: deleting warm VM {} the pool does not know", hostId, id);
            try {
                pool.client(hostId).deleteVm(id);
            } catch (IOException e) {
                LOG.warn("host {}: orphan warm VM {} not deleted: {}", hostId, id, e.getMessage());
            }
        }
    }

    private static String key(String warmName) {
        return HostLedger.key("warm", warmName);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
