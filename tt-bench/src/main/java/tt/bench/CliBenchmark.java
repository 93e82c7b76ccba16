package tt.bench;

import tt.testkit.BackendProcess;
import tt.testkit.Checkout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The client's start-up: wall time of {@code bin/tt env list} against a running backend, next to
 * a bare {@code java -version} (the least any Java program costs) in the same run.
 */
final class CliBenchmark {

    private static final int RUNS = 10;

    private CliBenchmark() {
    }

    static void run() throws Exception {
        Path data = Files.createDirectories(Checkout.root().resolve("target/bench-cli")).resolve("db-" + System.nanoTime());
        try (BackendProcess backend = BackendProcess.start(data, List.of(), "unused", List.of())) {
            int port = backend.port();
            String tt = Checkout.root().resolve("bin/tt").toString();
            List<String> ttEnvList = List.of(tt, "--endpoint", "127.0.0.1:" + port, "--token", backend.token(),
                    "--fingerprint", backend.fingerprint(), "env", "list");
            time(ttEnvList);
            double java = median(List.of("java", "-version"));
            double list = median(ttEnvList);
            System.out.printf("start-up, median of %d runs: 'tt env list' %.0f ms, bare 'java -version' %.0f ms,"
                    + " ratio %.2f%n", RUNS, list, java, list / java);
        }
    }

    private static double median(List<String> cmd) throws IOException, InterruptedException {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            ms.add(time(cmd));
        }
        Collections.sort(ms);
        return ms.get(RUNS / 2);
    }

    private static double time(List<String> cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (p.waitFor() != 0) {
            throw new IOException("failed: " + String.join(" ", cmd));
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
