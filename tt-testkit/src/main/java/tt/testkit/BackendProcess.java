package tt.testkit;

import tt.api.HostStatus;
import tt.client.BackendClient;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real tt-backend started through {@code bin/tt-backend}, with its log in a file. */
public final class BackendProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final String token;
    private final Path log;

    private BackendProcess(Process process, int port, String token, Path log) {
        this.process = process;
        this.port = port;
        this.token = token;
        this.log = log;
    }

    /** Starts a backend over the given hosts (all sharing {@code hostToken}) and waits for its API. */
    public static BackendProcess start(Path dataDir, int port, List<HostProcess> hosts, String hostToken,
                                       List<String> extraArgs) throws Exception {
        Files.createDirectories(dataDir);
        String token = "admin-token-" + port;
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        List<String> cmd = new ArrayList<>(List.of(Repo.root().resolve("bin/tt-backend").toString(),
                "--proxy-addr", "127.0.0.1:" + port, "--data-dir", dataDir.toString(), "--token", token,
                "--host-token", hostToken));
        if (!hosts.isEmpty()) {
            cmd.add("--server-set");
            cmd.add(String.join(",", hosts.stream().map(h -> "127.0.0.1:" + h.port()).toList()));
        }
        cmd.addAll(extraArgs);
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BackendProcess backend = new BackendProcess(process, port, token, log);
        try {
            Wait.until("tt-backend API on port " + port, Duration.ofSeconds(60), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("tt-backend exited with " + process.exitValue() + ": " + backend.log());
                }
                backend.client().status();
                return true;
            });
        } catch (Throwable e) {
            backend.close();
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
        return new BackendClient(URI.create(baseUri()), token);
    }

    public String baseUri() {
        return "http://127.0.0.1:" + port;
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
