package tt.jenkins.plugin;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.sun.net.httpserver.HttpServer;
import hudson.model.Computer;
import hudson.model.FreeStyleBuild;
import hudson.model.FreeStyleProject;
import hudson.model.Label;
import hudson.model.Queue;
import hudson.model.queue.QueueTaskFuture;
import hudson.tasks.Shell;
import hudson.util.Secret;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import tt.api.EnvCreateRequest;
import tt.api.EnvState;
import tt.client.ApiException;
import tt.jenkins.AgentKeys;
import tt.jenkins.AgentNames;
import tt.jenkins.TtLabel;
import tt.testkit.Wait;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The defects a real Jenkins controller showed (issue 10), each reproduced against a real pool:
 * each test fails without its fix. How often a broken cloud logs and checks the backend again over
 * time is tt-jenkins-core's (AgentProvisionerTest, with a hand-moved clock); here, that a real
 * controller shows it and recovers.
 */
@WithJenkins
class TtCloudFieldDefectsIT {

    private static TtPool pool;

    @BeforeAll
    static void startPool() throws Exception {
        pool = TtPool.start("field");
    }

    @AfterAll
    static void stopPool() throws Exception {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    void provisioningGoesOnAfterMoreOneShotAgentsThanTheCapHaveComeAndGone(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        cloud.setInstanceCap(2);
        FreeStyleProject p = r.createFreeStyleProject("one-after-another");
        p.setAssignedLabel(Label.get("tt-tinylinux"));
        p.getBuildersList().add(new Shell("true"));
        for (int i = 0; i < 5; i++) {
            r.buildAndAssertSuccess(p);
        }
        assertEquals(5, p.getBuildsAsMap().size(), "five one-shot agents came and went under a cap of 2");
    }

    @Test
    void aPipelineShStepRunsOnTheAgentImageAndTheAgentStaysOnline(JenkinsRule r) throws Exception {
        pool.addCloud(r);
        WorkflowJob j = r.createProject(WorkflowJob.class, "pipeline-sh");
        j.setDefinition(new CpsFlowDefinition("node('tt-tinylinux') {\n"
                + "  sh 'nohup true && ps -o pid= -p 1 && git --version && df -k . /tmp'\n"
                + "  sleep 20\n"
                + "  echo \"offline: ${Jenkins.instance.getComputer(env.NODE_NAME).offline}\"\n"
                + "}", false));
        WorkflowRun b = r.buildAndAssertSuccess(j);
        r.assertLogContains("git version", b);
        r.assertLogContains("offline: false", b);
    }

    @Test
    void aWrongTokenPausesProvisioningQuietlyShowsTheErrorAndRecoversOnceFixed(JenkinsRule r) throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.GLOBAL,
                "wrong-token", "a wrong TT token", Secret.fromString("not-the-token")));
        TtCloud cloud = new TtCloud("tt", pool.backendUri(), "wrong-token");
        r.jenkins.clouds.add(cloud);
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger cloudLog = Logger.getLogger(TtCloud.class.getName());
        cloudLog.addHandler(capture);
        try {
            FreeStyleProject p = r.createFreeStyleProject("waits-for-a-token");
            p.setAssignedLabel(Label.get("tt-tinylinux"));
            p.getBuildersList().add(new Shell("true"));
            QueueTaskFuture<FreeStyleBuild> build = p.scheduleBuild2(0);
            Wait.until("provisioning is paused", Duration.ofSeconds(60), () -> !warnings.isEmpty());
            String page = r.createWebClient().goTo("cloud/tt/").asNormalizedText();
            assertTrue(page.contains("Provisioning does not work now") && page.contains("token"), page);
            assertEquals(1, warnings.size(), "one line for the failure, none for its repetitions: " + warnings);

            SystemCredentialsProvider.getInstance().getCredentials().removeIf(c -> c instanceof StringCredentialsImpl s
                    && s.getId().equals("wrong-token"));
            SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(
                    CredentialsScope.GLOBAL, "wrong-token", "the TT token", Secret.fromString(pool.backendToken())));
            r.assertBuildStatusSuccess(build);
            assertFalse(r.createWebClient().goTo("cloud/tt/").asNormalizedText().contains("Provisioning does not work"));
        } finally {
            cloudLog.removeHandler(capture);
        }
    }

    @Test
    void aFailedLaunchLeavesNoEnvAndTheBackendsLedgerExact(JenkinsRule r) throws Exception {
        TtCloud cloud = pool.addCloud(r);
        TtAgentTemplate t = new TtAgentTemplate("broken-launch");
        t.setOsPrefix("tinylinux");
        t.setMemMib(512);
        t.setJvmOptions("-Dbad;option");
        cloud.setTemplates(List.of(t));
        FreeStyleProject p = r.createFreeStyleProject("never-starts");
        p.setAssignedLabel(Label.get("broken-launch"));
        p.getBuildersList().add(new Shell("true"));
        p.scheduleBuild2(0);
        Wait.until("an agent was started", Duration.ofSeconds(180), () -> !cloud.getAgents().isEmpty());
        Wait.until("its launch failed and it was ended", Duration.ofSeconds(180), () -> cloud.getAgents().isEmpty());
        r.jenkins.getQueue().clear();
        Wait.until("no agent and no ENV left", Duration.ofSeconds(180),
                () -> cloud.getAgents().isEmpty() && pool.client().envs().isEmpty());
        assertFalse(pool.backendLog().contains("released more than reserved"), pool.backendLog());
        ApiException again = assertThrows(ApiException.class, () -> pool.client().deleteEnv("j-none"));
        assertEquals(404, again.status());
        // the whole host fits only if every share of the failed launches was given back exactly once
        pool.client().createEnv(EnvCreateRequest.builder("whole-host").osPrefix("tinylinux").cpu(2).memMib(4096)
                .lifetimeMinutes(10).build());
        assertEquals(EnvState.READY, pool.client().env("whole-host", 120).state());
        pool.client().deleteEnv("whole-host");
    }

    @Test
    void anAgentStillConnectingIsNotEndedByItsIdleLimit(JenkinsRule r) throws Exception {
        // a backend that never answers an ENV's state: the launch waits, connecting, past the idle limit
        HttpServer slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        slow.setExecutor(Executors.newCachedThreadPool());
        slow.createContext("/api/v1/envs/", exchange -> {
            if ("DELETE".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(204, -1);
            } else {
                try {
                    Thread.sleep(600_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.close();
        });
        slow.start();
        try {
            TtCloud cloud = new TtCloud("slow", "http://127.0.0.1:" + slow.getAddress().getPort(), null);
            cloud.setConnectTimeoutSeconds(600);
            r.jenkins.clouds.add(cloud);
            TtAgentTemplate t = TtAgentTemplate.dynamic("tt-tinylinux", TtLabel.parse("tt-tinylinux").orElseThrow());
            t.setIdleMinutes(0);
            String name = AgentNames.envPrefix(r.jenkins.getLegacyInstanceId()) + "slow-1";
            TtAgent agent = new TtAgent(name, cloud, t, "qemu:tinylinux-1.0:6.1.x86_64", AgentKeys.generate("slow"));
            r.jenkins.addNode(agent);
            Wait.until("the agent is connecting", Duration.ofSeconds(60),
                    () -> r.jenkins.getComputer(name) != null && r.jenkins.getComputer(name).isConnecting());
            TtComputer connecting = (TtComputer) r.jenkins.getComputer(name);
            Wait.until("its idle time is past its limit of 0 minutes", Duration.ofSeconds(10),
                    () -> System.currentTimeMillis() - connecting.getIdleStartMilliseconds() > 0);
            // the check Jenkins' retention work makes every minute, made now
            TtRetentionStrategy retention = (TtRetentionStrategy) agent.getRetentionStrategy();
            Queue.withLock(() -> {
                retention.check(connecting);
            });
            Computer c = r.jenkins.getComputer(name);
            assertNotNull(c, "the agent was not ended while it connected");
            assertTrue(c.isConnecting());
            assertEquals(List.of(), c.getTerminatedBy(), "nothing asked to end it");
            r.jenkins.removeNode(r.jenkins.getNode(name));
        } finally {
            slow.stop(0);
        }
    }

    @Test
    void stepsSayWhatIsWrongInOneLineAndAnEmptyImageListIsNoError(JenkinsRule r) throws Exception {
        pool.addCloud(r);
        WorkflowJob images = r.createProject(WorkflowJob.class, "no-ubuntu");
        images.setDefinition(new CpsFlowDefinition("echo \"ubuntu images: ${ttImages(os: ['ubuntu'])}\"", true));
        r.assertLogContains("ubuntu images: []", r.buildAndAssertSuccess(images));

        WorkflowJob create = r.createProject(WorkflowJob.class, "unknown-os");
        create.setDefinition(new CpsFlowDefinition("ttEnvCreate(os: ['ubuntu'])", true));
        WorkflowRun b = r.buildAndAssertStatus(hudson.model.Result.FAILURE, create);
        r.assertLogContains("tt: cannot make ENV b-unknown-os-1-", b);
        r.assertLogContains("OS prefix 'ubuntu' matches no image", b);
        r.assertLogNotContains("tt.client.ApiException", b);
    }
}
