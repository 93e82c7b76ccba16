package tt.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (qemu-img, genisoimage, ...) with arguments given one by one, never through a shell. */
public final class ExternalCommand {

    private ExternalCommand() {
    }

    /** Runs it to the end; returns its output, or throws with its output when it fails or takes too long. */
    public static String run(List<String> cmd, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(cmd.get(0) + " did not finish within " + timeout.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + cmd.get(0), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd.subList(0, Math.min(2, cmd.size()))) + " failed (exit "
                    + p.exitValue() + "): " + out);
        }
        return out;
    }
}
