package tt.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The SHA-256 fingerprint of an OpenSSH public key line, as {@code ssh-keygen -l} prints it. */
public final class KeyFingerprint {

    private KeyFingerprint() {
    }

    /** {@code SHA256:...} of the key in a line like {@code ssh-ed25519 AAAA... comment}. */
    public static String of(String publicKeyLine) {
        String[] parts = publicKeyLine.strip().split("\\s+");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not an OpenSSH public key line");
        }
        byte[] blob = Base64.getDecoder().decode(parts[1].getBytes(StandardCharsets.US_ASCII));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
