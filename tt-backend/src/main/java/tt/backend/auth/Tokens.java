package tt.backend.auth;

import tt.api.TokenInfo;
import tt.api.Validation;
import tt.backend.db.TokenStore;
import tt.server.Authenticator;
import tt.server.Caller;
import tt.server.ConflictException;
import tt.server.NotFoundException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The admin token (from the flags) and users' tokens (made by the admin, kept hashed). */
public final class Tokens implements Authenticator {

    private final Authenticator admin;
    private final TokenStore store;
    private final SecureRandom random = new SecureRandom();

    public Tokens(String adminToken, TokenStore store) {
        this.admin = Authenticator.single(adminToken);
        this.store = store;
    }

    @Override
    public Optional<Caller> authenticate(String token) {
        Optional<Caller> a = admin.authenticate(token);
        if (a.isPresent()) {
            return a;
        }
        return store.nameOf(hash(token)).map(name -> new Caller(name, false));
    }

    /** Makes a token for a user; the secret is in the answer and nowhere else. */
    public TokenInfo create(String name) {
        Validation.name("token name", name);
        if (Caller.ADMIN.name().equals(name)) {
            throw new IllegalArgumentException("'admin' is the admin token's name: pick another");
        }
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String token = "tt_" + HexFormat.of().formatHex(secret);
        String id = "tok-" + HexFormat.of().formatHex(random.generateSeed(4));
        Instant now = Instant.now();
        if (!store.add(id, name, hash(token), now)) {
            throw new ConflictException("a token named '" + name + "' exists: revoke it first or pick another name");
        }
        return new TokenInfo(id, name, now, token);
    }

    public List<TokenInfo> list() {
        return store.list();
    }

    public void revoke(String idOrName) {
        if (!store.revoke(idOrName)) {
            throw new NotFoundException("no token '" + Validation.printable(idOrName) + "': see 'tt token list'");
        }
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
