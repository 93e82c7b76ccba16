package tt.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import tt.api.Json;
import tt.testkit.BackendProcess;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.TtCli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The seed's walkthrough as a user runs it: two tt-host daemons and a tt-backend started through
 * bin/ with the seed's flags, then the seed's tt commands through bin/tt, with real VMs of two
 * OS names so that --os-prefix really selects.
 */
class SeedWalkthroughIT {

    private static final String HOST_TOKEN = "walkthrough-hosts";
    private static final String ALIAS = "qemu:minilinux-2.0:6.1.x86_64";

    @Test
    void theSeedsCommandsWorkAsWritten() throws Exception {
        Requirements.qemuAndRoot();
        Path work = Files.createDirectories(Path.of("target/walkthrough").toAbsolutePath());
        Path images = imagesWithTwoOsNames(work);
        List<HostProcess> hosts = new ArrayList<>();
        List<ProcessHandle> qemus = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                hosts.add(HostProcess.start(images, work, 2, 4L * 1024 * 1024, HOST_TOKEN, List.of()));
            }
            try (BackendProcess backend = BackendProcess.start(work.resolve("backend-" + System.nanoTime()), hosts,
                    HOST_TOKEN, List.of())) {
                int proxyPort = backend.port();
                TtCli tt = new TtCli(Files.createDirectories(work.resolve("config-" + proxyPort)));

                TtCli.Result r = tt.run("config", "--serv-addr", "127.0.0.1", "--serv-port", Integer.toString(proxyPort),
                        "--token", backend.token(), "--fingerprint", backend.fingerprint());
                assertEquals(0, r.exitCode(), r.err());
                assertTrue(r.out().contains("server 127.0.0.1:" + proxyPort), r.out());
                assertTrue(r.out().contains("pinned the certificate " + backend.fingerprint()), r.out());

                r = tt.run("status");
                assertEquals(0, r.exitCode(), r.err());
                assertTrue(r.out().contains("server:  127.0.0.1:" + proxyPort) && r.out().contains("token:   set"), r.out());

                r = tt.run("status", "--server");
                assertEquals(0, r.exitCode(), r.err());
                assertEquals(2, r.out().lines().filter(l -> l.contains(" online ")).count(), r.out());
                assertTrue(r.out().contains(ALIAS) && r.out().contains(TinyImage.X86_64), r.out());

                r = tt.run("image", "list");
                assertEquals(List.of(ALIAS, TinyImage.X86_64), r.out().lines().skip(1).map(l -> l.split(" +")[0]).toList(),
                        r.out());
                r = tt.run("host", "list");
                assertEquals(2, r.out().lines().filter(l -> l.contains(" online ")).count(), r.out());
                r = tt.run("token", "create", "alice");
                assertTrue(r.out().startsWith("token for alice (shown once, keep it): tt_"), r.out());
                assertTrue(tt.run("token", "list").out().contains("alice"));
                assertEquals(0, tt.run("token", "revoke", "alice").exitCode());

                r = tt.run("env", "add", "TEST", "--os-prefix=MINI,tinylinux");
                assertEquals(0, r.exitCode(), r.out() + r.err());
                assertTrue(r.out().contains("ENV TEST: READY, 2 VMs"), r.out());
                assertTrue(r.out().contains("TEST-minilinux-2-0-x86_64  READY"), "progress is shown: " + r.out());

                r = tt.run("env", "list");
                assertEquals(0, r.exitCode(), r.err());
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith("TEST") && l.contains("READY") && l.contains(" 2 ")),
                        r.out());

                r = tt.run("env", "show", "TEST");
                assertEquals(0, r.exitCode(), r.err());
                assertTrue(r.out().contains("TEST-minilinux-2-0-x86_64") && r.out().contains("TEST-tinylinux-1-0-x86_64"),
                        r.out());
                assertEquals(2, r.out().lines().filter(l -> l.contains(" READY ")).count(), r.out());

                r = tt.run("env", "show", "TEST", "-o", "json");
                JsonNode env = Json.mapper().readTree(r.out());
                assertEquals("READY", env.get("state").asText());
                assertEquals(2, env.get("vms").size());
                assertFalse(env.get("vms").get(0).get("host").asText().equals(env.get("vms").get(1).get("host").asText()),
                        "the two VMs are spread over the two hosts");

                r = tt.run("env", "run", "TEST", "--use-ssh", "--cmd", "ls /");
                assertEquals(0, r.exitCode(), r.out() + r.err());
                assertTrue(r.out().contains("==> TEST-minilinux-2-0-x86_64 (exit 0)"), r.out());
                assertTrue(r.out().contains("==> TEST-tinylinux-1-0-x86_64 (exit 0)"), r.out());
                assertEquals(2, r.out().lines().filter("bin"::equals).count(), r.out());

                r = tt.run("env", "run", "TEST", "--cmd", "echo oops >&2; exit 3");
                assertEquals(1, r.exitCode(), "a failing command makes tt exit non-zero");
                assertTrue(r.out().contains("(exit 3)") && r.out().contains("oops"), r.out());

                r = tt.run("env", "ssh", "TEST", "--cmd", "true");
                assertEquals(1, r.exitCode());
                assertTrue(r.err().startsWith("tt: ENV TEST was made without an SSH key of yours"), r.err());

                r = tt.run("env", "add", "W", "--os-prefix=windows");
                assertEquals(2, r.exitCode(), "input the server rejects as invalid exits like bad usage");
                assertTrue(r.err().startsWith("tt: OS prefix 'windows' matches no image"), r.err());
                assertEquals(1, r.err().lines().count(), "one line, no stack trace: " + r.err());

                for (HostProcess h : hosts) {
                    qemus.addAll(h.vmQemus());
                }
                r = tt.run("env", "del", "TEST");
                assertEquals(0, r.exitCode(), r.err());
                assertTrue(r.out().contains("ENV TEST deleted"), r.out());
                r = tt.run("env", "list");
                assertFalse(r.out().contains("TEST"), r.out());
                for (HostProcess h : hosts) {
                    assertEquals(List.of(), h.client().vms());
                }

                r = tt.run("--endpoint", "127.0.0.1:1", "env", "list");
                assertEquals(3, r.exitCode(), "an unreachable server has its own exit code: " + r.err());
            }

            // a host joined to a backend serves only its backends, even to its own token
            HostProcess joined = hosts.get(0);
            TtCli toJoined = new TtCli(Files.createDirectories(work.resolve("config-joined-" + joined.port())));
            TtCli.Result r = toJoined.run("--endpoint", "127.0.0.1:" + joined.port(), "--token", HOST_TOKEN,
                    "--fingerprint", joined.fingerprint(), "env", "list");
            assertEquals(1, r.exitCode(), r.out() + r.err());
            assertTrue(r.err().contains("serves only the tt-backends it was joined to"), r.err());

            // the seed allows pointing the client at one slave server instead of the proxy: a host joined to no backend
            HostProcess solo = HostProcess.start(images, work, 2, 4L * 1024 * 1024, HOST_TOKEN, List.of());
            hosts.add(solo);
            TtCli direct = new TtCli(Files.createDirectories(work.resolve("config-solo-" + solo.port())));
            r = direct.run("config", "--serv-addr", "127.0.0.1", "--serv-port", Integer.toString(solo.port()),
                    "--token", HOST_TOKEN);
            assertEquals(1, r.exitCode(), "no terminal to confirm the certificate on: " + r.out() + r.err());
            assertTrue(r.err().contains("presents a certificate with the fingerprint " + solo.fingerprint())
                    && r.err().contains("--fingerprint " + solo.fingerprint()), r.err());
            r = direct.run("status", "--server");
            assertEquals(1, r.exitCode(), "still not trusted: " + r.out() + r.err());
            r = direct.run("config", "--fingerprint", solo.fingerprint());
            assertEquals(0, r.exitCode(), r.out() + r.err());
            r = direct.run("status", "--server");
            assertEquals(1, r.out().lines().filter(l -> l.contains(" online ")).count(), r.out());
            Path key = work.resolve("user-key-" + solo.port());
            Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                    .start();
            assertEquals(0, keygen.waitFor());
            r = direct.run("env", "add", "SOLO", "--os-prefix=mini", "--ssh-key", key + ".pub");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("ENV SOLO: READY, 1 VMs"), r.out());
            r = direct.run("env", "ssh", "SOLO", "-i", key.toString(), "--cmd", "echo via-ssh; hostname");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("via-ssh\nSOLO-minilinux-2-0-x86-64"), "a real OpenSSH login with the user's key: "
                    + r.out());
            assertEquals("", r.err(), "no OpenSSH chatter ('Permanently added ...')");
            Path otherKey = work.resolve("other-key-" + solo.port());
            assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString())
                    .start().waitFor());
            r = direct.run("env", "ssh", "SOLO", "-i", otherKey.toString(), "--cmd", "true");
            assertEquals(1, r.exitCode());
            assertTrue(r.err().startsWith("tt: the key " + otherKey + " is not one ENV SOLO was made with"), r.err());
            r = direct.run("env", "run", "SOLO", "--use-ssh", "--cmd", "hostname");
            assertEquals(0, r.exitCode(), r.out() + r.err());
            assertTrue(r.out().contains("SOLO-minilinux-2-0-x86-64\n"), r.out());
            qemus.addAll(solo.vmQemus());
            r = direct.run("env", "del", "SOLO");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals(List.of(), solo.client().vms());
        } finally {
            for (HostProcess h : hosts) {
                h.close();
            }
        }
        assertTrue(qemus.size() == 3 && qemus.stream().noneMatch(ProcessHandle::isAlive), "no VM is left running");
        assertTrue(hosts.stream().noneMatch(HostProcess::isAlive), "no daemon is left running");
    }

    /** The tiny image, and the same files under a second OS name, so that OS prefixes select. */
    private static Path imagesWithTwoOsNames(Path work) throws Exception {
        Path x86 = TinyImage.ensure(Checkout.imagePath(), TinyImage.RECIPE_X86_64, TinyImage.X86_64);
        Path images = work.resolve("images");
        for (String name : List.of(TinyImage.X86_64, ALIAS)) {
            Path dir = images.resolve(name);
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                try (Stream<Path> files = Files.list(x86)) {
                    for (Path f : files.toList()) {
                        Files.createLink(dir.resolve(f.getFileName()), f);
                    }
                }
            }
        }
        return images;
    }
}
