package tt.jenkins;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of the ENVs that a Jenkins controller makes for its agents: {@code j<instance>-<label>-<n>},
 * so that a sweep knows its own ENVs (and only its own) after a restart. ENVs that Pipeline steps
 * make for a build are named {@code b-<job>-<build>-<n>}, which no sweep ever takes for an agent's.
 */
public final class AgentNames {

    private static final Pattern UNSAFE = Pattern.compile("[^a-z0-9-]");

    private AgentNames() {
    }

    /** The prefix of every ENV this controller makes, from its instance id (first 8 safe characters). */
    public static String envPrefix(String instanceId) {
        String id = UNSAFE.matcher(instanceId.toLowerCase(Locale.ROOT)).replaceAll("");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("the Jenkins instance id has no letters or digits");
        }
        return "j" + id.substring(0, Math.min(8, id.length())) + "-";
    }

    /** A valid ENV name (at most 63 characters) for an agent of a label. */
    public static String envName(String instanceId, String label, long serial) {
        String l = UNSAFE.matcher(label.toLowerCase(Locale.ROOT)).replaceAll("-");
        String suffix = "-" + serial;
        String base = envPrefix(instanceId) + l;
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }

    /** A valid ENV name for an ENV a build makes with a Pipeline step (not an agent's). */
    public static String forBuild(String jobName, int buildNumber, long serial) {
        String job = UNSAFE.matcher(jobName.toLowerCase(Locale.ROOT)).replaceAll("-");
        String suffix = "-" + buildNumber + "-" + serial;
        String base = "b-" + job;
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }
}
