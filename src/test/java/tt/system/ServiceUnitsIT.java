package tt.system;

import org.junit.jupiter.api.Test;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.HostClient;
import tt.client.ServerTrust;
import tt.server.TlsIdentity;
import tt.server.TokenFiles;
import tt.testkit.PortFile;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.Wait;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * packaging/install.sh and its systemd units: installed into a folder, checked by systemd-analyze
 * verify, and tt-host's unit run as systemd runs it (its ExecStart with the settings file's flags,
 * stopped with SIGTERM to the main process only, as KillMode=mixed does) leaves no QEMU behind.
 */
class ServiceUnitsIT {

    private final Path work = Path.of("target/service-units-" + System.nanoTime()).toAbsolutePath();

    @Test
    void theInstalledUnitsVerifyAndTheHostUnitStopsWithNoVmLeft() throws Exception {
        Requirements.qemuAndRoot();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
                "systemd-analyze is not installed: run images/setup-deps.sh (bin/test-all does)");
        Path root = Files.createDirectories(work.resolve("root"));
        Process install = new ProcessBuilder(Checkout.root().resolve("packaging/install.sh").toString(), "--root",
                root.toString(), "--no-reload").redirectErrorStream(true).start();
        String installed = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, install.waitFor(), installed);
        Path hostUnit = root.resolve("etc/systemd/system/tt-host.service");
        Path backendUnit = root.resolve("etc/systemd/system/tt-backend.service");

        Process verify = new ProcessBuilder("systemd-analyze", "verify", hostUnit.toString(), backendUnit.toString())
                .redirectErrorStream(true).start();
        String complaints = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, verify.waitFor(), complaints);
        assertEquals("", complaints.strip(), "systemd-analyze verify finds nothing to say");

        Map<String, String> unit = directives(hostUnit);
        assertEquals("mixed", unit.get("KillMode"));
        assertEquals("143", unit.get("SuccessExitStatus"));
        assertEquals("/etc/default/tt-host", unit.get("EnvironmentFile"));
        assertTrue(Files.readString(root.resolve("etc/default/tt-host")).contains("TT_HOST_OPTS=\"--image-path"));

        Path images = TinyImage.x86Only(work.resolve("images"));
        Path state = work.resolve("host-state");
        Path portFile = work.resolve("host.port");
        Files.writeString(root.resolve("etc/default/tt-host"), "TT_HOST_OPTS=\"--image-path " + images
                + " --cpu-total 2 --mem-total " + 2 * 1024 * 1024 + " --disk-total " + 20 * 1024 * 1024
                + " --serv-addr 127.0.0.1 --serv-port 0 --port-file " + portFile + " --state-dir " + state
                + "\"\n");
        List<String> command = execStart(unit.get("ExecStart"), root.resolve("etc/default/tt-host"));
        Process service = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("tt-host.log").toFile()).start();
        try {
            int port = PortFile.await("the service's tt-host", portFile, service,
                    () -> Files.readString(work.resolve("tt-host.log")));
            Wait.until("the service's tt-host API", Duration.ofSeconds(90), () -> {
                assertTrue(service.isAlive(), "the service ended: " + Files.readString(work.resolve("tt-host.log")));
                return Files.isRegularFile(state.resolve("tls/fingerprint")) && client(state, port).host() != null;
            });
            VmInfo vm = client(state, port).createVm(new VmCreateRequest("svc", TinyImage.X86_64, 1, 256, null, null, null, null));
            Wait.until("the VM ready", Duration.ofSeconds(240), () -> client(state, port).vm(vm.id()).state() == VmState.READY);
            List<ProcessHandle> qemus = service.toHandle().descendants()
                    .filter(h -> h.info().command().orElse("").contains("qemu-system")).toList();
            assertEquals(1, qemus.stream().filter(h -> Arrays.asList(h.info().arguments().orElse(new String[0]))
                    .contains("tt-" + vm.id())).count(), "the VM's QEMU runs under the service: " + qemus);

            ProcessHandle.of(service.pid()).orElseThrow().destroy();
            assertTrue(service.waitFor(120, TimeUnit.SECONDS), "stopped within the unit's TimeoutStopSec");
            assertTrue(Arrays.asList(0, 143).contains(service.exitValue()),
                    "a clean stop by the unit's SuccessExitStatus: " + service.exitValue());
            assertEquals(List.of(), qemus.stream().filter(ProcessHandle::isAlive).toList(),
                    "no QEMU (the VM's, or a snapshot build's) is left after the stop");
            assertEquals(List.of(), service.toHandle().descendants().filter(ProcessHandle::isAlive).toList(),
                    "nothing of the service is left for systemd's final SIGKILL");
        } finally {
            service.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            service.destroyForcibly();
        }
    }

    private static HostClient client(Path state, int port) throws Exception {
        TlsIdentity own = TlsIdentity.fromFiles(state.resolve("tls/cert.pem"), state.resolve("tls/key.pem"));
        String token = Files.readString(TokenFiles.machinePoolTokenFile()).strip();
        return new HostClient(URI.create("https://127.0.0.1:" + port), token,
                ServerTrust.pinned(own.fingerprint()).presenting(own.keyManagers()));
    }

    /** The unit's directives (the last of each name). */
    private static Map<String, String> directives(Path unit) throws Exception {
        return Files.readAllLines(unit).stream().filter(l -> l.matches("[A-Za-z]+=.*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1),
                        (a, b) -> b));
    }

    /** ExecStart as systemd runs it: $VAR replaced by the words of the settings file's VAR, no shell. */
    private static List<String> execStart(String execStart, Path environmentFile) throws Exception {
        Map<String, String> env = Files.readAllLines(environmentFile).stream().filter(l -> l.matches("[A-Z_]+=.*"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')),
                        l -> l.substring(l.indexOf('=') + 1).replaceAll("^\"|\"$", "")));
        List<String> words = new ArrayList<>();
        for (String word : execStart.split("\\s+")) {
            if (word.startsWith("$")) {
                words.addAll(Arrays.asList(env.get(word.substring(1)).split("\\s+")));
            } else {
                words.add(word);
            }
        }
        return words;
    }
}
