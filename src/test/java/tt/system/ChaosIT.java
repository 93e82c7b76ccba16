package tt.system;

import org.junit.jupiter.api.Test;
import tt.api.Capacity;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.api.HostInfo;
import tt.api.RunResult;
import tt.api.VmInfo;
import tt.api.VmState;
import tt.client.ApiException;
import tt.client.BackendClient;
import tt.jenkins.AgentVms;
import tt.testkit.BackendProcess;
import tt.testkit.HostLeftovers;
import tt.testkit.HostProcess;
import tt.testkit.Checkout;
import tt.testkit.Requirements;
import tt.testkit.SshKeys;
import tt.testkit.TinyImage;
import tt.testkit.Wait;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Chaos over a real pool (two tt-hosts and a tt-backend, the tiny image): plain ENV lifecycles
 * (create, run, delete), Jenkins agent ENVs with leases as tt-jenkins-core makes them and GitLab
 * jobs through the real driver run in a loop, while a fault injector SIGKILLs, at moments drawn
 * from the seed, a host, the backend, single QEMUs and lease holders (a GitLab run stage, which
 * renews its job's lease, or an agent's renewer), and restarts the daemons it killed on the same
 * port and state. Afterwards the pool must recover by itself: every ENV settled (READY, or FAILED
 * with a reason), the ENVs of killed lease holders gone with their leases, every ENV the test was
 * told was made and did not delete still listed, each host's ledger the sum of its VMs; and once
 * every ENV is deleted nothing left on the hosts. Replay a run with {@code -Dtt.chaos.seed=N};
 * {@code -Dtt.chaos.seconds} sets how long faults are injected.
 */
class ChaosIT {

    private static final String HOST_TOKEN = "chaos-hosts";
    private static final long SEED = Long.getLong("tt.chaos.seed", 28L);
    private static final Duration FAULTS = Duration.ofSeconds(Long.getLong("tt.chaos.seconds", 120L));
    private static final Duration RETRY = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(120);
    private static final int HOST_CPUS = 3;
    private static final long HOST_MEM_KIB = 3L * 1024 * 1024;
    private static final int AGENT_LEASE_SECONDS = 30;
    private static final int JOB_LEASE_SECONDS = 60;
    private static final int MAX_KEPT = 2;
    private static final int ROOM_WAIT_SECONDS = 60;
    private static final List<String> FAULT_KINDS = List.of("host", "backend", "qemu", "lease holder");

    private final Journal journal = new Journal();
    private final List<LeaseHolder> holders = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stopping = new AtomicBoolean();
    private Pool pool;
    private BackendClient api;
    private Path work;

    @Test
    void thePoolRecoversFromKilledPartsAndLeaksNothing() throws Exception {
        Requirements.qemuAndRoot();
        System.out.println("ChaosIT seed " + SEED + " (replay: -Dtt.chaos.seed=" + SEED + "), faults for "
                + FAULTS.toSeconds() + " s");
        long started = System.nanoTime();
        work = Files.createDirectories(Path.of("target/chaos/run-" + System.nanoTime()).toAbsolutePath());
        pool = Pool.start(work);
        try {
            api = pool.backend.client().withReadTimeout(Duration.ofSeconds(60));
            List<Thread> workers = List.of(worker("env", this::envLifecycle), worker("agent", this::agentLifecycle),
                    worker("gitlab", this::gitlabJob));
            workers.forEach(Thread::start);
            FaultInjector faults = new FaultInjector(new Random(SEED));
            faults.run(FAULTS);
            stopping.set(true);
            for (Thread w : workers) {
                w.join(RETRY.multipliedBy(3).toMillis());
                if (w.isAlive()) {
                    journal.problem("worker " + w.getName() + " did not finish its lifecycle");
                    w.interrupt();
                }
            }
            settleAndCheck();
            deleteEverythingAndCheck();
            pool.close();
            for (HostProcess h : pool.hosts) {
                HostLeftovers.of(h).forEach(l -> journal.leak("host " + h.port() + " stopped: " + l));
            }
            String line = "lifecycles " + journal.toldMade.size() + ", faults " + faults.count + ", leaked "
                    + journal.leaks.size() + (journal.leaks.isEmpty() ? "" : ": " + String.join("; ", journal.leaks));
            System.out.println(line);
            System.out.println("ChaosIT seed " + SEED + " took " + Duration.ofNanos(System.nanoTime() - started).toSeconds()
                    + " s; problems: " + (journal.problems.isEmpty() ? "none" : String.join("; ", journal.problems)));
            Files.writeString(work.resolve("journal.txt"), String.join("\n", journal.lines) + "\n" + line + "\n",
                    StandardCharsets.UTF_8);
            assertEquals(List.of(), journal.leaks, line + " (seed " + SEED + ")");
            assertEquals(List.of(), journal.problems, "seed " + SEED + ", journal in " + work);
        } finally {
            pool.close();
        }
    }

    // --- the workloads ---------------------------------------------------------------------------

    private interface Lifecycle {
        void run(int n, Random random) throws Exception;
    }

    private Thread worker(String name, Lifecycle lifecycle) {
        Random random = new Random(SEED * 31 + name.hashCode());
        Thread t = new Thread(() -> {
            int n = 0;
            while (!stopping.get()) {
                n++;
                try {
                    lifecycle.run(n, random);
                } catch (Exception | AssertionError e) {
                    journal.problem(name + " " + n + ": " + e);
                }
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    /** A user's ENV of 1 or 2 VMs: made, awaited, a command run on it, deleted (or kept to the end). */
    private void envLifecycle(int n, Random random) throws Exception {
        String name = "chaos-" + n;
        int replicas = 1 + random.nextInt(2);
        boolean keep = random.nextInt(5) == 0 && journal.kept.size() < MAX_KEPT;
        if (!create(name, () -> api.createEnv(EnvCreateRequest.builder(name).osPrefix("tinylinux").cpu(1).memMib(256)
                .lifetimeMinutes(30).replicas(replicas).build(), ROOM_WAIT_SECONDS))) {
            return;
        }
        EnvInfo settled = awaitSettled(name);
        if (settled != null && settled.state() == EnvState.READY) {
            List<RunResult> results = retry(name + " run", () -> api.run(name, "echo " + name, 30));
            journal.line(name + ": run " + results.stream().map(r -> r.exitCode() == 0 ? "0" : r.exitCode() + " ("
                    + r.error() + ")").collect(Collectors.joining(", ")));
        }
        if (keep) {
            journal.kept.add(name);
            journal.line(name + ": kept to the end");
        } else {
            delete(name);
        }
    }

    /** A Jenkins agent's ENV as tt-jenkins-core makes it: leased, renewed by a thread of its own, deleted after use. */
    private void agentLifecycle(int n, Random random) throws Exception {
        String name = "jenkins-chaos-" + n;
        AgentVms vms = new AgentVms(api, new AgentVms.Lease("chaos", AGENT_LEASE_SECONDS));
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lease-" + name);
            t.setDaemon(true);
            return t;
        });
        LeaseHolder holder = new LeaseHolder(name, "agent renewer", renewer::shutdownNow);
        holders.add(holder);
        try {
            String publicKey = SshKeys.generate().publicKey();
            if (!create(name, () -> {
                vms.create(name, new AgentVms.Spec("tinylinux", null, null, 1, 256, null, 30), publicKey);
                return null;
            })) {
                return;
            }
            if (holder.killed()) {
                abandon(name, holder);
                return;
            }
            renewer.scheduleWithFixedDelay(() -> vms.renewAll(List.of(name)).forEach((env, why) ->
                    journal.line(env + ": renewing failed: " + why)), 5, 5, TimeUnit.SECONDS);
            EnvInfo settled = awaitSettled(name);
            if (holder.killed()) {
                abandon(name, holder);
                return;
            }
            if (settled != null && settled.state() == EnvState.READY) {
                EnvVm vm = settled.vms().get(0);
                if (vm.ports() == null || vm.ports().get(22) == null) {
                    journal.problem(name + ": READY but no SSH port: " + settled.summary());
                }
                List<RunResult> results = retry(name + " run", () -> api.run(name, "uname -m", 30));
                journal.line(name + ": agent ran, exit " + results.get(0).exitCode());
                Thread.sleep(random.nextInt(8000));
            }
            if (holder.killed()) {
                abandon(name, holder);
                return;
            }
            renewer.shutdownNow();
            delete(name);
        } finally {
            holders.remove(holder);
            renewer.shutdownNow();
        }
    }

    /** A GitLab job through the real driver: prepare, a run stage that renews the lease, cleanup. */
    private void gitlabJob(int n, Random random) throws Exception {
        String name = "gl-7-" + (1000 + n);
        Map<String, String> env = runnerEnv(1000 + n);
        Stage prepare = Stage.start(work, env, "prepare");
        int prepared = prepare.exit(Duration.ofSeconds(150));
        journal.line(name + ": prepare exit " + prepared);
        if (prepared == 0) {
            journal.told(name);
            Path script = Files.writeString(Files.createTempFile(work, "script-", ".sh"),
                    "echo job on $(hostname); sleep " + (5 + random.nextInt(20)) + "\n", StandardCharsets.UTF_8);
            Stage run = Stage.start(work, env, "run", script.toString(), "step_script");
            LeaseHolder holder = new LeaseHolder(name, "GitLab run stage", run.process::destroyForcibly);
            holders.add(holder);
            int ran = run.exit(Duration.ofSeconds(150));
            holders.remove(holder);
            journal.line(name + ": run exit " + ran);
            if (holder.killed()) {
                abandon(name, holder);
                return;
            }
        }
        int cleaned = Stage.start(work, env, "cleanup").exit(Duration.ofSeconds(150));
        journal.line(name + ": cleanup exit " + cleaned);
        if (cleaned == 0) {
            journal.deleted.add(name);
        } else {
            journal.abandoned.add(name);
        }
    }

    private Map<String, String> runnerEnv(long jobId) throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("TT_SERVER", pool.backend.baseUri());
        env.put("TT_FINGERPRINT", pool.backend.fingerprint());
        env.put("TT_TOKEN", pool.backend.token());
        env.put("XDG_STATE_HOME", work.resolve("state").toString());
        env.put("XDG_CONFIG_HOME", work.resolve("config").toString());
        env.put("BUILD_FAILURE_EXIT_CODE", "42");
        env.put("SYSTEM_FAILURE_EXIT_CODE", "43");
        env.put("CUSTOM_ENV_CI_JOB_ID", Long.toString(jobId));
        env.put("CUSTOM_ENV_CI_RUNNER_ID", "7");
        env.put("CUSTOM_ENV_TT_MEM_MIB", "256");
        env.put("CUSTOM_ENV_TT_OS", "tinylinux");
        env.put("CUSTOM_ENV_TT_LEASE_SECONDS", Integer.toString(JOB_LEASE_SECONDS));
        return env;
    }

    private record Stage(Process process) {
        static Stage start(Path work, Map<String, String> env, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Checkout.root().resolve("bin/tt").toString(), "ci", "gitlab"));
            cmd.addAll(List.of(args));
            Path log = Files.createTempFile(work, "stage-" + args[0] + "-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            return new Stage(pb.start());
        }

        /** The stage's exit code; a stage over its time is cancelled as the runner does (SIGTERM). */
        int exit(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                process.waitFor(60, TimeUnit.SECONDS);
                process.destroyForcibly();
            }
            return process.waitFor();
        }
    }

    /** A client that keeps a lease alive; killing it stops the renewals. */
    private static final class LeaseHolder {
        final String env;
        final String what;
        private final Runnable kill;
        private final AtomicBoolean killed = new AtomicBoolean();

        LeaseHolder(String env, String what, Runnable kill) {
            this.env = env;
            this.what = what;
            this.kill = kill;
        }

        void kill() {
            killed.set(true);
            kill.run();
        }

        boolean killed() {
            return killed.get();
        }
    }

    private void abandon(String name, LeaseHolder holder) {
        journal.abandoned.add(name);
        journal.line(name + ": its " + holder.what + " was killed; the lease must end it");
    }

    // --- what a careful user does while parts are down ---------------------------------------------

    private interface Call<T> {
        T call() throws IOException;
    }

    /** Retries while the pool does not answer or answers 5xx; gives up (throws) after {@link #RETRY}. */
    private <T> T retry(String what, Call<T> call) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + RETRY.toNanos();
        int tries = 0;
        while (true) {
            tries++;
            try {
                T result = call.call();
                if (tries > 1) {
                    journal.line(what + ": answered after " + tries + " tries");
                }
                return result;
            } catch (ApiException e) {
                if (e.status() < 500 || System.nanoTime() > deadline) {
                    throw e;
                }
                journal.line(what + ": told " + e.status() + " " + e.getMessage());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(what + ": no answer within " + RETRY.toSeconds() + " s: " + e, e);
                }
                journal.line(what + ": " + e);
            }
            Thread.sleep(1000);
        }
    }

    /** Makes the ENV; true if the user was told it was made (at once, or by a conflict after a lost answer). */
    private boolean create(String name, Call<?> call) throws InterruptedException {
        boolean lostAnswer = false;
        long deadline = System.nanoTime() + RETRY.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                call.call();
                journal.told(name);
                journal.line(name + ": create accepted");
                return true;
            } catch (ApiException e) {
                if (e.status() == 409 && e.getMessage().contains("exists") && lostAnswer) {
                    journal.told(name);
                    journal.line(name + ": made by a create whose answer was lost: " + e.getMessage());
                    return true;
                }
                if (e.status() < 500) {
                    journal.line(name + ": create refused " + e.status() + " " + e.getMessage());
                    Thread.sleep(2000);
                    return false;
                }
                lostAnswer = true;
                journal.line(name + ": create told " + e.status() + " " + e.getMessage());
            } catch (IOException e) {
                lostAnswer = true;
                journal.line(name + ": create: " + e);
            }
            Thread.sleep(1000);
        }
        journal.line(name + ": create never answered; deleting whatever it made");
        delete(name);
        return false;
    }

    /** The ENV once settled, or null (recorded) if it vanished or never settled. */
    private EnvInfo awaitSettled(String name) throws InterruptedException {
        try {
            EnvInfo env = retry(name + " await", () -> {
                try {
                    return api.awaitSettled(name, Duration.ofSeconds(120));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            });
            journal.line(name + ": " + env.summary());
            if (env.state() == EnvState.CREATING) {
                journal.problem(name + ": still CREATING after 120 s: " + env.summary());
            }
            return env;
        } catch (ApiException e) {
            if (e.status() == 404) {
                journal.problem(name + ": made, not deleted, but gone: " + e.getMessage());
            } else {
                journal.line(name + ": await told " + e.status() + " " + e.getMessage());
            }
        } catch (IOException e) {
            journal.problem(name + ": " + e.getMessage());
        }
        return null;
    }

    /** Deletes the ENV until it is gone (a 404 after a lost answer is success). */
    private void delete(String name) throws InterruptedException {
        boolean lostAnswer = false;
        long deadline = System.nanoTime() + RETRY.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                api.deleteEnv(name);
                journal.deleted.add(name);
                journal.line(name + ": deleted");
                return;
            } catch (ApiException e) {
                if (e.status() == 404) {
                    journal.deleted.add(name);
                    if (!lostAnswer && journal.toldMade.contains(name)) {
                        journal.problem(name + ": made, not deleted, but gone when deleted: " + e.getMessage());
                    }
                    journal.line(name + ": gone (404)");
                    return;
                }
                lostAnswer = true;
                journal.line(name + ": delete told " + e.status() + " " + e.getMessage());
            } catch (IOException e) {
                lostAnswer = true;
                journal.line(name + ": delete: " + e);
            }
            Thread.sleep(1000);
        }
        journal.problem(name + ": could not be deleted within " + RETRY.toSeconds() + " s");
    }

    // --- faults ------------------------------------------------------------------------------------

    /**
     * Kills a part at moments drawn from the seed and restarts the daemons it killed; each kind of
     * fault once in every round of four, in an order drawn from the seed (a kind with nothing to
     * kill at that moment gives its turn to the next).
     */
    private final class FaultInjector {
        private final Random random;
        int count;

        FaultInjector(Random random) {
            this.random = random;
        }

        void run(Duration duration) throws Exception {
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            Thread.sleep(5000 + random.nextInt(10_000));
            List<String> round = new ArrayList<>();
            while (System.nanoTime() < end) {
                int restartAfterMs = 1000 + random.nextInt(5000);
                int index = random.nextInt(1000);
                String at = String.format("%.1f s", (System.nanoTime() - start) / 1e9);
                String what = null;
                for (int tried = 0; what == null && tried < FAULT_KINDS.size(); tried++) {
                    if (round.isEmpty()) {
                        round.addAll(FAULT_KINDS);
                        Collections.shuffle(round, random);
                    }
                    what = switch (round.remove(0)) {
                        case "host" -> killHost(index, restartAfterMs);
                        case "backend" -> killBackend(restartAfterMs);
                        case "qemu" -> killQemu(index);
                        default -> killLeaseHolder(index);
                    };
                }
                if (what != null) {
                    count++;
                    journal.line("fault " + count + " at " + at + ": " + what);
                    System.out.println("ChaosIT fault " + count + " at " + at + ": " + what);
                }
                Thread.sleep(6000 + random.nextInt(10_000));
            }
        }

        private String killHost(int index, int restartAfterMs) throws Exception {
            int i = index % pool.hosts.size();
            HostProcess h = pool.hosts.get(i);
            h.killDaemon();
            long killed = System.nanoTime();
            Thread.sleep(restartAfterMs);
            pool.restartHost(i);
            return "SIGKILL tt-host " + h.port() + ", restarted after " + restartAfterMs + " ms, " + since(killed);
        }

        private String killBackend(int restartAfterMs) throws Exception {
            pool.backend.kill();
            long killed = System.nanoTime();
            Thread.sleep(restartAfterMs);
            pool.restartBackend();
            return "SIGKILL tt-backend, restarted after " + restartAfterMs + " ms, " + since(killed);
        }

        private static String since(long killed) {
            return String.format("serving again %.1f s after the kill", (System.nanoTime() - killed) / 1e9);
        }

        private String killQemu(int index) {
            List<ProcessHandle> qemus = pool.hosts.stream().flatMap(h -> h.vmQemus().stream())
                    .sorted(Comparator.comparing(q -> q.info().startInstant().orElse(null),
                            Comparator.nullsLast(Comparator.naturalOrder())))
                    .toList();
            if (qemus.isEmpty()) {
                return null;
            }
            ProcessHandle q = qemus.get(index % qemus.size());
            String vm = String.join(" ", q.info().arguments().orElse(new String[0])).replaceAll(".*-name (\\S+).*", "$1");
            HostProcess.sigkill(q);
            return "SIGKILL QEMU of " + vm + " (pid " + q.pid() + ")";
        }

        private String killLeaseHolder(int index) {
            List<LeaseHolder> alive;
            synchronized (holders) {
                alive = holders.stream().filter(h -> !h.killed()).sorted(Comparator.comparing(h -> h.env)).toList();
            }
            if (alive.isEmpty()) {
                return null;
            }
            LeaseHolder h = alive.get(index % alive.size());
            h.kill();
            return "killed the " + h.what + " of " + h.env;
        }
    }

    // --- the end: settled, then nothing left -------------------------------------------------------

    private void settleAndCheck() throws Exception {
        try {
            Wait.until("the pool to settle", SETTLE, () -> unsettled().isEmpty());
        } catch (AssertionError e) {
            unsettled().forEach(u -> journal.leak("unsettled: " + u));
        }
        List<EnvInfo> envs = api.envs();
        for (EnvInfo e : envs) {
            boolean reasons = e.vms().stream().filter(v -> v.state() == VmState.FAILED).allMatch(v -> v.error() != null);
            if (!(e.state() == EnvState.READY || e.state() == EnvState.FAILED && reasons)) {
                journal.leak("ENV " + e.name() + " ended " + e.summary());
            }
        }
        Set<String> listed = envs.stream().map(EnvInfo::name).collect(Collectors.toSet());
        for (String name : journal.toldMade) {
            if (!journal.deleted.contains(name) && !journal.abandoned.contains(name) && !listed.contains(name)) {
                journal.leak("ENV " + name + " was made and never deleted, but is gone");
            }
        }
        journal.line("settled: " + envs.stream().map(e -> e.name() + " " + e.state()).toList());
    }

    /** What is not settled yet: an ENV being made, a lease not ended, a ledger off, an orphan VM. */
    private List<String> unsettled() throws IOException {
        List<String> out = new ArrayList<>();
        List<EnvInfo> envs = api.envs();
        for (EnvInfo e : envs) {
            if (e.state() == EnvState.CREATING || e.state() == EnvState.STOPPED) {
                out.add("ENV " + e.name() + " " + e.summary());
            }
            if (journal.abandoned.contains(e.name())) {
                out.add("ENV " + e.name() + " outlived its killed lease holder (lease until " + e.leaseExpiresAt() + ")");
            }
        }
        Set<String> owned = envs.stream().flatMap(e -> e.vms().stream()).map(EnvVm::hostVmId)
                .collect(Collectors.toSet());
        for (HostProcess h : pool.hosts) {
            List<VmInfo> vms = h.client().vms();
            HostInfo info = h.client().host();
            Capacity live = vms.stream().map(v -> new Capacity(v.cpu(), v.memMib() * 1024L, v.diskMib() * 1024L))
                    .reduce(Capacity.ZERO, Capacity::plus);
            if (!info.used().equals(live)) {
                out.add("host " + h.port() + " ledger " + info.used() + " but its VMs hold " + live);
            }
            vms.stream().filter(v -> !owned.contains(v.id()))
                    .forEach(v -> out.add("host " + h.port() + " VM " + v.name() + " (" + v.id() + ") of no ENV"));
        }
        return out;
    }

    private void deleteEverythingAndCheck() throws Exception {
        for (EnvInfo e : api.envs()) {
            delete(e.name());
        }
        try {
            Wait.until("nothing left", Duration.ofSeconds(60), () -> leftovers().isEmpty());
        } catch (AssertionError e) {
            leftovers().forEach(journal::leak);
        }
    }

    private List<String> leftovers() throws IOException {
        List<String> out = new ArrayList<>();
        api.envs().forEach(e -> out.add("ENV row " + e.name() + " " + e.summary()));
        for (HostProcess h : pool.hosts) {
            h.client().vms().forEach(v -> out.add("host " + h.port() + " VM " + v.name() + " " + v.state()));
            Capacity used = h.client().host().used();
            if (!used.equals(Capacity.ZERO)) {
                out.add("host " + h.port() + " ledger " + used + " with no VM");
            }
            HostLeftovers.of(h).forEach(l -> out.add("host " + h.port() + ": " + l));
        }
        return out;
    }

    /** What the test was told and did, and what it found. */
    private static final class Journal {
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
        final Set<String> toldMade = ConcurrentHashMap.newKeySet();
        final Set<String> deleted = ConcurrentHashMap.newKeySet();
        final Set<String> kept = Collections.synchronizedSet(new LinkedHashSet<>());
        final Set<String> abandoned = ConcurrentHashMap.newKeySet();
        private final long start = System.nanoTime();

        void line(String text) {
            lines.add(String.format("%7.1f %s", (System.nanoTime() - start) / 1e9, text));
        }

        /** The user was told the ENV was made: one more lifecycle. */
        void told(String name) {
            toldMade.add(name);
        }

        void problem(String text) {
            line("PROBLEM " + text);
            problems.add(text);
        }

        void leak(String text) {
            line("LEAK " + text);
            leaks.add(text);
        }
    }

    /** Two hosts and a backend whose daemons can be killed and restarted on the same port and state. */
    private static final class Pool implements AutoCloseable {
        final List<HostProcess> hosts = new CopyOnWriteArrayList<>();
        final Path images;
        final Path work;
        final Path dataDir;
        volatile BackendProcess backend;

        private Pool(Path work) throws IOException {
            this.work = work;
            this.images = TinyImage.x86Only(work.resolve("images"));
            this.dataDir = work.resolve("backend");
        }

        static Pool start(Path work) throws Exception {
            Pool pool = new Pool(work);
            try {
                ExecutorService starts = Executors.newFixedThreadPool(2);
                try {
                    List<Future<Boolean>> started = new ArrayList<>();
                    for (int i = 0; i < 2; i++) {
                        started.add(starts.submit(() -> pool.hosts.add(HostProcess.start(pool.images, work, HOST_CPUS,
                                HOST_MEM_KIB, HOST_TOKEN, List.of()))));
                    }
                    for (Future<Boolean> h : started) {
                        h.get();
                    }
                } finally {
                    starts.shutdown();
                }
                pool.restartBackend();
                BackendProcess.awaitOnline(pool.backend.client(), 2);
            } catch (Exception | Error e) {
                pool.close();
                throw e;
            }
            return pool;
        }

        synchronized void restartHost(int i) throws Exception {
            hosts.set(i, hosts.get(i).restart());
        }

        synchronized void restartBackend() throws Exception {
            backend = backend == null ? BackendProcess.start(dataDir, hosts, HOST_TOKEN, List.of())
                    : BackendProcess.restartOn(backend.port(), dataDir, hosts, HOST_TOKEN, List.of());
        }

        @Override
        public synchronized void close() throws InterruptedException {
            if (backend != null) {
                backend.close();
            }
            for (HostProcess h : hosts) {
                h.close();
            }
        }
    }
}
