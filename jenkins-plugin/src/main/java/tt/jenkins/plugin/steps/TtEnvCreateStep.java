package tt.jenkins.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.jenkins.BuildEnvs;
import tt.jenkins.EnvCreateArguments;

import java.io.Serial;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ttEnvCreate(os: ['centos', 'ubuntu2004'])}: makes a TT ENV (VMs, not agents) and waits
 * until it is ready; returns its name and VMs. A failed ENV is deleted before the step fails.
 */
public class TtEnvCreateStep extends TtStep {

    private List<String> os = List.of();
    private List<String> images = List.of();
    private String name;
    private int cpu = 1;
    private int memMib;
    private int diskMib;
    private int lifetimeMinutes = 120;
    private int timeoutSeconds = 600;

    @DataBoundConstructor
    public TtEnvCreateStep() {
    }

    public List<String> getOs() {
        return os;
    }

    @DataBoundSetter
    public void setOs(List<String> os) {
        this.os = os == null ? List.of() : List.copyOf(os);
    }

    public List<String> getImages() {
        return images;
    }

    @DataBoundSetter
    public void setImages(List<String> images) {
        this.images = images == null ? List.of() : List.copyOf(images);
    }

    public String getName() {
        return name;
    }

    @DataBoundSetter
    public void setName(String name) {
        this.name = name;
    }

    public int getCpu() {
        return cpu;
    }

    @DataBoundSetter
    public void setCpu(int cpu) {
        this.cpu = cpu;
    }

    public int getMemMib() {
        return memMib;
    }

    @DataBoundSetter
    public void setMemMib(int memMib) {
        this.memMib = memMib;
    }

    public int getDiskMib() {
        return diskMib;
    }

    @DataBoundSetter
    public void setDiskMib(int diskMib) {
        this.diskMib = diskMib;
    }

    public int getLifetimeMinutes() {
        return lifetimeMinutes;
    }

    @DataBoundSetter
    public void setLifetimeMinutes(int lifetimeMinutes) {
        this.lifetimeMinutes = lifetimeMinutes;
    }

    public int getTimeoutSeconds() {
        return timeoutSeconds;
    }

    @DataBoundSetter
    public void setTimeoutSeconds(int timeoutSeconds) {
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The step's arguments as given, for tt-jenkins-core to make the request of. */
    EnvCreateArguments arguments() {
        return new EnvCreateArguments(os, images, name, cpu, memMib, diskMib, lifetimeMinutes, timeoutSeconds);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient TtEnvCreateStep step;

        Execution(TtEnvCreateStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            TaskListener listener = getContext().get(TaskListener.class);
            Run<?, ?> run = getContext().get(Run.class);
            EnvCreateArguments arguments = step.arguments();
            try {
                EnvCreateRequest request = arguments.request(run.getParent().getFullName(), run.getNumber(),
                        Clock.systemUTC());
                EnvInfo env = new BuildEnvs(step.backend()).createReady(request, arguments.timeout(),
                        listener.getLogger());
                return BuildEnvs.stepResult(env, listener.getLogger());
            } catch (BuildEnvs.Failure f) {
                throw new AbortException(f.getMessage());
            }
        }
    }

    @Extension
    public static final class DescriptorImpl extends TtStepDescriptor {

        public DescriptorImpl() {
            super("ttEnvCreate", "Make a TT ENV (VMs by OS prefix or image) and wait until it is ready");
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(TaskListener.class, Run.class);
        }
    }
}
