package tt.jenkins.plugin;

import hudson.slaves.AbstractCloudComputer;

/** The computer of a TT agent; its page shows the VM's host, image and SSH address. */
public class TtComputer extends AbstractCloudComputer<TtAgent> {

    public TtComputer(TtAgent agent) {
        super(agent);
    }
}
