package tt.host.vm;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.Validation;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.host.cgroup.Cgroups;
import tt.server.ConflictException;
import tt.server.NotFoundException;
import tt.host.engine.Engine;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageSpeeds;
import tt.host.snapshot.SnapshotStore;
import tt.host.ssh.GuestExec;
import tt.host.ssh.HostSshKey;
import tt.server.ConflictException;
import tt.server.NotFoundException;
import tt.local.Revert;
import tt.local.DaemonThreads;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The VMs of this host, as the API sees them: creates them (validate, admit, then
 * {@link VmLauncher launch}, every step undone if a later one fails), has them watched until they
 * are ready ({@link VmReadiness}), pauses, resumes, runs commands in them ({@link GuestCommands})
 * and deletes them leaving nothing behind.
 */
public final class VmManager implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VmManager.class);
    private static final int MAX_DISK_MIB = 1024 * 1024;
    private static final int MAX_MEM_MIB = 1024 * 1024;
    private static final int MAX_CPUS = 256;
    /** How long a delete waits for another call that is deleting the same VM. */
    private static final Duration DELETE_WAIT = Duration.ofSeconds(120);

    /** Sizes used when a request leaves them out, and how long a guest may take to answer SSH. */
    public record Defaults(int cpu, int memMib, int bootTimeoutSeconds) {
    }

    private final Path vmsDir;
    private final String address;
    private final ImageCatalog images;
    private final Map<String, Engine> engines;
    private final ResourceLedger ledger;
    private final VmSnapshots snapshots;
    private final VmLauncher launcher;
    private final VmReadiness readiness;
    private final GuestCommands guest;
    private final Defaults defaults;
    private final Map<String, Vm> vms = new ConcurrentHashMap<>();
    private final ExecutorService watchers = Executors.newCachedThreadPool(DaemonThreads.named("vm-watch"));
    private final SecureRandom random = new SecureRandom();

    public VmManager(Path vmsDir, Path socketsDir, String address, ImageCatalog images, Map<String, Engine> engines, Cgroups cgroups,
                     ResourceLedger ledger, PortAllocator portAllocator, HostSshKey hostKey, ImageSpeeds speeds,
                     SnapshotStore snapshotStore, MeterRegistry registry, Defaults defaults) {
        this.vmsDir = vmsDir;
        this.address = address;
        this.images = images;
        this.engines = engines;
        this.ledger = ledger;
        for (VmState state : VmState.values()) {
            Gauge.builder("tt_host_vms", vms, all -> all.values().stream().filter(v -> v.state() == state).count())
                    .tag("state", state.name()).description("this host's VMs by state").register(registry);
        }
        this.snapshots = new VmSnapshots(snapshotStore, new VmSnapshots.Host(engines, cgroups, ledger, address,
                socketsDir, hostKey.publicKey(), Duration.ofSeconds(defaults.bootTimeoutSeconds())));
        this.launcher = new VmLauncher(socketsDir, address, engines, cgroups, portAllocator, hostKey, snapshots);
        this.guest = new GuestCommands(address, new GuestExec(hostKey), speeds);
        this.readiness = new VmReadiness(address, launcher, snapshots, guest, registry, defaults.bootTimeoutSeconds());
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
            try (Revert revert = new Revert()) {
                revert.add(() -> giveBack(vm));
                try {
                    launcher.launch(vm, keys, guestPorts, warm, revert);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("vm {}: create failed: {}", id, e.getMessage());
                    throw e;
                }
                revert.disarm();
            }
        }
        watchers.submit(() -> readiness.awaitReady(vm));
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
            vm.requireState(VmState.WARM, "give an identity to");
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
        launcher.writeIdentityFiles(vm, keys);
        watchers.submit(() -> readiness.awaitReady(vm));
        LOG.info("vm {}: given the identity of {}", vm.id, name);
        return vm.info(address);
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
        vm.requireState(VmState.READY, "stop");
        vm.process.pause();
        vm.markStopped();
        LOG.info("vm {}: paused", id);
        return vm.info(address);
    }

    public VmInfo start(String id) throws IOException {
        Vm vm = find(id);
        vm.requireState(VmState.STOPPED, "start");
        vm.process.resume();
        vm.markResumed();
        LOG.info("vm {}: resumed", id);
        return vm.info(address);
    }

    public ExecResult exec(String id, ExecRequest req) throws IOException {
        return guest.exec(find(id), req);
    }

    /** The last {@code maxBytes} of the VM's serial console. */
    public String console(String id, int maxBytes) throws IOException {
        Vm vm = find(id);
        return LogTail.bytes(vm.dir.resolve("console.log"), maxBytes);
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

    /**
     * Kills the process, removes the cgroup and every file, and gives back ports and resources;
     * nothing is left to do for a VM whose failed create gave everything back.
     */
    private void destroy(Vm vm) {
        synchronized (vm.lifecycle) {
            if (vm.isGone()) {
                return;
            }
            vm.beginDelete();
            launcher.tearDown(vm);
            giveBack(vm);
        }
    }

    /** The VM leaves the host's list and gives back its room; whoever waits for it to go is told. */
    private void giveBack(Vm vm) {
        vm.beginDelete();
        synchronized (vms) {
            vms.remove(vm.id);
            if (vm.hold != null) {
                vm.hold.release();
            }
        }
        vm.markGone();
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
