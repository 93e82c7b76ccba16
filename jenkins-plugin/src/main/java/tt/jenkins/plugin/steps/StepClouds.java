package tt.jenkins.plugin.steps;

import hudson.AbortException;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.client.BackendClient;
import tt.jenkins.plugin.TtCloud;

import java.io.IOException;

/** What the ENV steps share: the backend of the chosen TT cloud, and waiting for an ENV. */
final class StepClouds {

    private StepClouds() {
    }

    static BackendClient backend(String cloudName) throws AbortException {
        return TtCloud.named(cloudName).backend();
    }

    /** Waits until no VM of the ENV is still booting, or the timeout is over. */
    static EnvInfo awaitSettled(BackendClient backend, String envName, int timeoutSeconds) throws IOException {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000_000L;
            EnvInfo env = backend.env(envName, (int) Math.max(1, Math.min(30, left)));
            if (env.state() != EnvState.CREATING || left <= 0) {
                return env;
            }
        }
    }
}
