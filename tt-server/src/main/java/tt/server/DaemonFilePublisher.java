package tt.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.local.LocalDaemons;
import tt.local.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a daemon publishes for the programs of its machine while it serves (see {@link LocalDaemons}),
 * taken back when it stops. The folder is the one of the port the daemon listens on, known once it
 * listens (with port 0 the system picks it): files put before then are written at that moment, and
 * so is the port, into the file of {@code --port-file} if one was given.
 */
public final class DaemonFilePublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DaemonFilePublisher.class);
    private final Path portFile;
    private final Map<String, String> env;
    private final Map<String, String> texts = new LinkedHashMap<>();
    private final Map<Path, String> published = new LinkedHashMap<>();
    private Path dir;

    /** @param portFile where to write the port the daemon listens on, or null for nowhere */
    public DaemonFilePublisher(Path portFile) {
        this(portFile, System.getenv());
    }

    /** @param env the environment that says where the state folder is (XDG_STATE_HOME) */
    DaemonFilePublisher(Path portFile, Map<String, String> env) {
        this.portFile = portFile;
        this.env = env;
    }

    /** Publishes (or replaces) one file, mode 600 in a folder of mode 700; at once if the daemon listens. */
    public synchronized void put(String name, String text) throws IOException {
        texts.put(name, text);
        if (dir != null) {
            write(dir.resolve(name), text);
        }
    }

    /** The daemon listens on {@code port}: publishes the files put so far there, then the port itself. */
    public synchronized void listening(int port) throws IOException {
        dir = LocalDaemons.dir(env, port);
        for (Map.Entry<String, String> t : texts.entrySet()) {
            write(dir.resolve(t.getKey()), t.getValue());
        }
        if (portFile != null) {
            write(portFile, Integer.toString(port));
        }
    }

    private void write(Path file, String text) throws IOException {
        if (!Files.isDirectory(file.getParent())) {
            Files.createDirectories(file.getParent(),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        PrivateFiles.write(file, text + "\n");
        published.put(file, text);
    }

    /** Deletes the files this daemon published, unless another daemon has replaced them since. */
    @Override
    public synchronized void close() {
        published.forEach((file, text) -> {
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
