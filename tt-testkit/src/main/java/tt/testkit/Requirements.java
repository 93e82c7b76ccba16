package tt.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the tests with real VMs need; each missing piece stops them loudly with the reason. */
public final class Requirements {

    private Requirements() {
    }

    public static void qemuAndRoot() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-x86_64")),
                "qemu-system-x86_64 is not installed: run images/setup-deps.sh (bin/test-all does)");
        String uid = new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).strip();
        assumeTrue("0".equals(uid), "tt-host needs root (cgroups, PID namespaces); these tests run as root in CI");
    }
}
