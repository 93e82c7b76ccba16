package tt.jenkins;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a periodic sweep removes: TT ENVs that this Jenkins made (tagged with its instance id in
 * their name) but that no node uses any more, and nodes whose ENV is gone. Run after a controller
 * restart too, it cleans what the restart left.
 *
 * <p>The caller reads the backend's ENVs first, then the agents on their way, then the nodes: an
 * agent's name is on its way before its ENV is asked for, and a node before it stops being on its
 * way, so an agent being made is never missed. An ENV younger than {@code minAge} is left alone
 * in any case.
 */
public final class OrphanPlanner {

    /** ENVs to delete on TT, and node names to remove from Jenkins. */
    public record Sweep(List<String> envsToDelete, List<String> nodesToRemove) {
    }

    private OrphanPlanner() {
    }

    /**
     * @param ownPrefix the ENV name prefix this Jenkins uses ({@link AgentNames#envPrefix})
     * @param envs      every ENV of this Jenkins' token that starts with the prefix, with when it was made
     * @param starting  agents on their way (their node names, which are their ENV names)
     * @param nodes     node name to the ENV it runs on, for every TT node of this Jenkins
     */
    public static Sweep plan(String ownPrefix, Map<String, Instant> envs, Set<String> starting,
                             Map<String, String> nodes, Instant now, Duration minAge) {
        Set<String> used = Set.copyOf(nodes.values());
        List<String> orphanEnvs = envs.entrySet().stream().filter(e -> e.getKey().startsWith(ownPrefix))
                .filter(e -> !used.contains(e.getKey()) && !starting.contains(e.getKey()))
                .filter(e -> !e.getValue().isAfter(now.minus(minAge)))
                .map(Map.Entry::getKey).sorted().toList();
        List<String> orphanNodes = nodes.entrySet().stream().filter(n -> !envs.containsKey(n.getValue()))
                .map(Map.Entry::getKey).sorted().collect(Collectors.toList());
        return new Sweep(orphanEnvs, orphanNodes);
    }
}
