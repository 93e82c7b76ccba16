package tt.host.vm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a VM's console or engine log: for the reasons given when it fails, and the console API. */
final class LogTail {

    private LogTail() {
    }

    /** The last {@code lines} lines joined by " | ", or a note that there are none. */
    static String lines(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            String tail = String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size())).strip();
            return tail.isEmpty() ? "(nothing)" : tail;
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }

    /** The last {@code maxBytes} of the file; empty when it does not exist. */
    static String bytes(Path file, int maxBytes) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - maxBytes);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }
}
