package tt.cli.ci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tt.cli.TtMain;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code tt ci autopkgtest ...}: the commands of an autopkgtest-virt-ssh setup script
 * (bin/tt-autopkgtest-setup calls them), each taking the options open was given.
 */
@Command(name = "autopkgtest", mixinStandardHelpOptions = true,
        description = {"Debian's autopkgtest on TT VMs: the commands of an autopkgtest-virt-ssh setup script. Use"
                + " bin/tt-autopkgtest-setup as the script; it passes its arguments here."},
        footer = {"", "Example (tests of the package hello, built in ./hello, on a fresh Debian 12 VM):",
                "  autopkgtest hello_1.0_all.deb ./hello -- ssh -s /opt/tt/bin/tt-autopkgtest-setup -- --os debian-12",
                "  tt ci autopkgtest open --os debian-12   (what the setup script runs; see README: autopkgtest)"})
public final class AutopkgtestCommand {

    @ParentCommand
    CiCommand ci;

    /** The setup script's arguments: autopkgtest passes open's to every command. */
    static final class Testbed {
        @Option(names = "--os", paramLabel = "PREFIX", defaultValue = "debian",
                description = "OS prefix of the testbed's image (default: ${DEFAULT-VALUE}), e.g. debian-12.")
        String os;

        @Option(names = "--cpu", description = "vCPUs of the testbed (default: the pool's).")
        Integer cpu;

        @Option(names = "--mem", paramLabel = "MIB", description = "Memory of the testbed in MiB (default: the pool's).")
        Integer memMib;

        @Option(names = "--disk", paramLabel = "MIB", description = "Disk of the testbed in MiB (default: the image's).")
        Integer diskMib;

        @Option(names = "--lease-seconds", defaultValue = "300",
                description = "The testbed is deleted this long after autopkgtest ends or is killed (default: ${DEFAULT-VALUE}).")
        int leaseSeconds;

        @Option(names = "--env", paramLabel = "NAME", description = "The testbed's ENV (autopkgtest passes it back from open).")
        String env;

        @Option(names = {"-l", "--login"}, hidden = true, description = "Passed by autopkgtest-virt-ssh; the login is root.")
        String login;

        AutopkgtestDriver.Testbed spec() {
            if (leaseSeconds < 30 || leaseSeconds > 86_400) {
                throw new IllegalArgumentException("--lease-seconds " + leaseSeconds + " is out of range: use 30 to 86400");
            }
            return new AutopkgtestDriver.Testbed(os, cpu, memMib, diskMib, leaseSeconds);
        }

        String env() {
            if (env == null) {
                throw new IllegalArgumentException("--env NAME is missing: autopkgtest passes it back from open's output");
            }
            return env;
        }
    }

    AutopkgtestDriver driver() throws IOException {
        return new AutopkgtestDriver(ci.root.backend(), TtMain.stateRoot(System.getenv()),
                new PrintStream(System.out, true, StandardCharsets.UTF_8), new PrintStream(System.err, true, StandardCharsets.UTF_8));
    }

    /**
     * Starts the testbed's keeper: a detached {@code tt ci autopkgtest keep} that renews the lease while
     * autopkgtest-virt-ssh (the process that ran this script) lives.
     */
    private void startKeeper(String name, int leaseSeconds) throws IOException {
        long autopkgtest = ProcessHandle.current().parent().map(ProcessHandle::pid).orElseThrow();
        String home = System.getenv("TT_HOME");
        if (home == null) {
            throw new IllegalStateException("TT_HOME is not set: run tt through its launcher bin/tt");
        }
        Path log = TtMain.stateRoot(System.getenv()).resolve("autopkgtest").resolve(name).resolve("keeper.log");
        Files.createDirectories(log.getParent());
        new ProcessBuilder(List.of(Path.of(home, "bin", "tt").toString(), "ci", "autopkgtest", "keep", "--env", name,
                "--pid", Long.toString(autopkgtest), "--lease-seconds", Integer.toString(leaseSeconds)))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Command(name = "open", mixinStandardHelpOptions = true,
            footer = {"", "Example:", "  tt ci autopkgtest open --os debian-12 --mem 1024"},
            description = "Make a testbed (a fresh VM) and print its SSH settings for autopkgtest-virt-ssh.")
    int open(@Mixin Testbed testbed) throws IOException, InterruptedException {
        AutopkgtestDriver.Testbed spec = testbed.spec();
        Optional<String> name = driver().open(spec);
        if (name.isEmpty()) {
            return 1;
        }
        startKeeper(name.get(), spec.leaseSeconds());
        return 0;
    }

    @Command(name = "cleanup", mixinStandardHelpOptions = true,
            footer = {"", "Example:", "  tt ci autopkgtest cleanup --env apt-0123456789"}, description = "Delete the testbed.")
    int cleanup(@Mixin Testbed testbed) throws IOException {
        String env = testbed.env();
        driver().cleanup(env);
        return 0;
    }

    @Command(name = "revert", mixinStandardHelpOptions = true,
            footer = {"", "Example:", "  tt ci autopkgtest revert --os debian-12 --env apt-0123456789"},
            description = "Replace the testbed by a fresh VM and print its SSH settings.")
    int revert(@Mixin Testbed testbed) throws IOException, InterruptedException {
        String env = testbed.env();
        driver().cleanup(env);
        return open(testbed);
    }

    @Command(name = "debug-failure", mixinStandardHelpOptions = true,
            footer = {"", "Example:", "  tt ci autopkgtest debug-failure --env apt-0123456789"},
            description = "Say what the pool knows of the testbed.")
    int debugFailure(@Mixin Testbed testbed) throws IOException {
        String env = testbed.env();
        driver().debugFailure(env);
        return 0;
    }

    @Command(name = "keep", mixinStandardHelpOptions = true, hidden = true,
            footer = {"", "Example:", "  tt ci autopkgtest keep --env apt-0123456789 --pid 4242 --lease-seconds 300"},
            description = "Renew the testbed's lease while the process --pid lives; then delete the testbed.")
    int keep(@Mixin Testbed testbed,
             @Option(names = "--pid", required = true, description = "The autopkgtest-virt-ssh process.") long pid)
            throws IOException, InterruptedException {
        String env = testbed.env();
        driver().keep(env, pid, testbed.spec().leaseSeconds());
        return 0;
    }
}
