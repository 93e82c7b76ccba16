package tt.cli.ci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tt.cli.TtMain;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tt ci ...}: TT as the machines of other CI systems. */
@Command(name = "ci", mixinStandardHelpOptions = true,
        description = "Drivers that give other CI systems TT VMs: GitLab Runner's custom executor, Debian's autopkgtest.",
        footer = {"", "Examples:", "  tt ci gitlab config", "", "In GitLab Runner's config.toml ([runners.custom]; see README: GitLab):",
                "  prepare_exec = \"/opt/tt/bin/tt\"", "  prepare_args = [\"ci\", \"gitlab\", \"prepare\"]"},
        subcommands = {CiCommand.GitLab.class, AutopkgtestCommand.class})
public final class CiCommand {

    @ParentCommand
    TtMain root;

    @Command(name = "gitlab", mixinStandardHelpOptions = true,
            description = {"The stages of a GitLab Runner custom executor: each job gets a fresh TT VM chosen by the job"
                    + " variable TT_OS (or the job's image: name), deleted at cleanup, on cancel, or when its lease"
                    + " ends (a crashed runner). Optional job variables: TT_CPU, TT_MEM_MIB, TT_DISK_MIB,"
                    + " TT_LEASE_SECONDS (600)."},
            footer = {"", "Examples (as the runner calls them; see README: GitLab for config.toml):",
                    "  tt ci gitlab config", "  tt ci gitlab prepare", "  tt ci gitlab run /tmp/script step_script",
                    "  tt ci gitlab cleanup"},
            subcommands = {Config.class, Prepare.class, Run.class, Cleanup.class})
    static final class GitLab {
        @ParentCommand
        CiCommand ci;

        GitLabDriver driver() throws IOException {
            return new GitLabDriver(ci.root.backend(), System.getenv(), TtMain.stateRoot(System.getenv()),
                    new PrintStream(System.out, true, StandardCharsets.UTF_8));
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "config_exec: print the driver's settings.",
            footer = {"", "Example:", "  tt ci gitlab config"})
    static final class Config implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            spec.commandLine().getOut().println(GitLabDriver.config(new TtMain.Version().getVersion()[0]));
            return 0;
        }
    }

    @Command(name = "prepare", mixinStandardHelpOptions = true, description = "prepare_exec: make the job's VM.",
            footer = {"", "Example:", "  tt ci gitlab prepare"})
    static final class Prepare implements Callable<Integer> {
        @ParentCommand
        GitLab gitlab;

        @Override
        public Integer call() throws IOException, InterruptedException {
            return gitlab.driver().prepare();
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "run_exec: run a stage's script in the VM.",
            footer = {"", "Example:", "  tt ci gitlab run /tmp/custom-executor123/script step_script"})
    static final class Run implements Callable<Integer> {
        @ParentCommand
        GitLab gitlab;

        @Parameters(index = "0", paramLabel = "SCRIPT", description = "The script the runner wrote for the stage.")
        Path script;

        @Parameters(index = "1", paramLabel = "STAGE", description = "The stage's name, e.g. step_script.")
        String stage;

        @Override
        public Integer call() throws IOException, InterruptedException {
            return gitlab.driver().run(script, stage);
        }
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true, description = "cleanup_exec: delete the job's VM.",
            footer = {"", "Example:", "  tt ci gitlab cleanup"})
    static final class Cleanup implements Callable<Integer> {
        @ParentCommand
        GitLab gitlab;

        @Override
        public Integer call() throws IOException {
            return gitlab.driver().cleanup();
        }
    }
}
