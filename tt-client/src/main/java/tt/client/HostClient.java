package tt.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.ExecRequest;
import tt.api.ExecResult;
import tt.api.HostInfo;
import tt.api.JoinRequest;
import tt.api.ImageInfo;
import tt.api.Json;
import tt.api.VmCreateRequest;
import tt.api.VmIdentity;
import tt.api.VmInfo;

import java.io.IOException;
import java.net.URI;
import java.util.List;

/** A client of one tt-host's REST API ({@code /api/v1}). */
public final class HostClient {

    private static final ObjectMapper JSON = Json.mapper();
    private final RestTransport rest;

    /** @param base e.g. {@code https://127.0.0.1:20000}; @param token the API token, or null */
    public HostClient(URI base, String token) {
        this(base, token, null);
    }

    /** @param trust how to trust the host's certificate (and which client certificate to present); null: the Java's CAs */
    public HostClient(URI base, String token, ServerTrust trust) {
        this.rest = new RestTransport(base, token, trust, RestTransport.DEFAULT_READ_TIMEOUT);
    }

    /** The host's address, e.g. {@code https://127.0.0.1:20000}. */
    public URI base() {
        return rest.base();
    }

    /** Joins the backend presenting its client certificate to this host (see tt-host's join tokens). */
    public void join(JoinRequest request) throws IOException {
        send("POST", "/api/v1/join", request);
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

    /** Gives a warm VM its name, keys and tags. */
    public VmInfo giveIdentity(String id, VmIdentity identity) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + RestTransport.encode(id) + "/identity", identity),
                VmInfo.class);
    }

    public List<VmInfo> vms() throws IOException {
        return JSON.convertValue(send("GET", "/api/v1/vms", null), new TypeReference<>() { });
    }

    public VmInfo vm(String id) throws IOException {
        return JSON.convertValue(send("GET", "/api/v1/vms/" + RestTransport.encode(id), null), VmInfo.class);
    }

    public VmInfo stopVm(String id) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + RestTransport.encode(id) + "/stop", null), VmInfo.class);
    }

    public VmInfo startVm(String id) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + RestTransport.encode(id) + "/start", null), VmInfo.class);
    }

    public void deleteVm(String id) throws IOException {
        send("DELETE", "/api/v1/vms/" + RestTransport.encode(id), null);
    }

    public ExecResult exec(String id, String cmd, int timeoutSeconds) throws IOException {
        return JSON.convertValue(send("POST", "/api/v1/vms/" + RestTransport.encode(id) + "/exec",
                new ExecRequest(cmd, timeoutSeconds)), ExecResult.class);
    }

    /** Sends a request with a JSON body (or none); returns the parsed answer, or null for 204. */
    public JsonNode send(String method, String path, Object body) throws IOException {
        return rest.send(method, path, body);
    }

}
