package tt.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KeyFingerprintTest {

    @Test
    void matchesWhatSshKeygenPrints(@TempDir Path dir) throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v ssh-keygen").start().waitFor() == 0,
                "ssh-keygen (openssh-client) is not installed: run images/setup-deps.sh");
        Path key = dir.resolve("k");
        assertEquals(0, new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .start().waitFor());
        Process p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub").start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).split(" ")[1];
        assertEquals(printed, KeyFingerprint.of(Files.readString(Path.of(key + ".pub"))));
    }
}
