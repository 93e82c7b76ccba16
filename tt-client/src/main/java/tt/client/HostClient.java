package tt.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.HostInfo;
import tt.api.ImageInfo;
import tt.api.Json;
import tt.api.VmCreateRequest;
import tt.api.VmInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** A client of one tt-host's REST API ({@code /api/v1}). */
public final class HostClient {

    private static final ObjectMapper JSON = Json.mapper();
    private final URI base;
    private final String token;
    private final HttpClient http;

    /** @param base e.g. {@code http://127.0.0.1:20000}; @param token the API token, or null */
    public HostClient(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public HostInfo host() throws IOException {
        return JSON.convertValue(send("GET", "/api/v1/host", null), HostInfo.class);
    }

    public List<ImageInfo> images() throws IOException {
        return JSON.convertValue(send("GET", "/api/v1/images", null), new TypeReference<>() { });
    }

    public VmInfo createVm(VmCreateRequest request) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms", request), VmInfo.class);
    }

    public List<VmInfo> vms() throws IOException {
        return JSON.convertValue(send("GET", "/api/v1/vms", null), new TypeReference<>() { });
    }

    public VmInfo vm(String id) throws IOException {
        return JSON.convertValue(send("GET", "/api/v1/vms/" + encode(id), null), VmInfo.class);
    }

    public VmInfo stopVm(String id) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + encode(id) + "/stop", null), VmInfo.class);
    }

    public VmInfo startVm(String id) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + encode(id) + "/start", null), VmInfo.class);
    }

    public void deleteVm(String id) throws IOException {
        send("DELETE", "/api/v1/vms/" + encode(id), null);
    }

    public ExecResult exec(String id, String cmd, int timeoutSeconds) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + encode(id) + "/exec",
                new ExecRequest(cmd, timeoutSeconds)), ExecResult.class);
    }

    /** Sends a request with a JSON body (or none); returns the parsed answer, or null for 204. */
    public JsonNode send(String method, String path, Object body) throws IOException {
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
            String message;
            try {
                message = JSON.readTree(bytes).path("error").asText(new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException notJson) {
                message = new String(bytes, StandardCharsets.UTF_8);
            }
            throw new ApiException(resp.statusCode(), message);
        }
        return bytes.length == 0 ? null : JSON.readTree(bytes);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
