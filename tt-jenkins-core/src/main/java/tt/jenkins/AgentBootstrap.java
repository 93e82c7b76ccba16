package tt.jenkins;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelDirectTCPIP;
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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a Java agent in a VM over SSH (jsch): waits until the SSH server answers, checks that
 * Java is there and new enough (from its release file, without starting a JVM) while uploading
 * the agent jar through the exec channel (the tiny images have no SFTP server), starts it, and
 * hands its stdin and stdout over as the channel to talk to it. Every step says what it does in
 * the log. A VM restored from a snapshot has a JVM already started ({@link GuestJvm}, stopped until
 * the Java check resumes it): an agent with its folder and options runs in it, through two SSH
 * direct-tcpip channels (stdin and stdout, and stderr), which saves the JVM's start; any other
 * agent, or one that JVM refuses, gets a new JVM.
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

    /** Where an agent works unless the user says otherwise; the guest's pre-started JVM runs there. */
    public static final String DEFAULT_REMOTE_DIR = "/root/agent";

    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/-]{1,200}");
    private static final Pattern JAVA_VERSION = Pattern.compile("JAVA_VERSION=\"?([0-9][0-9A-Za-z._+-]*)\"?");
    private static final int MIN_JAVA = 17;
    /** How long the guest's pre-started JVM may take to load the agent's main class. */
    private static final Duration GUEST_JVM_ANSWER = Duration.ofSeconds(60);
    private static final Pattern SAFE_JVM_OPTIONS = Pattern.compile("[A-Za-z0-9._:=+/,@%-]+( [A-Za-z0-9._:=+/,@%-]+)*");

    /** Where to log in. */
    public record Target(String host, int port, String user) {
    }

    /** A started agent: write to its stdin, read its stdout; close ends it and the SSH session. */
    public static final class RunningAgent implements AutoCloseable {
        private final Session session;
        private final Channel channel;
        private final List<Channel> others;
        private final InputStream stdout;
        private final OutputStream stdin;

        RunningAgent(Session session, Channel channel, List<Channel> others, InputStream stdout, OutputStream stdin) {
            this.session = session;
            this.channel = channel;
            this.others = others;
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
            others.forEach(Channel::disconnect);
            session.disconnect();
        }
    }

    private final byte[] privateKey;
    private final Duration sshWait;
    private final boolean useGuestJvm;

    /** A bootstrap that runs agents in the VM's pre-started JVM when they fit it. */
    public AgentBootstrap(byte[] privateKey, Duration sshWait) {
        this(privateKey, sshWait, true);
    }

    /** With {@code useGuestJvm} false, every agent gets a new JVM (to compare the two). */
    public AgentBootstrap(byte[] privateKey, Duration sshWait, boolean useGuestJvm) {
        this.privateKey = privateKey.clone();
        this.sshWait = sshWait;
        this.useGuestJvm = useGuestJvm;
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
                    + " \"$j\")\")\")/release; if [ -f \"$r\" ]; then grep '^JAVA_VERSION=' \"$r\"; fi; cat "
                    + GuestJvm.READY_FILE + " 2>/dev/null && kill -CONT \"$(cat " + GuestJvm.PID_FILE + ")\" 2>/dev/null;"
                    + " mkdir -p " + remoteDir + "/tmp && cat > " + remoteDir + "/agent.jar", agentJar);
            String version = javaVersion(found);
            log.println("tt: Java in the VM: " + (version == null ? "version unknown (no release file)" : version));
            if (version != null && majorVersion(version) < MIN_JAVA) {
                throw new IOException("Java " + version + " in the VM is too old: a Jenkins agent needs Java " + MIN_JAVA
                        + " or newer");
            }
            log.println("tt: uploaded agent.jar (" + agentJar.length + " bytes) to " + remoteDir);
            Optional<GuestJvm> guestJvm = useGuestJvm ? GuestJvm.find(found) : Optional.empty();
            if (guestJvm.isPresent()) {
                Optional<RunningAgent> agent = startInGuestJvm(session, guestJvm.get(), remoteDir, options, log);
                if (agent.isPresent()) {
                    log.println("tt: agent started in " + target.host() + ":" + target.port() + ", in the VM's"
                            + " pre-started JVM");
                    return agent.get();
                }
            }
            ChannelExec ch = (ChannelExec) session.openChannel("exec");
            // temporary files go to the agent's disk: a tmpfs /tmp (Debian 13's) is smaller than Jenkins' 1 GiB minimum
            ch.setCommand("cd " + remoteDir + " && exec java " + options + (options.isEmpty() ? "" : " ")
                    + "-Djava.io.tmpdir=" + remoteDir + "/tmp -jar agent.jar");
            ch.setErrStream(log, true);
            InputStream out = ch.getInputStream();
            OutputStream in = ch.getOutputStream();
            ch.connect(10_000);
            log.println("tt: agent started in " + target.host() + ":" + target.port());
            return new RunningAgent(session, ch, List.of(), out, in);
        } catch (InterruptedException e) {
            session.disconnect();
            throw e;
        } catch (IOException | JSchException | RuntimeException e) {
            session.disconnect();
            throw e instanceof IOException io ? io : new IOException("starting the agent failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the uploaded jar in the guest's pre-started JVM if the agent fits it; empty, with the
     * reason logged, when it does not or the JVM refuses (the caller starts a new JVM).
     */
    private static Optional<RunningAgent> startInGuestJvm(Session session, GuestJvm jvm, String remoteDir,
            String options, PrintStream log) throws InterruptedException {
        if (!jvm.fits(remoteDir, options)) {
            log.println("tt: the VM's pre-started JVM runs in " + jvm.dir() + " with '" + jvm.options()
                    + "', this agent in " + remoteDir + " with '" + options + "'; starting a new JVM");
            return Optional.empty();
        }
        try {
            return Optional.of(runInGuestJvm(session, jvm, remoteDir + "/agent.jar", log));
        } catch (IOException | JSchException e) {
            log.println("tt: the VM's pre-started JVM did not run agent.jar (" + e.getMessage() + "); starting a new JVM");
            return Optional.empty();
        }
    }

    /**
     * A connection to the guest's JVM for the jar's stderr (copied to the log), then one that asks it
     * to run the jar and, once answered STARTED, is its stdin and stdout. Throws with the JVM's answer
     * when it refuses.
     */
    private static RunningAgent runInGuestJvm(Session session, GuestJvm jvm, String jar, PrintStream log)
            throws IOException, JSchException, InterruptedException {
        ChannelDirectTCPIP err = forward(session, jvm.port());
        ChannelDirectTCPIP io = null;
        try {
            InputStream stderr = err.getInputStream();
            OutputStream errRequest = err.getOutputStream();
            err.connect(10_000);
            errRequest.write((jvm.key() + " stderr\n").getBytes(StandardCharsets.US_ASCII));
            errRequest.flush();
            Thread copier = new Thread(() -> copyStderr(stderr, log), "tt-agent-stderr-" + jvm.port());
            copier.setDaemon(true);
            copier.start();
            io = forward(session, jvm.port());
            InputStream out = io.getInputStream();
            OutputStream in = io.getOutputStream();
            io.connect(10_000);
            in.write((jvm.key() + " run " + jar + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            String answer = answerOf(out, io);
            if (!answer.equals("STARTED")) {
                throw new IOException(answer.isEmpty() ? "it closed the connection" : "it answered '" + answer + "'");
            }
            return new RunningAgent(session, io, List.of(err), out, in);
        } catch (IOException | JSchException | InterruptedException | RuntimeException e) {
            err.disconnect();
            if (io != null) {
                io.disconnect();
            }
            throw e;
        }
    }

    private static ChannelDirectTCPIP forward(Session session, int port) throws JSchException {
        ChannelDirectTCPIP channel = (ChannelDirectTCPIP) session.openChannel("direct-tcpip");
        channel.setHost("127.0.0.1");
        channel.setPort(port);
        return channel;
    }

    /** The JVM's one-line answer, read byte by byte (what follows is the jar's); the channel ends if none comes. */
    private static String answerOf(InputStream out, Channel channel) throws IOException, InterruptedException {
        FutureTask<String> answer = new FutureTask<>(() -> {
            StringBuilder line = new StringBuilder();
            for (int b = out.read(); b >= 0 && b != '\n' && line.length() < 4096; b = out.read()) {
                line.append((char) b);
            }
            return line.toString();
        });
        Thread reader = new Thread(answer, "tt-guest-jvm-answer");
        reader.setDaemon(true);
        reader.start();
        try {
            return answer.get(GUEST_JVM_ANSWER.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("no answer within " + GUEST_JVM_ANSWER.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IOException("reading its answer failed: " + e.getCause().getMessage(), e);
        } finally {
            if (!answer.isDone()) {
                channel.disconnect();
            }
        }
    }

    private static void copyStderr(InputStream stderr, PrintStream log) {
        try {
            stderr.transferTo(log);
        } catch (IOException e) {
            log.println("tt: the agent's stderr ended: " + e.getMessage());
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
