package tt.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tt.api.EnvInfo;
import tt.client.ApiException;
import tt.testkit.Checkout;
import tt.testkit.TinyPool;
import tt.testkit.Wait;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The GitLab Runner custom executor driver, run exactly as the runner runs it (gitlab-runner itself
 * cannot be installed here): each stage a process of bin/tt with the runner's environment (job
 * variables as CUSTOM_ENV_*, the failure exit codes), the stage's script in a file, SIGTERM on
 * cancel; against a real pool.
 */
class GitLabDriverIT {

    private static final int BUILD_FAILURE = 42;
    private static final int SYSTEM_FAILURE = 43;
    private static TinyPool pool;
    private static Path work;

    @BeforeAll
    static void startPool() throws Exception {
        work = Files.createDirectories(Path.of("target/gitlab-driver").toAbsolutePath());
        pool = TinyPool.start(work, 2, 4L * 1024 * 1024);
    }

    @AfterAll
    static void stopPool() throws Exception {
        if (pool != null) {
            pool.close();
        }
    }

    /** The environment GitLab Runner gives a custom executor's stages for one job. */
    private static Map<String, String> runnerEnv(long jobId, Map<String, String> jobVariables) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("TT_SERVER", pool.backend().baseUri());
        env.put("TT_FINGERPRINT", pool.backend().fingerprint());
        env.put("TT_TOKEN", pool.backend().token());
        env.put("XDG_STATE_HOME", work.resolve("state").toString());
        env.put("XDG_CONFIG_HOME", work.resolve("config").toString());
        env.put("BUILD_FAILURE_EXIT_CODE", Integer.toString(BUILD_FAILURE));
        env.put("SYSTEM_FAILURE_EXIT_CODE", Integer.toString(SYSTEM_FAILURE));
        env.put("CUSTOM_ENV_CI_JOB_ID", Long.toString(jobId));
        env.put("CUSTOM_ENV_CI_RUNNER_ID", "7");
        env.put("CUSTOM_ENV_TT_MEM_MIB", "256");
        jobVariables.forEach((k, v) -> env.put("CUSTOM_ENV_" + k, v));
        return env;
    }

    private record Stage(Process process, Path log) {
        int exit() throws InterruptedException {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the stage did not end");
            return process.exitValue();
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }
    }

    private static Stage start(Map<String, String> env, String... stageArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Checkout.root().resolve("bin/tt").toString(), "ci", "gitlab"));
        cmd.addAll(List.of(stageArgs));
        Path log = Files.createTempFile(work, "stage-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return new Stage(pb.start(), log);
    }

    private static Path script(String text) throws IOException {
        Path f = Files.createTempFile(work, "script-", ".sh");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    private static String envName(long jobId) {
        return "gl-7-" + jobId;
    }

    @Test
    void aJobGetsAVmForItsStagesAndCleanupDeletesIt() throws Exception {
        Map<String, String> env = runnerEnv(101, Map.of("TT_OS", "tinylinux"));
        Stage config = start(env, "config");
        assertEquals(0, config.exit(), config.output());
        JsonNode settings = new ObjectMapper().readTree(config.output());
        assertEquals("/root/builds", settings.get("builds_dir").asText());
        assertEquals("tt", settings.at("/driver/name").asText());

        Stage prepare = start(env, "prepare");
        assertEquals(0, prepare.exit(), prepare.output());
        assertTrue(prepare.output().contains("is ready on"), prepare.output());
        EnvInfo made = pool.client().env(envName(101), 0);
        assertEquals(Map.of("runner", "gitlab-runner-7", "job", "101"), made.tags());
        assertEquals(600, made.leaseSeconds());

        Stage sources = start(env, "run", script("mkdir -p /root/builds/p && echo from-get-sources > /root/builds/p/f\n")
                .toString(), "get_sources");
        assertEquals(0, sources.exit(), sources.output());
        Stage step = start(env, "run", script("cat /root/builds/p/f; echo step on $(hostname)\n").toString(),
                "step_script");
        assertEquals(0, step.exit(), step.output());
        assertTrue(step.output().contains("from-get-sources") && step.output().contains("step on " + envName(101)),
                "stages share the job's VM: " + step.output());
        Stage failing = start(env, "run", script("echo failing; exit 3\n").toString(), "step_script");
        assertEquals(BUILD_FAILURE, failing.exit(), "a failing script is the build's failure: " + failing.output());

        Stage cleanup = start(env, "cleanup");
        assertEquals(0, cleanup.exit(), cleanup.output());
        assertEquals(404, assertThrows(ApiException.class, () -> pool.client().env(envName(101), 0)).status());
        assertFalse(Files.exists(work.resolve("state/tt/gitlab/" + envName(101))), "the job's key is gone");
        assertEquals(List.of(), pool.host().client().vms());

        Stage after = start(env, "run", script("true\n").toString(), "after_script");
        assertEquals(SYSTEM_FAILURE, after.exit(), "a stage without its VM is the system's failure: " + after.output());
    }

    @Test
    void aJobWithoutAnOsIsASystemFailureAndAnImageNameIsTakenAsTheOs() throws Exception {
        Stage none = start(runnerEnv(102, Map.of()), "prepare");
        assertEquals(SYSTEM_FAILURE, none.exit());
        assertTrue(none.output().contains("set the job variable TT_OS"), none.output());
        Map<String, String> env = runnerEnv(103, Map.of("CI_JOB_IMAGE", "registry.example.com/qa/tinylinux:1.0"));
        Stage prepare = start(env, "prepare");
        assertEquals(0, prepare.exit(), prepare.output());
        assertTrue(prepare.output().contains("qemu:tinylinux-1.0"), prepare.output());
        assertEquals(0, start(env, "cleanup").exit());
    }

    @Test
    void aCancelledJobsVmIsDeletedAtOnce() throws Exception {
        Map<String, String> env = runnerEnv(104, Map.of("TT_OS", "tinylinux"));
        assertEquals(0, start(env, "prepare").exit());
        Stage step = start(env, "run", script("echo started > /root/gl-104-started; sleep 600\n").toString(),
                "step_script");
        // the script's own mark: a restored tiny VM runs a 'sleep 600' of its own (tt-jvm expire)
        Wait.until("the job's script runs in the VM", Duration.ofSeconds(60),
                () -> pool.client().run(envName(104), "cat /root/gl-104-started", 30).get(0).stdout().strip()
                        .equals("started"));
        step.process().destroy();
        assertTrue(step.process().waitFor(60, TimeUnit.SECONDS), "the stage ends on SIGTERM");
        assertTrue(step.output().contains("deleting VM " + envName(104)), step.output());
        assertEquals(404, assertThrows(ApiException.class, () -> pool.client().env(envName(104), 0)).status(),
                "the cancelled job's VM is gone");
        assertEquals(0, start(env, "cleanup").exit(), "cleanup still runs and succeeds");
    }

    @Test
    void aCrashedRunnersVmGoesWhenItsLeaseEnds() throws Exception {
        Map<String, String> env = runnerEnv(105, Map.of("TT_OS", "tinylinux", "TT_LEASE_SECONDS", "30"));
        assertEquals(0, start(env, "prepare").exit());
        assertEquals(30, pool.client().env(envName(105), 0).leaseSeconds());
        // the runner dies here: no run, no cleanup, nobody renews the lease
        Wait.until("the backend deleted the ENV whose lease ended", Duration.ofSeconds(90),
                () -> pool.client().envs().stream().noneMatch(e -> e.name().equals(envName(105))));
        Wait.until("its VM is gone from the host", Duration.ofSeconds(30), () -> pool.host().client().vms().isEmpty());
    }
}
