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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much slower than this host an image's guests run (emulated architectures, TCG): the CPU time
 * a fixed shell loop takes in a VM of the image, over the time the same loop takes with the host's
 * own /bin/sh. Measured once per image (in its first VM that is ready) and kept in the state
 * folder until the image changes, so that clients can scale their timeouts. The loop runs in a
 * user's VM just as it is handed out, so it runs at the lowest priority (renice 19, where the guest
 * has renice) and counts its own CPU time ({@code times}), not the time that passes: it takes
 * almost nothing from what the VM's user starts (a Jenkins agent), and their work does not make it
 * look slower (a busy host still does: the guest cannot tell when QEMU is not running). It is an
 * estimate: the guest's shell (busybox ash, dash ...) may differ from the host's.
 */
public final class ImageSpeeds {

    private static final Logger LOG = LoggerFactory.getLogger(ImageSpeeds.class);
    private static final int LOOPS = 200_000;
    private static final String LOOP = "i=0; while [ $i -lt " + LOOPS + " ]; do i=$((i+1)); done";
    /** Run in the guest: the loop at the lowest priority, then the shell's CPU time ({@code times}). */
    public static final String GUEST_COMMAND = "renice -n 19 -p $$ > /dev/null 2>&1; " + LOOP + "; times";
    /** One CPU time as {@code times} prints it: "0m1.150s" (busybox, bash), "0m1.150000s" (dash). */
    private static final Pattern CPU_TIME = Pattern.compile("(\\d+)m(\\d+(?:\\.\\d+)?)s");

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
        double guestMillis = cpuMillis(guestOutput);
        double factor = Math.max(1.0, Math.round(guestMillis / hostMillis() * 10) / 10.0);
        byImage.put(image.name().toString(), new Measured(factor, stamp(image), Instant.now()));
        Path draft = file.resolveSibling(file.getFileName() + ".new");
        json.writeValue(draft.toFile(), byImage);
        Files.move(draft, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("image {}: guests run {}x slower than this host (the loop took {} ms of CPU in the guest, {} ms here)",
                image.name(), factor, Math.round(guestMillis), Math.round(hostMillis()));
        return factor;
    }

    /**
     * The shell's own CPU time, user and system, from the first line of {@code times}' output
     * ("USER SYS" for the shell, then "USER SYS" for its children).
     */
    static double cpuMillis(String timesOutput) throws IOException {
        String first = timesOutput.strip().lines().findFirst().orElse("");
        Matcher m = CPU_TIME.matcher(first);
        double millis = 0;
        int found = 0;
        while (m.find()) {
            millis += (Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))) * 1000;
            found++;
        }
        if (found != 2) {
            throw new IOException("unexpected answer to the speed loop (not the output of 'times'): '"
                    + timesOutput.strip() + "'");
        }
        return millis;
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
