package tt.backend.env;

import tt.api.Capacity;
import tt.api.EnvPlan;
import tt.api.VmState;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostLedger;
import tt.backend.hosts.HostPool;
import tt.backend.placement.Placement;
import tt.server.Caller;
import tt.server.ConflictException;
import tt.server.InsufficientResourcesException;
import tt.server.QuotaException;
import tt.local.Revert;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Places an ENV's VMs on the pool's hosts, all of them or none: within the owner's quota, each
 * VM in a warm VM where one of its image and size waits, else in free room (or in the room of warm
 * VMs), each with its share of its host reserved.
 */
final class EnvPlacement {

    private final PoolStore store;
    private final HostPool pool;
    private final Object placementLock;
    private final WarmPool warm;

    /**
     * @param placementLock held while VMs are placed and their shares reserved; the warm pool
     *                      places under the same lock
     * @param warm          the warm pool ENVs take VMs from, or null for none
     */
    EnvPlacement(PoolStore store, HostPool pool, Object placementLock, WarmPool warm) {
        this.store = store;
        this.pool = pool;
        this.placementLock = placementLock;
        this.warm = warm;
    }

    /** Whether the pool could place the ENV now, and where or what is short; makes and reserves nothing. */
    EnvPlan plan(EnvSpec spec) {
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
    List<PoolStore.Vm> place(PoolStore.Env env, List<EnvSpec.VmSpec> vms, boolean extraPorts, Caller.Quota quota) {
        synchronized (placementLock) {
            try (Revert revert = new Revert()) {
                checkQuota(env.owner(), quota, vms);
                Map<String, WarmPool.Taken> fromWarm = new HashMap<>();
                List<EnvSpec.VmSpec> cold = new ArrayList<>();
                for (EnvSpec.VmSpec v : vms) {
                    Optional<WarmPool.Taken> taken = Optional.empty();
                    if (warm != null && !extraPorts) {
                        warm.demanded(v.image());
                        taken = warm.take(v.image(), new Capacity(v.cpu(), v.memMib() * 1024L, v.diskMib() * 1024L));
                    }
                    taken.ifPresentOrElse(t -> {
                        fromWarm.put(v.name(), t);
                        revert.add(() -> warm.giveBack(t));
                    }, () -> cold.add(v));
                }
                Map<String, String> hostOf = placeCold(cold);
                List<PoolStore.Vm> placed = vms.stream().map(v -> {
                    WarmPool.Taken t = fromWarm.get(v.name());
                    return t == null ? new PoolStore.Vm(env.id(), v.name(), v.image(), hostOf.get(v.name()), null, v.cpu(),
                            v.memMib(), v.diskMib(), VmState.SCHEDULED, null, Map.of(), null)
                            : new PoolStore.Vm(env.id(), v.name(), v.image(), t.vm().hostId(), t.vm().hostVmId(), v.cpu(),
                            v.memMib(), v.diskMib(), VmState.BOOTING, null, Map.of(), null);
                }).toList();
                if (!store.insertEnv(env, placed)) {
                    throw new ConflictException("an ENV named '" + env.name() + "' exists: pick another name");
                }
                revert.add(() -> store.deleteEnv(env.id()));
                for (PoolStore.Vm v : placed) {
                    pool.reserve(v.hostId(), ledgerKey(v), capacity(v));
                    revert.add(() -> pool.release(v.hostId(), ledgerKey(v)));
                }
                revert.disarm();
                return placed;
            }
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

    /** The key of a placed VM's share in its host's ledger. */
    static String ledgerKey(PoolStore.Vm v) {
        return HostLedger.key(v.envId(), v.name());
    }

    /** The share of its host a placed VM holds. */
    static Capacity capacity(PoolStore.Vm v) {
        return new Capacity(v.cpu(), v.memMib() * 1024L, v.diskMib() * 1024L);
    }
}
