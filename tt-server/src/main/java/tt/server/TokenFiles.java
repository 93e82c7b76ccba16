package tt.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API tokens from a flag, a file, or made once and kept (mode 600) in a state folder. On one
 * machine, tt-host and tt-backend share the machine's pool token by default, so that a pool set up
 * without any token flags works (see {@link #machinePoolTokenFile()}).
 */
public final class TokenFiles {

    private TokenFiles() {
    }

    /**
     * The token every tt-host of this machine serves with, and tt-backend sends to its hosts, when
     * no token is given: {@code $XDG_STATE_HOME/tt/pool-token} or {@code ~/.local/state/tt/pool-token}.
     * Hosts on other machines need the same token: copy the file, or give --token-file.
     */
    public static Path machinePoolTokenFile() {
        return ServerMain.defaultStateDir("pool-token");
    }

    /**
     * The token given, else the one in {@code file}, else the one in {@code keptFile}, made on first
     * use (atomically: two daemons starting at once end up with the same token).
     */
    public static String resolve(String flag, Path file, Path keptFile) throws IOException {
        if (flag != null) {
            if (flag.isBlank()) {
                throw new IllegalArgumentException("the token given is empty");
            }
            return flag;
        }
        Path source = file != null ? file : keptFile;
        if (file == null && !Files.exists(keptFile)) {
            makeOnce(keptFile);
        }
        if (!Files.isReadable(source)) {
            throw new IOException("cannot read token file " + source);
        }
        String token = Files.readString(source, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("token file " + source + " is empty");
        }
        return token;
    }

    /** Writes a new random token to a private temporary file, then links it into place unless one is there. */
    private static void makeOnce(Path keptFile) throws IOException {
        Files.createDirectories(keptFile.toAbsolutePath().getParent());
        Path draft = Files.createTempFile(keptFile.toAbsolutePath().getParent(), ".token-", ".new",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.writeString(draft, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
            Files.createLink(keptFile, draft);
        } catch (FileAlreadyExistsException madeMeanwhile) {
            // another daemon made it first: use theirs
        } finally {
            Files.deleteIfExists(draft);
        }
    }
}
