package tt.jenkins.plugin.steps;

import hudson.AbortException;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;
import tt.client.BackendClient;
import tt.jenkins.plugin.TtCloud;

/** What every TT step has: the TT cloud to use ({@code cloud: 'NAME'}, or the only one). */
abstract class TtStep extends Step {

    private String cloud;

    public String getCloud() {
        return cloud;
    }

    @DataBoundSetter
    public void setCloud(String cloud) {
        this.cloud = cloud;
    }

    BackendClient backend() throws AbortException {
        return TtCloud.named(cloud).backend();
    }
}
