package tt.jenkins.plugin;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.queue.QueueTaskFuture;
import hudson.tasks.Shell;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.AgentVms;
import tt.testkit.Wait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark (prints, asserts no timing): from a build entering the queue to its TT agent being
 * online, next to the same pool's create-to-SSH time for a VM of the same image, in the same run.
 * Target: under the boot time plus 2 s.
 */
@WithJenkins
class AgentLaunchBenchmarkIT {

    private static final int ROUNDS = 3;

    @Test
    void queueToAgentOnlineNextToVmBootToSsh(JenkinsRule r) throws Exception {
        try (TtPool pool = TtPool.start("bench")) {
            TtCloud cloud = pool.addCloud(r);
            FreeStyleProject p = r.createFreeStyleProject("bench");
            p.setAssignedLabel(Label.get("tt-tinylinux"));
            p.getBuildersList().add(new Shell("true"));
            r.buildAndAssertSuccess(p);
            List<Double> boot = new ArrayList<>();
            List<Double> online = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                awaitNoAgent(cloud);
                boot.add(vmBootToSsh(cloud, round));
                long t0 = System.nanoTime();
                QueueTaskFuture<FreeStyleBuild> build = p.scheduleBuild2(0);
                while (cloud.getAgents().stream().map(TtAgent::toComputer).noneMatch(c -> c != null && c.isOnline())) {
                    Thread.sleep(20);
                }
                online.add((System.nanoTime() - t0) / 1e9);
                r.assertBuildStatusSuccess(build);
            }
            double b = median(boot);
            double o = median(online);
            System.out.printf("%nTT Jenkins agent benchmark (%d rounds, median): VM create-to-SSH %.2f s; build queued to"
                    + " agent online %.2f s; ratio %.3f, overhead %+.2f s (target under +2 s)%n%n", ROUNDS, b, o, o / b,
                    o - b);
        }
    }

    private static double vmBootToSsh(TtCloud cloud, int round) throws Exception {
        AgentVms vms = cloud.agentVms();
        String env = AgentNames.forBuild("benchmark-boot", round, System.nanoTime() % 100_000);
        long t0 = System.nanoTime();
        vms.create(env, new AgentVms.Spec("tinylinux", null, null, 1, 1024, null, 30),
                AgentKeys.generate("bench").publicKey());
        vms.awaitReady(env, Duration.ofSeconds(180));
        double s = (System.nanoTime() - t0) / 1e9;
        vms.delete(env);
        return s;
    }

    private static void awaitNoAgent(TtCloud cloud) throws Exception {
        Wait.until("the previous agent is gone", Duration.ofSeconds(120), () -> cloud.getAgents().isEmpty());
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
