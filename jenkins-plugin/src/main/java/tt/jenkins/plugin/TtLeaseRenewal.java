package tt.jenkins.plugin;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import jenkins.model.Jenkins;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Every two minutes each TT cloud renews the leases of its agents' ENVs: a controller that is gone
 * for longer than the lease ({@link TtCloud#AGENT_LEASE_SECONDS}) leaves no VM behind.
 */
@Extension
public class TtLeaseRenewal extends AsyncPeriodicWork {

    public TtLeaseRenewal() {
        super("TT lease renewal");
    }

    @Override
    public long getRecurrencePeriod() {
        return TimeUnit.MINUTES.toMillis(2);
    }

    @Override
    protected void execute(TaskListener listener) throws IOException, InterruptedException {
        for (TtCloud cloud : Jenkins.get().clouds.getAll(TtCloud.class)) {
            try {
                cloud.renewLeases(listener);
            } catch (IOException | RuntimeException e) {
                listener.error("TT cloud " + cloud.name + ": lease renewal failed: " + e.getMessage());
            }
        }
    }
}
