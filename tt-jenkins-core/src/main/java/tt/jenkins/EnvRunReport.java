package tt.jenkins;

import tt.api.RunResult;

import java.util.List;

/**
 * What a command gave on every VM of an ENV, told the way a build log wants it: each VM's output
 * under its name, and which VMs failed.
 */
public final class EnvRunReport {

    private EnvRunReport() {
    }

    /** One VM's block of the log: a header with the VM, exit code and time, then its output. */
    public static String format(RunResult r) {
        StringBuilder out = new StringBuilder();
        out.append("==== ").append(r.vm()).append(": ")
                .append(r.error() != null ? "could not run: " + r.error() : "exit " + r.exitCode())
                .append(" (").append(r.millis()).append(" ms) ====\n");
        append(out, r.stdout());
        append(out, r.stderr());
        return out.toString();
    }

    /** The VMs where the command failed or could not run, as "vm (exit n)". */
    public static List<String> failures(List<RunResult> results) {
        return results.stream().filter(r -> r.exitCode() != 0 || r.error() != null)
                .map(r -> r.vm() + (r.error() != null ? " (could not run)" : " (exit " + r.exitCode() + ")")).toList();
    }

    private static void append(StringBuilder out, String text) {
        if (text != null && !text.isEmpty()) {
            out.append(text);
            if (!text.endsWith("\n")) {
                out.append('\n');
            }
        }
    }
}
