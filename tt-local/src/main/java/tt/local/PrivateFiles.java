package tt.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their user reads (keys, tokens, pins), written whole or not at all. */
public final class PrivateFiles {

    private PrivateFiles() {
    }

    /**
     * Replaces {@code file} by {@code text} (UTF-8, mode 600) in one step: a draft in the same folder
     * (made first if missing) moved over it, so that readers see the old file or the new one.
     */
    public static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path draft = Files.createTempFile(file.getParent(), "." + file.getFileName() + "-", ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(draft, text, StandardCharsets.UTF_8);
            Files.move(draft, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(draft);
        }
    }
}
