package tt.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/** API tokens from a flag, a file, or made once and kept (mode 600) in the server's state folder. */
public final class Tokens {

    private Tokens() {
    }

    /**
     * The token given, else the one in {@code file}, else the one in {@code keptFile}, made on first use.
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
            Files.createFile(keptFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.writeString(keptFile, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
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
}
