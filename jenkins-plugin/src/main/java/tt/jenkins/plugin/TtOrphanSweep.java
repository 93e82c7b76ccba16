package tt.jenkins.plugin;

import hudson.Extension;
import hudson.model.AsyncPeriodicWork;
import hudson.model.TaskListener;
import jenkins.model.Jenkins;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Every two minutes, the first time two minutes after a controller start (so agents persisted
 * before a restart have time to reconnect), each TT cloud deletes the ENVs this Jenkins made for
 * agents that no node uses, and removes agents whose ENV is gone.
 */
@Extension
public class TtOrphanSweep extends AsyncPeriodicWork {

    public TtOrphanSweep() {
        super("TT orphan sweep");
    }

    @Override
    public long getRecurrencePeriod() {
        return TimeUnit.MINUTES.toMillis(2);
    }

    @Override
    public long getInitialDelay() {
        return getRecurrencePeriod();
    }

    @Override
    protected void execute(TaskListener listener) throws IOException, InterruptedException {
        for (TtCloud cloud : Jenkins.get().clouds.getAll(TtCloud.class)) {
            try {
                cloud.sweepOrphans(listener);
            } catch (IOException | RuntimeException e) {
                listener.error("TT cloud " + cloud.name + ": orphan sweep failed: " + e.getMessage());
            }
        }
    }
}
