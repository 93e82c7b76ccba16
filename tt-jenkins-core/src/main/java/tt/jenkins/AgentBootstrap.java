package tt.jenkins;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a Java agent in a VM over SSH (jsch): waits until the SSH server answers, checks that
 * Java is there and new enough (from its release file, without starting a JVM) while uploading
 * the agent jar through the exec channel (the tiny images have no SFTP server), starts it, and
 * hands its stdin and stdout over as the channel to talk to it. Every step says what it does in
 * the log.
 */
public final class AgentBootstrap {

    /**
     * The agent JVM's options unless the user gives others: under TCG the JIT's work at start
     * (compiling, then emulating freshly written code) costs more than it saves, so one quick tier,
     * entered only by hot code, and the serial collector start it soonest (an echo jar in the tiny
     * guest: 2.2 s with no options, 1.9 s with C1 only, 1.3 s with this; {@code bin/tt-bench agent}).
     */
    public static final String DEFAULT_JVM_OPTIONS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
            + " -XX:CompileThresholdScaling=10";

    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/-]{1,200}");
    private static final Pattern JAVA_VERSION = Pattern.compile("JAVA_VERSION=\"?([0-9][0-9A-Za-z._+-]*)\"?");
    private static final int MIN_JAVA = 17;
    private static final Pattern SAFE_JVM_OPTIONS = Pattern.compile("[A-Za-z0-9._:=+/,@%-]+( [A-Za-z0-9._:=+/,@%-]+)*");

    /** Where to log in. */
    public record Target(String host, int port, String user) {
    }

    /** A started agent: write to its stdin, read its stdout; close ends it and the SSH session. */
    public static final class RunningAgent implements AutoCloseable {
        private final Session session;
        private final ChannelExec channel;
        private final InputStream stdout;
        private final OutputStream stdin;

        RunningAgent(Session session, ChannelExec channel, InputStream stdout, OutputStream stdin) {
            this.session = session;
            this.channel = channel;
            this.stdout = stdout;
            this.stdin = stdin;
        }

        public InputStream stdout() {
            return stdout;
        }

        public OutputStream stdin() {
            return stdin;
        }

        public boolean isRunning() {
            return !channel.isClosed();
        }

        @Override
        public void close() {
            channel.disconnect();
            session.disconnect();
        }
    }

    private final byte[] privateKey;
    private final Duration sshWait;

    public AgentBootstrap(byte[] privateKey, Duration sshWait) {
        this.privateKey = privateKey.clone();
        this.sshWait = sshWait;
    }

    public RunningAgent launch(Target target, byte[] agentJar, String remoteDir, String jvmOptions, PrintStream log)
            throws IOException, InterruptedException {
        checkRemoteDir(remoteDir);
        String options = jvmOptions == null ? "" : jvmOptions.strip();
        if (!options.isEmpty() && !SAFE_JVM_OPTIONS.matcher(options).matches()) {
            throw new IllegalArgumentException("bad JVM options '" + options + "': only letters, digits and . _ : = + / , @ % -"
                    + " separated by single spaces");
        }
        Session session = connect(target, log);
        try {
            String found = run(session, "j=$(command -v java) || { echo 'no java on the PATH in the VM: use an image"
                    + " with a Java " + MIN_JAVA + "+ runtime' >&2; exit 127; }; r=$(dirname \"$(dirname \"$(readlink -f"
                    + " \"$j\")\")\")/release; if [ -f \"$r\" ]; then grep '^JAVA_VERSION=' \"$r\"; fi; mkdir -p "
                    + remoteDir + "/tmp && cat > " + remoteDir + "/agent.jar", agentJar);
            String version = javaVersion(found);
            log.println("tt: Java in the VM: " + (version == null ? "version unknown (no release file)" : version));
            if (version != null && majorVersion(version) < MIN_JAVA) {
                throw new IOException("Java " + version + " in the VM is too old: a Jenkins agent needs Java " + MIN_JAVA
                        + " or newer");
            }
            log.println("tt: uploaded agent.jar (" + agentJar.length + " bytes) to " + remoteDir);
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            // temporary files go to the agent's disk: a tmpfs /tmp (Debian 13's) is smaller than Jenkins' 1 GiB minimum
            ch.setCommand("cd " + remoteDir + " && exec java " + options + (options.isEmpty() ? "" : " ")
                    + "-Djava.io.tmpdir=" + remoteDir + "/tmp -jar agent.jar");
            ch.setErrStream(log, true);
            InputStream out = ch.getInputStream();
            OutputStream in = ch.getOutputStream();
            ch.connect(10_000);
            log.println("tt: agent started in " + target.host() + ":" + target.port());
            return new RunningAgent(session, ch, out, in);
        } catch (IOException | JSchException | RuntimeException e) {
            session.disconnect();
            throw e instanceof IOException io ? io : new IOException("starting the agent failed: " + e.getMessage(), e);
        }
    }

    /** Refuses a remote folder that is not an absolute path of letters, digits, '.', '_', '-' and '/'. */
    public static void checkRemoteDir(String remoteDir) {
        if (remoteDir == null || !SAFE_PATH.matcher(remoteDir).matches() || remoteDir.contains("..")) {
            throw new IllegalArgumentException("bad remote folder '" + remoteDir + "': use an absolute path of letters,"
                    + " digits, '.', '_', '-' and '/'");
        }
    }

    /** The version in a runtime's release file line, or null when there was none. */
    static String javaVersion(String releaseLine) {
        Matcher m = JAVA_VERSION.matcher(releaseLine.strip());
        return m.find() ? m.group(1) : null;
    }

    /** The feature release of a version: 17 for "17.0.15", 8 for "1.8.0_392". */
    static int majorVersion(String version) {
        String[] parts = version.split("[._+-]");
        int first = Integer.parseInt(parts[0]);
        return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
    }

    /** Logs in, retrying until the guest's SSH server answers or the wait is over. */
    private Session connect(Target target, PrintStream log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + sshWait.toNanos();
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                JSch jsch = new JSch();
                jsch.addIdentity("tt-agent", privateKey, null, null);
                Session s = jsch.getSession(target.user(), target.host(), target.port());
                s.setConfig("StrictHostKeyChecking", "no");
                s.connect(10_000);
                log.println("tt: SSH to " + target.host() + ":" + target.port() + " after " + attempt + " attempt(s)");
                return s;
            } catch (JSchException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("SSH to " + target.host() + ":" + target.port() + " did not answer within "
                            + sshWait.toSeconds() + " s: " + e.getMessage(), e);
                }
                Thread.sleep(250);
            }
        }
    }

    /** Runs a command, feeding {@code stdin} if given; returns stdout, or throws with its stderr. */
    private static String run(Session session, String command, byte[] stdin) throws IOException {
        try {
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            ch.setCommand(command);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            ch.setErrStream(err);
            InputStream out = ch.getInputStream();
            OutputStream in = ch.getOutputStream();
            ch.connect(10_000);
            if (stdin != null) {
                in.write(stdin);
            }
            in.close();
            byte[] output = out.readAllBytes();
            while (!ch.isClosed()) {
                Thread.sleep(10);
            }
            int exit = ch.getExitStatus();
            ch.disconnect();
            if (exit != 0) {
                throw new IOException("'" + command + "' failed in the VM (exit " + exit + "): "
                        + err.toString(StandardCharsets.UTF_8).strip() + new String(output, StandardCharsets.UTF_8).strip());
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (JSchException e) {
            throw new IOException("'" + command + "' could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
