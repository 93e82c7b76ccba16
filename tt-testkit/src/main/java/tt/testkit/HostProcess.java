package tt.testkit;

import tt.api.ImageInfo;
import tt.local.LocalDaemons;
import tt.client.HostClient;
import tt.client.ServerTrust;
import tt.server.TlsIdentity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real tt-host started through {@code bin/tt-host} (so in its own PID namespace, as users run
 * it), with its log in a file, for tests and benchmarks. It serves HTTPS (unless started with
 * --insecure-http); the test's client pins the host's certificate and presents the host's own
 * (read from its state folder, as root on that machine can), which the host admits even once it is
 * joined to a backend.
 */
public final class HostProcess implements AutoCloseable {

    private final Process launcher;
    private final int port;
    private final String token;
    private final Path stateDir;
    private final Path log;
    private final List<String> extraArgs;
    private final List<String> command;
    private final Path portFile;

    private HostProcess(Process launcher, int port, String token, Path stateDir, Path log, List<String> extraArgs,
                        List<String> command, Path portFile) {
        this.launcher = launcher;
        this.command = List.copyOf(command);
        this.portFile = portFile;
        this.extraArgs = List.copyOf(extraArgs);
        this.port = port;
        this.token = token;
        this.stateDir = stateDir;
        this.log = log;
    }

    /**
     * Starts a host serving {@code imagePath} with the seed's flags and waits until its API answers.
     * {@code extraArgs} are appended as given.
     */
    public static HostProcess start(Path imagePath, Path workDir, int cpuTotal, long memTotalKib,
                                    List<String> extraArgs) throws Exception {
        return start(imagePath, workDir, cpuTotal, memTotalKib, "test-token-" + System.nanoTime(), extraArgs);
    }

    /**
     * Starts a host with a given token (a backend's hosts share one token) on a port it picks itself
     * ({@code --serv-port 0}), which it names in its port file once it listens: so no other program
     * can take the port between its choice and the host's listening on it.
     */
    public static HostProcess start(Path imagePath, Path workDir, int cpuTotal, long memTotalKib, String token,
                                    List<String> extraArgs) throws Exception {
        Files.createDirectories(workDir);
        Path stateDir = Files.createTempDirectory(workDir, "host-");
        Path log = workDir.resolve(stateDir.getFileName() + ".log");
        Path portFile = workDir.resolve(stateDir.getFileName() + ".port");
        // 100 ports in 20000-32699: below the ephemeral ports, each host likely a range of its own
        int firstForward = 20000 + ThreadLocalRandom.current().nextInt(127) * 100;
        List<String> cmd = new ArrayList<>(List.of(Checkout.root().resolve("bin/tt-host").toString(),
                "--image-path", imagePath.toString(), "--cpu-total", Integer.toString(cpuTotal),
                "--mem-total", Long.toString(memTotalKib), "--disk-total", Long.toString(40L * 1024 * 1024),
                "--serv-addr", "127.0.0.1", "--serv-port", "0", "--port-file", portFile.toString(),
                "--state-dir", stateDir.toString(), "--token", token,
                "--port-range", firstForward + "-" + (firstForward + 99)));
        cmd.addAll(extraArgs);
        return launch(cmd, token, stateDir, log, portFile, extraArgs);
    }

    /**
     * Starts this host again after it was killed, as its admin would: the same state folder, token
     * and flags, and the port it had, since its backend knows it by its address. Its log goes on
     * in the same file.
     */
    public HostProcess restart() throws Exception {
        List<String> cmd = new ArrayList<>(command);
        cmd.set(cmd.indexOf("--serv-port") + 1, Integer.toString(port));
        Files.deleteIfExists(portFile);
        return launch(cmd, token, stateDir, log, portFile, extraArgs);
    }

    private static HostProcess launch(List<String> cmd, String token, Path stateDir, Path log, Path portFile,
                                      List<String> extraArgs) throws Exception {
        Process launcher = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HostProcess host = null;
        try {
            int port = PortFile.await("tt-host", portFile, launcher,
                    () -> Files.readString(log, StandardCharsets.UTF_8));
            host = new HostProcess(launcher, port, token, stateDir, log, extraArgs, cmd, portFile);
            HostProcess started = host;
            Wait.until("tt-host API on port " + port, Duration.ofSeconds(60), () -> {
                if (!launcher.isAlive()) {
                    throw new IllegalStateException("tt-host exited with " + launcher.exitValue() + ": "
                            + started.log());
                }
                started.client().host();
                return true;
            });
        } catch (Throwable e) {
            if (host != null) {
                host.close();
            } else {
                launcher.destroy();
                launcher.waitFor(60, TimeUnit.SECONDS);
            }
            throw e;
        }
        return host;
    }

    public HostClient client() {
        if (plainHttp()) {
            return new HostClient(URI.create(baseUri()), token);
        }
        try {
            Path tls = stateDir.resolve("tls");
            TlsIdentity own = TlsIdentity.fromFiles(tls.resolve("cert.pem"), tls.resolve("key.pem"));
            return new HostClient(URI.create(baseUri()), token,
                    ServerTrust.pinned(own.fingerprint()).presenting(own.keyManagers()));
        } catch (IOException notYetMade) {
            throw new UncheckedIOException("the host has not made its certificate yet", notYetMade);
        }
    }

    /** The fingerprint of the host's certificate, as it keeps it in its state folder. */
    public String fingerprint() throws IOException {
        return Files.readString(stateDir.resolve("tls").resolve("fingerprint"), StandardCharsets.UTF_8).strip();
    }

    public String baseUri() {
        return (plainHttp() ? "http://" : "https://") + "127.0.0.1:" + port;
    }

    /** The host's address as a backend's --server-set and tt host add take it. */
    public String address() {
        return (plainHttp() ? "http://" : "") + "127.0.0.1:" + port;
    }

    private boolean plainHttp() {
        return extraArgs.contains("--insecure-http");
    }

    /** The port the host's API listens on (it picked it itself). */
    public int port() {
        return port;
    }

    /** The name of the host's folder of control sockets under /run and of its cgroup. */
    public String instance() {
        return LocalDaemons.hostInstance(0, stateDir);
    }

    public String token() {
        return token;
    }

    public Path stateDir() {
        return stateDir;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /**
     * The image's slowdown factor once the host has measured it (in the first VM of the image that
     * is ready, which must stay until then), or empty if it has not within {@code wait}.
     */
    public Optional<Double> awaitSlowdown(String image, Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        HostClient client = client();
        while (true) {
            Optional<Double> slowdown = client.images().stream().filter(i -> i.name().equals(image)).findFirst()
                    .map(ImageInfo::slowdown);
            if (slowdown.isPresent() || System.nanoTime() > deadline) {
                return slowdown;
            }
            Thread.sleep(500);
        }
    }

    /** The daemon's JVM (inside the launcher's namespace). */
    public Optional<ProcessHandle> daemon() {
        return launcher.toHandle().descendants()
                .filter(h -> h.info().command().orElse("").endsWith("/java")).findFirst();
    }

    /** Every QEMU process the daemon started that is still alive. */
    public List<ProcessHandle> qemus() {
        return launcher.toHandle().descendants()
                .filter(h -> h.info().command().orElse("").contains("qemu-system")).toList();
    }

    /** The QEMUs of the daemon's VMs (named tt-vm-ID), not those of snapshot builds beside them. */
    public List<ProcessHandle> vmQemus() {
        return qemus().stream()
                .filter(q -> String.join(" ", q.info().arguments().orElse(new String[0])).contains("-name tt-vm-"))
                .toList();
    }

    public boolean isAlive() {
        return launcher.isAlive();
    }

    /** SIGTERM to the launcher, which passes it on; waits until the daemon has cleaned up and gone. */
    public int stop() throws InterruptedException {
        launcher.destroy();
        if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("tt-host did not stop within 60 s of SIGTERM");
        }
        return launcher.exitValue();
    }

    /** The {@code unshare} process that holds the daemon's namespace (the launcher's child). */
    public Optional<ProcessHandle> namespace() {
        return launcher.toHandle().children().filter(h -> h.info().command().orElse("").endsWith("/unshare"))
                .findFirst();
    }

    /** SIGKILL to one process, as a user or the OOM killer would send it; returns at once. */
    public static void sigkill(ProcessHandle process) {
        process.destroyForcibly();
    }

    /** The launcher ({@code bin/tt-host}, the process the user started). */
    public ProcessHandle launcher() {
        return launcher.toHandle();
    }

    /** SIGKILL to the daemon's JVM: no shutdown hook runs. Waits for the launcher to finish. */
    public void killDaemon() throws InterruptedException {
        ProcessHandle jvm = daemon().orElseThrow(() -> new IllegalStateException("no daemon JVM found"));
        jvm.destroyForcibly();
        if (!launcher.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("launcher still running 60 s after the daemon was killed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (launcher.isAlive()) {
            stop();
        }
    }
}
