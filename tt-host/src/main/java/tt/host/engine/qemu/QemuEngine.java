package tt.host.engine.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.local.ExternalCommand;
import tt.host.engine.Engine;
import tt.host.engine.SnapshotRole;
import tt.host.engine.VmLaunch;
import tt.host.engine.VmProcess;
import tt.host.image.Image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs VMs with QEMU: KVM where a probe shows it really works, TCG otherwise. Each QEMU process
 * joins its VM's cgroups before it executes (a tiny {@code sh} step whose only inputs are the
 * cgroup paths the daemon made), so no guest memory is ever charged outside the VM's group.
 */
public final class QemuEngine implements Engine {

    private static final Logger LOG = LoggerFactory.getLogger(QemuEngine.class);
    private static final String JOIN_CGROUPS_THEN_EXEC =
            "for f in $TT_CGROUP_PROCS; do echo $$ > \"$f\" || exit 111; done; exec \"$@\"";
    private static final long START_TIMEOUT_MS = 15_000;
    private static final int MIGRATION_TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String accelOverride;
    private final Map<String, AccelProbe.Result> accelByArch = new ConcurrentHashMap<>();

    /** @param accelOverride {@code auto} to probe, or {@code kvm} / {@code tcg} to force one */
    public QemuEngine(String accelOverride) {
        this.accelOverride = accelOverride;
    }

    @Override
    public String name() {
        return "qemu";
    }

    /** QEMU's version line, e.g. "QEMU emulator version 7.2.22 (Debian ...)": a snapshot is for one version. */
    public String version() {
        try {
            return ExternalCommand.run(List.of(QemuCommand.binaryFor("x86_64"), "--version"), Duration.ofSeconds(30))
                    .lines().findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    @Override
    public void createOverlay(Path backingDisk, Path overlay, long sizeBytes) throws IOException {
        QemuImg.createOverlay(backingDisk, overlay, sizeBytes);
    }

    /** Decides the accelerator for the image's arch once, probing with the image's kernel. */
    private AccelProbe.Result accel(Image image) {
        String arch = image.manifest().arch();
        return accelByArch.computeIfAbsent(arch, a -> {
            AccelProbe.Result r = !"auto".equals(accelOverride)
                    ? new AccelProbe.Result(accelOverride, "forced by --accel " + accelOverride)
                    : image.kernel() == null
                    ? new AccelProbe.Result("tcg", "no kernel of an image of this architecture to probe KVM with"
                            + " (images that boot through their firmware); give --accel kvm if KVM works here")
                    : AccelProbe.probe(a, image.kernel(), consoleDevice(a));
            LOG.info("accelerator for {} guests: {} ({})", a, r.accel(), r.reason());
            return r;
        });
    }

    @Override
    public String accelFor(Image image) {
        return accel(image).accel();
    }

    @Override
    public String accelSummary() {
        return new TreeMap<>(accelByArch).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().accel())
                .collect(Collectors.joining(","));
    }

    @Override
    public VmProcess start(VmLaunch launch) throws IOException {
        String accel = accelFor(launch.image());
        if ("uefi".equals(launch.image().manifest().firmware())) {
            Path vars = Firmware.uefiVars(launch.image().manifest().arch());
            if (!Files.isReadable(vars)) {
                throw new IOException("image " + launch.image().name() + " boots through UEFI, and " + vars
                        + " is missing: install Debian's ovmf (x86_64) or qemu-efi-aarch64 package");
            }
            Files.copy(vars, launch.firmwareVars());
        }
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", JOIN_CGROUPS_THEN_EXEC, "tt-vm-" + launch.vmId()));
        cmd.addAll(QemuCommand.build(launch, accel));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(launch.engineLog().toFile());
        pb.environment().put("TT_CGROUP_PROCS",
                launch.cgroupProcs().stream().map(Path::toString).collect(Collectors.joining(" ")));
        Process process = pb.start();
        LOG.info("vm {}: started QEMU pid {} under {} ({} vCPU, {} MiB, image {})", launch.vmId(), process.pid(),
                accel, launch.cpus(), launch.memMib(), launch.image().name());
        try {
            Qmp qmp = connectQmp(launch, process);
            if (launch.snapshot() != null && launch.snapshot().mode() == SnapshotRole.Mode.RESTORE) {
                restore(qmp, launch.snapshot().state());
            }
            return new QemuVmProcess(process, qmp);
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    /**
     * Takes control of a QEMU process started elsewhere with {@link QemuCommand#build}'s command line
     * for {@code launch} (a benchmark's bare boot), as {@link #start} does of its own.
     */
    public static VmProcess attach(Process process, VmLaunch launch) throws IOException {
        return new QemuVmProcess(process, connectQmp(launch, process));
    }

    /** Loads the devices' state of a snapshot into a VM started with -incoming defer, then runs it. */
    private static void restore(Qmp qmp, Path state) throws IOException {
        qmp.execute("migrate-set-capabilities", ignoreShared());
        qmp.execute("migrate-incoming", JSON.createObjectNode().put("uri", "exec:cat " + shellQuoted(state)));
        awaitMigration(qmp, "loading the snapshot");
        qmp.execute("cont");
    }

    /** The x-ignore-shared capability: RAM in a shared file is not part of the state stream. */
    private static JsonNode ignoreShared() {
        ObjectNode capability = JSON.createObjectNode().put("capability", "x-ignore-shared").put("state", true);
        ObjectNode args = JSON.createObjectNode();
        args.putArray("capabilities").add(capability);
        return args;
    }

    /** Polls the migration until it completed; throws with QEMU's reason if it failed. */
    private static void awaitMigration(Qmp qmp, String what) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MIGRATION_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            JsonNode status = qmp.execute("query-migrate");
            String s = status.path("status").asText("none");
            if (s.equals("completed")) {
                return;
            }
            if (s.equals("failed") || s.equals("cancelled")) {
                throw new IOException(what + " failed: " + status.path("error-desc").asText(s));
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + what, e);
            }
        }
        throw new IOException(what + " did not complete within " + MIGRATION_TIMEOUT_SECONDS + " s");
    }

    /** A path in single quotes for the shell QEMU's exec: migration runs; refuses quotes in it. */
    static String shellQuoted(Path p) throws IOException {
        String s = p.toString();
        if (s.contains("'")) {
            throw new IOException("a snapshot path must not contain a single quote: " + s);
        }
        return "'" + s + "'";
    }

    private static Qmp connectQmp(VmLaunch launch, Process process) throws IOException {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("QEMU exited at start: " + lastLines(launch.engineLog()));
            }
            if (Files.exists(launch.controlSocket())) {
                try {
                    return Qmp.connect(launch.controlSocket());
                } catch (IOException notYet) {
                    LOG.debug("vm {}: QMP not ready yet: {}", launch.vmId(), notYet.getMessage());
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting QEMU", e);
            }
        }
        throw new IOException("QEMU did not open its control socket within " + START_TIMEOUT_MS + " ms");
    }

    static String lastLines(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static String consoleDevice(String arch) {
        return "aarch64".equals(arch) ? "ttyAMA0" : "ttyS0";
    }

    private static final class QemuVmProcess implements VmProcess {
        private final Process process;
        private final Qmp qmp;

        QemuVmProcess(Process process, Qmp qmp) {
            this.process = process;
            this.qmp = qmp;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public CompletableFuture<Void> onExit() {
            return process.onExit().thenApply(p -> null);
        }

        @Override
        public void pause() throws IOException {
            qmp.execute("stop");
        }

        @Override
        public void resume() throws IOException {
            qmp.execute("cont");
        }

        @Override
        public int unansweredConnections(int guestPort) throws IOException {
            JsonNode text = qmp.execute("human-monitor-command",
                    JSON.createObjectNode().put("command-line", "info usernet"));
            return UserNetConnections.unanswered(text.asText(), guestPort);
        }

        @Override
        public void saveSnapshot(Path state) throws IOException {
            qmp.execute("stop");
            qmp.execute("migrate-set-capabilities", ignoreShared());
            qmp.execute("migrate", JSON.createObjectNode().put("uri", "exec:cat > " + shellQuoted(state)));
            awaitMigration(qmp, "saving the snapshot");
            qmp.execute("quit");
        }

        @Override
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                qmp.close();
            } catch (IOException ignored) {
                // the socket is gone with the process
            }
        }
    }
}
