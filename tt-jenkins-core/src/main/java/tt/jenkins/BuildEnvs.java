package tt.jenkins;

import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.client.ApiException;
import tt.client.BackendClient;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The ENVs a build makes with the Pipeline steps: made, awaited, and on failure deleted, with a
 * one-line reason the step can end the build with.
 */
public final class BuildEnvs {

    /** Why a build's ENV could not be had, in one line for the build log. */
    public static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    private final BackendClient backend;

    public BuildEnvs(BackendClient backend) {
        this.backend = backend;
    }

    /** Makes the ENV and waits until it is ready; a refused, failed or late ENV is deleted and reported. */
    public EnvInfo createReady(EnvCreateRequest request, Duration timeout, PrintStream log)
            throws Failure, IOException, InterruptedException {
        try {
            backend.createEnv(request);
        } catch (ApiException refused) {
            throw new Failure("tt: cannot make ENV " + request.name() + ": " + refused.getMessage());
        }
        log.println("tt: ENV " + request.name() + " is being made");
        EnvInfo env = backend.awaitSettled(request.name(), timeout);
        if (env.state() == EnvState.READY) {
            return env;
        }
        new AgentVms(backend).delete(request.name());
        throw new Failure("tt: ENV " + request.name() + " is " + env.state()
                + (env.state() == EnvState.CREATING ? " after " + timeout.toSeconds() + " s" : "") + " and was deleted: "
                + env.vms().stream().map(EnvVm::summary)
                .collect(Collectors.joining(", ")));
    }

    /**
     * What {@code ttEnvCreate} returns for a ready ENV: its name, and its VMs with their name,
     * image, host, address and forwarded SSH port (null when it has none). Logs one line per VM.
     */
    public static Map<String, Object> stepResult(EnvInfo env, PrintStream log) {
        List<Map<String, Object>> vms = new ArrayList<>();
        for (EnvVm vm : env.vms()) {
            Map<String, Object> m = new HashMap<>();
            m.put("name", vm.name());
            m.put("image", vm.image());
            m.put("host", vm.host());
            m.put("address", vm.address());
            m.put("sshPort", vm.ports() == null ? null : vm.ports().get(22));
            vms.add(m);
            log.println("tt: " + vm.name() + " (" + vm.image() + ") on " + vm.host());
        }
        Map<String, Object> result = new HashMap<>();
        result.put("name", env.name());
        result.put("vms", vms);
        return result;
    }
}
