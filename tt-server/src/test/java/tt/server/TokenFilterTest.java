package tt.server;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenFilterTest {

    /** A resource to call. */
    @Path("/api/v1/things")
    @Produces(MediaType.APPLICATION_JSON)
    public static final class Things {
        @GET
        public String list() {
            return "[]";
        }

        @POST
        public String make() {
            return "{}";
        }
    }

    @Test
    void scopesAllowWhatTheySayAndNothingElse() {
        Caller reader = new Caller("rita", false, Caller.Scope.READ_ONLY, Caller.Quota.NONE);
        Caller envs = new Caller("ed", false, Caller.Scope.ENVS, Caller.Quota.NONE);
        assertNull(TokenFilter.outOfScope(reader, "GET", "api/v1/envs"));
        assertEquals("the token of rita is read-only: it may not POST /api/v1/envs",
                TokenFilter.outOfScope(reader, "POST", "api/v1/envs"));
        assertNull(TokenFilter.outOfScope(envs, "DELETE", "api/v1/envs/TEST"));
        assertNull(TokenFilter.outOfScope(envs, "GET", "api/v1/status"));
        assertEquals("the token of ed may only use ENVs: it may not POST /api/v1/tokens",
                TokenFilter.outOfScope(envs, "POST", "api/v1/tokens"));
        assertNull(TokenFilter.outOfScope(Caller.ADMIN, "POST", "api/v1/hosts"));
    }

    @Test
    void failuresFromAnAddressAreLimitedAndLoggedButAValidTokenFromItIsAlwaysServed() throws Exception {
        Authenticator auth = token -> switch (token) {
            case "good" -> Optional.of(Caller.user("alice"));
            case "old" -> throw new TokenRefusedException("the token of bob expired at 2026-01-01T00:00:00Z");
            default -> Optional.empty();
        };
        HandClock clock = new HandClock();
        List<String> logged = new ArrayList<>();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (ApiServer server = ApiServer.start("127.0.0.1", port, (ServerTls) null, auth, new FailedLogins(clock, logged::add),
                new Things())) {
            URI base = URI.create("http://127.0.0.1:" + port + "/api/v1/things");
            Map.Entry<Integer, String> expired = call(base, "old");
            assertEquals(401, expired.getKey());
            assertTrue(expired.getValue().contains("expired at 2026-01-01"), expired.getValue());
            for (int i = 0; i < FailedLogins.MAX_FAILURES - 1; i++) {
                assertEquals(401, call(base, "guess-" + i).getKey());
            }
            for (int i = 0; i < 10; i++) {
                Map.Entry<Integer, String> throttled = call(base, "wrong");
                assertEquals(429, throttled.getKey(), "failure " + (FailedLogins.MAX_FAILURES + i));
                assertTrue(throttled.getValue().contains("unknown or revoked API token: ask your TT admin for a token (the"
                        + " token is refused; too many failed logins from 127.0.0.1: its failed attempts get 429 for 60 s"
                        + " more)"), throttled.getValue());
            }
            assertEquals(200, call(base, "good").getKey(), "a valid token is served after 20 failures from its address");
            clock.advance(FailedLogins.WINDOW);
            assertEquals(401, call(base, "wrong").getKey(), "the window passed");
            assertEquals(List.of(
                    "refused requests from 127.0.0.1: the token of bob expired at 2026-01-01T00:00:00Z (first at"
                            + " 2026-03-01T10:00:00Z, 1 so far)",
                    "refused requests from 127.0.0.1: unknown or revoked API token (first at 2026-03-01T10:00:00Z,"
                            + " 1 so far)",
                    "refused requests from 127.0.0.1: unknown or revoked API token, after 10 failed logins within 60 s:"
                            + " answered 429 (first at 2026-03-01T10:00:00Z, 1 so far)"), logged);
            assertTrue(logged.stream().noneMatch(line -> line.contains("wrong") || line.contains("guess")),
                    "no token in the log: " + logged);
        }
    }

    private static Map.Entry<Integer, String> call(URI uri, String token) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setRequestProperty("Authorization", "Bearer " + token);
        int status = c.getResponseCode();
        InputStream body = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
        c.disconnect();
        return Map.entry(status, text);
    }
}
