package tt.testkit;

import tt.api.HostStatus;
import tt.client.BackendClient;
import tt.client.ServerTrust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real tt-backend started through {@code bin/tt-backend}, with its log in a file. It serves
 * HTTPS (unless started with --insecure-http); the test's clients pin its certificate, read from
 * its data folder.
 */
public final class BackendProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String token;
    private final Path log;
    private final Path dataDir;
    private final boolean plainHttp;

    private BackendProcess(Process process, int port, String token, Path log, Path dataDir, boolean plainHttp) {
        this.process = process;
        this.dataDir = dataDir;
        this.plainHttp = plainHttp;
        this.port = port;
        this.token = token;
        this.log = log;
    }

    /** Starts a backend over the given hosts (all sharing {@code hostToken}) and waits for its API. */
    public static BackendProcess start(Path dataDir, List<HostProcess> hosts, String hostToken,
                                       List<String> extraArgs) throws Exception {
        return start(dataDir, hosts, hostToken, extraArgs, Map.of());
    }

    /**
     * Starts a backend with {@code env} added to its environment (e.g. another XDG_STATE_HOME: a
     * backend that does not see what the daemons of this machine publish, as if it ran elsewhere).
     * It listens on a port it picks itself ({@code --proxy-addr 127.0.0.1:0}) and names in its port
     * file once it listens. Started again on the same {@code dataDir} (a restart), it is the same
     * backend to its hosts (they know it by its certificate, not its port) on another port.
     */
    public static BackendProcess start(Path dataDir, List<HostProcess> hosts, String hostToken,
                                       List<String> extraArgs, Map<String, String> env) throws Exception {
        return start(dataDir, 0, hosts, hostToken, extraArgs, env);
    }

    /**
     * Starts a backend on a given port: one restarted on its data folder where its clients (and
     * its admin's configuration) expect it, as a real restart is.
     */
    public static BackendProcess restartOn(int port, Path dataDir, List<HostProcess> hosts, String hostToken,
                                           List<String> extraArgs) throws Exception {
        return start(dataDir, port, hosts, hostToken, extraArgs, Map.of());
    }

    private static BackendProcess start(Path dataDir, int askedPort, List<HostProcess> hosts, String hostToken,
                                        List<String> extraArgs, Map<String, String> env) throws Exception {
        Files.createDirectories(dataDir);
        String token = "admin-token-" + dataDir.getFileName();
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        Path portFile = dataDir.resolveSibling(dataDir.getFileName() + ".port");
        Files.deleteIfExists(portFile); // left by a backend of this folder that was killed
        List<String> cmd = new ArrayList<>(List.of(Checkout.root().resolve("bin/tt-backend").toString(),
                "--proxy-addr", "127.0.0.1:" + askedPort, "--port-file", portFile.toString(), "--data-dir", dataDir.toString(),
                "--token", token, "--host-token", hostToken));
        if (!hosts.isEmpty()) {
            cmd.add("--server-set");
            cmd.add(String.join(",", hosts.stream().map(HostProcess::address).toList()));
        }
        cmd.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        BackendProcess backend = null;
        try {
            int port = PortFile.await("tt-backend", portFile, process,
                    () -> Files.readString(log, StandardCharsets.UTF_8));
            backend = new BackendProcess(process, port, token, log, dataDir, extraArgs.contains("--insecure-http"));
            BackendProcess started = backend;
            Wait.until("tt-backend API on port " + port, Duration.ofSeconds(60), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("tt-backend exited with " + process.exitValue() + ": "
                            + started.log());
                }
                started.client().status();
                return true;
            });
        } catch (Throwable e) {
            if (backend != null) {
                backend.close();
            } else {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            throw e;
        }
        return backend;
    }

    /** Waits until the backend sees exactly {@code hosts} hosts online. */
    public static void awaitOnline(BackendClient client, int hosts) throws Exception {
        Wait.until(hosts + " hosts online", Duration.ofSeconds(30),
                () -> client.status().hosts().stream().filter(HostStatus::online).count() == hosts);
    }

    public BackendClient client() {
        return client(token);
    }

    /** A client with another token, pinning the backend's certificate. */
    public BackendClient client(String apiToken) {
        if (plainHttp) {
            return new BackendClient(URI.create(baseUri()), apiToken);
        }
        try {
            return new BackendClient(URI.create(baseUri()), apiToken, ServerTrust.pinned(fingerprint()));
        } catch (IOException notYetMade) {
            throw new UncheckedIOException("the backend has not made its certificate yet", notYetMade);
        }
    }

    /** The fingerprint of the backend's certificate, as it keeps it in its data folder. */
    public String fingerprint() throws IOException {
        return Files.readString(dataDir.resolve("tls").resolve("fingerprint"), StandardCharsets.UTF_8).strip();
    }

    public String baseUri() {
        return (plainHttp ? "http://" : "https://") + "127.0.0.1:" + port;
    }

    /** The port the backend's API listens on (it picked it itself). */
    public int port() {
        return port;
    }

    public String token() {
        return token;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGKILL: the backend gets no chance to finish anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
