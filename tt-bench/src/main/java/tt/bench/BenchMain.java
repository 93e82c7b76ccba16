package tt.bench;

import tt.testkit.Checkout;

import java.nio.file.Files;
import java.util.Arrays;

/** {@code bin/tt-bench host|backend|cli|agent|warm|snapshot|images}: runs a benchmark and prints its figures. */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length == 0 ? "" : args[0];
        switch (which) {
            case "host" -> HostBenchmark.run();
            case "backend" -> BackendBenchmark.run();
            case "cli" -> CliBenchmark.run();
            case "agent" -> AgentBenchmark.run();
            case "warm" -> WarmBenchmark.run();
            case "snapshot" -> SnapshotBenchmark.run(Files.createDirectories(Checkout.root().resolve("target/bench-host")));
            case "images" -> {
                try {
                    HostBenchmark.perImageColdBoot(Files.createDirectories(Checkout.root().resolve("target/bench-host")),
                            Arrays.asList(args).subList(1, args.length));
                } catch (IllegalArgumentException e) {
                    System.err.println("tt-bench images: " + e.getMessage());
                    System.exit(2);
                }
            }
            default -> {
                System.err.println("usage: tt-bench host       create-to-ready vs bare QEMU, overlay clone time, QEMU RSS\n"
                        + "       tt-bench backend    1000-VM placement over 50 simulated hosts, API latency\n"
                        + "       tt-bench cli        'tt env list' wall time next to a bare 'java -version'\n"
                        + "       tt-bench agent      Jenkins agent launch path (ENV to agent JVM online) vs VM boot-to-SSH\n"
                        + "       tt-bench warm       an ENV from the warm pool vs one restored from the snapshot\n"
                        + "       tt-bench snapshot   create-to-ready from a snapshot vs cold vs bare QEMU, idle PSS (part of 'host')\n"
                        + "       tt-bench images [IMAGE...]  each built image's cold boot vs bare QEMU (part of 'host')");
                System.exit(2);
            }
        }
    }
}
