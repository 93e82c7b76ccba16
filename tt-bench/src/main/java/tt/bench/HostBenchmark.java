package tt.bench;

import tt.local.FileTrees;
import tt.api.ImageName;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.HostClient;
import tt.host.engine.VmLaunch;
import tt.host.engine.VmProcess;
import tt.host.engine.qemu.QemuCommand;
import tt.host.engine.qemu.QemuEngine;
import tt.host.image.Image;
import tt.host.image.ImageCatalog;
import tt.host.image.ImageManifest;
import tt.host.ssh.SshBanner;
import tt.host.vm.NoCloudSeed;
import tt.testkit.DebianImages;
import tt.testkit.FreePort;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.TinyImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * tt-host's figures, each next to its baseline from the same run: create-to-ready through the API
 * (READY: tt-host's probe has had the guest's SSH banner) against the same image booted by a bare
 * QEMU command (same command line, same accelerator) and probed the same way, overlay clone time for
 * a small and a large image, and the RSS of an idle VM's QEMU.
 */
final class HostBenchmark {

    private static final int ROUNDS = 3;

    private HostBenchmark() {
    }

    static void run() throws Exception {
        Path images = Checkout.imagePath();
        TinyImage.ensure(images, TinyImage.RECIPE_X86_64, TinyImage.X86_64);
        Path work = Files.createDirectories(Checkout.root().resolve("target/bench-host"));
        ImageCatalog catalog = new ImageCatalog(images);
        catalog.rescan();
        Image image = catalog.find(TinyImage.X86_64).orElseThrow();

        // snapshots off: these rounds compare tt-host's cold boot with bare QEMU's (SnapshotBenchmark times restores)
        try (HostProcess host = HostProcess.start(images, work, 8, 8L * 1024 * 1024, List.of("--snapshots", "off"))) {
            HostClient client = host.client();
            // the host's steady state first: its first VM of the image measures the image's slowdown
            // (a loop in the guest, which would take the CPU from the boots timed next), kept till done
            String warm = client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null, null, null, null)).id();
            awaitReady(client, warm);
            String accel = client.vm(warm).accel();
            host.awaitSlowdown(TinyImage.X86_64, Duration.ofMinutes(10));
            client.deleteVm(warm);
            System.out.printf("tt-host benchmark: image %s, accelerator %s, cold boots (snapshots off), %d rounds,"
                    + " median shown%n%n",
                    TinyImage.X86_64, accel, ROUNDS);

            for (int vms : new int[] {1, 4}) {
                List<Double> tt = new ArrayList<>();
                List<Double> bare = new ArrayList<>();
                for (int round = 0; round < ROUNDS; round++) {
                    bare.add(bareQemuToSsh(image, accel, vms, work));
                    tt.add(ttToReady(client, vms));
                }
                double t = median(tt);
                double b = median(bare);
                System.out.printf("create-to-ready, %d VM%s at once: TT %.2f s, bare QEMU %.2f s, ratio %.3f"
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
                awaitReady(client, id);
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
        perImageColdBoot(work, List.of());
    }

    /** Seconds from the create requests to every VM READY. */
    private static double ttToReady(HostClient client, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            long t0 = System.nanoTime();
            List<Future<String>> ids = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ids.add(pool.submit(() -> {
                    VmInfo vm = client.createVm(new VmCreateRequest(null, TinyImage.X86_64, 1, 256, null, null,
                            null, null));
                    awaitReady(client, vm.id());
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
        List<VmProcess> vms = new ArrayList<>();
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
            for (int i = 0; i < count; i++) {
                vms.add(QemuEngine.attach(procs.get(i), launches.get(i)));
            }
            for (int i = 0; i < count; i++) {
                awaitBanner(vms.get(i), ports.get(i));
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            vms.forEach(VmProcess::kill);
            for (Process p : procs) {
                p.destroyForcibly().waitFor();
            }
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

    // ---- each image's cold boot (issue 12, point 6) ----

    /**
     * Each image's cold boot: create-to-ready through a tt-host with snapshots off (so every VM boots
     * cold) against the bare QEMU command tt-host would run for it (same command line, accelerator,
     * memory and, for NoCloud images, a seed disk of its own; probed as tt-host probes), alternating which goes
     * first, in the same run. The images: the tiny ones and every Debian image built
     * ({@code bin/test-all [--all-images]}), or only those named in {@code only} when it names any.
     * Rounds: {@code -Dtt.bench.rounds=N} (default 3). Each image's slowdown factor is measured by a
     * first VM that is not counted.
     */
    static void perImageColdBoot(Path work, List<String> only) throws Exception {
        int rounds = Integer.getInteger("tt.bench.rounds", ROUNDS);
        if (rounds < 1 || rounds > 20) {
            throw new IllegalArgumentException("-Dtt.bench.rounds must be 1 to 20, not " + rounds);
        }
        // a fresh folder of hard links: links made by an earlier run would still be the images built then
        Path images = work.resolve("images-cold");
        FileTrees.delete(images);
        Files.createDirectories(images);
        List<String> names = new ArrayList<>();
        names.add(DebianImages.linkInto(images, TinyImage.ensure(Checkout.imagePath(), TinyImage.RECIPE_X86_64,
                TinyImage.X86_64)).getFileName().toString());
        names.add(DebianImages.linkInto(images, TinyImage.ensure(Checkout.imagePath(), TinyImage.RECIPE_AARCH64,
                TinyImage.AARCH64)).getFileName().toString());
        List<String> missing = new ArrayList<>();
        for (DebianImages.Recipe r : DebianImages.ALL) {
            var built = DebianImages.built(r);
            if (built.isPresent()) {
                names.add(DebianImages.linkInto(images, built.get()).getFileName().toString());
            } else {
                missing.add(r.recipe());
            }
        }
        List<String> unknown = only.stream().filter(n -> !names.contains(n)).toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("no built image named " + unknown + ": the built ones are " + names
                    + " (bin/test-all --all-images builds every Debian recipe)");
        }
        if (!only.isEmpty()) {
            names.retainAll(only);
            missing.clear();
        }
        ImageCatalog catalog = new ImageCatalog(images);
        catalog.rescan();
        System.out.printf("%neach image's cold boot, create-to-ready: TT (tt-host, snapshots off) against bare"
                + " QEMU, %d rounds each, median shown%n", rounds);
        if (!missing.isEmpty()) {
            System.out.println("not built, so not measured: " + missing + " (bin/test-all --all-images builds them)");
        }
        try (HostProcess host = HostProcess.start(images, work, 8, 8L * 1024 * 1024,
                List.of("--snapshots", "off", "--boot-timeout", "900"))) {
            HostClient client = host.client();
            for (String name : names) {
                Image image = catalog.find(name).orElseThrow();
                int mem = Math.max(256, image.manifest().minMemMib());
                // the first VM of an image measures its slowdown factor in the guest once it is ready:
                // not counted, and kept until it is done (else the next VMs try, during their timing)
                VmInfo first = client.createVm(new VmCreateRequest(null, name, 1, mem, null, null, null, null));
                Double slowdown;
                String accel;
                try {
                    slowdown = host.awaitSlowdown(name, Duration.ofMinutes(10)).orElse(null);
                    accel = client.vm(first.id()).accel();
                } finally {
                    client.deleteVm(first.id());
                }
                List<Double> tt = new ArrayList<>();
                List<Double> bare = new ArrayList<>();
                for (int round = 0; round < rounds; round++) {
                    if (round % 2 == 0) {
                        tt.add(ttColdBoot(client, name, mem));
                        bare.add(bareColdBoot(image, accel, mem, work));
                    } else {
                        bare.add(bareColdBoot(image, accel, mem, work));
                        tt.add(ttColdBoot(client, name, mem));
                    }
                }
                double t = median(tt);
                double b = median(bare);
                System.out.printf("%-36s %-4s TT %6.1f s  bare QEMU %6.1f s  ratio %.3f  slowdown %s%n", name, accel, t, b,
                        t / b, slowdown == null ? "-" : slowdown + "x");
            }
        }
    }

    /** One VM through tt-host: seconds from the create request to READY; the VM is deleted. */
    private static double ttColdBoot(HostClient client, String image, int memMib) throws Exception {
        long t0 = System.nanoTime();
        VmInfo vm = client.createVm(new VmCreateRequest(null, image, 1, memMib, null, null, null, null));
        try {
            awaitReady(client, vm.id());
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            client.deleteVm(vm.id());
        }
    }

    /** The same boot without TT: overlay (and seed disk) made beforehand, then a bare QEMU process. */
    static double bareColdBoot(Image image, String accel, int memMib, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("bare-cold"));
        Files.deleteIfExists(dir.resolve("qmp.sock"));
        Path overlay = dir.resolve("disk.qcow2");
        Files.deleteIfExists(overlay);
        QemuEngine engine = new QemuEngine(accel);
        engine.createOverlay(image.disk(), overlay, image.diskKib() * 1024);
        Path keys = dir.resolve("keys");
        Files.writeString(keys, "\n");
        Path seed = image.manifest().nocloudSeed() ? NoCloudSeed.write(dir, "bare", "bare", List.of()) : null;
        int port = FreePort.get();
        VmLaunch l = new VmLaunch("bare", "bare", image, 1, memMib, dir, dir.resolve("qmp.sock"), overlay, "127.0.0.1",
                Map.of(22, port), keys, seed, List.of(), null, null);
        List<String> cmd = QemuCommand.build(l, accel);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(l.engineLog().toFile()).start();
        VmProcess vm = null;
        try {
            vm = QemuEngine.attach(p, l);
            awaitBanner(vm, port);
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            if (vm != null) {
                vm.kill();
            }
            p.destroyForcibly().waitFor();
        }
    }

    /**
     * Waits up to 15 minutes (TCG, a foreign architecture, a busy machine) for a bare QEMU's SSH banner
     * on 127.0.0.1:{@code port}, probing as tt-host does: connections the guest's network was not up
     * for are replaced, as the process's QMP tells.
     */
    private static void awaitBanner(VmProcess qemu, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        try (SshBanner.Probe ssh = new SshBanner.Probe("127.0.0.1", port, () -> qemu.unansweredConnections(22))) {
            if (!ssh.await(deadline, () -> !qemu.onExit().isDone())) {
                if (qemu.onExit().isDone()) {
                    throw new IllegalStateException("bare QEMU exited before SSH answered");
                }
                throw new IllegalStateException("127.0.0.1:" + port + " did not answer SSH within 15 minutes");
            }
        }
    }

    /** Waits up to 15 minutes until tt-host reports the VM READY (its own probe has had the SSH banner). */
    static void awaitReady(HostClient client, String id) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        for (VmInfo vm = client.vm(id); vm.state() != VmState.READY; vm = client.vm(id)) {
            if (vm.state() == VmState.FAILED || System.nanoTime() > deadline) {
                throw new IllegalStateException("VM " + id + " not ready: " + vm);
            }
            Thread.sleep(10);
        }
    }
}
