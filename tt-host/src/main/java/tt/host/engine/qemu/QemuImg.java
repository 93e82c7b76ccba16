package tt.host.engine.qemu;

import tt.local.ExternalCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Copy-on-write disks with {@code qemu-img}: a qcow2 overlay whose backing file is the image's disk. */
final class QemuImg {

    private QemuImg() {
    }

    static void createOverlay(Path backing, Path overlay, long sizeBytes) throws IOException {
        ExternalCommand.run(List.of("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                "-b", backing.toAbsolutePath().toString(), overlay.toString(), Long.toString(sizeBytes)),
                Duration.ofSeconds(30));
    }
}
