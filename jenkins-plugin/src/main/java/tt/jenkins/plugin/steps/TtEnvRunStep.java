package tt.jenkins.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import tt.api.RunResult;
import tt.jenkins.EnvRunReport;

import java.io.Serial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ttEnvRun(name: env.name, cmd: 'uname -a')}: runs a command on every VM of an ENV,
 * prints each VM's output under its name as it comes, and fails if any VM failed (unless
 * {@code failOnError: false}); returns each VM's exit code and output.
 */
public class TtEnvRunStep extends TtStep {

    private final String name;
    private final String cmd;
    private int timeoutSeconds = 600;
    private boolean failOnError = true;

    @DataBoundConstructor
    public TtEnvRunStep(String name, String cmd) {
        this.name = name;
        this.cmd = cmd;
    }

    public String getName() {
        return name;
    }

    public String getCmd() {
        return cmd;
    }

    public int getTimeoutSeconds() {
        return timeoutSeconds;
    }

    @DataBoundSetter
    public void setTimeoutSeconds(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    public boolean isFailOnError() {
        return failOnError;
    }

    @DataBoundSetter
    public void setFailOnError(boolean failOnError) {
        this.failOnError = failOnError;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<List<Map<String, Object>>> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient TtEnvRunStep step;

        Execution(TtEnvRunStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected List<Map<String, Object>> run() throws Exception {
            if (step.name == null || step.name.isBlank() || step.cmd == null || step.cmd.isBlank()) {
                throw new AbortException("ttEnvRun needs name: '<ENV name>' and cmd: '<command>'");
            }
            TaskListener listener = getContext().get(TaskListener.class);
            List<RunResult> results = new ArrayList<>();
            step.backend().runStreamed(step.name, step.cmd, step.timeoutSeconds, r -> {
                results.add(r);
                listener.getLogger().print(EnvRunReport.format(r));
            });
            List<String> failed = EnvRunReport.failures(results);
            if (!failed.isEmpty() && step.failOnError) {
                throw new AbortException("tt: the command failed on " + String.join(", ", failed));
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (RunResult r : results) {
                Map<String, Object> m = new HashMap<>();
                m.put("vm", r.vm());
                m.put("exitCode", r.exitCode());
                m.put("stdout", r.stdout());
                m.put("stderr", r.stderr());
                m.put("error", r.error());
                out.add(m);
            }
            return out;
        }
    }

    @Extension
    public static final class DescriptorImpl extends TtStepDescriptor {

        public DescriptorImpl() {
            super("ttEnvRun", "Run a command on every VM of a TT ENV");
        }
    }
}
