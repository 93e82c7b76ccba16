package tt.backend.env;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.Capacity;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostConnector;
import tt.backend.hosts.HostPool;
import tt.client.HostClient;
import tt.testkit.ManualClock;
import tt.testkit.SimulatedHost;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reconciling the ENVs' VM rows with what a host has, against a host answered from memory
 * (SimulatedHost) and the real embedded database: VM states follow the host's, a VM the host
 * lost or that went offline with it fails, and the host's VMs of ENVs that are gone, or whose
 * making a restart cut short, are deleted while other VMs stay.
 */
class HostReconcilerTest {

    private static final String IMAGE = "qemu:sim-1.0:1.x86_64";

    @TempDir
    Path dir;
    private Database db;
    private PoolStore store;
    private HostPool pool;
    private HostReconciler reconciler;
    private final VmCreations creations = new VmCreations();
    private SimulatedHost host;
    private HostClient hostClient;
    private String hostId;
    private final ManualClock clock = new ManualClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

    @BeforeEach
    void startPool() throws Exception {
        db = Database.open(dir, null, null, null);
        store = new PoolStore(db);
        pool = new HostPool(store, new HostConnector("sim-token", null, Map.of()), id -> Map.of(), clock);
        reconciler = new HostReconciler(store, pool, null, creations);
        host = SimulatedHost.start("sim-token", new Capacity(8, 8L * 1024 * 1024, 1L << 30), IMAGE);
        hostClient = new HostClient(URI.create("http://127.0.0.1:" + host.port()), "sim-token");
        pool.start(reconciler, 60_000);
        hostId = pool.add("127.0.0.1", host.port(), true, null);
    }

    @AfterEach
    void stopPool() {
        pool.close();
        host.close();
        db.close();
    }

    @Test
    void vmStatesFollowTheHostAndAVmTheHostLostFailsUnlessMadeAfterThePollWasAskedFor() throws Exception {
        VmInfo booted = hostVm("E-booted", Map.of());
        insertEnv("env-e", "E", row("env-e", "E-booted", booted.id(), VmState.BOOTING),
                row("env-e", "E-lost", "sim-lost", VmState.READY), row("env-e", "E-new", "sim-new", VmState.BOOTING));
        creations.made("sim-new", clock.instant().plusSeconds(1));

        reconciler.answeredPoll(hostId, hostClient.vms(), clock.instant());

        assertEquals(VmState.READY, rowOf("env-e", "E-booted").state(), "the host says it is READY");
        PoolStore.Vm lost = rowOf("env-e", "E-lost");
        assertEquals(VmState.FAILED, lost.state());
        assertEquals("lost: host " + hostId + " no longer has it", lost.error());
        assertEquals(VmState.BOOTING, rowOf("env-e", "E-new").state(), "made after the poll was asked for");

        reconciler.wentOffline(hostId, "connection refused");
        assertEquals("lost: host " + hostId + " is offline (connection refused)", rowOf("env-e", "E-booted").error());
        assertEquals(VmState.FAILED, rowOf("env-e", "E-new").state());
        assertEquals("lost: host " + hostId + " no longer has it", rowOf("env-e", "E-lost").error(),
                "a failed VM keeps its first reason");
    }

    @Test
    void theHostsVmsOfGoneEnvsAndOfCreationsARestartCutShortAreDeletedOthersStay() throws Exception {
        String us = store.instanceId();
        hostVm("GONE-vm", Map.of(EnvCreation.ENV_TAG, "env-gone", EnvCreation.OWNER_TAG, us));
        VmInfo ofAnotherBackend = hostVm("GONE-vm", Map.of(EnvCreation.ENV_TAG, "env-gone",
                EnvCreation.OWNER_TAG, "another-backend"));
        VmInfo notYetRecorded = hostVm("LIVE-vm", Map.of(EnvCreation.ENV_TAG, "env-live", EnvCreation.OWNER_TAG, us));
        VmInfo untagged = hostVm("someone-elses", Map.of());
        insertEnv("env-live", "LIVE", row("env-live", "LIVE-vm", null, VmState.SCHEDULED));

        reconciler.answeredPoll(hostId, hostClient.vms(), clock.instant());
        assertEquals(List.of(ofAnotherBackend.id(), notYetRecorded.id(), untagged.id()), hostVmIds(),
                "only the VM of this backend's ENV that no longer exists is deleted");

        reconciler.cleanUpInterruptedCreates();
        PoolStore.Vm interrupted = rowOf("env-live", "LIVE-vm");
        assertEquals(VmState.FAILED, interrupted.state());
        assertEquals(HostReconciler.INTERRUPTED, interrupted.error());
        reconciler.answeredPoll(hostId, hostClient.vms(), clock.instant());
        assertEquals(List.of(ofAnotherBackend.id(), untagged.id()), hostVmIds(),
                "the VM whose making the restart cut short is deleted too");
    }

    private VmInfo hostVm(String name, Map<String, String> tags) throws Exception {
        return hostClient.createVm(new VmCreateRequest(name, IMAGE, 1, 64, 100, List.of(), List.of(), tags));
    }

    private List<String> hostVmIds() throws Exception {
        return hostClient.vms().stream().map(VmInfo::id).sorted().toList();
    }

    private PoolStore.Vm row(String envId, String name, String hostVmId, VmState state) {
        return new PoolStore.Vm(envId, name, IMAGE, hostId, hostVmId, 1, 64, 100, state, null, Map.of(), null);
    }

    private void insertEnv(String envId, String name, PoolStore.Vm... vms) {
        Instant now = clock.instant();
        store.insertEnv(new PoolStore.Env(envId, name, "alice", now, now.plus(Duration.ofHours(1)), null, null, Map.of(),
                List.of()), List.of(vms));
    }

    private PoolStore.Vm rowOf(String envId, String name) {
        return store.vms(envId).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }
}
