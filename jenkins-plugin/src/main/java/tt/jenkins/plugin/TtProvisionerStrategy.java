package tt.jenkins.plugin;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.LoadStatistics;
import hudson.slaves.Cloud;
import hudson.slaves.NodeProvisioner;
import jenkins.model.Jenkins;

import java.util.Collection;

/**
 * Provisions TT agents as soon as builds wait, instead of after the default strategy's load
 * averaging. Capacity already there or coming (idle, connecting, planned) is counted first, so
 * several builds waiting on one label start only the VMs they need.
 */
@Extension(ordinal = 100)
public class TtProvisionerStrategy extends NodeProvisioner.Strategy {

    @NonNull
    @Override
    public NodeProvisioner.StrategyDecision apply(@NonNull NodeProvisioner.StrategyState state) {
        LoadStatistics.LoadStatisticsSnapshot load = state.getSnapshot();
        int capacity = load.getAvailableExecutors() + load.getConnectingExecutors()
                + state.getPlannedCapacitySnapshot() + state.getAdditionalPlannedCapacity();
        int missing = load.getQueueLength() - capacity;
        Cloud.CloudState cloudState = new Cloud.CloudState(state.getLabel(), state.getAdditionalPlannedCapacity());
        for (TtCloud cloud : Jenkins.get().clouds.getAll(TtCloud.class)) {
            if (missing <= 0) {
                break;
            }
            if (cloud.canProvision(cloudState)) {
                Collection<NodeProvisioner.PlannedNode> planned = cloud.provision(cloudState, missing);
                state.recordPendingLaunches(planned);
                for (NodeProvisioner.PlannedNode p : planned) {
                    missing -= p.numExecutors;
                }
            }
        }
        return missing <= 0 ? NodeProvisioner.StrategyDecision.PROVISIONING_COMPLETED
                : NodeProvisioner.StrategyDecision.CONSULT_REMAINING_STRATEGIES;
    }
}
