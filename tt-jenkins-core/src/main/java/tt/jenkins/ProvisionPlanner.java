package tt.jenkins;

/**
 * How many new agents to start for a label: enough for the builds waiting that agents already
 * running or on their way will not take, within the template's and the cloud's caps. Several
 * builds waiting on one label never start more VMs than they need.
 */
public final class ProvisionPlanner {

    /** The counts that decide: everything already there or coming is counted once. */
    public record Demand(int excessWorkload, int executorsPerAgent, int provisioningForLabel, int templateCount,
                         int templateCap, int cloudCount, int cloudCap) {
    }

    private ProvisionPlanner() {
    }

    /** New agents to start now (0 when nothing is needed or a cap is reached). */
    public static int agentsToStart(Demand d) {
        if (d.executorsPerAgent() < 1) {
            throw new IllegalArgumentException("an agent needs at least one executor");
        }
        int stillWaiting = d.excessWorkload() - d.provisioningForLabel() * d.executorsPerAgent();
        if (stillWaiting <= 0) {
            return 0;
        }
        int wanted = (stillWaiting + d.executorsPerAgent() - 1) / d.executorsPerAgent();
        int templateRoom = d.templateCap() <= 0 ? Integer.MAX_VALUE : d.templateCap() - d.templateCount();
        int cloudRoom = d.cloudCap() <= 0 ? Integer.MAX_VALUE : d.cloudCap() - d.cloudCount();
        return Math.max(0, Math.min(wanted, Math.min(templateRoom, cloudRoom)));
    }
}
