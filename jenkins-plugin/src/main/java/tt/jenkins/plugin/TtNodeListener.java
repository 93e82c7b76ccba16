package tt.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Node;
import jenkins.model.NodeListener;

/** A TT agent's node added or removed is no longer counted as on its way, whatever else Jenkins reports. */
@Extension
public class TtNodeListener extends NodeListener {

    @Override
    protected void onCreated(@NonNull Node node) {
        ended(node);
    }

    @Override
    protected void onDeleted(@NonNull Node node) {
        ended(node);
    }

    private static void ended(Node node) {
        if (node instanceof TtAgent agent) {
            TtCloud cloud = agent.getCloud();
            if (cloud != null) {
                cloud.pending().ended(agent.getNodeName());
            }
        }
    }
}
