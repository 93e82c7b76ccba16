package tt.host.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tt.api.ExecResult;
import tt.api.HostInfo;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.ApiException;
import tt.client.HostClient;
import tt.client.ServerTrust;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.SshKeys;
import tt.testkit.TinyImage;
import tt.testkit.Wait;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real daemon, started by bin/tt-host, booting real VMs of the tiny image under QEMU. */
class HostDaemonIT {

    private static final long GIB_KIB = 1024L * 1024;
    private static final Path CGROUP_MEMORY = Path.of("/sys/fs/cgroup/memory");
    private static Path images;
    private static Path work;

    @BeforeAll
    static void buildImage() throws IOException {
        Requirements.qemuAndRoot();
        images = Checkout.imagePath();
        TinyImage.ensure(images, TinyImage.RECIPE_X86_64, TinyImage.X86_64);
        work = Files.createDirectories(Path.of("target/it-host").toAbsolutePath());
    }

    /** A host without snapshots: these tests count the QEMUs and the room of the VMs they make themselves. */
    private static HostProcess startHost(int cpus, long memKib) throws Exception {
        return HostProcess.start(images, work, cpus, memKib, List.of("--snapshots", "off"));
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }

    private static VmInfo awaitReady(HostClient client, String id) throws Exception {
        Wait.until("VM " + id + " ready", Duration.ofSeconds(120), () -> {
            VmInfo vm = client.vm(id);
            if (vm.state() == VmState.FAILED) {
                throw new IllegalStateException("VM failed: " + vm.error());
            }
            return vm.state() == VmState.READY;
        });
        return client.vm(id);
    }

    @Test
    void bootsAVmThatTakesSshAndExecThenPausesResumesAndDeletesLeavingNothing() throws Exception {
        SshKeys user = SshKeys.generate();
        try (HostProcess host = startHost(2, 4 * GIB_KIB)) {
            HostClient client = host.client();
            VmInfo created = client.createVm(new VmCreateRequest("web1", TinyImage.X86_64, 1, 384, null,
                    List.of(user.publicKey()), List.of(8080), Map.of("env", "it")));
            assertEquals(VmState.BOOTING, created.state());
            assertEquals(Map.of("env", "it"), created.tags());
            assertTrue(created.ports().containsKey(8080) && created.sshPort() != null, created.ports().toString());
            HostInfo busy = client.host();
            assertEquals(1, busy.used().cpu());
            assertEquals(384 * 1024, busy.used().memKib());

            VmInfo vm = awaitReady(client, created.id());
            assertTrue(List.of("tcg", "kvm").contains(vm.accel()), vm.accel());

            SshKeys.Result ssh = user.run("127.0.0.1", vm.sshPort(), "root", "hostname; uname -m");
            assertEquals(0, ssh.exitCode());
            assertEquals("web1\nx86_64\n", ssh.stdout());

            ExecResult exec = client.exec(vm.id(), "echo out; echo err >&2; exit 3", 30);
            assertEquals(3, exec.exitCode());
            assertEquals("out\n", exec.stdout());
            assertEquals("err\n", exec.stderr());

            // the first ready VM of an image measures the image's slowdown (by the loop's own CPU time)
            assertTrue(host.awaitSlowdown(TinyImage.X86_64, Duration.ofSeconds(120)).isPresent(),
                    "the tiny image's slowdown measured within 120 s");
            String log = host.log();
            assertTrue(log.contains(TinyImage.X86_64 + ": guests run ") && log.contains(" ms of CPU in the guest"),
                    log);

            ProcessHandle qemu = host.qemus().get(0);
            Path vmDir = host.stateDir().resolve("vms").resolve(vm.id());
            assertFalse(Files.exists(vmDir.resolve("disk.qcow2")), "overlay is unlinked once QEMU holds it");
            assertTrue(openFiles(qemu).stream().anyMatch(f -> f.endsWith("disk.qcow2 (deleted)")),
                    "QEMU still writes to the unlinked overlay");
            if (Files.isDirectory(CGROUP_MEMORY)) {
                Path group = CGROUP_MEMORY.resolve(host.instance()).resolve(vm.id());
                assertTrue(Files.readString(group.resolve("cgroup.procs")).contains(Long.toString(qemu.pid())),
                        "QEMU runs in the VM's memory cgroup");
                assertEquals(Long.toString(384L * 1024 * 1024 + (256L << 20)),
                        Files.readString(group.resolve("memory.limit_in_bytes")).strip());
            }

            assertEquals(VmState.STOPPED, client.stopVm(vm.id()).state());
            ApiException notReady = assertThrows(ApiException.class, () -> client.exec(vm.id(), "true", 5));
            assertEquals(409, notReady.status());
            assertEquals(VmState.READY, client.startVm(vm.id()).state());
            assertEquals(0, client.exec(vm.id(), "true", 30).exitCode());

            client.deleteVm(vm.id());
            Wait.until("QEMU gone", Duration.ofSeconds(10), () -> !qemu.isAlive());
            assertFalse(Files.exists(vmDir), "every file of the VM is gone");
            assertFalse(Files.exists(CGROUP_MEMORY.resolve(host.instance()).resolve(vm.id())));
            HostInfo idle = client.host();
            assertEquals(0, idle.vmCount());
            assertEquals(0, idle.used().cpu());
            assertEquals(0, idle.used().memKib());
            assertEquals(0, idle.used().diskKib());
            assertEquals(404, assertThrows(ApiException.class, () -> client.vm(vm.id())).status());
        }
    }

    /**
     * Dropbear (the tiny image's SSH server) refuses a login before its banner while 5 connections
     * from one address are not logged in, and every forwarded connection comes from QEMU's
     * 10.0.2.2. A VM that is READY leaves them to its users: here 3 sessions wait at the banner and
     * a login still gets in, right after READY, while the host measures the image's slowdown in the
     * VM over SSH (the first VM of an image; its connection takes the fifth for a moment). The SSH
     * probe once kept its connections, up to 4, open until the measurement ended, and a user's
     * login was refused (SeedWalkthroughIT with both cores busy).
     */
    @Test
    void aReadyVmLeavesTheLoginsItsSshServerAllowsToItsUsers() throws Exception {
        SshKeys user = SshKeys.generate();
        try (HostProcess host = startHost(2, 2 * GIB_KIB)) {
            HostClient client = host.client();
            VmInfo vm = awaitReady(client, client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null,
                    List.of(user.publicKey()), null, null)).id());
            List<Socket> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = new Socket("127.0.0.1", vm.sshPort());
                    s.setSoTimeout(60_000);
                    waiting.add(s);
                    assertEquals("SSH-", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII),
                            "session " + (i + 1) + " has the server's banner (it is not logged in)");
                }
                assertEquals("in\n", user.run("127.0.0.1", vm.sshPort(), "root", "echo in").stdout());
            } finally {
                for (Socket s : waiting) {
                    s.close();
                }
            }
            assertTrue(host.log().contains("vm " + vm.id() + ": measuring the slowdown of image"), host.log());
            client.deleteVm(vm.id());
        }
    }

    @Test
    void aGuestThatPowersOffFailsItsVmWithTheConsolesLastLines() throws Exception {
        try (HostProcess host = startHost(1, 2 * GIB_KIB)) {
            HostClient client = host.client();
            VmInfo vm = awaitReady(client, client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null,
                    null, null, null)).id());
            // images/README.md, "The kernel's timer check"
            assertTrue(client.exec(vm.id(), "cat /proc/cmdline", 30).stdout().contains("no_timer_check"));

            // in a session of its own, so that nothing of the SSH session's end can reach it
            assertEquals(0, client.exec(vm.id(), "setsid sh -c 'sleep 1; echo tt-it-last-words > /dev/console;"
                    + " poweroff -f' < /dev/null > /dev/null 2>&1 &", 30).exitCode());
            try {
                Wait.until("VM " + vm.id() + " failed", Duration.ofSeconds(60),
                        () -> client.vm(vm.id()).state() == VmState.FAILED);
            } catch (AssertionError e) {
                Path console = host.stateDir().resolve("vms").resolve(vm.id()).resolve("console.log");
                throw new AssertionError(e.getMessage() + "; VM state " + client.vm(vm.id()).state()
                        + ", its console ends with: " + lastLines(Files.readString(console)) + "; the host's log: "
                        + lastLines(host.log()), e);
            }
            String error = client.vm(vm.id()).error();
            assertTrue(error.startsWith("QEMU exited (the guest powered off or crashed)")
                    && error.contains("the console ends with: ") && error.contains("tt-it-last-words"), error);
            client.deleteVm(vm.id());
        }
    }

    @Test
    void bootsAnAarch64GuestUnderTcg() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/qemu-system-aarch64")),
                "qemu-system-aarch64 is not installed: run images/setup-deps.sh");
        TinyImage.ensure(images, TinyImage.RECIPE_AARCH64, TinyImage.AARCH64);
        try (HostProcess host = startHost(1, GIB_KIB)) {
            HostClient client = host.client();
            VmInfo vm = awaitReady(client, client.createVm(
                    new VmCreateRequest("arm1", TinyImage.AARCH64, 1, 256, null, null, null, null)).id());
            assertEquals("tcg", vm.accel(), "a foreign architecture always runs under TCG");
            ExecResult r = client.exec(vm.id(), "uname -m; hostname", 30);
            assertEquals("aarch64\narm1\n", r.stdout());
            client.deleteVm(vm.id());
        }
    }

    @Test
    void refusesBadInputWithAReasonAndChangesNothing() throws Exception {
        try (HostProcess host = startHost(2, 2 * GIB_KIB)) {
            HostClient client = host.client();
            String img = TinyImage.X86_64;
            Map<VmCreateRequest, String> cases = Map.of(
                    new VmCreateRequest("a;rm -rf /", img, null, null, null, null, null, null), "bad VM name",
                    new VmCreateRequest("../../etc", img, null, null, null, null, null, null), "bad VM name",
                    new VmCreateRequest(null, "qemu:nope-1:1.x86_64", null, null, null, null, null, null), "unknown image",
                    new VmCreateRequest(null, "../../../etc/passwd", null, null, null, null, null, null), "unknown image",
                    new VmCreateRequest(null, img, -1, null, null, null, null, null), "cpu -1",
                    new VmCreateRequest(null, img, null, 1 << 30, null, null, null, null), "out of range",
                    new VmCreateRequest(null, img, null, null, 1, null, null, null), "disk 1 MiB",
                    new VmCreateRequest(null, img, null, null, null, List.of("ssh-rsa $(reboot)"), null, null), "bad SSH",
                    new VmCreateRequest(null, img, null, null, null, null, List.of(70000), null), "bad guest port",
                    new VmCreateRequest(null, img, null, 3000, null, null, null, null), "memory: need");
            for (Map.Entry<VmCreateRequest, String> c : cases.entrySet()) {
                ApiException e = assertThrows(ApiException.class, () -> client.createVm(c.getKey()), c.getValue());
                assertTrue(e.status() >= 400 && e.status() < 500, e.status() + " " + e.getMessage());
                assertTrue(e.getMessage().contains(c.getValue()), c.getValue() + " not in: " + e.getMessage());
            }
            ApiException unknownField = assertThrows(ApiException.class,
                    () -> client.send("POST", "/api/v1/vms", Map.of("image", img, "memory", 5)));
            assertEquals(400, unknownField.status());
            assertTrue(unknownField.getMessage().contains("unknown field 'memory'"), unknownField.getMessage());
            ApiException notJson = assertThrows(ApiException.class, () -> client.send("POST", "/api/v1/vms", "x{"));
            assertEquals(400, notJson.status());

            ServerTrust pinned = ServerTrust.pinned(host.fingerprint());
            HostClient anonymous = new HostClient(URI.create(host.baseUri()), null, pinned);
            HostClient wrong = new HostClient(URI.create(host.baseUri()), "guess", pinned);
            for (HostClient c : List.of(anonymous, wrong)) {
                assertEquals(401, assertThrows(ApiException.class, c::host).status());
                assertEquals(401, assertThrows(ApiException.class, c::vms).status());
                assertEquals(401, assertThrows(ApiException.class, () -> c.createVm(
                        new VmCreateRequest(null, img, null, null, null, null, null, null))).status());
            }
            HostInfo info = client.host();
            assertEquals(0, info.vmCount());
            assertEquals(0, info.used().memKib());
            try (Stream<Path> left = Files.list(host.stateDir().resolve("vms"))) {
                assertEquals(0, left.count(), "no VM folder was made");
            }
        }
    }

    @Test
    void imagesDroppedInAreSeenWithoutARestart() throws Exception {
        Path ownImages = Files.createDirectories(work.resolve("images-live-" + System.nanoTime()));
        try (HostProcess host = HostProcess.start(ownImages, work, 1, GIB_KIB, List.of())) {
            assertEquals(List.of(), host.client().images());
            Path staging = Files.createDirectories(ownImages.resolve(".incoming"));
            Path copy = staging.resolve("qemu:copied-2.0:6.1.x86_64");
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(images.resolve(TinyImage.X86_64))) {
                for (Path f : files.toList()) {
                    Files.createLink(copy.resolve(f.getFileName()), f);
                }
            }
            Files.move(copy, ownImages.resolve(copy.getFileName()));
            Wait.until("image listed", Duration.ofSeconds(10), () -> host.client().images().stream()
                    .anyMatch(i -> i.name().equals("qemu:copied-2.0:6.1.x86_64") && i.os().equals("copied-2.0")));
        }
    }

    /**
     * SIGKILL of the daemon's JVM, of the unshare process holding its namespace, or of the launcher
     * the user started: within seconds no QEMU, cgroup or VM folder is left, and no daemon runs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"daemon", "namespace", "launcher"})
    void sigkillLeavesNoQemuNoCgroupNoVmFolder(String target) throws Exception {
        HostProcess host = startHost(2, 2 * GIB_KIB);
        try {
            HostClient client = host.client();
            VmInfo a = client.createVm(new VmCreateRequest("a", TinyImage.X86_64, 1, 256, null, null, null, null));
            VmInfo b = client.createVm(new VmCreateRequest("b", TinyImage.X86_64, 1, 256, null, null, null, null));
            awaitReady(client, a.id());
            awaitReady(client, b.id());
            List<ProcessHandle> qemus = host.qemus();
            assertEquals(2, qemus.size());
            ProcessHandle daemon = host.daemon().orElseThrow();
            ProcessHandle victim = switch (target) {
                case "daemon" -> daemon;
                case "namespace" -> host.namespace().orElseThrow();
                default -> host.launcher();
            };
            HostProcess.sigkill(victim);
            Wait.until("no QEMU, cgroup or VM folder left after SIGKILL of the " + target, Duration.ofSeconds(15),
                    () -> qemus.stream().noneMatch(ProcessHandle::isAlive) && !daemon.isAlive() && nothingLeft(host));
        } finally {
            host.close();
        }
    }

    @Test
    void sigtermDeletesEveryVmAndExitsCleanly() throws Exception {
        HostProcess host = startHost(1, GIB_KIB);
        try {
            VmInfo vm = host.client().createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null, null, null,
                    null));
            awaitReady(host.client(), vm.id());
            List<ProcessHandle> qemus = host.qemus();
            host.stop();
            assertTrue(qemus.stream().noneMatch(ProcessHandle::isAlive));
            assertNothingLeft(host);
            assertTrue(host.log().contains("deleted at shutdown"), "the log says what happened");
        } finally {
            host.close();
        }
    }

    @Test
    void deletesDuringTheCreateAndEachOtherReturnOnlyOnceTheVmIsGone() throws Exception {
        HostProcess host = startHost(2, 2 * GIB_KIB);
        ExecutorService calls = Executors.newFixedThreadPool(3);
        try {
            HostClient client = host.client();
            for (int round = 0; round < 3; round++) {
                String name = "race" + round;
                Future<VmInfo> create = calls.submit(() -> client.createVm(new VmCreateRequest(name, TinyImage.X86_64,
                        1, 256, null, null, null, null)));
                String[] id = new String[1];
                Wait.until("the VM " + name + " listed while it is being made", Duration.ofSeconds(30), () -> {
                    client.vms().stream().filter(v -> v.name().equals(name)).findFirst().ifPresent(v -> id[0] = v.id());
                    return id[0] != null;
                });
                List<Future<String>> deletes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    deletes.add(calls.submit(() -> {
                        try {
                            client.deleteVm(id[0]);
                            return "deleted";
                        } catch (ApiException e) {
                            return e.status() == 404 ? "not found" : "error " + e.status() + ": " + e.getMessage();
                        }
                    }));
                }
                for (Future<String> d : deletes) {
                    String outcome = d.get(3, TimeUnit.MINUTES);
                    assertTrue(outcome.equals("deleted") || outcome.equals("not found"), outcome);
                    assertTrue(client.vms().stream().noneMatch(v -> v.id().equals(id[0])),
                            "round " + round + ": a delete that returned (" + outcome + ") left the VM listed");
                    assertEquals(List.of(), host.qemus().stream().filter(q -> Arrays.asList(q.info().arguments()
                            .orElse(new String[0])).contains("tt-" + id[0])).toList(),
                            "round " + round + ": a delete that returned (" + outcome + ") left its QEMU running");
                }
                try {
                    create.get(3, TimeUnit.MINUTES);
                } catch (ExecutionException e) {
                    assertTrue(e.getCause() instanceof ApiException, "the create failed otherwise: " + e.getCause());
                }
            }
            try (Stream<Path> left = Files.list(host.stateDir().resolve("vms"))) {
                assertEquals(List.of(), left.toList(), "no VM folder is left");
            }
            assertEquals(List.of(), host.qemus(), "no QEMU is left");
            host.stop();
            assertNothingLeft(host);
        } finally {
            calls.shutdownNow();
            host.close();
        }
    }

    private static void assertNothingLeft(HostProcess host) throws IOException {
        assertTrue(nothingLeft(host), "no VM folder, control socket or cgroup is left");
    }

    private static boolean nothingLeft(HostProcess host) throws IOException {
        try (Stream<Path> left = Files.list(host.stateDir().resolve("vms"))) {
            if (left.findAny().isPresent()) {
                return false;
            }
        }
        if (Files.exists(Path.of("/run", host.instance()))) {
            return false;
        }
        // cgroup v1 hierarchies, or the unified v2 tree
        return Stream.of("cpu", "memory", "")
                .noneMatch(h -> Files.exists(Path.of("/sys/fs/cgroup", h, host.instance())));
    }

    private static List<String> openFiles(ProcessHandle p) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(p.pid()), "fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";
                }
            }).toList();
        }
    }
}
