package tt.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import javax.net.ssl.SSLException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * JSON over HTTP/1.1 (over TLS for https://, trusting the server as {@link ServerTrust} says) with a
 * bearer token; error answers become {@link ApiException}s. Built on
 * HttpURLConnection, which starts in a fraction of the time java.net.http needs (the CLI's
 * start-up is most of its run). Every POST, and every request with a body, is sent in fixed-length
 * streaming mode, which HttpURLConnection never sends again on its own when the kept-alive connection
 * it used turns out closed: the server may have acted on it already (a second ENV).
 */
final class RestTransport {

    private static final ObjectMapper JSON = Json.mapper();
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** Long enough for a long poll or a long run; callers that must not wait so long give their own. */
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofHours(2);
    private final URI base;
    private final String token;
    private final ServerTrust trust;
    private final int readTimeoutMillis;

    RestTransport(URI base, String token, ServerTrust trust, Duration readTimeout) {
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new IllegalArgumentException("bad server address " + base + ": give https://ADDR:PORT (or http://"
                    + " for a server started with --insecure-http)");
        }
        this.base = base;
        this.token = token;
        this.trust = trust;
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    URI base() {
        return base;
    }

    ServerTrust trust() {
        return trust;
    }

    /** Sends a request with a JSON body (or none); returns the parsed answer, or null for 204. */
    JsonNode send(String method, String path, Object body) throws IOException {
        HttpURLConnection c = open(method, path, body, "application/json");
        try (InputStream in = c.getInputStream()) {
            byte[] bytes = in.readAllBytes();
            return bytes.length == 0 ? null : JSON.readTree(bytes);
        } finally {
            c.disconnect();
        }
    }

    /** Sends a request and hands each line of a streamed answer (NDJSON) to {@code line} as it arrives. */
    void stream(String method, String path, Object body, Consumer<String> line) throws IOException {
        HttpURLConnection c = open(method, path, body, "application/x-ndjson");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l = in.readLine(); l != null; l = in.readLine()) {
                if (!l.isBlank()) {
                    line.accept(l);
                }
            }
        } finally {
            c.disconnect();
        }
    }

    /** Opens the connection, sends the body, and turns an error status into an {@link ApiException}. */
    private HttpURLConnection open(String method, String path, Object body, String accept) throws IOException {
        URI uri = base.resolve(path);
        HttpURLConnection c = trust != null ? trust.open(uri) : (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout(readTimeoutMillis);
        c.setRequestMethod(method);
        c.setRequestProperty("Accept", accept);
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        try {
            if (body != null || "POST".equals(method)) {
                byte[] bytes = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                c.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = c.getResponseCode();
            if (status >= 400) {
                InputStream err = c.getErrorStream();
                String text = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
                c.disconnect();
                throw error(status, text.isEmpty() ? "HTTP " + status : text);
            }
            return c;
        } catch (ApiException e) {
            throw e;
        } catch (IOException e) {
            c.disconnect();
            throw unreachable(e);
        }
    }

    private IOException unreachable(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ServerTrust.WrongCertificateException wrong) {
                return new UntrustedServerException(base, wrong.seen, trust.fingerprint(), e);
            }
        }
        if (e instanceof SSLException && "https".equals(base.getScheme())) {
            return new IOException("no TLS with " + base + " (" + e.getMessage() + "): if the server was started with"
                    + " --insecure-http, address it as http://", e);
        }
        return new IOException("cannot reach " + base + ": " + e.getMessage() + " (is the server running? check the"
                + " address)", e);
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
