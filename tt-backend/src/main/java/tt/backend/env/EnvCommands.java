package tt.backend.env;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.ExecResult;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.api.Validation;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.backend.db.PoolStore;
import tt.backend.hosts.HostPool;
import tt.server.ConflictException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/** Acts on every VM of an ENV through its host: runs a command on each, stops (pauses) or starts (resumes) them. */
final class EnvCommands {

    private static final Logger LOG = LoggerFactory.getLogger(EnvCommands.class);

    private final PoolStore store;
    private final HostPool pool;
    private final ExecutorService workers;

    /** @param workers what the commands on the VMs run on, in parallel */
    EnvCommands(PoolStore store, HostPool pool, ExecutorService workers) {
        this.store = store;
        this.pool = pool;
        this.workers = workers;
    }

    /**
     * Runs the command on every VM in parallel, through each host's exec path (SSH into the guest),
     * handing each VM's result to {@code sink} as soon as it is there.
     */
    void run(PoolStore.Env env, RunRequest req, Consumer<RunResult> sink) throws InterruptedException {
        if (req == null) {
            throw new IllegalArgumentException("request body is missing: send JSON {\"cmd\": \"...\"}");
        }
        String cmd = Validation.command(req.cmd());
        int timeout = (int) Validation.range("timeoutSeconds", req.timeoutSeconds() == null ? 60 : req.timeoutSeconds(),
                1, 3600, "s");
        List<PoolStore.Vm> vms = store.vms(env.id());
        CompletionService<RunResult> runs = new ExecutorCompletionService<>(workers);
        for (PoolStore.Vm vm : vms) {
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

    private RunResult runOn(PoolStore.Vm vm, String cmd, int timeout) {
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
     * in the wanted state, or failed, are left as they are. Throws, naming each, if any VM could not be.
     */
    void pauseOrResume(PoolStore.Env env, boolean stop) {
        VmState from = stop ? VmState.READY : VmState.STOPPED;
        List<String> problems = new ArrayList<>();
        for (PoolStore.Vm vm : store.vms(env.id())) {
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
    }
}
