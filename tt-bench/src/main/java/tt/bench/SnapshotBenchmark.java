package tt.bench;

import tt.local.FileTrees;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.client.HostClient;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.TinyImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Instant VMs (issue 13, point 4), in one run per image: create-to-ready of a VM restored
 * from a snapshot, of a cold boot through tt-host (a second tt-host with --snapshots off) and of
 * the bare QEMU command of that cold boot; and the memory (PSS, /proc/PID/smaps_rollup) of idle
 * clones next to an idle cold-booted VM's. The bare boot and the wait for READY are {@link HostBenchmark}'s. Images: the tiny x86_64 one and debian-12-x86_64 when
 * built. Rounds: {@code -Dtt.bench.rounds=N} (default 3); the median is shown.
 */
final class SnapshotBenchmark {

    private static final long MINUTES = 15;
    private static final String DEBIAN = "qemu:debian-12:6.1.x86_64";

    private SnapshotBenchmark() {
    }

    static void run(Path work) throws Exception {
        int rounds = Integer.getInteger("tt.bench.rounds", 3);
        // a folder of this run's own: another run in the same checkout must not change its images
        Path images = work.resolve("images-snapshot-" + ProcessHandle.current().pid());
        FileTrees.delete(images);
        Files.createDirectories(images);
        try {
            run(work, images, rounds);
        } finally {
            FileTrees.delete(images);
        }
    }

    private static void run(Path work, Path images, int rounds) throws Exception {
        List<Path> dirs = new ArrayList<>();
        dirs.add(link(images, TinyImage.ensure(Checkout.imagePath(), TinyImage.RECIPE_X86_64, TinyImage.X86_64)));
        // the Debian image as bin/test-all builds it, or the folder given with -Dtt.bench.debianImage
        Path debian = Path.of(System.getProperty("tt.bench.debianImage",
                Checkout.root().resolve(".cache/debian-images/" + DEBIAN).toString()));
        if (Files.isRegularFile(debian.resolve("image.json"))) {
            dirs.add(link(images, debian));
        } else {
            System.out.println("\nno " + DEBIAN + " image in " + debian + " (images/build-image.sh debian-12-x86_64 "
                    + debian.getParent() + ", or -Dtt.bench.debianImage=DIR): the Debian image is not measured");
        }
        ImageCatalog catalog = new ImageCatalog(images);
        catalog.rescan();
        System.out.printf("%ninstant VMs, create-to-ready: from a snapshot, cold through tt-host (snapshots off)"
                + " and bare QEMU (the cold boot's command line); %d rounds, median; PSS of idle VMs%n", rounds);
        try (HostProcess snap = HostProcess.start(images, work, 8, 8L * 1024 * 1024, List.of("--boot-timeout", "900"));
             HostProcess cold = HostProcess.start(images, work, 8, 8L * 1024 * 1024,
                     List.of("--snapshots", "off", "--boot-timeout", "900"))) {
            for (Path dir : dirs) {
                Image image = catalog.find(dir.getFileName().toString()).orElseThrow();
                if (!"tt".equals(image.manifest().agent())) {
                    System.out.printf("%-34s not measured: its image.json has no \"agent\": \"tt\" (built before the"
                            + " guests had TT's agent: rebuild it)%n", image.name());
                    continue;
                }
                measure(image, snap, cold, rounds, work);
            }
        }
    }

    /** The image in {@code images} as hard links to its files (no copy). */
    private static Path link(Path images, Path image) throws IOException {
        Path linked = Files.createDirectories(images.resolve(image.getFileName()));
        try (Stream<Path> files = Files.list(image)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.createLink(linked.resolve(f.getFileName()), f);
            }
        }
        return linked;
    }

    private static void measure(Image image, HostProcess snapHost, HostProcess coldHost, int rounds, Path work)
            throws Exception {
        String name = image.name().toString();
        // the host's default size, whose snapshot it builds at start
        int mem = Math.max(512, image.manifest().minMemMib());
        HostClient snap = snapHost.client();
        HostClient cold = coldHost.client();
        // the first VM of this size boots cold and makes the host build its snapshot in the background
        VmInfo first = create(snap, name, mem);
        String accel = snap.vm(first.id()).accel();
        HostBenchmark.awaitReady(snap, first.id());
        snap.deleteVm(first.id());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
        String built = "of " + name + " (Size[cpu=1, memMib=" + mem + ",";
        while (!snapHost.log().lines().anyMatch(l -> l.contains(built) && l.contains(" built: "))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no snapshot of " + name + " after " + MINUTES + " minutes");
            }
            Thread.sleep(500);
        }
        List<Double> fromSnapshot = new ArrayList<>();
        List<Double> coldBoot = new ArrayList<>();
        List<Double> bare = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            fromSnapshot.add(toReady(snap, name, mem, "snapshot"));
            coldBoot.add(toReady(cold, name, mem, "cold"));
            bare.add(HostBenchmark.bareColdBoot(image, accel, mem, work));
        }
        double s = HostBenchmark.median(fromSnapshot);
        double c = HostBenchmark.median(coldBoot);
        double b = HostBenchmark.median(bare);
        System.out.printf("%-34s %s  snapshot %6.2f s  cold %6.2f s  bare QEMU %6.2f s  snapshot/cold %.3f"
                + "  snapshot/bare %.3f  all: snapshot %s cold %s bare %s%n", name, accel, s, c, b, s / c, s / b,
                fromSnapshot, coldBoot, bare);

        List<VmInfo> idle = List.of(create(snap, name, mem), create(snap, name, mem), create(cold, name, mem));
        HostBenchmark.awaitReady(snap, idle.get(0).id());
        HostBenchmark.awaitReady(snap, idle.get(1).id());
        HostBenchmark.awaitReady(cold, idle.get(2).id());
        Thread.sleep(5000);
        List<String> clones = new ArrayList<>();
        for (ProcessHandle q : snapHost.qemus()) {
            clones.add(pssKib(q.pid()) / 1024 + " MiB");
        }
        List<String> colds = new ArrayList<>();
        for (ProcessHandle q : coldHost.qemus()) {
            colds.add(pssKib(q.pid()) / 1024 + " MiB");
        }
        System.out.printf("%-34s PSS of idle QEMUs (-m %d): clones of one snapshot %s, cold-booted %s%n", name, mem,
                clones, colds);
        snap.deleteVm(idle.get(0).id());
        snap.deleteVm(idle.get(1).id());
        cold.deleteVm(idle.get(2).id());
    }

    private static VmInfo create(HostClient client, String image, int mem) throws IOException {
        return client.createVm(new VmCreateRequest(null, image, 1, mem, null, null, null, null));
    }

    /** Seconds from the create request to READY; checks how the VM started; deletes it. */
    private static double toReady(HostClient client, String image, int mem, String boot) throws Exception {
        long t0 = System.nanoTime();
        VmInfo vm = create(client, image, mem);
        try {
            HostBenchmark.awaitReady(client, vm.id());
            double s = (System.nanoTime() - t0) / 1e9;
            String how = client.vm(vm.id()).boot();
            if (!boot.equals(how)) {
                throw new IllegalStateException("VM " + vm.id() + " of " + image + " started " + how + ", not " + boot);
            }
            return s;
        } finally {
            client.deleteVm(vm.id());
        }
    }

    /** Proportional set size: a page shared by N processes counts 1/N to each. */
    private static long pssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
            if (line.startsWith("Pss:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
