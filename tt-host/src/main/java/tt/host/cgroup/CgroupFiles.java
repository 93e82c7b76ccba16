package tt.host.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** File operations shared by the cgroup drivers. */
final class CgroupFiles {

    private CgroupFiles() {
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }

    /**
     * Removes a group and its sub-groups, deepest first; cgroup folders go with rmdir only, which
     * fails while a killed process is still exiting, so each is retried for up to two seconds.
     */
    static void removeTree(Path group) throws IOException {
        if (!Files.isDirectory(group)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> walk = Files.walk(group)) {
            dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
        }
        for (Path dir : dirs) {
            rmdirWithRetry(dir);
        }
    }

    private static void rmdirWithRetry(Path dir) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (IOException busy) {
                if (attempt >= 100) {
                    throw busy;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw busy;
                }
            }
        }
    }

    /** Sends SIGKILL to every pid listed in a cgroup.procs file. */
    static void killProcs(Path procsFile) throws IOException {
        if (!Files.isRegularFile(procsFile)) {
            return;
        }
        for (String line : Files.readAllLines(procsFile)) {
            if (!line.isBlank()) {
                ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
