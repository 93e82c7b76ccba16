package tt.jenkins;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One orphan sweep of a cloud ({@link OrphanPlanner} decides): reads the backend's ENVs, then the
 * agents on their way, then the nodes, in that order; deletes the ENVs no agent uses, going on
 * past one that cannot be deleted; and says which nodes have lost their ENV.
 */
public final class OrphanSweep {

    /** An agent's ENV younger than this is never an orphan: its node may be on its way. */
    public static final Duration MIN_AGE = Duration.ofMinutes(2);

    private final AgentVms vms;
    private final String ownPrefix;
    private final Clock clock;

    /** @param ownPrefix the ENV name prefix of this controller ({@link AgentNames#envPrefix}) */
    public OrphanSweep(AgentVms vms, String ownPrefix, Clock clock) {
        this.vms = vms;
        this.ownPrefix = ownPrefix;
        this.clock = clock;
    }

    /**
     * Sweeps, leaving alone ENVs younger than {@code minAge}; returns the names of the nodes whose
     * ENV is gone, for the caller to remove.
     *
     * @param starting the agents on their way (node names)
     * @param nodes    node name to ENV name, for every TT node of this controller
     */
    public List<String> run(Supplier<Set<String>> starting, Supplier<Map<String, String>> nodes, Duration minAge,
                            CloudLog log) throws IOException {
        Map<String, Instant> envs = vms.envs(ownPrefix);
        Set<String> onTheirWay = starting.get();
        Map<String, String> live = nodes.get();
        OrphanPlanner.Sweep sweep = OrphanPlanner.plan(ownPrefix, envs, onTheirWay, live, clock.instant(), minAge);
        for (String env : sweep.envsToDelete()) {
            log.info("deleting ENV " + env + ", which no agent uses");
        }
        vms.deleteAll(sweep.envsToDelete()).forEach((env, why) ->
                log.warning("ENV " + env + " could not be deleted (next sweep tries again): " + why));
        return sweep.nodesToRemove();
    }
}
