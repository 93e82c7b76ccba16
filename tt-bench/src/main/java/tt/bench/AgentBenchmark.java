package tt.bench;

import tt.jenkins.AgentBootstrap;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentVms;
import tt.jenkins.TtLabel;
import tt.testkit.EchoAgent;
import tt.testkit.Repo;
import tt.testkit.TinyImage;
import tt.testkit.TinyPool;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Jenkins cloud's launch path without Jenkins: from asking tt-backend for an agent's ENV to a
 * JVM started in the VM answering over SSH stdin/stdout (the channel Jenkins would use), next to
 * the same VM's own create-to-SSH time through the same backend, in the same run.
 */
final class AgentBenchmark {

    private static final int ROUNDS = 3;
    /** About the size of Jenkins' agent.jar, so the upload costs what it will. */
    private static final int AGENT_JAR_BYTES = 1_500_000;

    private AgentBenchmark() {
    }

    static void run() throws Exception {
        try (TinyPool pool = TinyPool.start(Repo.root().resolve("target/bench-agent"), 4, 4L * 1024 * 1024)) {
            AgentVms vms = new AgentVms(pool.client());
            byte[] jar = EchoAgent.jar(AGENT_JAR_BYTES);
            AgentVms.Spec spec = new AgentVms.Spec(TtLabel.parse("tt-tinylinux").orElseThrow().osPrefix(), null, null,
                    1, 512, null, 30);
            launch(vms, spec, jar, "bench-warm", true);
            System.out.printf("agent launch benchmark: image %s, agent jar %d bytes, %d rounds, median shown%n%n",
                    TinyImage.X86_64, jar.length, ROUNDS);
            List<Double> boot = new ArrayList<>();
            List<Double> online = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                boot.add(launch(vms, spec, jar, "bench-boot-" + round, false));
                online.add(launch(vms, spec, jar, "bench-agent-" + round, true));
            }
            double b = HostBenchmark.median(boot);
            double a = HostBenchmark.median(online);
            System.out.printf("ENV asked for -> VM answers SSH (baseline): %.2f s%n", b);
            System.out.printf("ENV asked for -> agent JVM in the VM online over SSH: %.2f s, ratio %.3f (overhead %+.2f s,"
                    + " target under +2 s)%n", a, a / b, a - b);
        }
    }

    /** Seconds from the ENV request to SSH (or, with {@code agent}, to the started jar answering). */
    private static double launch(AgentVms vms, AgentVms.Spec spec, byte[] jar, String label, boolean agent)
            throws Exception {
        AgentKeys keys = AgentKeys.generate("bench");
        String env = AgentNames.envName("benchmark", label, System.nanoTime() % 1_000_000);
        long t0 = System.nanoTime();
        try {
            vms.create(env, spec, keys.publicKey());
            AgentVms.ReadyVm vm = vms.awaitReady(env, Duration.ofSeconds(180));
            if (!agent) {
                return (System.nanoTime() - t0) / 1e9;
            }
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            try (AgentBootstrap.RunningAgent running = new AgentBootstrap(keys.privateKey(), Duration.ofSeconds(60))
                    .launch(vm.ssh(), jar, "/root/agent", "", quiet)) {
                BufferedReader out = new BufferedReader(new InputStreamReader(running.stdout(), StandardCharsets.UTF_8));
                String ready = out.readLine();
                if (ready == null || !ready.startsWith("ready ")) {
                    throw new IllegalStateException("the agent in " + env + " did not start: " + ready);
                }
                return (System.nanoTime() - t0) / 1e9;
            }
        } finally {
            vms.delete(env);
        }
    }
}
