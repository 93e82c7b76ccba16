package tt.jenkins.plugin.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;

import java.util.Set;

/** What the TT steps' descriptors share: a function name, a display name, and a build log to write to. */
abstract class TtStepDescriptor extends StepDescriptor {

    private final String functionName;
    private final String displayName;

    TtStepDescriptor(String functionName, String displayName) {
        this.functionName = functionName;
        this.displayName = displayName;
    }

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
        return Set.of(TaskListener.class);
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return displayName;
    }
}
