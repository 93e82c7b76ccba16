package tt.bench;

import tt.api.ImageName;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.client.HostClient;
import tt.host.engine.VmLaunch;
import tt.host.engine.qemu.QemuCommand;
import tt.host.engine.qemu.QemuEngine;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageManifest;
import tt.host.ssh.SshBanner;
import tt.testkit.FreePort;
import tt.testkit.HostProcess;
import tt.testkit.Repo;
import tt.testkit.TinyImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * tt-host's figures, each next to its baseline from the same run: create-to-SSH through the API
 * against the same image booted by a bare QEMU command (same command line, same accelerator),
 * overlay clone time for a small and a large image, and the RSS of an idle VM's QEMU.
 */
final class HostBenchmark {

    private static final int ROUNDS = 3;

    private HostBenchmark() {
    }

    static void run() throws Exception {
        Path images = Repo.imagePath();
        TinyImage.ensure(images, TinyImage.RECIPE_X86_64, TinyImage.X86_64);
        Path work = Files.createDirectories(Repo.root().resolve("target/bench-host"));
        ImageCatalog catalog = new ImageCatalog(images);
        catalog.rescan();
        Image image = catalog.find(TinyImage.X86_64).orElseThrow();

        try (HostProcess host = HostProcess.start(images, work, 8, 8L * 1024 * 1024, List.of())) {
            HostClient client = host.client();
            String warm = client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null, null, null, null)).id();
            awaitBanner(client.vm(warm));
            String accel = client.vm(warm).accel();
            client.deleteVm(warm);
            System.out.printf("tt-host benchmark: image %s, accelerator %s, %d rounds, median shown%n%n",
                    TinyImage.X86_64, accel, ROUNDS);

            for (int vms : new int[] {1, 4}) {
                List<Double> tt = new ArrayList<>();
                List<Double> bare = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    bare.add(bareQemuToSsh(image, accel, vms, work));
                    tt.add(ttToSsh(client, vms));
                }
                double t = median(tt);
                double b = median(bare);
                System.out.printf("create-to-SSH, %d VM%s at once: TT %.2f s, bare QEMU %.2f s, ratio %.3f"
                                + " (overhead %+.2f s)%n", vms, vms == 1 ? "" : "s", t, b, t / b, t - b);
            }

            for (long mib : new long[] {20, 2048}) {
                Path backingDir = Files.createDirectories(work.resolve("clone-" + mib));
                Image big = imageWithDisk(image, backingDir, mib);
                QemuEngine engine = new QemuEngine("tcg");
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Path overlay = backingDir.resolve("overlay-" + i + ".qcow2");
                    long t0 = System.nanoTime();
                    engine.createOverlay(big.disk(), overlay, mib << 20);
                    ms.add((System.nanoTime() - t0) / 1e6);
                    Files.delete(overlay);
                }
                System.out.printf("overlay clone of a %d MiB image: %.1f ms%n", mib, median(ms));
            }

            List<String> idle = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                idle.add(client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null, null, null, null)).id());
            }
            for (String id : idle) {
                awaitBanner(client.vm(id));
            }
            Thread.sleep(5000);
            for (ProcessHandle q : host.qemus()) {
                System.out.printf("RSS of an idle tiny VM's QEMU (-m 256): %d MiB%n", rssKib(q.pid()) / 1024);
            }
            for (String id : idle) {
                client.deleteVm(id);
            }
        }
        SnapshotBenchmark.run(work);
    }

    /** Seconds from the create requests to every VM's SSH banner. */
    private static double ttToSsh(HostClient client, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            long t0 = System.nanoTime();
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(pool.submit(() -> {
                    VmInfo vm = client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null, null,
                            null, null));
                    awaitBanner(vm);
                    return vm.id();
                }));
            }
            List<String> done = new ArrayList<>();
            for (Future<String> f : ids) {
                done.add(f.get(180, TimeUnit.SECONDS));
            }
            double s = (System.nanoTime() - t0) / 1e9;
            for (String id : done) {
                client.deleteVm(id);
            }
            return s;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The same boot without TT: overlays made beforehand, then bare QEMU processes started. */
    private static double bareQemuToSsh(Image image, String accel, int count, Path work) throws Exception {
        List<Process> procs = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        Path keys = work.resolve("bare-keys");
        Files.writeString(keys, "\n");
        QemuEngine engine = new QemuEngine(accel);
        List<VmLaunch> launches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path dir = Files.createDirectories(work.resolve("bare-" + i));
            Files.deleteIfExists(dir.resolve("qmp.sock"));
            Path overlay = dir.resolve("disk.qcow2");
            Files.deleteIfExists(overlay);
            engine.createOverlay(image.disk(), overlay, image.diskKib() * 1024);
            int port = FreePort.get();
            ports.add(port);
            launches.add(new VmLaunch("bare" + i, "bare" + i, image, 1, 256, dir, dir.resolve("qmp.sock"), overlay,
                    "127.0.0.1",
                    Map.of(22, port), keys, null, List.of(), null, null));
        }
        try {
            long t0 = System.nanoTime();
            for (VmLaunch l : launches) {
                procs.add(new ProcessBuilder(QemuCommand.build(l, accel)).redirectErrorStream(true)
                        .redirectOutput(l.engineLog().toFile()).start());
            }
            for (int port : ports) {
                while (!SshBanner.answers("127.0.0.1", port, 1000)) {
                    Thread.sleep(50);
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            for (Process p : procs) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static void awaitBanner(VmInfo vm) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!SshBanner.answers(vm.address(), vm.sshPort(), 1000)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("VM " + vm.id() + " did not answer SSH within 180 s");
            }
            Thread.sleep(50);
        }
    }

    /** A copy of the image's description over a qcow2 disk filled with {@code mib} MiB of data. */
    private static Image imageWithDisk(Image image, Path dir, long mib) throws IOException, InterruptedException {
        Path disk = dir.resolve("disk.qcow2");
        if (!Files.exists(disk)) {
            Path raw = dir.resolve("disk.raw");
            run("dd", "if=/dev/urandom", "of=" + raw, "bs=1M", "count=" + mib, "status=none");
            run("qemu-img", "convert", "-q", "-O", "qcow2", raw.toString(), disk.toString());
            Files.delete(raw);
        }
        ImageManifest m = image.manifest();
        return new Image(ImageName.parse(image.name().toString()), dir, m, mib * 1024);
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
