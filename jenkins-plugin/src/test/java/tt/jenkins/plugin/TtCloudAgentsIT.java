package tt.jenkins.plugin;

import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.TaskListener;
import hudson.model.queue.QueueTaskFuture;
import hudson.slaves.Cloud;
import hudson.tasks.Shell;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import tt.api.EnvInfo;
import tt.jenkins.AgentNames;
import tt.testkit.Wait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real builds on real TT VMs: a freestyle and a Pipeline build, one-shot deletion, caps, ENV steps. */
@WithJenkins
class TtCloudAgentsIT {

    private static TtPool pool;

    @BeforeAll
    static void startPool() throws Exception {
        pool = TtPool.start("agents");
    }

    @AfterAll
    static void stopPool() throws Exception {
        if (pool != null) {
            pool.close();
        }
    }

    private static void awaitNoTtLeft(JenkinsRule r, TtCloud cloud) throws Exception {
        String prefix = AgentNames.envPrefix(r.jenkins.getLegacyInstanceId());
        Wait.until("every TT agent and its ENV is gone", Duration.ofSeconds(120),
                () -> cloud.getAgents().isEmpty() && cloud.agentVms().envs(prefix).isEmpty());
        Wait.until("the TT host has no VM left", Duration.ofSeconds(60), () -> pool.host.client().vms().isEmpty());
    }

    @Test
    void aFreestyleBuildRunsOnAOneShotTtAgentWhoseVmIsThenDeleted(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        FreeStyleProject p = r.createFreeStyleProject("on-tt");
        p.setAssignedLabel(Label.get("tt-tinylinux"));
        p.getBuildersList().add(new Shell("uname -m; echo built-on-tt"));
        FreeStyleBuild b = r.buildAndAssertSuccess(p);
        r.assertLogContains("built-on-tt", b);
        r.assertLogContains("x86_64", b);
        assertTrue(b.getBuiltOnStr().startsWith(AgentNames.envPrefix(r.jenkins.getLegacyInstanceId())),
                b.getBuiltOnStr());
        awaitNoTtLeft(r, cloud);
    }

    @Test
    void aPipelineRunsOnATtAgentAndTheComputerPageShowsTheVm(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        WorkflowJob j = r.createProject(WorkflowJob.class, "pipeline-on-tt");
        j.setDefinition(new CpsFlowDefinition("node('tt-tinylinux') {\n"
                + "  sh 'cat /etc/tt-image; echo pipeline-on-tt'\n"
                + "  echo \"node: ${env.NODE_NAME}\"\n"
                + "}", true));
        QueueTaskFuture<WorkflowRun> f = j.scheduleBuild2(0);
        Wait.until("a TT agent is online", Duration.ofSeconds(240),
                () -> cloud.getAgents().stream().anyMatch(a -> a.toComputer() != null && a.toComputer().isOnline()));
        TtAgent agent = cloud.getAgents().get(0);
        String page = r.createWebClient().goTo("computer/" + agent.getNodeName() + "/").asNormalizedText();
        assertTrue(page.contains(agent.getEnvName()) && page.contains("qemu:tinylinux-1.0:6.1.x86_64")
                && page.contains(agent.getHost()), page);
        String cloudPage = r.createWebClient().goTo("cloud/tt/").asNormalizedText();
        assertTrue(cloudPage.contains(agent.getNodeName()), cloudPage);
        EnvInfo env = pool.client().env(agent.getEnvName(), 0);
        assertEquals(Map.of("jenkins", AgentNames.envPrefix(r.jenkins.getLegacyInstanceId())), env.tags());
        assertEquals(TtCloud.AGENT_LEASE_SECONDS, env.leaseSeconds(), "the agent's VM is tied to this controller");
        Thread.sleep(1500);
        cloud.renewLeases(TaskListener.NULL);
        assertTrue(pool.client().env(agent.getEnvName(), 0).leaseExpiresAt().isAfter(env.leaseExpiresAt()),
                "the renewal moved the lease on");
        WorkflowRun b = r.assertBuildStatusSuccess(f);
        r.assertLogContains("pipeline-on-tt", b);
        r.assertLogContains("qemu:tinylinux", b);
        awaitNoTtLeft(r, cloud);
    }

    @Test
    void aDynamicLabelNoImageMatchesIsNotOffered(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        Cloud.CloudState windows = new Cloud.CloudState(Label.get("tt-windows"), 0);
        Wait.until("the pool's images are known", Duration.ofSeconds(30), () -> !cloud.canProvision(windows));
        assertTrue(cloud.canProvision(new Cloud.CloudState(Label.get("tt-tinylinux"), 0)));
        assertTrue(cloud.canProvision(new Cloud.CloudState(Label.get("tt-image:qemu:tinylinux-1.0:6.1.x86_64"), 0)));
    }

    @Test
    void severalBuildsOnOneLabelStartOnlyTheAgentsTheyNeedWithinTheCap(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        TtAgentTemplate t = new TtAgentTemplate("capped");
        t.setOsPrefix("tinylinux");
        t.setMemMib(512);
        t.setInstanceCap(2);
        cloud.setTemplates(List.of(t));
        List<QueueTaskFuture<FreeStyleBuild>> builds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FreeStyleProject p = r.createFreeStyleProject("capped-" + i);
            p.setAssignedLabel(Label.get("capped"));
            p.getBuildersList().add(new Shell("sleep 2"));
            builds.add(p.scheduleBuild2(0));
        }
        AtomicInteger most = new AtomicInteger();
        Wait.until("all four builds are done", Duration.ofSeconds(600), () -> {
            most.accumulateAndGet(cloud.getAgents().size(), Math::max);
            most.accumulateAndGet(pool.host.client().vms().size(), Math::max);
            return builds.stream().allMatch(QueueTaskFuture::isDone);
        });
        for (QueueTaskFuture<FreeStyleBuild> b : builds) {
            r.assertBuildStatusSuccess(b);
        }
        assertTrue(most.get() <= 2, "at most 2 agents (the template's cap) at once, saw " + most.get());
        awaitNoTtLeft(r, cloud);
    }

    @Test
    void pipelineStepsMakeAnEnvRunACommandOnItAndDeleteIt(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        WorkflowJob j = r.createProject(WorkflowJob.class, "env-steps");
        j.setDefinition(new CpsFlowDefinition("def e = ttEnvCreate(os: ['tinylinux'], memMib: 256)\n"
                + "try {\n"
                + "  echo \"images: ${ttImages(os: ['tiny'])}\"\n"
                + "  def results = ttEnvRun(name: e.name, cmd: 'echo from-$(cat /etc/hostname)')\n"
                + "  echo \"exit codes: ${results.collect { it.exitCode }}\"\n"
                + "  def failed = ttEnvRun(name: e.name, cmd: 'exit 3', failOnError: false)\n"
                + "  echo \"failed exit: ${failed[0].exitCode}\"\n"
                + "} finally {\n"
                + "  ttEnvDelete(name: e.name)\n"
                + "}\n", true));
        WorkflowRun b = r.buildAndAssertSuccess(j);
        r.assertLogContains("images: [qemu:tinylinux-1.0:6.1.x86_64]", b);
        r.assertLogContains(": exit 0 (", b);
        r.assertLogContains("from-", b);
        r.assertLogContains("exit codes: [0]", b);
        r.assertLogContains("failed exit: 3", b);
        r.assertLogContains("tt: deleted ENV b-env-steps-1-", b);
        assertEquals(List.of(), pool.client().envs());

        WorkflowJob bad = r.createProject(WorkflowJob.class, "env-steps-fail");
        bad.setDefinition(new CpsFlowDefinition("def e = ttEnvCreate(os: ['tinylinux'], memMib: 256)\n"
                + "try { ttEnvRun(name: e.name, cmd: 'exit 5') } finally { ttEnvDelete(name: e.name) }\n", true));
        WorkflowRun failed = r.buildAndAssertStatus(hudson.model.Result.FAILURE, bad);
        r.assertLogContains("tt: the command failed on ", failed);
        assertEquals(List.of(), pool.client().envs());
        awaitNoTtLeft(r, cloud);
    }
}
