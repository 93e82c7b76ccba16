package tt.backend.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Capacity;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostPool;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps the ENVs' VM rows in step with what their hosts have: the states each poll finds, VMs a
 * host lost or that went offline with it, the VMs a host has for ENVs that no longer exist
 * (orphans), and, after a restart of tt-backend, the creations the restart cut short. Gives a
 * host's ledger, when it is rebuilt, the shares the backend's VMs hold on it.
 */
public final class HostReconciler implements HostPool.Listener {

    static final String INTERRUPTED = "its creation was interrupted by a restart of tt-backend: delete the ENV"
            + " and make it again";
    private static final Logger LOG = LoggerFactory.getLogger(HostReconciler.class);

    private final PoolStore store;
    private final HostPool pool;
    private final WarmPool warm;
    private final VmCreations creations;
    private final String instanceId;

    /**
     * @param warm      the warm pool, whose VMs are reconciled with the ENVs' (null for none)
     * @param creations when each host VM was made, so that a poll asked for before that does not call it lost
     */
    HostReconciler(PoolStore store, HostPool pool, WarmPool warm, VmCreations creations) {
        this.store = store;
        this.pool = pool;
        this.warm = warm;
        this.creations = creations;
        this.instanceId = store.instanceId();
    }

    /** What each of the backend's VMs (warm ones too) holds on a host, by ledger key: used to rebuild its ledger. */
    public Map<String, Capacity> sharesHeldOn(String hostId) {
        Map<String, Capacity> held = new HashMap<>(store.vmsOnHost(hostId).stream()
                .collect(Collectors.toMap(EnvPlacement::ledgerKey, EnvPlacement::capacity)));
        if (warm != null) {
            held.putAll(warm.sharesHeldOn(hostId));
        }
        return held;
    }

    @Override
    public void answeredPoll(String hostId, List<VmInfo> hostVms, Instant askedAt) {
        Map<String, VmInfo> byId = hostVms.stream().collect(Collectors.toMap(VmInfo::id, v -> v, (a, b) -> a));
        List<PoolStore.Vm> ours = store.vmsOnHost(hostId);
        Set<String> known = ours.stream().map(PoolStore.Vm::hostVmId).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        for (PoolStore.Vm vm : ours) {
            if (vm.hostVmId() == null) {
                continue;
            }
            VmInfo now = byId.get(vm.hostVmId());
            Instant made = creations.madeAt(vm.hostVmId());
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
            warm.answeredPoll(hostId, hostVms, askedAt, () -> store.vmsOnHost(hostId).stream().map(PoolStore.Vm::hostVmId)
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
            if (orphan.tags() == null || !instanceId.equals(orphan.tags().get(EnvCreation.OWNER_TAG))
                    || !orphan.tags().containsKey(EnvCreation.ENV_TAG) || known.contains(orphan.id())) {
                continue;
            }
            String envId = orphan.tags().get(EnvCreation.ENV_TAG);
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
        for (PoolStore.Vm vm : store.vmsOnHost(hostId)) {
            if (vm.state() != VmState.FAILED) {
                store.vmState(vm.envId(), vm.name(), VmState.FAILED, "lost: host " + hostId + " is offline (" + why + ")");
            }
        }
    }

    /**
     * After a restart: the VMs whose making was cut short (no host VM recorded) are marked FAILED
     * with the reason, so that the user who was told the ENV is being made still finds it, and
     * sees why; whatever a host made for them is deleted at its next poll ({@link #deleteOrphans}).
     */
    public void cleanUpInterruptedCreates() {
        for (PoolStore.Vm vm : store.allVms()) {
            if (vm.hostVmId() == null && vm.state() != VmState.FAILED) {
                LOG.warn("env {}: VM {}: its creation was interrupted by a restart of tt-backend; marked FAILED",
                        vm.envId(), vm.name());
                store.vmState(vm.envId(), vm.name(), VmState.FAILED, INTERRUPTED);
            }
        }
    }
}
