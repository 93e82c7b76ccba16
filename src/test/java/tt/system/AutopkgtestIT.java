package tt.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.GuestHostname;
import tt.testkit.BackendProcess;
import tt.testkit.DebianImages;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.Wait;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's real autopkgtest runs the tests of a small real source package (src/test/autopkgtest/tt-hello,
 * built here with dpkg-buildpackage) on TT testbeds through bin/tt-autopkgtest-setup and
 * autopkgtest-virt-ssh: a fresh Debian 12 VM per test that needs one (isolation-machine), every
 * testbed deleted when autopkgtest ends; and when autopkgtest is killed, its testbed is deleted
 * within the lease.
 */
class AutopkgtestIT {

    private static final String HOST_TOKEN = "autopkgtest-hosts";
    private static final int LEASE_SECONDS = 60;
    /** What the package's test testbed-is-tt prints: the guest's hostname, architecture and TT image. */
    private static final Pattern TESTBED_LINE = Pattern.compile("testbed: (\\S+) (\\S+), image (\\S+)");
    /** What the setup script prints of each testbed it makes: its ENV and its VM's name. */
    private static final Pattern SETUP_VM_LINE = Pattern.compile("tt: testbed apt-\\S+ is (\\S+) \\(");

    private static Path work;
    private static HostProcess host;
    private static BackendProcess backend;
    private static Path deb;
    private static Path source;

    @BeforeAll
    static void poolAndPackage() throws Exception {
        Requirements.qemuAndRoot();
        for (String tool : List.of("autopkgtest", "dpkg-buildpackage")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin", tool)),
                    tool + " is not installed: run images/setup-deps.sh (bin/test-all does)");
        }
        Path image = DebianImages.built(DebianImages.DEBIAN_12_X86_64).orElse(null);
        assumeTrue(image != null, DebianImages.missing(DebianImages.DEBIAN_12_X86_64));
        work = Files.createDirectories(Path.of("target/autopkgtest-" + ProcessHandle.current().pid()).toAbsolutePath());

        Path packaging = Files.createDirectories(work.resolve("package"));
        source = packaging.resolve("tt-hello");
        run(work, Duration.ofMinutes(1), "cp", "-a", Checkout.root().resolve("src/test/autopkgtest/tt-hello").toString(),
                source.toString());
        // -d: the package builds with dpkg alone, so build-essential (implied by every source) is not needed here
        run(source, Duration.ofMinutes(2), "dpkg-buildpackage", "-us", "-uc", "-b", "-d");
        deb = packaging.resolve("tt-hello_1.0_all.deb");
        assertTrue(Files.isRegularFile(deb), "dpkg-buildpackage made " + deb);

        Path images = Files.createDirectories(work.resolve("images"));
        DebianImages.linkInto(images, image);
        // no snapshots: a snapshot build would take the CPUs the testbeds' boots need
        host = HostProcess.start(images, work, 4, 6L * 1024 * 1024, HOST_TOKEN,
                List.of("--snapshots", "off", "--boot-timeout", "900"));
        backend = BackendProcess.start(work.resolve("backend"), List.of(host), HOST_TOKEN, List.of());
        BackendProcess.awaitOnline(backend.client(), 1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void autopkgtestRunsThePackagesTestsOnFreshTtVmsAndLeavesNoTestbed() throws Exception {
        Path log = work.resolve("autopkgtest.log");
        Process autopkgtest = autopkgtest(log);
        assertTrue(autopkgtest.waitFor(20, TimeUnit.MINUTES), "autopkgtest did not end in 20 minutes: " + tail(log));
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, autopkgtest.exitValue(), "autopkgtest: every test passed (exit 0):\n" + out);
        assertTrue(out.matches("(?s).*\\nhello\\s+PASS\\n.*"), "the package's own test passed:\n" + out);
        assertTrue(out.matches("(?s).*\\ntestbed-is-tt\\s+PASS\\n.*"), "the isolation-machine test passed:\n" + out);

        Matcher testbed = TESTBED_LINE.matcher(out);
        assertTrue(testbed.find(), "the test printed its testbed:\n" + out);
        assertEquals("x86_64", testbed.group(2), out);
        assertEquals(DebianImages.DEBIAN_12_X86_64.image(), testbed.group(3), "the testbed is a TT Debian 12 VM");
        List<String> vms = SETUP_VM_LINE.matcher(out).results().map(m -> GuestHostname.of(m.group(1))).toList();
        assertTrue(vms.contains(testbed.group(1)), "the test ran on a VM the setup script made " + vms + ":\n" + out);
        assertTrue(out.contains("tt: deleted testbed"), "the setup script's cleanup deleted the testbed:\n" + out);

        assertEquals(List.of(), backend.client().envs(), "autopkgtest left no testbed ENV behind");
        Wait.until("the host's VMs gone", Duration.ofMinutes(1), () -> host.client().vms().isEmpty());
        assertEquals(List.of(), host.qemus(), "no QEMU is left on the host");
    }

    @Test
    void aKilledAutopkgtestsTestbedIsDeletedWithinItsLease() throws Exception {
        Path log = work.resolve("autopkgtest-killed.log");
        Process autopkgtest = autopkgtest(log);
        try {
            Wait.until("a READY testbed", Duration.ofMinutes(15), () -> {
                assertTrue(autopkgtest.isAlive(), "autopkgtest ended before its testbed was ready: " + tail(log));
                List<EnvInfo> envs = backend.client().envs();
                return envs.size() == 1 && envs.get(0).state() == EnvState.READY;
            });
            String testbed = backend.client().envs().get(0).name();
            autopkgtest.destroyForcibly();
            assertTrue(autopkgtest.waitFor(30, TimeUnit.SECONDS), "autopkgtest did not die of SIGKILL");
            long killedAt = System.nanoTime();
            Wait.until("the testbed " + testbed + " deleted", Duration.ofSeconds(LEASE_SECONDS + 60),
                    () -> backend.client().envs().stream().noneMatch(e -> e.name().equals(testbed)));
            System.out.printf("AutopkgtestIT: the killed autopkgtest's testbed %s was deleted %d s after the kill"
                    + " (lease %d s)%n", testbed, (System.nanoTime() - killedAt) / 1_000_000_000L, LEASE_SECONDS);
            Wait.until("the host's VMs gone", Duration.ofMinutes(1), () -> host.client().vms().isEmpty());
        } finally {
            autopkgtest.descendants().forEach(ProcessHandle::destroyForcibly);
            autopkgtest.destroyForcibly();
        }
    }

    /** The real autopkgtest on the built .deb and its source, on TT testbeds of the setup script. */
    private static Process autopkgtest(Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("autopkgtest", deb.toString(), source + "/", "--", "ssh", "-s",
                Checkout.root().resolve("bin/tt-autopkgtest-setup").toString(), "--", "--os", "debian-12", "--mem", "768",
                "--lease-seconds", Integer.toString(LEASE_SECONDS))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("TT_SERVER", backend.baseUri());
        env.put("TT_FINGERPRINT", backend.fingerprint());
        env.put("TT_TOKEN", backend.token());
        env.put("XDG_STATE_HOME", work.resolve("state").toString());
        env.put("XDG_CONFIG_HOME", work.resolve("config").toString());
        return pb.start();
    }

    private static void run(Path dir, Duration timeout, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    }

    private static String tail(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 40), lines.size())));
    }
}
