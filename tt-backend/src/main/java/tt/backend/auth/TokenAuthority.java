package tt.backend.auth;

import tt.api.TokenInfo;
import tt.api.Validation;
import tt.backend.db.TokenStore;
import tt.server.Authenticator;
import tt.api.TokenRequest;
import tt.server.Caller;
import tt.server.TokenRefusedException;
import tt.server.ConflictException;
import tt.server.NotFoundException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The admin token (from the flags) and users' tokens (made by the admin, kept hashed), each with its
 * scope, quota and expiry. Tokens are looked up at every request: a revoked token stops at once.
 */
public final class TokenAuthority implements Authenticator {

    private final Authenticator admin;
    private final TokenStore store;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** @param clock tells when a token is made and whether it has expired */
    public TokenAuthority(String adminToken, TokenStore store, Clock clock) {
        this.admin = Authenticator.single(adminToken);
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Optional<Caller> authenticate(String token) {
        Optional<Caller> a = admin.authenticate(token);
        if (a.isPresent()) {
            return a;
        }
        Optional<TokenInfo> t = store.bySecretHash(hash(token));
        if (t.isEmpty()) {
            return Optional.empty();
        }
        TokenInfo info = t.get();
        if (info.expiresAt() != null && info.expiresAt().isBefore(clock.instant())) {
            throw new TokenRefusedException("the token of " + info.name() + " expired at " + info.expiresAt()
                    + ": ask your TT admin for a new one");
        }
        return Optional.of(new Caller(info.name(), false, Caller.Scope.valueOf(info.scope()),
                new Caller.Quota(info.maxVms(), info.maxMemMib(), info.maxLifetimeMinutes())));
    }

    /** Makes a token for a user; the secret is in the answer and nowhere else. */
    public TokenInfo create(TokenRequest req) {
        if (req == null) {
            throw new IllegalArgumentException("send JSON {\"name\": \"alice\"} (and optionally scope, maxVms, maxMemMib,"
                    + " maxLifetimeMinutes, expiresInMinutes)");
        }
        String name = Validation.name("token name", req.name());
        if (Caller.ADMIN.name().equals(name)) {
            throw new IllegalArgumentException("'admin' is the admin token's name: pick another");
        }
        Caller.Scope scope = scope(req.scope());
        Integer maxVms = limit("maxVms", req.maxVms(), 100_000, "VMs");
        Integer maxMem = limit("maxMemMib", req.maxMemMib(), 1 << 30, "MiB");
        Integer maxLifetime = limit("maxLifetimeMinutes", req.maxLifetimeMinutes(), 10 * 365 * 24 * 60, "minutes");
        Integer expiresIn = limit("expiresInMinutes", req.expiresInMinutes(), 10 * 365 * 24 * 60, "minutes");
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String token = "tt_" + HexFormat.of().formatHex(secret);
        Instant now = clock.instant();
        TokenInfo made = new TokenInfo("tok-" + HexFormat.of().formatHex(random.generateSeed(4)), name, now, token,
                scope.name(), maxVms, maxMem, maxLifetime, expiresIn == null ? null : now.plusSeconds(expiresIn * 60L));
        if (!store.add(made, hash(token))) {
            throw new ConflictException("a token named '" + name + "' exists: revoke it first or pick another name");
        }
        return made;
    }

    private static Caller.Scope scope(String scope) {
        if (scope == null) {
            return Caller.Scope.FULL;
        }
        try {
            return Caller.Scope.valueOf(scope.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad scope '" + Validation.printable(scope) + "': use full, read-only"
                    + " or envs");
        }
    }

    private static Integer limit(String what, Integer value, long max, String unit) {
        return value == null ? null : (int) Validation.range(what, value, 1, max, unit);
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
