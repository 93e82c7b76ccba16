package tt.host.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Reads the virtual size from a qcow2 header (magic "QFI\xfb", size at byte 24, big-endian). */
public final class Qcow2 {

    private static final int MAGIC = 0x514649fb;

    private Qcow2() {
    }

    public static long virtualSizeBytes(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(32);
            if (ch.read(header, 0) < 32 || header.getInt(0) != MAGIC) {
                throw new IOException(file + " is not a qcow2 file");
            }
            return header.getLong(24);
        }
    }
}
