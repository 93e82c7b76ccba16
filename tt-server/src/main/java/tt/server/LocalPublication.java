package tt.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.LocalDaemons;
import tt.api.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a daemon publishes for the programs of its machine while it serves (see {@link LocalDaemons}),
 * taken back when it stops.
 */
public final class LocalPublication implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalPublication.class);
    private final Path dir;
    private final Map<String, String> published = new LinkedHashMap<>();

    public LocalPublication(int port) {
        this.dir = LocalDaemons.dir(System.getenv(), port);
    }

    /** Publishes (or replaces) one file, mode 600 in a folder of mode 700. */
    public synchronized void put(String name, String text) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        PrivateFiles.write(dir.resolve(name), text + "\n");
        published.put(name, text);
    }

    /** Deletes the files this daemon published, unless another daemon on the port has replaced them since. */
    @Override
    public synchronized void close() {
        published.forEach((name, text) -> {
            Path file = dir.resolve(name);
            try {
                if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).strip().equals(text)) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                LOG.warn("cannot take back {}: {}", file, e.getMessage());
            }
        });
        published.clear();
    }
}
