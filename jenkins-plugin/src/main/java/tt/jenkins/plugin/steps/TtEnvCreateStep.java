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
import tt.api.EnvVm;
import tt.jenkins.AgentNames;
import tt.jenkins.BuildEnvs;

import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
            if (step.os.isEmpty() && step.images.isEmpty()) {
                throw new AbortException("ttEnvCreate needs os: ['<os prefix>', ...] or images: ['<image>', ...]");
            }
            TaskListener listener = getContext().get(TaskListener.class);
            Run<?, ?> run = getContext().get(Run.class);
            String envName = step.name != null && !step.name.isBlank() ? step.name
                    : AgentNames.forBuild(run.getParent().getFullName(), run.getNumber(), System.currentTimeMillis() % 100_000);
            EnvInfo env;
            try {
                env = new BuildEnvs(step.backend()).createReady(new EnvCreateRequest(envName,
                        step.os.isEmpty() ? null : step.os, step.images.isEmpty() ? null : step.images, step.cpu,
                        step.memMib > 0 ? step.memMib : null, step.diskMib > 0 ? step.diskMib : null, null, null,
                        step.lifetimeMinutes, null), Duration.ofSeconds(step.timeoutSeconds), listener.getLogger());
            } catch (BuildEnvs.Failure f) {
                throw new AbortException(f.getMessage());
            }
            List<Map<String, Object>> vms = new ArrayList<>();
            for (EnvVm vm : env.vms()) {
                Map<String, Object> m = new HashMap<>();
                m.put("name", vm.name());
                m.put("image", vm.image());
                m.put("host", vm.host());
                m.put("address", vm.address());
                m.put("sshPort", vm.ports() == null ? null : vm.ports().get(22));
                vms.add(m);
                listener.getLogger().println("tt: " + vm.name() + " (" + vm.image() + ") on " + vm.host());
            }
            Map<String, Object> result = new HashMap<>();
            result.put("name", envName);
            result.put("vms", vms);
            return result;
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
