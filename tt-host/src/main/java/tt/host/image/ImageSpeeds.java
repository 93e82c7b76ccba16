package tt.host.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * How much slower than this host an image's guests run (emulated architectures, TCG): the time a
 * fixed shell loop takes in a VM of the image, over the time the same loop takes with the host's
 * own /bin/sh. Measured once per image (in its first VM that is ready) and kept in the state
 * folder until the image changes, so that clients can scale their timeouts. It is an estimate:
 * the guest's shell (busybox ash, dash ...) may differ from the host's.
 */
public final class ImageSpeeds {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSpeeds.class);
    private static final int LOOPS = 200_000;
    private static final String LOOP = "i=0; while [ $i -lt " + LOOPS + " ]; do i=$((i+1)); done";
    /** Run in the guest: prints the guest's uptime before and after the loop (seconds, two decimals). */
    public static final String GUEST_COMMAND = "read s x < /proc/uptime; " + LOOP + "; read e x < /proc/uptime; echo $s $e";

    /** A measured factor, for the image as it was ({@code stamp}: its disk's size and time). */
    public record Measured(double factor, String stamp, Instant measuredAt) {
    }

    private final Path file;
    private final ObjectMapper json = Json.mapper();
    private final Map<String, Measured> byImage = new TreeMap<>();
    private Double hostMillis;

    public ImageSpeeds(Path file) {
        this.file = file;
        try {
            if (Files.isRegularFile(file)) {
                byImage.putAll(json.readValue(file.toFile(), new TypeReference<Map<String, Measured>>() { }));
            }
        } catch (IOException e) {
            LOG.warn("image speeds in {} not read ({}); they are measured again", file, e.getMessage());
        }
    }

    /** The image's factor, if measured for the image as it is now. */
    public synchronized Optional<Double> factor(Image image) {
        Measured m = byImage.get(image.name().toString());
        return m != null && m.stamp().equals(stamp(image)) ? Optional.of(m.factor()) : Optional.empty();
    }

    /** Records the guest's answer to {@link #GUEST_COMMAND}; returns the factor. */
    public synchronized double record(Image image, String guestOutput) throws IOException {
        String[] times = guestOutput.strip().split("\\s+");
        if (times.length != 2) {
            throw new IOException("unexpected answer to the speed loop: '" + guestOutput.strip() + "'");
        }
        double guestMillis = (Double.parseDouble(times[1]) - Double.parseDouble(times[0])) * 1000;
        double factor = Math.max(1.0, Math.round(guestMillis / hostMillis() * 10) / 10.0);
        byImage.put(image.name().toString(), new Measured(factor, stamp(image), Instant.now()));
        Path draft = file.resolveSibling(file.getFileName() + ".new");
        json.writeValue(draft.toFile(), byImage);
        Files.move(draft, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("image {}: guests run {}x slower than this host (the loop took {} ms in the guest, {} ms here)",
                image.name(), factor, Math.round(guestMillis), Math.round(hostMillis()));
        return factor;
    }

    /** The loop with the host's /bin/sh, best of three (it is short: the first runs warm the caches). */
    private double hostMillis() throws IOException {
        if (hostMillis == null) {
            double best = Double.MAX_VALUE;
            for (int run = 0; run < 3; run++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder("/bin/sh", "-c", LOOP).redirectErrorStream(true).start();
                try {
                    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                        p.destroyForcibly();
                        throw new IOException("the speed loop failed on the host: "
                                + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            hostMillis = best;
        }
        return hostMillis;
    }

    private static String stamp(Image image) {
        try {
            return Files.size(image.disk()) + "@" + Files.getLastModifiedTime(image.disk()).toMillis();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
