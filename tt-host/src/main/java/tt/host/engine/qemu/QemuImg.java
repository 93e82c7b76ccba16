package tt.host.engine.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Copy-on-write disks with {@code qemu-img}: a qcow2 overlay whose backing file is the image's disk. */
final class QemuImg {

    private QemuImg() {
    }

    static void createOverlay(Path backing, Path overlay, long sizeBytes) throws IOException {
        List<String> cmd = List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                "-b", backing.toAbsolutePath().toString(), overlay.toString(), Long.toString(sizeBytes));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("qemu-img create timed out for " + overlay);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating " + overlay, e);
        }
        if (p.exitValue() != 0) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            throw new IOException("qemu-img create failed for " + overlay + ": " + out);
        }
    }
}
