package tt.jenkins.plugin;

import hudson.model.Result;
import hudson.plugins.git.GitSCM;
import jenkins.plugins.git.GitSCMSource;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jenkinsci.plugins.workflow.libs.GlobalLibraries;
import org.jenkinsci.plugins.workflow.libs.LibraryConfiguration;
import org.jenkinsci.plugins.workflow.libs.SCMSourceRetriever;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;
import tt.testkit.Checkout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The shared library from this working tree, loaded by Jenkins and run against the plugin and a real pool. */
@WithJenkins
class PipelineLibraryIT {

    @Test
    void ttEnvRunsABranchPerOsOnTtAgentsAndTtEnvRunCleansUp(JenkinsRule r, @TempDir Path tmp) throws Exception {
        try (TtPool pool = TtPool.start("library")) {
            GitSCM.ALLOW_LOCAL_CHECKOUT = true;
            pool.addCloud(r);
            registerLibrary(tmp.resolve("library"));
            WorkflowJob j = r.createProject(WorkflowJob.class, "cross-os");
            j.setDefinition(new CpsFlowDefinition("@Library('tt') _\n"
                    + "ttEnv(os: ['tinylinux'], memMib: 512) { os ->\n"
                    + "  sh \"echo testing-on-$os; cat /etc/tt-image\"\n"
                    + "}\n"
                    + "def results = ttEnv.run(os: ['tinylinux'], cmd: 'echo run-everywhere')\n"
                    + "echo \"vms: ${results.size()}\"\n", true));
            WorkflowRun b = r.buildAndAssertSuccess(j);
            r.assertLogContains("testing-on-tinylinux", b);
            r.assertLogContains("ttEnv summary:\n  tinylinux: passed", b);
            r.assertLogContains("run-everywhere", b);
            r.assertLogContains("vms: 1", b);
            assertEquals(List.of(), pool.client().envs());

            WorkflowJob bad = r.createProject(WorkflowJob.class, "bad-input");
            bad.setDefinition(new CpsFlowDefinition("@Library('tt') _\nttEnv(os: ['tinylinux'], colour: 'red') { }\n",
                    true));
            WorkflowRun failed = r.buildAndAssertStatus(Result.FAILURE, bad);
            r.assertLogContains("ttEnv: unknown option(s) colour", failed);
        } finally {
            GitSCM.ALLOW_LOCAL_CHECKOUT = false;
        }
    }

    /**
     * Copies vars/ and src/ of pipeline-library/ into a local git repository and registers it as the
     * global library "tt" (a local repository needs GitSCM.ALLOW_LOCAL_CHECKOUT, set by the test).
     */
    private static void registerLibrary(Path repo) throws Exception {
        Path source = Checkout.root().resolve("pipeline-library");
        for (String dir : List.of("vars", "src")) {
            copyTree(source.resolve(dir), repo.resolve(dir));
        }
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", ".");
        git(repo, "-c", "user.name=tt", "-c", "user.email=tt@localhost", "commit", "-q", "-m", "library");
        LibraryConfiguration library = new LibraryConfiguration("tt", new SCMSourceRetriever(
                new GitSCMSource(repo.toUri().toString())));
        library.setDefaultVersion("main");
        GlobalLibraries.get().setLibraries(List.of(library));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed in " + dir);
        }
    }
}
