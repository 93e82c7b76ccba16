package tt.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** The file a daemon started on port 0 with {@code --port-file} writes its port to once it listens. */
public final class PortFile {

    private PortFile() {
    }

    /** Waits until {@code file} names a port, failing with the daemon's log if it exits first. */
    public static int await(String daemon, Path file, Process process, Callable<String> log) throws Exception {
        int[] port = new int[1];
        Wait.until(daemon + " writing its port to " + file, Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(daemon + " exited with " + process.exitValue() + ": " + log.call());
            }
            String text = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
            if (text.isEmpty()) {
                return false;
            }
            port[0] = Integer.parseInt(text);
            return true;
        });
        return port[0];
    }
}
