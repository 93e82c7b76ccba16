package tt.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server from Debian's postgresql package, on loopback, owned by the
 * postgres user (initdb refuses root), with trust authentication for the user {@code tt}.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path dataDir;
    private final int port;

    private PostgresServer(Path bin, Path dataDir, int port) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** The newest installed server's bin folder, if the postgresql package is installed. */
    public static Optional<Path> installedBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getParent().getFileName().toString())));
        }
    }

    public static PostgresServer start(Path bin, Path dir) throws IOException, InterruptedException {
        int port = FreePort.get();
        Path data = dir.resolve("pgdata-" + port);
        Files.createDirectories(data);
        run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
        run(List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", data.toString(),
                "-A", "trust", "-U", "tt", "--no-sync"));
        run(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w",
                "-l", dir.resolve("postgres-" + port + ".log").toString(), "-o",
                "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
        return new PostgresServer(bin, data, port);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "tt";
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("runuser", "-u", "postgres", "--", bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                "-m", "fast", "-w", "stop"));
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("failed (" + String.join(" ", cmd) + "): " + out.strip());
        }
    }
}
