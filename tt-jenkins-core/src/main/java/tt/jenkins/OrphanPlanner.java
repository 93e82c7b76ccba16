package tt.jenkins;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a periodic sweep removes: TT ENVs that this Jenkins made (tagged with its instance id in
 * their name) but that no node uses any more, and nodes whose ENV is gone. Run after a controller
 * restart too, it cleans what the restart left.
 */
public final class OrphanPlanner {

    /** ENVs to delete on TT, and node names to remove from Jenkins. */
    public record Sweep(List<String> envsToDelete, List<String> nodesToRemove) {
    }

    private OrphanPlanner() {
    }

    /**
     * @param ownPrefix the ENV name prefix this Jenkins uses ({@link AgentNames#envPrefix})
     * @param envs      every ENV name the backend lists for this Jenkins' token
     * @param nodes     node name to the ENV it runs on, for every TT node of this Jenkins
     * @param starting  ENVs being made right now (not orphans yet)
     */
    public static Sweep plan(String ownPrefix, Collection<String> envs, Map<String, String> nodes,
                             Set<String> starting) {
        Set<String> used = Set.copyOf(nodes.values());
        List<String> orphanEnvs = envs.stream().filter(e -> e.startsWith(ownPrefix))
                .filter(e -> !used.contains(e) && !starting.contains(e)).sorted().toList();
        Set<String> existing = Set.copyOf(envs);
        List<String> orphanNodes = nodes.entrySet().stream().filter(n -> !existing.contains(n.getValue()))
                .map(Map.Entry::getKey).sorted().collect(Collectors.toList());
        return new Sweep(orphanEnvs, orphanNodes);
    }
}
