package tt.host.vm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Capacity;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.Validation;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.local.FileTrees;
import tt.host.cgroup.Cgroups;
import tt.server.ConflictException;
import tt.server.NotFoundException;
import tt.host.engine.Engine;
import tt.host.engine.VmLaunch;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageSpeeds;
import tt.host.snapshot.SnapshotStore;
import tt.host.engine.SnapshotUse;
import tt.host.engine.VmProcess;
import tt.host.ssh.GuestExec;
import tt.host.ssh.HostSshKey;
import tt.host.ssh.SshBanner;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The VMs of this host: creates them (validate, reserve, disk, cgroup, ports, process), watches
 * them boot, pauses, resumes, runs commands in them and deletes them leaving nothing behind.
 */
public final class VmManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VmManager.class);
    private static final int MAX_DISK_MIB = 1024 * 1024;
    private static final int MAX_MEM_MIB = 1024 * 1024;
    private static final int MAX_CPUS = 256;
    /** Room for QEMU itself above the guest's RAM in the VM's memory limit. */
    static final long QEMU_OVERHEAD_BYTES = 256L << 20;
    private static final int START_ATTEMPTS = 3;
    private static final Duration IDENTITY_TIMEOUT = Duration.ofSeconds(120);
    /** How long a delete waits for another call that is deleting the same VM. */
    private static final Duration DELETE_WAIT = Duration.ofSeconds(120);

    /** Sizes used when a request leaves them out, and how long a guest may take to answer SSH. */
    public record Defaults(int cpu, int memMib, int bootTimeoutSeconds) {
    }

    private final Path vmsDir;
    private final Path socketsDir;
    private final String address;
    private final ImageCatalog images;
    private final Map<String, Engine> engines;
    private final Cgroups cgroups;
    private final ResourceLedger ledger;
    private final PortAllocator portAllocator;
    private final HostSshKey hostKey;
    private final GuestExec guestExec;
    private final ImageSpeeds speeds;
    private final VmSnapshots snapshots;
    private final MeterRegistry registry;
    private final Set<String> speedsMeasuring = ConcurrentHashMap.newKeySet();
    private final Defaults defaults;
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "vm-watch");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();

    public VmManager(Path vmsDir, Path socketsDir, String address, ImageCatalog images, Map<String, Engine> engines, Cgroups cgroups,
                     ResourceLedger ledger, PortAllocator portAllocator, HostSshKey hostKey, ImageSpeeds speeds,
                     SnapshotStore snapshotStore, MeterRegistry registry, Defaults defaults) {
        this.vmsDir = vmsDir;
        this.socketsDir = socketsDir;
        this.address = address;
        this.images = images;
        this.engines = engines;
        this.cgroups = cgroups;
        this.ledger = ledger;
        this.portAllocator = portAllocator;
        this.hostKey = hostKey;
        this.guestExec = new GuestExec(hostKey);
        this.speeds = speeds;
        this.registry = registry;
        for (VmState state : VmState.values()) {
            Gauge.builder("tt_host_vms", vms, all -> all.values().stream().filter(v -> v.state() == state).count())
                    .tag("state", state.name()).description("this host's VMs by state").register(registry);
        }
        this.snapshots = new VmSnapshots(snapshotStore, new VmSnapshots.Host(engines, cgroups, ledger, address,
                socketsDir, hostKey.publicKey(), Duration.ofSeconds(defaults.bootTimeoutSeconds())));
        this.defaults = defaults;
    }

    public VmInfo create(VmCreateRequest req) throws IOException {
        if (req == null) {
            throw new IllegalArgumentException("request body is missing: send JSON with at least \"image\"");
        }
        Image image = images.find(req.image()).orElseThrow(() -> new NotFoundException("unknown image '"
                + Validation.printable(req.image()) + "': list images with GET /api/v1/images"));
        Engine engine = engines.get(image.name().engine());
        if (engine == null) {
            throw new IllegalArgumentException("image " + image.name() + " needs engine '" + image.name().engine()
                    + "', which this host does not run (it runs " + engines.keySet() + ")");
        }
        int cpu = (int) Validation.range("cpu", req.cpu() == null ? defaults.cpu() : req.cpu(), 1, MAX_CPUS, "vCPUs");
        int memMib = (int) Validation.range("memory", req.memMib() == null
                ? Math.max(defaults.memMib(), image.manifest().minMemMib()) : req.memMib(),
                Math.max(64, image.manifest().minMemMib()), MAX_MEM_MIB, "MiB");
        int imageMib = (int) ((image.diskKib() + 1023) / 1024);
        int diskMib = (int) Validation.range("disk", req.diskMib() == null ? imageMib : req.diskMib(),
                imageMib, MAX_DISK_MIB, "MiB");
        List<String> keys = Validation.sshKeys(req.sshKeys());
        List<Integer> guestPorts = Validation.guestPorts(req.ports());
        Map<String, String> tags = Validation.tags(req.tags());
        boolean warm = Boolean.TRUE.equals(req.warm());
        if (warm && !VmSnapshots.supports(image)) {
            throw new IllegalArgumentException("image " + image.name() + " cannot be kept warm: its guest has no TT agent"
                    + " (\"agent\": \"tt\" in image.json; x86_64)");
        }
        String id = "vm-" + HexFormat.of().formatHex(random.generateSeed(4));
        String name = req.name() == null ? id : Validation.name("VM name", req.name());

        Vm vm = new Vm(id, name, image, cpu, memMib, diskMib, tags, vmsDir.resolve(id),
                engine.accelFor(image));
        admit(vm, warm);
        synchronized (vm.lifecycle) {
            if (vm.isDeleting()) {
                throw new ConflictException("VM " + id + " was deleted while it was being made");
            }
            try {
                launch(vm, engine, keys, guestPorts, warm);
            } catch (IOException | RuntimeException e) {
                LOG.warn("vm {}: create failed: {}", id, e.getMessage());
                destroy(vm);
                throw e;
            }
        }
        watchers.submit(() -> awaitReady(vm));
        return vm.info(address);
    }

    /**
     * Takes the VM in: its name free on this host, its room reserved. A user's VM takes room from
     * the host's own work and from warm VMs if it must (see {@link ResourceLedger}); a warm VM
     * takes free room only, and is deleted when a user's VM needs its room.
     */
    private void admit(Vm vm, boolean warm) {
        synchronized (vms) {
            if (vms.values().stream().anyMatch(v -> v.name.equals(vm.name))) {
                throw new ConflictException("a VM named '" + vm.name + "' exists on this host: pick another name");
            }
            vm.hold = warm ? ledger.reserveWarm(vm.capacity(), () -> watchers.submit(() -> yieldWarm(vm)))
                    : ledger.reserve(vm.capacity());
            vms.put(vm.id, vm);
        }
    }

    /** A warm VM whose room a user's VM took is deleted. */
    private void yieldWarm(Vm vm) {
        if (vm.beginDelete()) {
            destroy(vm);
            LOG.info("vm {}: warm VM deleted: a user's VM needed its room", vm.id);
        }
    }

    /**
     * Starts the VM: restored from a snapshot of its image and size when there is one (falling back
     * to a cold boot, with the reason in the log, when that fails), else booted cold. A warm VM
     * boots (or is restored) to its agent and waits there for its identity.
     */
    private void launch(Vm vm, Engine engine, List<String> keys, List<Integer> guestPorts, boolean warm)
            throws IOException {
        Files.createDirectories(vm.dir);
        Path seed = writeIdentityFiles(vm, keys);
        vm.awaitsIdentity = warm;
        vm.keptWarm = warm;
        vm.cgroup = cgroups.create(vm.id, vm.cpu, vm.memMib * 1024L * 1024L + QEMU_OVERHEAD_BYTES);
        List<Integer> wanted = new ArrayList<>(List.of(22));
        wanted.addAll(guestPorts);
        Optional<SnapshotStore.Snapshot> snapshot = snapshots.find(vm);
        if (snapshot.isPresent()) {
            try {
                start(vm, engine, wanted, seed, snapshot.get(), true);
                vm.restoredFrom = snapshot.get();
                vm.awaitsIdentity = true;
                LOG.info("vm {}: restored from snapshot {} of {}", vm.id, snapshot.get().dir().getFileName(),
                        vm.image.name());
                return;
            } catch (IOException e) {
                LOG.warn("vm {}: restoring snapshot {} failed ({}); booting cold instead", vm.id,
                        snapshot.get().dir().getFileName(), e.getMessage());
                snapshots.forget(snapshot.get());
                stopProcess(vm);
            }
        }
        start(vm, engine, wanted, seed, null, warm);
    }

    /** Writes the keys file and, for a NoCloud image, the seed; returns the seed (or null). */
    private Path writeIdentityFiles(Vm vm, List<String> userKeys) throws IOException {
        List<String> allKeys = new ArrayList<>(userKeys);
        allKeys.add(hostKey.publicKey());
        vm.keys = List.copyOf(allKeys);
        Files.writeString(keysFile(vm), String.join("\n", allKeys) + "\n", StandardCharsets.US_ASCII);
        return vm.image.manifest().nocloudSeed() ? NoCloudSeed.write(vm.dir, vm.id, vm.hostname(), allKeys) : null;
    }

    /**
     * Makes the VM's overlay and starts its process, cold or restoring {@code snapshot}; with
     * {@code byAgent}, the guest takes its identity from the agent after the boot.
     */
    private void start(Vm vm, Engine engine, List<Integer> wantedPorts, Path seed, SnapshotStore.Snapshot snapshot,
                       boolean byAgent) throws IOException {
        Path overlay = vm.dir.resolve("disk.qcow2");
        Files.deleteIfExists(overlay);
        long t0 = System.nanoTime();
        engine.createOverlay(snapshot == null ? vm.image.disk() : snapshot.disk(), overlay, vm.diskMib * 1024L * 1024L);
        LOG.info("vm {}: overlay over {} made in {} ms", vm.id, snapshot == null ? vm.image.name() : "its snapshot",
                (System.nanoTime() - t0) / 1_000_000);
        SnapshotUse use = snapshot == null ? null
                : new SnapshotUse(SnapshotUse.Mode.RESTORE, snapshot.ram(), snapshot.state());
        for (int attempt = 1; ; attempt++) {
            boolean freshPorts = vm.ports.isEmpty();
            if (freshPorts) {
                List<Integer> hostPorts = portAllocator.allocate(wantedPorts.size());
                Map<Integer, Integer> forwards = new LinkedHashMap<>();
                for (int i = 0; i < wantedPorts.size(); i++) {
                    forwards.put(wantedPorts.get(i), hostPorts.get(i));
                }
                vm.ports = Map.copyOf(forwards);
            }
            try {
                vm.process = engine.start(new VmLaunch(vm.id, vm.hostname(), vm.image, vm.cpu, vm.memMib, vm.dir,
                        controlSocket(vm), overlay, address, vm.ports, keysFile(vm), seed, vm.cgroup.procsFiles(), use,
                        byAgent ? agentSocket(vm) : null));
                break;
            } catch (IOException e) {
                boolean portClash = String.valueOf(e.getMessage()).contains("host forwarding");
                if (freshPorts) {
                    portAllocator.release(vm.hostPorts());
                    vm.ports = Map.of();
                }
                if (!portClash || !freshPorts || attempt >= START_ATTEMPTS) {
                    throw e;
                }
                LOG.info("vm {}: a forwarded port was taken meanwhile, retrying with others", vm.id);
            }
        }
        // the running QEMU holds the overlay open: unlinking it now means that however the
        // daemon ends, even by SIGKILL, the kernel frees the disk when the QEMU process goes
        Files.delete(overlay);
        VmProcess process = vm.process;
        process.onExit().thenRun(() -> {
            if (!vm.isDeleting() && vm.process == process) {
                String why = "QEMU exited (the guest powered off or crashed); QEMU's log ends with: "
                        + tail(vm.dir.resolve("engine.log"), 2) + "; the console ends with: "
                        + tail(vm.dir.resolve("console.log"), 3);
                LOG.warn("vm {}: {}", vm.id, why);
                vm.markFailed(why);
            }
        });
    }

    /** Ends the VM's process (a failed restore), keeping its ports for the cold boot that follows. */
    private static void stopProcess(Vm vm) {
        VmProcess p = vm.process;
        vm.process = null;
        if (p != null) {
            p.kill();
        }
    }

    private void awaitReady(Vm vm) {
        long t0 = System.nanoTime();
        if (vm.keptWarm) {
            awaitWarm(vm, t0);
            return;
        }
        if (vm.awaitsIdentity && !takeIdentity(vm)) {
            return;
        }
        long deadline = t0 + TimeUnit.SECONDS.toNanos(defaults.bootTimeoutSeconds());
        int port = vm.ports.get(22);
        try (SshBanner.Probe ssh = new SshBanner.Probe(address, port, () -> unansweredSsh(vm))) {
            awaitBanner(vm, ssh, t0, deadline, port);
        } catch (IOException e) {
            LOG.warn("vm {}: cannot probe its SSH port {}: {}", vm.id, port, e.toString());
            vm.markFailed("tt-host could not probe the VM's SSH port: " + e.getMessage());
        }
    }

    /** The SSH probes the guest has not answered yet (0 when the VM's process is gone). */
    private static int unansweredSsh(Vm vm) throws IOException {
        VmProcess process = vm.process;
        return process == null ? 0 : process.unansweredConnections(22);
    }

    private void awaitBanner(Vm vm, SshBanner.Probe ssh, long t0, long deadline, int port) throws IOException {
        boolean answered;
        try {
            answered = ssh.await(deadline, () -> vm.state() == VmState.BOOTING && !vm.isDeleting());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (answered) {
            if (vm.markReady()) {
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                LOG.info("vm {}: ready, SSH on {}:{} after {} ms ({}{})", vm.id, address, port, took.toMillis(),
                        vm.restoredFrom == null ? "cold boot" : "from snapshot", ssh.replaced() == 0 ? ""
                                : "; " + ssh.replaced() + (ssh.replaced() == 1 ? " probe" : " probes")
                                        + " made before the guest's network was up replaced");
                Timer.builder("tt_vm_boot").description("a VM's start (or its warm hand-out) to its SSH banner")
                        .tag("boot", vm.restoredFrom == null ? "cold" : "snapshot")
                        .tag("image", vm.image.name().toString()).publishPercentileHistogram().register(registry)
                        .record(took);
                if (vm.restoredFrom == null) {
                    snapshots.buildLater(vm);
                }
                measureSpeedOnce(vm);
            }
            return;
        }
        if (vm.state() == VmState.BOOTING && !vm.isDeleting()) {
            String why = "no SSH answer within " + defaults.bootTimeoutSeconds() + " s; console ends with: "
                    + tail(vm.dir.resolve("console.log"), 3);
            LOG.warn("vm {}: {}", vm.id, why);
            vm.markFailed(why);
        }
    }

    /** A warm VM: waits until its guest's agent answers, then waits for its identity. */
    private void awaitWarm(Vm vm, long t0) {
        try (GuestAgent agent = GuestAgent.connect(agentSocket(vm))) {
            agent.awaitReady(Duration.ofSeconds(defaults.bootTimeoutSeconds()));
            if (vm.markWarm()) {
                LOG.info("vm {}: warm after {} ms ({}), waiting for an identity", vm.id,
                        (System.nanoTime() - t0) / 1_000_000, vm.restoredFrom == null ? "cold boot" : "from snapshot");
            }
        } catch (IOException e) {
            if (!vm.isDeleting()) {
                LOG.warn("vm {}: its guest's agent did not answer: {}", vm.id, e.getMessage());
                vm.markFailed("the guest's agent did not answer: " + e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Gives a warm VM its name, keys and tags: it boots on to ready in a moment (its SSH server starts).
     */
    public VmInfo giveIdentity(String id, VmIdentity identity) throws IOException {
        Vm vm = find(id);
        if (identity == null) {
            throw new IllegalArgumentException("request body is missing: send JSON {\"name\": ..., \"sshKeys\": [...]}");
        }
        String name = Validation.name("VM name", identity.name());
        List<String> keys = Validation.sshKeys(identity.sshKeys());
        Map<String, String> tags = Validation.tags(identity.tags());
        synchronized (vms) {
            requireState(vm, VmState.WARM, "give an identity to");
            if (vms.values().stream().anyMatch(v -> v != vm && v.name.equals(name))) {
                throw new ConflictException("a VM named '" + name + "' exists on this host: pick another name");
            }
            if (!vm.hold.keep()) {
                throw new ConflictException("warm VM " + id + " gave its room to another VM and is being deleted:"
                        + " make a new VM");
            }
            vm.name = name;
            vm.tags = tags;
            vm.keptWarm = false;
            vm.markGivenIdentity();
        }
        writeIdentityFiles(vm, keys);
        watchers.submit(() -> awaitReady(vm));
        LOG.info("vm {}: given the identity of {}", vm.id, name);
        return vm.info(address);
    }

    /**
     * Gives a VM whose guest takes its identity from the agent (restored, or warm) its own; if that
     * fails, the VM boots cold instead. False when the VM cannot go on (deleted meanwhile, or the
     * cold boot failed).
     */
    private boolean takeIdentity(Vm vm) {
        long t0 = System.nanoTime();
        try (GuestAgent agent = GuestAgent.connect(agentSocket(vm))) {
            agent.giveIdentity(vm.hostname(), vm.keys, IDENTITY_TIMEOUT);
            vm.awaitsIdentity = false;
            LOG.info("vm {}: took its identity in {} ms", vm.id, (System.nanoTime() - t0) / 1_000_000);
            return true;
        } catch (IOException e) {
            if (vm.isDeleting()) {
                return false;
            }
            LOG.warn("vm {}: the restored guest did not take its identity ({}); booting cold instead", vm.id,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (vm.restoredFrom != null) {
            snapshots.forget(vm.restoredFrom);
        }
        vm.restoredFrom = null;
        vm.awaitsIdentity = false;
        synchronized (vm.lifecycle) {
            if (vm.isDeleting()) {
                return false;
            }
            stopProcess(vm);
            try {
                start(vm, engines.get(vm.image.name().engine()), List.copyOf(vm.ports.keySet()),
                        vm.image.manifest().nocloudSeed() ? vm.dir.resolve("seed.iso") : null, null, false);
                return true;
            } catch (IOException | RuntimeException e) {
                LOG.warn("vm {}: the cold boot after a failed restore failed too: {}", vm.id, e.getMessage());
                vm.markFailed("boot failed: " + e.getMessage());
                return false;
            }
        }
    }

    /** The first ready VM of an image whose slowdown is not known measures it (see {@link ImageSpeeds}). */
    private void measureSpeedOnce(Vm vm) {
        String image = vm.image.name().toString();
        if (speeds.factor(vm.image).isPresent() || !speedsMeasuring.add(image)) {
            return;
        }
        LOG.info("vm {}: measuring the slowdown of image {}", vm.id, image);
        try {
            ExecResult r = guestExec.run(address, vm.ports.get(22), vm.image.manifest().sshUser(),
                    ImageSpeeds.GUEST_COMMAND, 300);
            if (r.exitCode() != 0) {
                throw new IOException("the speed loop exited with " + r.exitCode() + ": " + r.stderr().strip());
            }
            speeds.record(vm.image, r.stdout());
        } catch (IOException | RuntimeException e) {
            LOG.warn("vm {}: the slowdown of image {} could not be measured: {}", vm.id, image, e.getMessage());
        } finally {
            speedsMeasuring.remove(image);
        }
    }

    public List<VmInfo> list() {
        return vms.values().stream().sorted(Comparator.comparing(v -> v.createdAt))
                .map(v -> v.info(address)).toList();
    }

    public VmInfo get(String id) {
        return find(id).info(address);
    }

    public VmInfo stop(String id) throws IOException {
        Vm vm = find(id);
        requireState(vm, VmState.READY, "stop");
        vm.process.pause();
        vm.markStopped();
        LOG.info("vm {}: paused", id);
        return vm.info(address);
    }

    public VmInfo start(String id) throws IOException {
        Vm vm = find(id);
        requireState(vm, VmState.STOPPED, "start");
        vm.process.resume();
        vm.markResumed();
        LOG.info("vm {}: resumed", id);
        return vm.info(address);
    }

    public ExecResult exec(String id, ExecRequest req) throws IOException {
        Vm vm = find(id);
        if (req == null) {
            throw new IllegalArgumentException("request body is missing: send JSON {\"cmd\": \"...\"}");
        }
        String cmd = Validation.command(req.cmd());
        int timeout = (int) Validation.range("timeoutSeconds", req.timeoutSeconds() == null ? 60 : req.timeoutSeconds(),
                1, 3600, "s");
        requireState(vm, VmState.READY, "exec in");
        ExecResult r = guestExec.run(address, vm.ports.get(22), vm.image.manifest().sshUser(), cmd, timeout);
        LOG.info("vm {}: exec finished with {} in {} ms", id, r.timedOut() ? "timeout" : "exit " + r.exitCode(),
                r.millis());
        return r;
    }

    /** The last {@code maxBytes} of the VM's serial console. */
    public String console(String id, int maxBytes) throws IOException {
        Vm vm = find(id);
        return tailBytes(vm.dir.resolve("console.log"), maxBytes);
    }

    /**
     * Deletes the VM and returns once it is gone, also when another call (or a failed create) is
     * deleting it already; a delete during the VM's create waits for its launch, then ends it.
     */
    public void delete(String id) {
        Vm vm = id == null ? null : vms.get(id);
        if (vm == null) {
            throw notFound(id);
        }
        if (vm.beginDelete()) {
            destroy(vm);
            LOG.info("vm {}: deleted", id);
            return;
        }
        try {
            if (!vm.awaitGone(DELETE_WAIT)) {
                throw new ConflictException("VM " + id + " is still being deleted after " + DELETE_WAIT.toSeconds()
                        + " s: ask again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("VM " + id + " is being deleted: ask again");
        }
    }

    /** Kills the process, removes the cgroup and every file, and gives back ports and resources. */
    private void destroy(Vm vm) {
        synchronized (vm.lifecycle) {
            vm.beginDelete();
            if (vm.process != null) {
                vm.process.kill();
            }
            if (vm.cgroup != null) {
                try {
                    vm.cgroup.remove();
                } catch (IOException e) {
                    LOG.error("vm {}: cgroup not removed: {}", vm.id, e.getMessage());
                }
            }
            try {
                FileTrees.delete(vm.dir);
                Files.deleteIfExists(controlSocket(vm));
                Files.deleteIfExists(agentSocket(vm));
            } catch (IOException e) {
                LOG.error("vm {}: files not removed from {}: {}", vm.id, vm.dir, e.getMessage());
            }
            portAllocator.release(vm.hostPorts());
            synchronized (vms) {
                vms.remove(vm.id);
                if (vm.hold != null) {
                    vm.hold.release();
                }
            }
        }
        vm.markGone();
    }

    private Path controlSocket(Vm vm) {
        return socketsDir.resolve(vm.id + ".qmp");
    }

    private Path agentSocket(Vm vm) {
        return socketsDir.resolve(vm.id + ".agent");
    }

    private static Path keysFile(Vm vm) {
        return vm.dir.resolve("authorized_keys");
    }

    /** Builds, in the background, the snapshots of the images' default size that are missing. */
    public void prepareSnapshots() {
        for (Image image : images.all()) {
            int imageMib = (int) ((image.diskKib() + 1023) / 1024);
            snapshots.buildLater(image, new SnapshotStore.Size(defaults.cpu(),
                    Math.max(defaults.memMib(), image.manifest().minMemMib()), imageMib));
        }
    }

    private Vm find(String id) {
        Vm vm = id == null ? null : vms.get(id);
        if (vm == null || vm.isDeleting()) {
            throw notFound(id);
        }
        return vm;
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no VM '" + Validation.printable(id) + "' on this host: list VMs with GET /api/v1/vms");
    }

    private static void requireState(Vm vm, VmState wanted, String action) {
        VmState now = vm.state();
        if (now != wanted) {
            throw new ConflictException("cannot " + action + " VM " + vm.id + ": it is " + now + ", must be " + wanted);
        }
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            String tail = String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size())).strip();
            return tail.isEmpty() ? "(nothing)" : tail;
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }

    private static String tailBytes(Path file, int maxBytes) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - maxBytes);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }

    /** Deletes every VM; used when the daemon stops. */
    @Override
    public void close() {
        snapshots.close();
        vms.values().forEach(vm -> {
            if (vm.beginDelete()) {
                destroy(vm);
                LOG.info("vm {}: deleted at shutdown", vm.id);
            }
        });
        watchers.shutdownNow();
    }
}
