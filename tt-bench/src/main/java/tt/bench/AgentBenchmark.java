package tt.bench;

import tt.jenkins.AgentBootstrap;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentVms;
import tt.jenkins.TtLabel;
import tt.testkit.EchoAgent;
import tt.testkit.Checkout;
import tt.testkit.TinyImage;
import tt.testkit.TinyPool;
import tt.testkit.Wait;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Jenkins cloud's launch path without Jenkins: from asking tt-backend for an agent's ENV to a
 * JVM started in the VM answering over SSH stdin/stdout (the channel Jenkins would use), next to
 * the same VM's own create-to-SSH time through the same backend, in the same run. Done twice: with
 * VMs restored from the image's snapshot (tt-host's default) and with cold boots, each with where
 * the agent's own part goes (login, Java check and upload, the JVM's start). The agent JVM gets the
 * plugin's default options, so a restored VM runs it in the JVM it started before its snapshot; the
 * same launch with a new JVM, and with a new JVM and no options, is measured alongside. Each mode's
 * new host is first brought to its steady state: the image's snapshot built, and its slowdown
 * measured.
 */
final class AgentBenchmark {

    private static final int ROUNDS = 3;
    /** About the size of Jenkins' agent.jar, so the upload costs what it will. */
    private static final int AGENT_JAR_BYTES = 1_500_000;
    private static final Duration SNAPSHOT_BUILT = Duration.ofMinutes(10);
    private static final Duration IMAGE_SPEED_MEASURED = Duration.ofMinutes(5);
    private static final AgentVms.Spec SPEC = new AgentVms.Spec(TtLabel.parse("tt-tinylinux").orElseThrow().osPrefix(),
            null, null, 1, 512, null, 30);
    /** The launch log's lines that end a phase, in order, and the phase each ends. */
    private static final String[][] PHASES = {
        {"tt: SSH to ", "SSH login"},
        {"tt: uploaded agent.jar", "Java check and upload"},
        {"tt: agent started", "agent started (exec channel, or the pre-started JVM loading the jar)"},
    };

    private AgentBenchmark() {
    }

    static void run() throws Exception {
        byte[] jar = EchoAgent.jar(AGENT_JAR_BYTES);
        System.out.printf("agent launch benchmark: image %s, agent jar %d bytes, %d rounds per mode, median shown%n",
                TinyImage.X86_64, jar.length, ROUNDS);
        mode("restored from the image's snapshot", "target/bench-agent", List.of(), jar);
        mode("cold boot (--snapshots off)", "target/bench-agent-cold", List.of("--snapshots", "off"), jar);
    }

    private static void mode(String title, String work, List<String> hostOptions, byte[] jar) throws Exception {
        try (TinyPool pool = TinyPool.start(Checkout.root().resolve(work), 4, 4L * 1024 * 1024, hostOptions)) {
            boolean restored = hostOptions.isEmpty();
            if (restored) {
                launch(pool, jar, "bench-first", null, false);
                Wait.until("the tiny image's snapshot built", SNAPSHOT_BUILT,
                        () -> pool.host().log().contains(" built: booted to its agent"));
            }
            awaitImageSpeed(pool);
            launch(pool, jar, "bench-warm", AgentBootstrap.DEFAULT_JVM_OPTIONS, true);
            List<Double> boot = new ArrayList<>();
            List<Double> online = new ArrayList<>();
            List<Double> afterReady = new ArrayList<>();
            List<Double> newJvmOnline = new ArrayList<>();
            List<Double> newJvm = new ArrayList<>();
            List<Double> plainJvm = new ArrayList<>();
            Map<String, List<Double>> phases = new HashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                boot.add(launch(pool, jar, "bench-boot-" + round, null, false).get("total"));
                Map<String, Double> agent = launch(pool, jar, "bench-agent-" + round, AgentBootstrap.DEFAULT_JVM_OPTIONS,
                        true);
                online.add(agent.get("total"));
                afterReady.add(agent.get("total") - agent.get("ready"));
                agent.forEach((phase, seconds) -> phases.computeIfAbsent(phase, p -> new ArrayList<>()).add(seconds));
                if (restored) {
                    Map<String, Double> fresh = launch(pool, jar, "bench-new-" + round,
                            AgentBootstrap.DEFAULT_JVM_OPTIONS, false);
                    newJvmOnline.add(fresh.get("total"));
                    newJvm.add(fresh.get("JVM start"));
                }
                plainJvm.add(launch(pool, jar, "bench-plain-" + round, "", false).get("JVM start"));
            }
            double b = HostBenchmark.median(boot);
            double a = HostBenchmark.median(online);
            System.out.printf("%n%s:%n", title);
            System.out.printf("  ENV asked for -> VM answers SSH (baseline): %.2f s%n", b);
            System.out.printf("  ENV asked for -> agent JVM in the VM online over SSH: %.2f s, ratio %.3f (overhead %+.2f s,"
                    + " target under +2 s)%n", a, a / b, a - b);
            System.out.printf("  agent online after its own VM's READY: %+.2f s%n", HostBenchmark.median(afterReady));
            System.out.printf("  where the agent's part goes: ENV READY at %.2f s", HostBenchmark.median(phases.get("ready")));
            for (String[] phase : PHASES) {
                System.out.printf(", %s %.2f s", phase[1], HostBenchmark.median(phases.get(phase[1])));
            }
            System.out.printf(", jar's main to its first line %.2f s (%s, %s)%n",
                    HostBenchmark.median(phases.get("JVM start")), AgentBootstrap.DEFAULT_JVM_OPTIONS,
                    restored ? "in the JVM the VM started before its snapshot" : "a new JVM");
            if (restored) {
                double n = HostBenchmark.median(newJvmOnline);
                System.out.printf("  with a new JVM instead (as before the pre-started one): agent online %.2f s (overhead"
                        + " %+.2f s), JVM start to its first line %.2f s%n", n, n - b, HostBenchmark.median(newJvm));
            }
            System.out.printf("  a new JVM with no options: JVM start to its first line %.2f s%n",
                    HostBenchmark.median(plainJvm));
        }
    }

    /**
     * Keeps a VM until the new host has measured the image's slowdown in it, as a host does once per
     * image ({@code ImageSpeeds}): the rounds then see a host in its steady state, as they do for the
     * snapshot, not the first VMs of a new one, each of which would be measured again (their VMs go
     * before the measuring loop ends).
     */
    private static void awaitImageSpeed(TinyPool pool) throws Exception {
        AgentVms vms = new AgentVms(pool.client());
        String env = AgentNames.envName("benchmark", "bench-speed", System.nanoTime() % 1_000_000);
        try {
            vms.create(env, SPEC, AgentKeys.generate("bench").publicKey());
            vms.awaitReady(env, Duration.ofSeconds(180));
            if (pool.host().awaitSlowdown(TinyImage.X86_64, IMAGE_SPEED_MEASURED).isEmpty()) {
                throw new IllegalStateException("the tiny image's slowdown was not measured within "
                        + IMAGE_SPEED_MEASURED.toMinutes() + " minutes: " + pool.host().log());
            }
        } finally {
            vms.delete(env);
        }
    }

    /**
     * Seconds from the ENV request to SSH ("total"); with {@code jvmOptions} (null: no agent), to
     * the jar started with them answering (in the VM's pre-started JVM if {@code useGuestJvm} and
     * it fits), with the ENV's READY ("ready") and each phase of the agent's launch after it.
     */
    private static Map<String, Double> launch(TinyPool pool, byte[] jar, String label, String jvmOptions,
            boolean useGuestJvm) throws Exception {
        AgentVms vms = new AgentVms(pool.client());
        AgentKeys keys = AgentKeys.generate("bench");
        String env = AgentNames.envName("benchmark", label, System.nanoTime() % 1_000_000);
        long t0 = System.nanoTime();
        Map<String, Double> times = new HashMap<>();
        try {
            vms.create(env, SPEC, keys.publicKey());
            AgentVms.ReadyVm vm = vms.awaitReady(env, Duration.ofSeconds(180));
            long ready = System.nanoTime();
            times.put("ready", (ready - t0) / 1e9);
            if (jvmOptions == null) {
                times.put("total", (ready - t0) / 1e9);
                return times;
            }
            LineClock log = new LineClock();
            try (AgentBootstrap.RunningAgent running = new AgentBootstrap(keys.privateKey(), Duration.ofSeconds(60),
                    useGuestJvm).launch(vm.ssh(), jar, AgentBootstrap.DEFAULT_REMOTE_DIR, jvmOptions, log)) {
                BufferedReader out = new BufferedReader(new InputStreamReader(running.stdout(), StandardCharsets.UTF_8));
                String first = out.readLine();
                long online = System.nanoTime();
                if (first == null || !first.startsWith("ready ")) {
                    throw new IllegalStateException("the agent in " + env + " did not start: " + first);
                }
                long previous = ready;
                for (String[] phase : PHASES) {
                    long end = log.timeOf(phase[0]);
                    times.put(phase[1], (end - previous) / 1e9);
                    previous = end;
                }
                times.put("JVM start", (online - previous) / 1e9);
                times.put("total", (online - t0) / 1e9);
                return times;
            }
        } finally {
            vms.delete(env);
        }
    }

    /** A launch log that keeps only when each of its lines was written. */
    private static final class LineClock extends PrintStream {

        private final Map<String, Long> written = new HashMap<>();

        LineClock() {
            super(OutputStream.nullOutputStream());
        }

        @Override
        public synchronized void println(String line) {
            written.put(line, System.nanoTime());
        }

        synchronized long timeOf(String prefix) {
            return written.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToLong(Map.Entry::getValue)
                    .findFirst().orElseThrow(() -> new IllegalStateException("the launch log has no line '" + prefix + "'"));
        }
    }
}
