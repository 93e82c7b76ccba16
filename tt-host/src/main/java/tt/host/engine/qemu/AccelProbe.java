package tt.host.engine.qemu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.ImageName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether KVM really runs guests here. {@code /dev/kvm} being present is not enough: a
 * nested PVM device accepts the guest and then fails it with "KVM internal error" or hangs. So
 * the probe boots the image's kernel under KVM with no root disk: a working KVM reaches the
 * kernel's "VFS: Unable to mount root fs" panic in about a second; anything else means TCG.
 */
public final class AccelProbe {

    private static final Logger LOG = LoggerFactory.getLogger(AccelProbe.class);
    static final int PROBE_SECONDS = 5;

    /** The outcome of a probe: the accelerator and why. */
    public record Result(String accel, String reason) {
    }

    private AccelProbe() {
    }

    public static Result probe(String arch, Path kernel, String consoleDevice) {
        Path kvm = Path.of("/dev/kvm");
        if (!arch.equals(ImageName.hostArch())) {
            return new Result("tcg", "guest arch " + arch + " differs from host arch " + ImageName.hostArch());
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return new Result("tcg", "/dev/kvm is missing or not accessible");
        }
        List<String> cmd = List.of(QemuCommand.binaryFor(arch), "-accel", "kvm",
                "-machine", QemuCommand.defaultMachine(arch), "-m", "128", "-nodefaults", "-no-user-config",
                "-display", "none", "-no-reboot", "-serial", "stdio", "-kernel", kernel.toString(),
                "-append", "console=" + consoleDevice + " panic=-1");
        long t0 = System.nanoTime();
        try {
            Path out = Files.createTempFile("tt-kvm-probe", ".log");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                boolean exited = p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS);
                if (!exited) {
                    p.destroyForcibly().waitFor();
                }
                String log = Files.readString(out, StandardCharsets.ISO_8859_1);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                LOG.debug("KVM probe output: {}", log);
                return interpret(exited, log, ms);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result("tcg", "KVM probe could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result("tcg", "KVM probe interrupted");
        }
    }

    static Result interpret(boolean exited, String log, long ms) {
        if (log.contains("KVM internal error")) {
            return new Result("tcg", "KVM probe failed with 'KVM internal error' (nested PVM?) after " + ms + " ms");
        }
        if (log.contains("Kernel panic") || log.contains("VFS: Unable to mount root")) {
            return new Result("kvm", "KVM probe booted a kernel in " + ms + " ms");
        }
        if (!exited) {
            return new Result("tcg", "KVM probe hung for " + PROBE_SECONDS + " s without kernel output");
        }
        String firstLine = log.lines().filter(l -> !l.isBlank()).findFirst().orElse("no output");
        return new Result("tcg", "KVM probe failed after " + ms + " ms: " + firstLine);
    }
}
