package tt.api;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * A tt-host's one-time join token, {@code SECRET@SHA256:...}: the secret that lets one tt-backend
 * join the host, and the host's certificate fingerprint, so that the backend knows the host is the
 * right one before it sends the secret. Each use makes a new one.
 */
public record JoinToken(String secret, String hostFingerprint) {

    public JoinToken {
        if (secret == null || !secret.matches("[A-Za-z0-9_-]{20,100}")) {
            throw new IllegalArgumentException("bad join token: its secret part is malformed");
        }
        hostFingerprint = CertFingerprint.parse(hostFingerprint);
    }

    /** A new token for the host with this certificate. */
    public static JoinToken make(String hostFingerprint) {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        return new JoinToken(Base64.getUrlEncoder().withoutPadding().encodeToString(secret), hostFingerprint);
    }

    public static JoinToken parse(String text) {
        String s = text == null ? "" : text.strip();
        int at = s.indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException("bad join token '" + text + "': give it whole as the host prints it"
                    + " (SECRET@SHA256:...; the host keeps its current one in STATE_DIR/join-token)");
        }
        try {
            return new JoinToken(s.substring(0, at), s.substring(at + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad join token: " + e.getMessage() + "; give it whole as the host"
                    + " prints it (SECRET@SHA256:...; the host keeps its current one in STATE_DIR/join-token)", e);
        }
    }

    @Override
    public String toString() {
        return secret + "@" + hostFingerprint;
    }
}
