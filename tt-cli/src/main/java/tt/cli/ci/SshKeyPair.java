package tt.cli.ci;

import tt.local.FileTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** An SSH key pair made by ssh-keygen for one CI job or testbed, in a folder only its user reads. */
final class SshKeyPair {

    private SshKeyPair() {
    }

    /** Makes {@code dir/id_ed25519} (replacing {@code dir}) and returns the public key's line. */
    static String make(Path dir, String comment) throws IOException, InterruptedException {
        FileTrees.delete(dir);
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f",
                dir.resolve("id_ed25519").toString()).redirectErrorStream(true).start();
        String said = new String(keygen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keygen.waitFor() != 0) {
            throw new IOException("ssh-keygen failed: " + said.strip());
        }
        return Files.readString(dir.resolve("id_ed25519.pub"), StandardCharsets.US_ASCII).strip();
    }
}
