package tt.jenkins.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import tt.jenkins.AgentVms;

import java.io.Serial;

/** {@code ttEnvDelete(name: env.name)}: deletes a TT ENV and its VMs; an ENV already gone is fine. */
public class TtEnvDeleteStep extends TtStep {

    private final String name;

    @DataBoundConstructor
    public TtEnvDeleteStep(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<Void> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient TtEnvDeleteStep step;

        Execution(TtEnvDeleteStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Void run() throws Exception {
            if (step.name == null || step.name.isBlank()) {
                throw new AbortException("ttEnvDelete needs name: '<ENV name>'");
            }
            TaskListener listener = getContext().get(TaskListener.class);
            boolean deleted = new AgentVms(step.backend()).delete(step.name);
            listener.getLogger().println(deleted ? "tt: deleted ENV " + step.name : "tt: ENV " + step.name
                    + " was already gone");
            return null;
        }
    }

    @Extension
    public static final class DescriptorImpl extends TtStepDescriptor {

        public DescriptorImpl() {
            super("ttEnvDelete", "Delete a TT ENV");
        }
    }
}
