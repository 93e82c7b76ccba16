package tt.cli.ci;

import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvState;
import tt.api.EnvVm;
import tt.local.FileTrees;
import tt.client.ApiException;
import tt.client.BackendClient;
import tt.local.DaemonThreads;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A GitLab Runner custom executor on TT: each job gets a fresh VM (an ENV of one VM) chosen by OS
 * prefix, made in {@code prepare}, used over SSH by each {@code run} stage, deleted in
 * {@code cleanup}, or when the job is cancelled (SIGTERM), or by the backend when the job's lease
 * is not renewed (a runner that crashed). Exit codes follow the contract: the build's failure is
 * {@code BUILD_FAILURE_EXIT_CODE}, anything else {@code SYSTEM_FAILURE_EXIT_CODE}.
 */
public final class GitLabDriver {

    static final String BUILDS_DIR = "/root/builds";
    static final String CACHE_DIR = "/root/cache";
    private static final int CREATE_ATTEMPTS = 3;
    private static final Duration BOOT_WAIT = Duration.ofMinutes(15);
    private static final int ROOM_WAIT_SECONDS = 900;
    private static final Duration BACKEND_WAIT = Duration.ofMinutes(3);
    private static final Duration BACKEND_RETRY = Duration.ofSeconds(5);

    private final BackendClient backend;
    private final GitLabJob job;
    private final Path keyDir;
    private final PrintStream out;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** The SSH process of a run stage, stopped if the job is cancelled. */
    private volatile Process running;

    public GitLabDriver(BackendClient backend, Map<String, String> env, Path stateRoot, PrintStream out) {
        this.backend = backend;
        this.job = GitLabJob.from(env);
        this.keyDir = stateRoot.resolve("gitlab").resolve(job.envName());
        this.out = out;
    }

    /** {@code config_exec}: where builds go, and who the driver is. */
    public static String config(String version) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("builds_dir", BUILDS_DIR);
        config.put("cache_dir", CACHE_DIR);
        config.put("builds_dir_is_shared", false);
        config.put("hostname", "tt");
        config.put("driver", Map.of("name", "tt", "version", version));
        return new ObjectMapper().writeValueAsString(config);
    }

    /** {@code prepare_exec}: makes the job's VM with a key of its own and waits until it is ready. */
    public int prepare() throws IOException, InterruptedException {
        if (job.osPrefix() == null) {
            out.println("TT: this job names no OS: set the job variable TT_OS (e.g. TT_OS: debian-12), or an image:"
                    + " (e.g. image: debian:12), whose name is taken as the OS");
            return job.systemFailureExitCode();
        }
        deleteOnSignal();
        String publicKey = SshKeyPair.make(keyDir, job.envName());
        EnvCreateRequest request = EnvCreateRequest.builder(job.envName()).osPrefix(job.osPrefix()).cpu(job.cpu())
                .memMib(job.memMib()).diskMib(job.diskMib()).sshKeys(List.of(publicKey))
                .leaseSeconds(job.leaseSeconds()).tags(Map.of("runner", job.runnerTag(), "job", job.jobId())).build();
        out.println("TT: making VM " + job.envName() + " (OS " + job.osPrefix() + ", lease " + job.leaseSeconds() + " s)");
        EnvInfo env;
        try {
            create(request);
            env = answered(() -> backend.awaitSettled(job.envName(), BOOT_WAIT));
        } catch (IOException e) {
            finished.set(true);
            out.println("TT: could not make VM " + job.envName() + " (" + e.getMessage() + "); cleanup deletes it");
            return job.systemFailureExitCode();
        }
        finished.set(true);
        if (env.state() != EnvState.READY) {
            out.println("TT: the VM did not come up: " + env.summary());
            deleteQuietly();
            return job.systemFailureExitCode();
        }
        EnvVm vm = env.vms().get(0);
        out.println("TT: VM " + vm.name() + " (" + vm.image() + ") is ready on " + vm.host() + ", SSH "
                + vm.address() + ":" + vm.ports().get(22));
        return 0;
    }

    /** {@code run_exec SCRIPT STAGE}: runs the stage's script in the VM over SSH, renewing the lease meanwhile. */
    public int run(Path script, String stage) throws IOException, InterruptedException {
        deleteOnSignal();
        EnvInfo env;
        try {
            env = answered(() -> backend.renewEnv(job.envName()));
        } catch (ApiException gone) {
            out.println("TT: the job's VM is gone (" + gone.getMessage() + "): its lease ended or it was deleted");
            finished.set(true);
            return job.systemFailureExitCode();
        } catch (IOException e) {
            out.println("TT: cannot find the job's VM (" + e.getMessage() + ")");
            finished.set(true);
            return job.systemFailureExitCode();
        }
        EnvVm vm = env.vms().get(0);
        List<String> ssh = new ArrayList<>(List.of("ssh", "-i", keyDir.resolve("id_ed25519").toString(), "-p",
                String.valueOf(vm.ports().get(22)), "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "ServerAliveInterval=30",
                "root@" + vm.address(), "command -v bash >/dev/null && exec bash -s || exec sh -s"));
        ScheduledExecutorService renewal = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("tt-lease"));
        long every = Math.max(10, job.leaseSeconds() / 3);
        renewal.scheduleWithFixedDelay(this::renewQuietly, every, every, TimeUnit.SECONDS);
        try {
            // the script is the remote shell's input; its output is the job's log
            Process p = new ProcessBuilder(ssh).inheritIO().redirectInput(script.toFile()).start();
            running = p;
            int exit = p.waitFor();
            finished.set(true);
            if (exit == 255) {
                out.println("TT: SSH to the VM failed in stage " + stage + " (exit 255)");
                return job.systemFailureExitCode();
            }
            return exit == 0 ? 0 : job.buildFailureExitCode();
        } finally {
            renewal.shutdownNow();
        }
    }

    /** {@code cleanup_exec}: deletes the job's VM and its key, whatever happened before. */
    public int cleanup() throws IOException {
        finished.set(true);
        try {
            backend.deleteEnv(job.envName());
            out.println("TT: deleted VM " + job.envName());
        } catch (ApiException e) {
            if (e.status() != 404) {
                out.println("TT: could not delete " + job.envName() + " (" + e.getMessage() + "); its lease ends it");
            }
        } catch (IOException e) {
            out.println("TT: could not reach the TT backend to delete " + job.envName() + " (" + e.getMessage()
                    + "); its lease ends it within " + job.leaseSeconds() + " s");
        }
        FileTrees.delete(keyDir);
        return 0;
    }

    /** A cancelled job (SIGTERM) loses its VM at once; nothing else is left to the lease. */
    private void deleteOnSignal() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!finished.get()) {
                Process p = running;
                if (p != null) {
                    p.destroyForcibly();
                }
                out.println("TT: the job was stopped: deleting VM " + job.envName());
                deleteQuietly();
            }
        }, "tt-cancel"));
    }

    private void create(EnvCreateRequest request) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                backend.createEnv(request, ROOM_WAIT_SECONDS);
                return;
            } catch (ApiException e) {
                if (e.status() != 409 || !e.getMessage().contains("exists") || attempt >= CREATE_ATTEMPTS) {
                    throw e;
                }
                out.println("TT: a VM of an earlier try of this job is left: deleting it");
                deleteQuietly();
            } catch (IOException e) {
                if (!(e.getCause() instanceof ConnectException) || attempt >= CREATE_ATTEMPTS) {
                    throw e;
                }
                out.println("TT: the TT backend does not answer (" + e.getMessage() + "); trying again");
                Thread.sleep(5000L * attempt);
            }
        }
    }

    /** A call to the backend. */
    interface BackendCall<T> {
        T call() throws IOException, InterruptedException;
    }

    /** The call's answer, asked again while the backend does not answer (it may be restarting), for a while. */
    private <T> T answered(BackendCall<T> call) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + BACKEND_WAIT.toNanos();
        while (true) {
            try {
                return call.call();
            } catch (IOException e) {
                if (!(e.getCause() instanceof ConnectException) || System.nanoTime() > deadline) {
                    throw e;
                }
                out.println("TT: the TT backend does not answer (" + e.getMessage() + "); trying again");
                Thread.sleep(BACKEND_RETRY.toMillis());
            }
        }
    }

    private void renewQuietly() {
        try {
            backend.renewEnv(job.envName());
        } catch (IOException e) {
            out.println("TT: renewing the lease failed (" + e.getMessage() + "); trying again");
        }
    }

    private void deleteQuietly() {
        try {
            backend.deleteEnv(job.envName());
        } catch (IOException e) {
            out.println("TT: deleting " + job.envName() + " failed (" + e.getMessage() + "); its lease ends it");
        }
    }

}
