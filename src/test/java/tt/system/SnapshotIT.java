package tt.system;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import org.junit.jupiter.api.Test;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvVm;
import tt.api.GuestHostname;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.api.WarmPoolStatus;
import tt.client.BackendClient;
import tt.client.HostClient;
import tt.testkit.BackendProcess;
import tt.testkit.HostProcess;
import tt.testkit.Requirements;
import tt.testkit.SshKeys;
import tt.testkit.TinyImage;
import tt.testkit.Wait;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Instant VMs with real guests: two VMs restored from the same snapshot of the tiny image each have
 * their own identity (SSH host keys, random output, hostname) and the right time; and a warm pool
 * of tt-backend hands a waiting VM to an ENV, never showing it as anyone's ENV, and refills.
 * Everything waits for states (the host's API, its log), never for a time: under TCG on a busy
 * machine a boot may take many times its usual time.
 */
class SnapshotIT {

    private static final Duration BOOT = Duration.ofMinutes(10);

    @Test
    void twoClonesOfOneSnapshotDifferInHostKeysRandomnessAndNameAndKeepTime() throws Exception {
        Path work = workDir("target/snapshot-it");
        Path images = TinyImage.x86Only(Files.createDirectories(work.resolve("images")));
        SshKeys user = SshKeys.generate();
        try (HostProcess host = HostProcess.start(images, work, 2, 2048L * 1024,
                List.of("--boot-timeout", "600"))) {
            HostClient client = host.client();
            // the host builds the snapshot of the image's default size in the background at start
            Wait.until("the snapshot of the tiny image built", BOOT, () -> {
                String log = host.log();
                assertTrue(log.lines().noneMatch(l -> l.contains("snapshot of " + TinyImage.X86_64)
                        && l.contains(" not built")), "the snapshot was not built:\n" + log);
                return log.contains(" built: booted to its agent");
            });
            VmInfo a = client.createVm(new VmCreateRequest("clone-a", TinyImage.X86_64, null, null, null,
                    List.of(user.publicKey()), null, null));
            VmInfo b = client.createVm(new VmCreateRequest("clone-b", TinyImage.X86_64, null, null, null,
                    List.of(user.publicKey()), null, null));
            a = awaitReady(client, a.id());
            b = awaitReady(client, b.id());
            assertEquals("snapshot", a.boot(), "clone-a was restored from the snapshot: " + host.log());
            assertEquals("snapshot", b.boot(), "clone-b was restored from the snapshot: " + host.log());
            String log = host.log();
            assertTrue(log.contains("vm " + a.id() + ": restored from snapshot"), log);
            assertTrue(log.contains("vm " + b.id() + ": restored from snapshot"), log);

            Guest ga = Guest.login(user, a);
            Guest gb = Guest.login(user, b);
            assertEquals("clone-a", ga.hostname());
            assertEquals("clone-b", gb.hostname());
            assertNotEquals(ga.hostKey(), gb.hostKey(), "each clone has its own SSH host key");
            assertNotEquals(ga.random(), gb.random(), "each clone has its own random numbers");
            for (Guest g : List.of(ga, gb)) {
                assertTrue(Math.abs(g.clockSkewSeconds()) <= 5, g.hostname() + "'s clock is off by "
                        + g.clockSkewSeconds() + " s");
            }
            client.deleteVm(a.id());
            client.deleteVm(b.id());
        }
    }

    @Test
    void aWarmPoolHandsItsVmToAnEnvAndRefills() throws Exception {
        Path work = workDir("target/snapshot-it-warm");
        Path images = TinyImage.x86Only(Files.createDirectories(work.resolve("images")));
        SshKeys user = SshKeys.generate();
        String hostToken = "warm-host-token";
        try (HostProcess host = HostProcess.start(images, work, 2, 2048L * 1024, hostToken,
                List.of("--boot-timeout", "600"));
             BackendProcess backend = BackendProcess.start(work.resolve("backend-" + host.port()),
                     List.of(host), hostToken, List.of())) {
            BackendClient admin = backend.client();
            BackendProcess.awaitOnline(admin, 1);
            admin.setWarmPool(TinyImage.X86_64, 1, 1);
            HostClient hostApi = host.client();
            Wait.until("one warm VM waiting", BOOT, () -> pool(admin).ready() == 1);
            VmInfo warm = warmVm(hostApi).orElseThrow(() -> new AssertionError("the host shows no WARM VM"));
            assertTrue(admin.envs().isEmpty(), "a warm VM is nobody's ENV: " + admin.envs());

            EnvInfo env = admin.createEnv(EnvCreateRequest.builder("warmed").images(TinyImage.X86_64)
                    .sshKeys(List.of(user.publicKey())).build());
            Wait.until("the ENV ready", BOOT, () -> {
                EnvInfo now = admin.env("warmed", 0);
                assertTrue(now.vms().stream().noneMatch(v -> v.state() == VmState.FAILED), now.toString());
                return now.vms().stream().allMatch(v -> v.state() == VmState.READY);
            });
            EnvVm vm = admin.env("warmed", 0).vms().get(0);
            assertEquals(warm.id(), vm.hostVmId(), "the ENV got the warm VM");
            assertTrue(backend.log().contains("is warm VM " + warm.id()), backend.log());
            Guest guest = Guest.login(user, hostApi.vm(vm.hostVmId()));
            assertEquals(GuestHostname.of(vm.name()), guest.hostname());

            // the pool refills with another VM, which no ENV list shows
            Wait.until("the warm pool refilled", BOOT, () -> warmVm(hostApi).filter(v -> !v.id().equals(warm.id()))
                    .isPresent() && pool(admin).ready() == 1);
            assertEquals(List.of("warmed"), admin.envs().stream().map(EnvInfo::name).toList());
            admin.deleteEnv("warmed");
            admin.deleteWarmPool(TinyImage.X86_64);
            Wait.until("the warm VM deleted with its pool", Duration.ofMinutes(2), () -> hostApi.vms().isEmpty());
        }
    }

    /** The test's folder; stops the test (assumption) where QEMU or root is missing. */
    private static Path workDir(String name) throws Exception {
        Requirements.qemuAndRoot();
        return Files.createDirectories(Path.of(name).toAbsolutePath());
    }

    private static WarmPoolStatus pool(BackendClient admin) throws Exception {
        return admin.warmPools().stream().filter(p -> p.image().equals(TinyImage.X86_64)).findFirst()
                .orElseThrow(() -> new AssertionError("no warm pool of " + TinyImage.X86_64));
    }

    private static Optional<VmInfo> warmVm(HostClient host) throws Exception {
        return host.vms().stream().filter(v -> v.state() == VmState.WARM).findFirst();
    }

    private static VmInfo awaitReady(HostClient client, String id) throws Exception {
        Wait.until("VM " + id + " ready", BOOT, () -> {
            VmInfo now = client.vm(id);
            assertNotEquals(VmState.FAILED, now.state(), () -> "VM " + id + " failed: " + now.error());
            return now.state() == VmState.READY;
        });
        return client.vm(id);
    }

    /** What one guest shows over a real SSH login: its host key, hostname, clock and random bytes. */
    private record Guest(String hostKey, String hostname, String random, long clockSkewSeconds) {

        static Guest login(SshKeys user, VmInfo vm) throws Exception {
            JSch jsch = new JSch();
            jsch.addIdentity("user", user.privateKey(), null, null);
            Session session = jsch.getSession("root", vm.address(), vm.sshPort());
            session.setConfig("StrictHostKeyChecking", "no");
            session.connect(60_000);
            try {
                ChannelExec ch = (ChannelExec) session.openChannel("exec");
                ch.setCommand("hostname; date +%s; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n'");
                InputStream in = ch.getInputStream();
                long before = Instant.now().getEpochSecond();
                ch.connect(60_000);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                long after = Instant.now().getEpochSecond();
                ch.disconnect();
                String[] lines = out.toString(StandardCharsets.US_ASCII).split("\n");
                assertEquals(3, lines.length, "hostname, time and random bytes: " + String.join("|", lines));
                long guestTime = Long.parseLong(lines[1].strip());
                long skew = guestTime < before ? guestTime - before : guestTime > after ? guestTime - after : 0;
                return new Guest(session.getHostKey().getFingerPrint(jsch), lines[0].strip(), lines[2].strip(), skew);
            } finally {
                session.disconnect();
            }
        }
    }
}
