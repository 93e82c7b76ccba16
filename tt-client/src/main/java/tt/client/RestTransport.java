package tt.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** JSON over HTTP/1.1 with a bearer token; error answers become {@link ApiException}s. */
final class RestTransport {

    private static final ObjectMapper JSON = Json.mapper();
    private final URI base;
    private final String token;
    private final HttpClient http;

    RestTransport(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Sends a request with a JSON body (or none); returns the parsed answer, or null for 204. */
    JsonNode send(String method, String path, Object body) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5))
                .header("Accept", "application/json");
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            req.header("Content-Type", "application/json");
            req.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } else {
            req.method(method, method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("") : HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + base + ": " + e.getMessage()
                    + " (is the server running? check the address)", e);
        }
        byte[] bytes = resp.body();
        if (resp.statusCode() >= 400) {
            throw error(resp.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        }
        return bytes.length == 0 ? null : JSON.readTree(bytes);
    }

    /** Sends a request and hands each line of a streamed answer (NDJSON) to {@code line} as it arrives. */
    void stream(String method, String path, Object body, Consumer<String> line) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofHours(2))
                .header("Accept", "application/x-ndjson").header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (token != null) {
            req.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Stream<String>> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (IOException e) {
            throw new IOException("cannot reach " + base + ": " + e.getMessage()
                    + " (is the server running? check the address)", e);
        }
        try (Stream<String> lines = resp.body()) {
            if (resp.statusCode() >= 400) {
                throw error(resp.statusCode(), lines.collect(Collectors.joining("\n")));
            }
            lines.filter(l -> !l.isBlank()).forEach(line);
        }
    }

    /** The server's {@code {"error": ...}} message, or the body as it is when it is not that. */
    private static ApiException error(int status, String body) {
        try {
            return new ApiException(status, JSON.readTree(body).path("error").asText(body));
        } catch (IOException notJson) {
            return new ApiException(status, body);
        }
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
