package tt.jenkins.plugin;

import hudson.model.Node;
import hudson.slaves.NodeProvisioner;
import tt.jenkins.PendingAgents;

import java.util.concurrent.Future;

/**
 * A TT agent Jenkins is waiting for. When Jenkins is done with it (its node added, or its start
 * failed), it is no longer counted as on its way.
 */
final class TtPlannedNode extends NodeProvisioner.PlannedNode {

    private final PendingAgents pending;

    TtPlannedNode(String nodeName, Future<Node> future, int numExecutors, PendingAgents pending) {
        super(nodeName, future, numExecutors);
        this.pending = pending;
    }

    @Override
    public void spent() {
        pending.ended(displayName);
    }
}
