package tt.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Executor;
import hudson.model.ExecutorListener;
import hudson.model.Queue;
import hudson.slaves.AbstractCloudComputer;
import hudson.slaves.CloudRetentionStrategy;
import hudson.slaves.RetentionStrategy;
import org.jenkinsci.plugins.durabletask.executors.OnceRetentionStrategy;
import tt.jenkins.AgentRetention;

import java.time.Duration;

/**
 * Ends a TT agent as its template says: after one build (durable-task's OnceRetentionStrategy) or
 * after its idle minutes (CloudRetentionStrategy), except while it is still connecting within the
 * cloud's connect timeout (see {@link AgentRetention}).
 */
@SuppressWarnings("rawtypes") // as RetentionStrategy's own subclasses: AbstractCloudComputer is generic
public class TtRetentionStrategy extends RetentionStrategy<AbstractCloudComputer> implements ExecutorListener {

    private final CloudRetentionStrategy delegate;
    private final int connectTimeoutSeconds;

    public TtRetentionStrategy(boolean oneShot, int idleMinutes, int connectTimeoutSeconds) {
        this.delegate = oneShot ? new OnceRetentionStrategy(idleMinutes) : new CloudRetentionStrategy(idleMinutes);
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    @Override
    public long check(@NonNull AbstractCloudComputer c) {
        long launchedFor = System.currentTimeMillis() - c.getIdleStartMilliseconds();
        if (!AgentRetention.idleTimeCounts(c.isConnecting(), launchedFor, Duration.ofSeconds(connectTimeoutSeconds))) {
            return 1;
        }
        return delegate.check(c);
    }

    @Override
    public void start(@NonNull AbstractCloudComputer c) {
        delegate.start(c);
    }

    @Override
    public boolean isAcceptingTasks(AbstractCloudComputer c) {
        return delegate.isAcceptingTasks(c);
    }

    @Override
    public void taskAccepted(Executor executor, Queue.Task task) {
        if (delegate instanceof ExecutorListener l) {
            l.taskAccepted(executor, task);
        }
    }

    @Override
    public void taskStarted(Executor executor, Queue.Task task) {
        if (delegate instanceof ExecutorListener l) {
            l.taskStarted(executor, task);
        }
    }

    @Override
    public void taskCompleted(Executor executor, Queue.Task task, long durationMS) {
        if (delegate instanceof ExecutorListener l) {
            l.taskCompleted(executor, task, durationMS);
        }
    }

    @Override
    public void taskCompletedWithProblems(Executor executor, Queue.Task task, long durationMS, Throwable problems) {
        if (delegate instanceof ExecutorListener l) {
            l.taskCompletedWithProblems(executor, task, durationMS, problems);
        }
    }

    @Extension
    public static final class DescriptorImpl extends Descriptor<RetentionStrategy<?>> {

        @NonNull
        @Override
        public String getDisplayName() {
            return "TT agent: one build or idle minutes, never while connecting";
        }
    }
}
