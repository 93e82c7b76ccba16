package tt.jenkins.plugin.steps;

import hudson.AbortException;
import hudson.Extension;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import tt.api.ImageSelection;

import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code ttImages(os: ['ubuntu'])}: the images of the TT pool whose OS matches any of the
 * prefixes (all images without {@code os}), sorted; an empty list when none matches.
 */
public class TtImagesStep extends TtStep {

    private List<String> os = List.of();

    @DataBoundConstructor
    public TtImagesStep() {
    }

    public List<String> getOs() {
        return os;
    }

    @DataBoundSetter
    public void setOs(List<String> os) {
        this.os = os == null ? List.of() : List.copyOf(os);
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(this, context);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<List<String>> {
        @Serial
        private static final long serialVersionUID = 1L;
        private final transient TtImagesStep step;

        Execution(TtImagesStep step, StepContext context) {
            super(context);
            this.step = step;
        }

        @Override
        protected List<String> run() throws Exception {
            List<String> pool = step.backend().status().images();
            if (step.os.isEmpty()) {
                return new ArrayList<>(new TreeSet<>(pool));
            }
            List<String> matched;
            try {
                matched = ImageSelection.matchingAny(pool, step.os);
            } catch (IllegalArgumentException e) {
                throw new AbortException("tt: " + e.getMessage());
            }
            getContext().get(TaskListener.class).getLogger().println("tt: images for " + step.os + ": " + matched);
            return new ArrayList<>(matched);
        }
    }

    @Extension
    public static final class DescriptorImpl extends TtStepDescriptor {

        public DescriptorImpl() {
            super("ttImages", "List the TT pool's images matching OS prefixes");
        }
    }
}
