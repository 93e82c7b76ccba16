package tt.system;

import org.junit.jupiter.api.Test;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's walkthrough block, read from README.md and run line by line in one bash as a
 * newcomer pastes it: no token step, the seed's ports, real VMs. What differs from a newcomer's
 * machine: the build line is left out (bin/test-all has just built everything), the checkout's
 * paths are made absolute (the shell runs in the test's folder, where the logs go), the image
 * folder is the test's own instead of /srv/tt/images, and so are the XDG folders (config, tokens,
 * state).
 */
class ReadmeWalkthroughIT {

    private static final List<Integer> SEED_PORTS = List.of(20000, 20001, 20002);

    @Test
    void theReadmeWalkthroughPastedLineByLineGivesAWorkingPoolAndLeavesNothing() throws Exception {
        Requirements.qemuAndRoot();
        for (int port : SEED_PORTS) {
            assumeTrue(isFree(port), "port " + port + " is taken (a demo pool running?): the README's walkthrough"
                    + " uses the seed's ports 20000-20002, so it cannot run now");
        }
        Path work = Files.createDirectories(Path.of("target/readme-walkthrough-" + System.nanoTime()).toAbsolutePath());
        Path images = TinyImage.x86Only(work.resolve("images"));
        Path state = work.resolve("state");
        String script = "set -e\n" + walkthrough()
                .replace("/srv/tt/images", images.toString())
                .replace("$PWD/bin", Checkout.root().resolve("bin").toString())
                .replace("bash images/", "bash " + Checkout.root().resolve("images") + "/");
        Files.writeString(work.resolve("walkthrough.sh"), script);

        ProcessBuilder pb = new ProcessBuilder("bash", "-x", work.resolve("walkthrough.sh").toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("walkthrough.out").toFile());
        pb.environment().put("XDG_STATE_HOME", state.toString());
        pb.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
        pb.environment().remove("TT_SERVER");
        pb.environment().remove("TT_TOKEN");
        Process shell = pb.start();
        try {
            boolean ended = shell.waitFor(10, TimeUnit.MINUTES);
            String out = Files.readString(work.resolve("walkthrough.out"), StandardCharsets.UTF_8);
            assertTrue(ended, "the walkthrough did not end within 10 minutes:\n" + out);
            assertEquals(0, shell.exitValue(), "a line of the walkthrough failed:\n" + out);
            assertEquals(2, out.lines().filter(l -> l.startsWith("127.0.0.1:2000") && l.contains(" online ")).count(),
                    "both hosts online with no token given:\n" + out);
            assertTrue(out.contains("ENV TEST: READY, 1 VMs"), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("==> TEST-tinylinux-1-0-x86_64 (exit 0)")), out);
            assertTrue(out.lines().anyMatch("bin"::equals), "ls / ran in the VM:\n" + out);
            assertTrue(out.contains("ENV TEST deleted"), out);
            assertFalse(out.contains("OFFLINE"), out);
        } finally {
            shell.destroyForcibly();
            stopLeftovers(images);
        }
        for (int port : List.of(20000, 20001)) {
            try (Stream<Path> vms = Files.list(state.resolve("tt/host-" + port + "/vms"))) {
                assertEquals(List.of(), vms.toList(), "host " + port + " left a VM folder");
            }
        }
        assertEquals(List.of(), daemonsOf(images), "every daemon of the walkthrough has stopped");
    }

    /** The first fenced block after the walkthrough's heading, without the build line. */
    private static String walkthrough() throws IOException {
        String readme = Files.readString(Checkout.root().resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## The seed's walkthrough");
        int open = readme.indexOf("```\n", section) + 4;
        int close = readme.indexOf("```\n", open);
        assertTrue(section >= 0 && open > section && close > open, "README.md has no walkthrough block");
        List<String> lines = new ArrayList<>();
        for (String line : readme.substring(open, close).split("\n")) {
            if (!line.startsWith("mvn ")) {
                lines.add(line);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The launchers and daemons started by the walkthrough (their command line names its image folder). */
    private static List<ProcessHandle> daemonsOf(Path images) {
        String marker = "--image-path " + images;
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker)
                        || p.info().commandLine().orElse("").contains("tt-backend.jar --proxy-addr 127.0.0.1:20002"))
                .toList();
    }

    /** A failed walkthrough leaves its background daemons: stop them as the README's last line would. */
    private static void stopLeftovers(Path images) throws InterruptedException {
        List<ProcessHandle> left = daemonsOf(images);
        left.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : left) {
            p.onExit().completeOnTimeout(p, 60, TimeUnit.SECONDS).join();
        }
    }
}
