package tt.backend.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tt.api.TokenInfo;
import tt.api.TokenRequest;
import tt.backend.db.Database;
import tt.backend.db.TokenStore;
import tt.server.Caller;
import tt.server.TokenRefusedException;
import tt.testkit.ManualClock;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Users' tokens with scopes, quotas and expiry, on the real embedded database. */
class TokenAuthorityTest {

    @Test
    void aTokenCarriesItsScopeAndQuotaAndStopsAtItsExpiryOrRevocation(@TempDir Path dir) {
        try (Database db = Database.open(dir, null, null, null)) {
            TokenStore store = new TokenStore(db);
            TokenAuthority tokens = new TokenAuthority("admin-secret", store, Clock.systemUTC());
            TokenInfo bot = tokens.create(new TokenRequest("ci-bot", "envs", 10, 16384, 240, 60));
            Caller caller = tokens.authenticate(bot.token()).orElseThrow();
            assertEquals(new Caller("ci-bot", false, Caller.Scope.ENVS, new Caller.Quota(10, 16384, 240)), caller);
            assertTrue(bot.expiresAt().isAfter(Instant.now().plusSeconds(3500)), bot.toString());

            store.add(new TokenInfo("tok-old", "old", Instant.parse("2026-01-01T00:00:00Z"), null, "FULL", null, null,
                    null, Instant.parse("2026-01-02T00:00:00Z")), TokenAuthority.hash("tt_old"));
            TokenRefusedException expired = assertThrows(TokenRefusedException.class, () -> tokens.authenticate("tt_old"));
            assertTrue(expired.getMessage().contains("expired at 2026-01-02T00:00:00Z"), expired.getMessage());

            tokens.revoke("ci-bot");
            assertEquals(Optional.empty(), tokens.authenticate(bot.token()), "revoked: refused at the next request");
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> tokens.create(new TokenRequest("x", "root", null, null, null, null))).getMessage()
                    .contains("use full, read-only or envs"));
            assertEquals(Caller.Scope.READ_ONLY, tokens.authenticate(tokens.create(new TokenRequest("r", "read-only",
                    null, null, null, null)).token()).orElseThrow().scope());
        }
    }

    @Test
    void aTokenExpiresByTheClockItIsCheckedWith(@TempDir Path dir) {
        Instant made = Instant.parse("2026-03-01T10:00:00Z");
        ManualClock clock = new ManualClock(made);
        try (Database db = Database.open(dir, null, null, null)) {
            TokenAuthority tokens = new TokenAuthority("admin-secret", new TokenStore(db), clock);
            TokenInfo bot = tokens.create(new TokenRequest("ci-bot", null, null, null, null, 60));
            assertEquals(made.plusSeconds(3600), bot.expiresAt());
            clock.advance(Duration.ofSeconds(3599));
            assertEquals("ci-bot", tokens.authenticate(bot.token()).orElseThrow().name());
            clock.advance(Duration.ofSeconds(2));
            TokenRefusedException expired = assertThrows(TokenRefusedException.class, () -> tokens.authenticate(bot.token()));
            assertTrue(expired.getMessage().contains("expired at 2026-03-01T11:00:00Z"), expired.getMessage());
        }
    }
}
