package tt.server;

import io.micrometer.core.instrument.Counter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTest {

    private static final String API_TOKEN = "api-token";
    private static final String METRICS_TOKEN = "metrics-token";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final Metrics metrics = new Metrics();
    private ApiServer server;
    private int port;

    @Path("/api/v1/things")
    public static final class Things {
        @GET
        @Path("{id}")
        @Produces("text/plain")
        public String get(@PathParam("id") String id) {
            return id;
        }
    }

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        server = ApiServer.start("127.0.0.1", port, Authenticator.single(API_TOKEN),
                new Things(), new MetricsResource(metrics, METRICS_TOKEN), metrics.apiLatency());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theMetricsTokenScrapesApiLatencyPerPathTemplateAndTheDaemonsOwnMeters() throws Exception {
        Counter.builder("tt_test_things").register(metrics.registry()).increment(3);
        assertEquals(200, get("/api/v1/things/a", API_TOKEN).statusCode());
        assertEquals(200, get("/api/v1/things/b", API_TOKEN).statusCode());

        HttpResponse<String> scrape = get("/metrics", METRICS_TOKEN);

        assertEquals(200, scrape.statusCode());
        assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), scrape.headers().toString());
        String line = scrape.body().lines()
                .filter(l -> l.startsWith("http_server_requests_seconds_count{") && l.contains("uri=\"/api/v1/things/{id}\""))
                .findFirst().orElseThrow(() -> new AssertionError("no latency of /api/v1/things/{id} in:\n" + scrape.body()));
        assertTrue(line.contains("method=\"GET\"") && line.contains("status=\"200\""), line);
        assertEquals(2.0, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), line);
        assertTrue(scrape.body().lines().anyMatch(l -> l.equals("tt_test_things_total 3.0")), scrape.body());
    }

    @Test
    void neitherNoTokenNorTheApiTokenOpenTheMetricsAndTheMetricsTokenOpensNothingElse() throws Exception {
        HttpResponse<String> none = get("/metrics", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("metrics token"), none.body());
        assertEquals(401, get("/metrics", API_TOKEN).statusCode());
        assertEquals(401, get("/api/v1/things/a", METRICS_TOKEN).statusCode());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
