package tt.jenkins;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM the guest started before its snapshot, waiting to run one jar (images/guest/tt-jvm, tt-guest's
 * PrestartedJvm), as its ready file describes it: the port it listens on (127.0.0.1 in the guest), the
 * key a client must give, the folder it runs in and its JVM options. The protocol:
 * docs/protocols/prestarted-jvm.md.
 */
public record GuestJvm(int port, String key, String dir, String options) {

    /** Where the guest's ready file is; only root reads it. */
    public static final String READY_FILE = "/run/tt-jvm/ready";
    /** The JVM's process id; the guest stops the JVM while it waits, its client resumes it. */
    public static final String PID_FILE = "/run/tt-jvm/pid";

    private static final Pattern READY = Pattern.compile(
            "(?m)^port=([0-9]{1,5}) key=([0-9a-f]{32}) dir=(/\\S*) options=(.*)$");

    /** The JVM the ready file's line in a command's output describes, if there is one. */
    public static Optional<GuestJvm> find(String output) {
        Matcher m = READY.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        int port = Integer.parseInt(m.group(1));
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        return Optional.of(new GuestJvm(port, m.group(2), m.group(3), m.group(4).strip()));
    }

    /** Whether an agent in {@code remoteDir} with these JVM options can run in this JVM. */
    public boolean fits(String remoteDir, String jvmOptions) {
        return dir.equals(remoteDir) && options.equals(jvmOptions);
    }
}
