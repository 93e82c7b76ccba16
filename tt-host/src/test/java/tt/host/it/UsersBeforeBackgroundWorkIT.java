package tt.host.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.HostClient;
import tt.testkit.HostProcess;
import tt.testkit.Requirements;
import tt.testkit.TinyImage;
import tt.testkit.Wait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A user's VMs before the host's own work, with real guests: a host of 4 vCPUs holding two user
 * VMs, one snapshot build under way and another queued behind it, and the image's slowdown being
 * measured, is asked for two more VMs at once, and gives all four (the build yields; the queued
 * one finds no room). Two rounds, the second with both of the machine's cores kept busy.
 */
class UsersBeforeBackgroundWorkIT {

    private static final int CPUS = 4;
    private static final int DEFAULT_MEM_MIB = 256;
    private static final Duration BOOT = Duration.ofMinutes(5);
    private static Path images;
    private static Path work;

    @BeforeAll
    static void buildImage() throws IOException {
        Requirements.qemuAndRoot();
        work = Files.createDirectories(Path.of("target/it-users-first").toAbsolutePath());
        images = TinyImage.x86Only(work.resolve("images"));
    }

    @Test
    void aHostOfNCpusGivesNUserVmsWhileItBuildsSnapshotsAndMeasuresItsImage() throws Exception {
        round(1, false);
        try (CpuLoad load = CpuLoad.start(Runtime.getRuntime().availableProcessors())) {
            round(2, true);
        }
    }

    private static void round(int round, boolean loaded) throws Exception {
        Path dir = Files.createDirectories(work.resolve("round-" + round + "-" + System.nanoTime()));
        try (HostProcess host = HostProcess.start(images, dir, CPUS, 4L * 1024 * 1024,
                List.of("--boot-timeout", "300", "--default-mem", Integer.toString(DEFAULT_MEM_MIB)))) {
            HostClient client = host.client();
            // the host builds the default size's snapshot from its start; two VMs of other sizes boot
            // cold meanwhile, and each queues a build of its own size when it is ready
            VmInfo a = client.createVm(vm("a", 320));
            VmInfo b = client.createVm(vm("b", 288));
            awaitReady(client, a.id());
            String measuring = ": measuring the slowdown of image " + TinyImage.X86_64;
            Wait.until("a snapshot build under way, another queued, and the image's slowdown being measured", BOOT,
                    () -> host.log().contains(measuring) && underwayAndWaiting(host.log()));
            String before = host.log();
            assertFalse(before.contains("guests run"), "the slowdown was still being measured:\n" + before);

            ExecutorService askers = Executors.newFixedThreadPool(2);
            try {
                List<Future<VmInfo>> asked = List.of(askers.submit(() -> client.createVm(vm("c", DEFAULT_MEM_MIB))),
                        askers.submit(() -> client.createVm(vm("d", DEFAULT_MEM_MIB))));
                List<String> ids = new ArrayList<>(List.of(a.id(), b.id()));
                for (Future<VmInfo> f : asked) {
                    ids.add(f.get(2, TimeUnit.MINUTES).id());
                }
                for (String id : ids) {
                    awaitReady(client, id);
                }
                String name = "round " + round + (loaded ? " (both cores busy)" : "");
                assertEquals(CPUS, client.vms().stream().filter(v -> v.state() == VmState.READY).count(),
                        name + ": all " + CPUS + " VMs READY");
                assertEquals(CPUS, client.host().used().cpu(), "the users' VMs hold the whole host");
                Wait.until("the build under way gave its room to a user's VM, and the queued one found none", BOOT,
                        () -> host.log().contains("not built: a VM needed its room")
                                && host.log().contains("not built now: the host is full"));
                System.out.printf("%s: %d of %d VMs READY while a snapshot build, a queued one and a slowdown"
                        + " measurement were under way%n", name, ids.size(), CPUS);
                for (String id : ids) {
                    client.deleteVm(id);
                }
            } finally {
                askers.shutdownNow();
            }
        }
    }

    /** Whether the host's log shows a snapshot build under way and another queued behind it. */
    private static boolean underwayAndWaiting(String log) {
        List<String> lines = log.lines().filter(l -> l.contains(" snapshot ")).toList();
        long queued = lines.stream().filter(l -> l.endsWith(": queued")).count();
        long started = lines.stream().filter(l -> l.endsWith(": building")).count();
        long ended = lines.stream().filter(l -> l.contains(" built: ") || l.contains(" not built: ")).count();
        long neverStarted = lines.stream().filter(l -> l.contains(" not built now: ")).count();
        return started - ended >= 1 && queued - started - neverStarted >= 1;
    }

    private static VmCreateRequest vm(String name, int memMib) {
        return new VmCreateRequest(name, TinyImage.X86_64, 1, memMib, null, List.of(), null, null);
    }

    private static void awaitReady(HostClient client, String id) throws Exception {
        Wait.until("VM " + id + " ready", BOOT, () -> {
            VmInfo vm = client.vm(id);
            if (vm.state() == VmState.FAILED) {
                throw new IllegalStateException("VM " + id + " failed: " + vm.error());
            }
            return vm.state() == VmState.READY;
        });
    }

    /** Busy loops on as many threads as asked, until closed: a machine whose cores other work keeps busy. */
    private static final class CpuLoad implements AutoCloseable {

        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        static CpuLoad start(int threads) {
            CpuLoad load = new CpuLoad();
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    while (!load.stop.get()) {
                        Thread.onSpinWait();
                    }
                }, "cpu-load-" + i);
                t.setDaemon(true);
                t.start();
                load.threads.add(t);
            }
            return load;
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
