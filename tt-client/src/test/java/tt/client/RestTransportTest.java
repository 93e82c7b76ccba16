package tt.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tt.api.Json;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests and their answers, against a real HTTP server whose answers each test sets. */
class RestTransportTest {

    private AnsweringServer server;
    private URI base;

    @BeforeEach
    void serve() throws IOException {
        server = new AnsweringServer();
        base = server.base();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RestTransport rest() {
        return new RestTransport(base, "secret", null, Duration.ofSeconds(30));
    }

    @Test
    void aRequestCarriesTheTokenAndItsBodyAsJsonAndTheAnswerIsParsed() throws IOException {
        server.answer(201, "{\"name\":\"b\"}");

        assertEquals(Json.mapper().createObjectNode().put("name", "b"),
                rest().send("POST", "/api/v1/envs?waitSeconds=5", Map.of("name", "b")));
        server.answer(204, "");
        assertNull(rest().send("POST", "/api/v1/envs/b/stop", null));
        assertNull(rest().send("DELETE", "/api/v1/envs/b", null));

        assertEquals(List.of("POST /api/v1/envs?waitSeconds=5 Bearer secret {\"name\":\"b\"}",
                "POST /api/v1/envs/b/stop Bearer secret ", "DELETE /api/v1/envs/b Bearer secret "), server.received());
    }

    @Test
    void anErrorAnswerBecomesAnApiExceptionWithTheServersMessage() {
        server.answer(409, "{\"error\":\"ENV b exists\"}");
        ApiException post = assertThrows(ApiException.class, () -> rest().send("POST", "/api/v1/envs", Map.of()));
        assertEquals(409, post.status());
        assertEquals("ENV b exists", post.getMessage());

        server.answer(404, "{\"error\":\"no ENV c\"}");
        ApiException get = assertThrows(ApiException.class, () -> rest().send("GET", "/api/v1/envs/c", null));
        assertEquals(404, get.status());
        assertEquals("no ENV c", get.getMessage());
    }

    @Test
    void anErrorAnswerThatIsNotTheServersJsonIsGivenAsItIsOrByItsStatus() {
        server.answer(502, "Bad Gateway from a proxy");
        ApiException text = assertThrows(ApiException.class, () -> rest().send("GET", "/api/v1/status", null));
        assertEquals(502, text.status());
        assertEquals("Bad Gateway from a proxy", text.getMessage());

        server.answer(503, "");
        ApiException empty = assertThrows(ApiException.class, () -> rest().send("GET", "/api/v1/status", null));
        assertEquals("HTTP 503", empty.getMessage());
    }

    @Test
    void aRefusedTokenIsAnApiExceptionForAPostToo() {
        server.answer(401, "{\"error\":\"unknown or revoked API token\"}");

        ApiException get = assertThrows(ApiException.class, () -> rest().send("GET", "/api/v1/envs", null));
        assertTrue(get.tokenRefused());
        assertEquals("unknown or revoked API token", get.getMessage());
        // a POST is streamed, and HttpURLConnection keeps only the status of a 401 to a streamed request
        ApiException post = assertThrows(ApiException.class, () -> rest().send("POST", "/api/v1/envs", null));
        assertTrue(post.tokenRefused());
    }

    @Test
    void aStreamedAnswerIsHandedOverLineByLineWithoutItsBlankLines() throws IOException {
        server.answer(200, "{\"vm\":\"a\"}\n\n{\"vm\":\"b\"}\n");
        List<String> lines = new ArrayList<>();

        rest().stream("POST", "/api/v1/envs/b/run", Map.of("cmd", "true"), lines::add);

        assertEquals(List.of("{\"vm\":\"a\"}", "{\"vm\":\"b\"}"), lines);
        assertEquals(List.of("POST /api/v1/envs/b/run Bearer secret {\"cmd\":\"true\"}"), server.received());
    }

    @Test
    void aServerThatIsNotThereIsSaidSoWithTheConnectExceptionAsCause() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + port);

        IOException e = assertThrows(IOException.class,
                () -> new RestTransport(nobody, null, null, Duration.ofSeconds(30)).send("POST", "/api/v1/envs", null));

        assertTrue(e.getMessage().startsWith("cannot reach " + nobody), e.getMessage());
        assertInstanceOf(ConnectException.class, e.getCause()); // what callers that wait for a restart look for
    }

    @Test
    void anAddressThatIsNotHttpIsRefusedSayingWhatToGive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RestTransport(URI.create("localhost:8080"), null, null, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("give https://ADDR:PORT"), e.getMessage());
    }
}
