package tt.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Turns a bearer token into the caller it belongs to, or nothing. */
public interface Authenticator {

    Optional<Caller> authenticate(String token);

    /** Accepts one token, the admin's (compared in constant time). */
    static Authenticator single(String adminToken) {
        byte[] expected = adminToken.getBytes(StandardCharsets.UTF_8);
        return token -> MessageDigest.isEqual(expected, token.getBytes(StandardCharsets.UTF_8))
                ? Optional.of(Caller.ADMIN) : Optional.empty();
    }
}
