package tt.host.vm;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.VmState;
import tt.host.engine.VmProcess;
import tt.host.ssh.SshBanner;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Watches a started VM until it is ready (its SSH server answers) or has failed: a guest that
 * takes its identity from the agent is given it first (and boots cold if it does not take it); a
 * warm VM waits, booted, for its identity. A ready VM's boot time is recorded, a cold-booted one's
 * image and size get a snapshot, and its image's slowdown is measured if it is not known.
 */
final class VmReadiness {

    private static final Logger LOG = LoggerFactory.getLogger(VmReadiness.class);
    private static final Duration IDENTITY_TIMEOUT = Duration.ofSeconds(120);

    private final String address;
    private final VmLauncher launcher;
    private final VmSnapshots snapshots;
    private final GuestCommands guest;
    private final MeterRegistry registry;
    private final int bootTimeoutSeconds;

    VmReadiness(String address, VmLauncher launcher, VmSnapshots snapshots, GuestCommands guest,
                MeterRegistry registry, int bootTimeoutSeconds) {
        this.address = address;
        this.launcher = launcher;
        this.snapshots = snapshots;
        this.guest = guest;
        this.registry = registry;
        this.bootTimeoutSeconds = bootTimeoutSeconds;
    }

    /** Waits until the VM is ready, warm, failed or deleted; marks it so. */
    void awaitReady(Vm vm) {
        long t0 = System.nanoTime();
        if (vm.keptWarm) {
            awaitWarm(vm, t0);
            return;
        }
        if (vm.awaitsIdentity && !takeIdentity(vm)) {
            return;
        }
        long deadline = t0 + TimeUnit.SECONDS.toNanos(bootTimeoutSeconds);
        int port = vm.ports.get(22);
        try (SshBanner.Probe ssh = new SshBanner.Probe(address, port, () -> unansweredSsh(vm))) {
            awaitBanner(vm, ssh, t0, deadline, port);
        } catch (IOException e) {
            LOG.warn("vm {}: cannot probe its SSH port {}: {}", vm.id, port, e.toString());
            vm.markFailed("tt-host could not probe the VM's SSH port: " + e.getMessage());
        }
    }

    /** The SSH probes the guest has not answered yet (0 when the VM's process is gone). */
    private static int unansweredSsh(Vm vm) throws IOException {
        VmProcess process = vm.process;
        return process == null ? 0 : process.unansweredConnections(22);
    }

    private void awaitBanner(Vm vm, SshBanner.Probe ssh, long t0, long deadline, int port) throws IOException {
        boolean answered;
        try {
            answered = ssh.await(deadline, () -> vm.state() == VmState.BOOTING && !vm.isDeleting());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (answered) {
            if (vm.markReady()) {
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                LOG.info("vm {}: ready, SSH on {}:{} after {} ms ({}{})", vm.id, address, port, took.toMillis(),
                        vm.restoredFrom == null ? "cold boot" : "from snapshot", ssh.replaced() == 0 ? ""
                                : "; " + ssh.replaced() + (ssh.replaced() == 1 ? " probe" : " probes")
                                        + " made before the guest's network was up replaced");
                Timer.builder("tt_vm_boot").description("a VM's start (or its warm hand-out) to its SSH banner")
                        .tag("boot", vm.restoredFrom == null ? "cold" : "snapshot")
                        .tag("image", vm.image.name().toString()).publishPercentileHistogram().register(registry)
                        .record(took);
                if (vm.restoredFrom == null) {
                    snapshots.buildLater(vm);
                }
                guest.measureSpeedOnce(vm);
            }
            return;
        }
        if (vm.state() == VmState.BOOTING && !vm.isDeleting()) {
            String why = "no SSH answer within " + bootTimeoutSeconds + " s; console ends with: "
                    + LogTail.lines(vm.dir.resolve("console.log"), 3);
            LOG.warn("vm {}: {}", vm.id, why);
            vm.markFailed(why);
        }
    }

    /** A warm VM: waits until its guest's agent answers, then waits for its identity. */
    private void awaitWarm(Vm vm, long t0) {
        try (GuestAgent agent = GuestAgent.connect(launcher.agentSocket(vm))) {
            agent.awaitReady(Duration.ofSeconds(bootTimeoutSeconds));
            if (vm.markWarm()) {
                LOG.info("vm {}: warm after {} ms ({}), waiting for an identity", vm.id,
                        (System.nanoTime() - t0) / 1_000_000, vm.restoredFrom == null ? "cold boot" : "from snapshot");
            }
        } catch (IOException e) {
            if (!vm.isDeleting()) {
                LOG.warn("vm {}: its guest's agent did not answer: {}", vm.id, e.getMessage());
                vm.markFailed("the guest's agent did not answer: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives a VM whose guest takes its identity from the agent (restored, or warm) its own; if that
     * fails, the VM boots cold instead. False when the VM cannot go on (deleted meanwhile, or the
     * cold boot failed).
     */
    private boolean takeIdentity(Vm vm) {
        long t0 = System.nanoTime();
        try (GuestAgent agent = GuestAgent.connect(launcher.agentSocket(vm))) {
            agent.giveIdentity(vm.hostname(), vm.keys, IDENTITY_TIMEOUT);
            vm.awaitsIdentity = false;
            LOG.info("vm {}: took its identity in {} ms", vm.id, (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (IOException e) {
            if (vm.isDeleting()) {
                return false;
            }
            LOG.warn("vm {}: the restored guest did not take its identity ({}); booting cold instead", vm.id,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (vm.restoredFrom != null) {
            snapshots.forget(vm.restoredFrom);
        }
        vm.restoredFrom = null;
        vm.awaitsIdentity = false;
        synchronized (vm.lifecycle) {
            if (vm.isDeleting()) {
                return false;
            }
            try {
                launcher.bootColdAgain(vm);
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.warn("vm {}: the cold boot after a failed restore failed too: {}", vm.id, e.getMessage());
                vm.markFailed("boot failed: " + e.getMessage());
                return false;
            }
        }
    }
}
