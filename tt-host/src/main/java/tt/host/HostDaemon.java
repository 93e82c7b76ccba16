package tt.host;

import tt.local.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.HostInfo;
import tt.local.LocalDaemons;
import tt.api.ServerAddress;
import tt.server.ApiServer;
import tt.server.DaemonFilePublisher;
import tt.host.join.HostJoins;
import tt.host.join.JoinResource;
import tt.host.join.PoolMemberFilter;
import tt.server.Metrics;
import tt.server.MetricsResource;
import tt.host.api.HostResource;
import tt.host.api.VmResource;
import tt.host.cgroup.Cgroups;
import tt.host.engine.Engine;
import tt.host.engine.qemu.QemuEngine;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageSpeeds;
import tt.host.snapshot.SnapshotStore;
import tt.host.ssh.HostSshKey;
import tt.host.vm.PortAllocator;
import tt.host.vm.ResourceLedger;
import tt.host.vm.VmManager;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Wires the daemon together, and takes it apart again leaving nothing behind. */
final class HostDaemon implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostDaemon.class);
    private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");

    private final HostConfig config;
    private final ImageCatalog images;
    private final Cgroups cgroups;
    private final VmManager vms;
    private final HostExtension.Served extension;
    private final ApiServer api;
    private final DaemonFilePublisher publisher;
    private final StateLock lock;

    private HostDaemon(HostConfig config, ImageCatalog images, Cgroups cgroups, VmManager vms,
                       HostExtension.Served extension, ApiServer api, DaemonFilePublisher publisher, StateLock lock) {
        this.config = config;
        this.images = images;
        this.cgroups = cgroups;
        this.vms = vms;
        this.extension = extension;
        this.api = api;
        this.publisher = publisher;
        this.lock = lock;
    }

    /** Starts the daemon serving the VM API and what {@code extension} adds to it. */
    static HostDaemon start(HostConfig config, HostExtension extension) throws IOException {
        Path imageRoot = ImageCatalog.checkRoot(config.imagePath());
        StateLock lock = StateLock.tryTake(config.stateDir()).orElseThrow(() -> new IllegalArgumentException(
                "another tt-host runs with the state folder " + config.stateDir() + ": stop it, or give this one"
                        + " its own --state-dir (and --serv-port)"));
        if (ProcessHandle.current().pid() != 1) {
            LOG.warn("tt-host is not the first process of its own PID namespace: if it is killed with SIGKILL its"
                    + " QEMU processes survive. Start it with bin/tt-host, which runs it in one.");
        }
        sweep(config);
        CapacityCheck.check(config.total(), CapacityCheck.Machine.of(config.stateDir())).forEach(LOG::warn);
        Cgroups cgroups = Cgroups.detect(CGROUP_FS, config.cgroupName());
        ImageCatalog images = new ImageCatalog(imageRoot);
        images.start();
        QemuEngine qemu = new QemuEngine(config.accel());
        Map<String, Engine> engines = Map.of(qemu.name(), qemu);
        ResourceLedger ledger = new ResourceLedger(config.total());
        PortAllocator ports = new PortAllocator(InetAddress.getByName(config.servAddr()), config.portFirst(),
                config.portLast());
        Path ephemeral = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        if (Files.isReadable(ephemeral)) { // read by lines: Files.readString gets one byte of a sysctl file
            PortAllocator.ephemeralOverlap(config.portFirst(), config.portLast(),
                    String.join(" ", Files.readAllLines(ephemeral))).ifPresent(LOG::warn);
        }
        HostSshKey hostKey = HostSshKey.loadOrCreate(config.stateDir());
        Files.createDirectories(config.vmsDir());
        Files.createDirectories(config.runtimeDir());
        ImageSpeeds speeds = new ImageSpeeds(config.stateDir().resolve("image-speeds.json"));
        SnapshotStore snapshots = config.snapshots()
                ? new SnapshotStore(config.stateDir().resolve("snapshots"), qemu.version()) : null;
        Metrics metrics = new Metrics();
        VmManager vms = new VmManager(config.vmsDir(), config.runtimeDir(), config.servAddr(), images, engines, cgroups,
                ledger, ports, hostKey, speeds, snapshots, metrics.registry(), new VmManager.Defaults(1, config.defaultMemMib(), config.bootTimeoutSeconds()));
        String hostName = InetAddress.getLocalHost().getHostName();
        // the port the API listens on: with --serv-port 0, known once it does
        AtomicInteger servPort = new AtomicInteger(config.servPort());
        HostResource hostResource = new HostResource(() -> new HostInfo(hostName + ":" + servPort.get(), version(),
                config.servAddr(), servPort.get(), qemu.accelSummary(), ledger.total(), ledger.used(),
                vms.list().size(), List.copyOf(engines.keySet())), images, speeds);
        HostExtension.Served extra = extension.start(new HostExtension.Host(config.stateDir(), config.token(),
                config.identity().keyManagers(), config.defaultMemMib(), version(), metrics.registry()));
        DaemonFilePublisher publisher = new DaemonFilePublisher(config.portFile());
        List<Object> resources = new ArrayList<>(extra.resources());
        resources.add(hostResource);
        resources.add(new VmResource(vms));
        resources.add(new MetricsResource(metrics, config.metricsToken()));
        resources.add(metrics.apiLatency());
        HostJoins joins = null;
        if (config.serving() != null) {
            publisher.put(LocalDaemons.FINGERPRINT, config.identity().fingerprint());
            joins = new HostJoins(config.stateDir(), publisher, config.identity().fingerprint());
            resources.add(new JoinResource(joins));
            resources.add(new PoolMemberFilter(joins, ApiServer.openPaths(resources.toArray())));
        }
        ApiServer api = null;
        try {
            api = ApiServer.start(config.servAddr(), config.servPort(), config.serving(),
                    config.token() == null ? null : extra.authenticator(), resources.toArray());
            servPort.set(api.port());
            publisher.listening(api.port());
        } catch (IOException | RuntimeException e) {
            if (api != null) {
                api.close();
            }
            publisher.close();
            throw e;
        }
        String hostId = hostName + ":" + api.port();
        ServerAddress self = new ServerAddress(config.serving() == null, config.servAddr(), api.port());
        extra.listening(self, config.identity().fingerprint());
        LOG.info("tt-host {} serving {}/api/v1 ({}), images from {} ({} found), {}, state in {}", hostId, self.uri(),
                config.tokenSource(), imageRoot, images.all().size(), cgroups.describe(), config.stateDir());
        if (joins == null) {
            LOG.warn("tt-host serving PLAIN HTTP (--insecure-http): tokens cross the network readable; add it to a"
                    + " backend as http://{}:{}", config.servAddr(), api.port());
        } else if (joins.isJoined()) {
            LOG.info("certificate {}; joined to the tt-backends {} and serving only them", config.identity().fingerprint(),
                    joins.joined());
        } else {
            LOG.info("certificate {}; joined to no tt-backend yet (a server of its own until then): a backend on this"
                    + " machine joins it by itself, one elsewhere with 'tt host add {}:{} --join-token TOKEN', the"
                    + " token being in {}", config.identity().fingerprint(), config.servAddr(), api.port(),
                    joins.tokenFile());
        }
        probeAccelerators(images, qemu);
        vms.prepareSnapshots();
        return new HostDaemon(config, images, cgroups, vms, extra, api, publisher, lock);
    }

    /** Decides KVM or TCG for each architecture now, so the log says it before the first VM. */
    private static void probeAccelerators(ImageCatalog images, Engine engine) {
        Thread t = new Thread(() -> images.all().stream()
                .filter(i -> i.name().engine().equals(engine.name()))
                .collect(Collectors.toMap(i -> i.manifest().arch(), i -> i, (a, b) -> a.kernel() != null ? a : b))
                .values().forEach(engine::accelFor), "accel-probe");
        t.setDaemon(true);
        t.start();
    }

    /** Sweeps what an ended daemon left behind, unless a daemon runs on this state folder (it swept at its start). */
    static void sweepIfStopped(HostConfig config) throws IOException {
        Optional<StateLock> lock = StateLock.tryTake(config.stateDir());
        if (lock.isEmpty()) {
            LOG.info("a tt-host runs with the state folder {}: nothing to sweep", config.stateDir());
            return;
        }
        try (StateLock held = lock.get()) {
            sweep(config);
        }
    }

    /** Removes VM folders and cgroups that a daemon killed without cleanup left behind. */
    private static void sweep(HostConfig config) throws IOException {
        Path vmsDir = config.vmsDir();
        if (Files.isDirectory(vmsDir)) {
            try (Stream<Path> leftovers = Files.list(vmsDir)) {
                for (Path dir : leftovers.toList()) {
                    LOG.info("removing leftover VM folder {}", dir);
                    FileTrees.delete(dir);
                }
            }
        }
        FileTrees.delete(config.runtimeDir());
        try {
            Cgroups.detect(CGROUP_FS, config.cgroupName()).removeAll();
        } catch (IOException e) {
            LOG.warn("cgroup sweep: {}", e.getMessage());
        }
    }

    private static String version() {
        String v = HostDaemon.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        LOG.info("tt-host stopping: deleting {} VMs", vms.list().size());
        api.close();
        publisher.close();
        extension.close();
        vms.close();
        try {
            images.close();
            cgroups.removeAll();
            FileTrees.delete(config.runtimeDir());
        } catch (IOException e) {
            LOG.error("cleanup at stop: {}", e.getMessage());
        }
        LOG.info("tt-host stopped; nothing left in {}", config.vmsDir());
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("state lock: {}", e.getMessage());
        }
    }
}
