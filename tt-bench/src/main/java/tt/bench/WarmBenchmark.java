package tt.bench;

import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.client.BackendClient;
import tt.testkit.Checkout;
import tt.testkit.TinyImage;
import tt.testkit.TinyPool;
import tt.testkit.Wait;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A warm pool's hand-out (issue 13, point 4): an ENV of the tiny image made while a warm VM waits,
 * next to the same ENV made with no warm pool (the host restores the image's snapshot) in the same
 * run. Two figures each: the backend's answer to {@code POST /envs} (its own time: placement, the
 * warm VM taken, the ENV recorded) and the ENV's READY (the host's guest has its identity and
 * answers SSH).
 */
final class WarmBenchmark {

    private static final int ROUNDS = 5;
    private static final Duration BOOT = Duration.ofMinutes(10);

    private WarmBenchmark() {
    }

    static void run() throws Exception {
        try (TinyPool pool = TinyPool.start(Checkout.root().resolve("target/bench-warm"), 4, 4L * 1024 * 1024)) {
            BackendClient client = pool.client();
            Wait.until("the tiny image's snapshot built", BOOT,
                    () -> pool.host().log().contains(" built: booted to its agent"));
            round(pool, "bench-first", false);
            System.out.printf("warm pool benchmark: image %s, %d rounds, median shown%n%n", TinyImage.X86_64, ROUNDS);
            List<double[]> cold = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                cold.add(round(pool, "bench-snap-" + i, false));
            }
            client.setWarmPool(TinyImage.X86_64, 1, 1);
            List<double[]> warm = new ArrayList<>();
            for (int i = 0; i < ROUNDS; i++) {
                Wait.until("a warm VM of " + TinyImage.X86_64, BOOT, () -> client.warmPools().stream()
                        .anyMatch(p -> p.image().equals(TinyImage.X86_64) && p.ready() >= 1));
                warm.add(round(pool, "bench-warm-" + i, true));
            }
            client.deleteWarmPool(TinyImage.X86_64);
            double answerWarm = median(warm, 0);
            double answerSnap = median(cold, 0);
            double readyWarm = median(warm, 1);
            double readySnap = median(cold, 1);
            System.out.printf("POST /envs answered (backend time): from the warm pool %.1f ms, no warm pool %.1f ms,"
                    + " ratio %.2f (target under 100 ms)%n", answerWarm * 1000, answerSnap * 1000, answerWarm / answerSnap);
            System.out.printf("ENV asked for -> READY (SSH answers): from the warm pool %.2f s, restored from the"
                    + " snapshot %.2f s, ratio %.2f%n", readyWarm, readySnap, readyWarm / readySnap);
        }
    }

    /** Seconds to the create's answer and to READY; checks the ENV got (or did not get) a warm VM. */
    private static double[] round(TinyPool pool, String name, boolean fromWarm) throws Exception {
        BackendClient client = pool.client();
        long t0 = System.nanoTime();
        client.createEnv(EnvCreateRequest.builder(name).images(TinyImage.X86_64).build());
        double answered = (System.nanoTime() - t0) / 1e9;
        long deadline = System.nanoTime() + BOOT.toNanos();
        EnvInfo env = client.env(name, 0);
        while (env.state() == EnvState.CREATING && System.nanoTime() < deadline) {
            Thread.sleep(10);
            env = client.env(name, 0);
        }
        double ready = (System.nanoTime() - t0) / 1e9;
        if (env.state() != EnvState.READY) {
            throw new IllegalStateException("ENV " + name + " is " + env.state() + ": " + env.summary());
        }
        client.deleteEnv(name);
        boolean tookWarm = pool.backend().log().matches("(?s).*env " + name + " \\([^)]*\\): VM \\S+ is warm VM .*");
        if (tookWarm != fromWarm) {
            throw new IllegalStateException("ENV " + name + (fromWarm ? " did not take" : " took") + " a warm VM:\n"
                    + pool.backend().log());
        }
        return new double[] {answered, ready};
    }

    private static double median(List<double[]> rounds, int index) {
        return HostBenchmark.median(rounds.stream().map(r -> r[index]).toList());
    }
}
