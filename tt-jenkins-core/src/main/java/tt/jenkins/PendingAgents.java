package tt.jenkins;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agents a cloud has started that are not nodes yet, by node name, with their template label:
 * counted against the caps together with the nodes. An entry ends when the agent's node is added,
 * when it is removed, or when its start fails, whichever Jenkins reports first and however often;
 * an agent that is both a node and still pending is counted once.
 */
public final class PendingAgents {

    private final Map<String, String> labelByName = new ConcurrentHashMap<>();

    /** An agent is on its way. */
    public void started(String nodeName, String templateLabel) {
        labelByName.put(nodeName, templateLabel);
    }

    /** The agent became a node, was removed, or could not be made: it is no longer on its way. */
    public void ended(String nodeName) {
        labelByName.remove(nodeName);
    }

    /** The node names on their way. */
    public Set<String> names() {
        return Set.copyOf(labelByName.keySet());
    }

    /**
     * Agents of a template label (or all, for null): the live nodes given, plus the agents on their
     * way that are not among them.
     *
     * @param nodes node name to template label, for this cloud's live nodes
     */
    public int count(String templateLabel, Map<String, String> nodes) {
        long live = nodes.values().stream().filter(l -> templateLabel == null || templateLabel.equals(l)).count();
        long coming = labelByName.entrySet().stream().filter(e -> !nodes.containsKey(e.getKey()))
                .filter(e -> templateLabel == null || Objects.equals(templateLabel, e.getValue())).count();
        return (int) (live + coming);
    }
}
