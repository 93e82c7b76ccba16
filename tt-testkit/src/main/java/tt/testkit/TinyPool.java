package tt.testkit;

import tt.client.BackendClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The smallest real pool: one tt-host serving only the tiny x86_64 image (so an OS prefix matches
 * exactly one image) and a tt-backend over it, both started through {@code bin/} and online.
 */
public final class TinyPool implements AutoCloseable {

    private static final String HOST_TOKEN = "tiny-pool-host";

    private final HostProcess host;
    private final BackendProcess backend;

    private TinyPool(HostProcess host, BackendProcess backend) {
        this.host = host;
        this.backend = backend;
    }

    /** Starts the pool in {@code work} with a host of that size. */
    public static TinyPool start(Path work, int cpus, long memKib) throws Exception {
        return start(work, cpus, memKib, List.of());
    }

    /** Starts the pool in {@code work} with a host of that size, given these more tt-host options. */
    public static TinyPool start(Path work, int cpus, long memKib, List<String> hostOptions) throws Exception {
        Requirements.qemuAndRoot();
        Files.createDirectories(work);
        Path images = TinyImage.x86Only(work.resolve("images"));
        HostProcess host = HostProcess.start(images, work, cpus, memKib, HOST_TOKEN, hostOptions);
        BackendProcess backend = null;
        try {
            backend = BackendProcess.start(work.resolve("db-" + System.nanoTime()), List.of(host),
                    HOST_TOKEN, List.of());
            BackendProcess.awaitOnline(backend.client(), 1);
            return new TinyPool(host, backend);
        } catch (Exception | Error e) {
            // a start that fails (a timeout is an AssertionError) leaves no daemon running
            if (backend != null) {
                backend.close();
            }
            host.close();
            throw e;
        }
    }

    public HostProcess host() {
        return host;
    }

    public BackendProcess backend() {
        return backend;
    }

    public BackendClient client() {
        return backend.client();
    }

    @Override
    public void close() throws InterruptedException {
        backend.close();
        host.close();
    }
}
