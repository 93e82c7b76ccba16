package tt.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import tt.api.AuditEntry;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.EnvPlan;
import tt.api.EnvState;
import tt.api.HostStatus;
import tt.api.ImageInfo;
import tt.api.Json;
import tt.api.PoolStatus;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.api.TokenInfo;
import tt.api.TokenRequest;
import tt.api.WarmPoolSettings;
import tt.api.WarmPoolStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/** A client of tt-backend's REST API: ENVs and the pool. */
public final class BackendClient {

    private static final ObjectMapper JSON = Json.mapper();
    private final URI base;
    private final String token;
    private final ServerTrust trust;
    private final RestTransport rest;

    /** A client of {@code http://} or of {@code https://} with a certificate the Java's CAs vouch for. */
    public BackendClient(URI base, String token) {
        this(base, token, null);
    }

    /** @param trust how to trust the server's certificate (pinned by fingerprint); null: the Java's CAs */
    public BackendClient(URI base, String token, ServerTrust trust) {
        this(base, token, trust, RestTransport.DEFAULT_READ_TIMEOUT);
    }

    private BackendClient(URI base, String token, ServerTrust trust, Duration readTimeout) {
        this.base = base;
        this.token = token;
        this.trust = trust;
        this.rest = new RestTransport(base, token, trust, readTimeout);
    }

    /** The same client, giving up on an answer that takes longer than {@code readTimeout}. */
    public BackendClient withReadTimeout(Duration readTimeout) {
        return new BackendClient(base, token, trust, readTimeout);
    }

    public PoolStatus status() throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/status", null), PoolStatus.class);
    }

    public EnvInfo createEnv(EnvCreateRequest request) throws IOException {
        return createEnv(request, 0);
    }

    /** Makes an ENV, waiting up to {@code waitSeconds} for room in the pool (0: refused at once if there is none). */
    public EnvInfo createEnv(EnvCreateRequest request, int waitSeconds) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/envs" + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : ""),
                request), EnvInfo.class);
    }

    /** Whether the pool could place the ENV now; nothing is made. */
    public EnvPlan planEnv(EnvCreateRequest request) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/envs?dryRun=true", request), EnvPlan.class);
    }

    public List<EnvInfo> envs() throws IOException {
        return envs(Map.of());
    }

    /** The caller's ENVs carrying every one of the tags. */
    public List<EnvInfo> envs(Map<String, String> tags) throws IOException {
        StringBuilder query = new StringBuilder();
        new TreeMap<>(tags).forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&").append("tag=")
                .append(RestTransport.encode(k + "=" + v)));
        return JSON.convertValue(rest.send("GET", "/api/v1/envs" + query, null), new TypeReference<>() { });
    }

    /** Renews the ENV's lease. */
    public EnvInfo renewEnv(String name) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/envs/" + RestTransport.encode(name) + "/renew", null),
                EnvInfo.class);
    }

    /** The ENV; with {@code waitSeconds} > 0 the server answers once no VM is booting (or time is up). */
    public EnvInfo env(String name, int waitSeconds) throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/envs/" + RestTransport.encode(name)
                + (waitSeconds > 0 ? "?waitSeconds=" + waitSeconds : ""), null), EnvInfo.class);
    }

    /**
     * The ENV once it is no longer being made (READY, FAILED or STOPPED), or as it is when the
     * timeout is over (still CREATING). Uses the backend's long poll, 30 s at a time.
     */
    public EnvInfo awaitSettled(String envName, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = Duration.ofNanos(deadline - System.nanoTime()).toSeconds();
            EnvInfo env = env(envName, (int) Math.max(1, Math.min(30, left)));
            if (env.state() != EnvState.CREATING || System.nanoTime() > deadline) {
                return env;
            }
            Thread.sleep(100);
        }
    }

    public EnvInfo stopEnv(String name) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/envs/" + RestTransport.encode(name) + "/stop", null),
                EnvInfo.class);
    }

    public EnvInfo startEnv(String name) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/envs/" + RestTransport.encode(name) + "/start", null),
                EnvInfo.class);
    }

    /** The changes asked for in the last {@code sinceMinutes}, of one actor (or all, for null), newest first (admin). */
    public List<AuditEntry> audit(int sinceMinutes, String actor, int limit) throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/audit?sinceMinutes=" + sinceMinutes + "&limit=" + limit
                + (actor == null ? "" : "&actor=" + RestTransport.encode(actor)), null), new TypeReference<>() { });
    }

    /** The warm pools, with how many VMs each keeps and has. */
    public List<WarmPoolStatus> warmPools() throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/warm", null), new TypeReference<>() { });
    }

    /** Keeps at least {@code min}, up to {@code max}, VMs of the image warm (admin). */
    public WarmPoolStatus setWarmPool(String image, int min, int max) throws IOException {
        return JSON.convertValue(rest.send("PUT", "/api/v1/warm/" + RestTransport.encode(image),
                new WarmPoolSettings(min, max)), WarmPoolStatus.class);
    }

    /** Stops keeping VMs of the image warm (admin). */
    public void deleteWarmPool(String image) throws IOException {
        rest.send("DELETE", "/api/v1/warm/" + RestTransport.encode(image), null);
    }

    /** The pool's images (a single tt-host: its own), with what is known of each. */
    public List<ImageInfo> images() throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/images", null), new TypeReference<>() { });
    }

    public void deleteEnv(String name) throws IOException {
        rest.send("DELETE", "/api/v1/envs/" + RestTransport.encode(name), null);
    }

    public List<RunResult> run(String name, String cmd, int timeoutSeconds) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/envs/" + RestTransport.encode(name) + "/run",
                new RunRequest(cmd, timeoutSeconds)), new TypeReference<>() { });
    }

    /** Runs a command on every VM, handing each VM's result over as soon as the server streams it. */
    public void runStreamed(String name, String cmd, int timeoutSeconds, Consumer<RunResult> each) throws IOException {
        try {
            rest.stream("POST", "/api/v1/envs/" + RestTransport.encode(name) + "/run", new RunRequest(cmd, timeoutSeconds),
                    line -> {
                        try {
                            each.accept(JSON.readValue(line, RunResult.class));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    public List<HostStatus> hosts() throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/hosts", null), new TypeReference<>() { });
    }

    /** Adds a host of this backend's machine (joined without a token). */
    public HostStatus addHost(String address, int port) throws IOException {
        return addHost(address, port, false, null);
    }

    /**
     * Adds a host, joining it with its one-time {@code joinToken} (null: a host of the backend's
     * machine); {@code plainHttp} for a host started with --insecure-http.
     */
    public HostStatus addHost(String address, int port, boolean plainHttp, String joinToken) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("address", address, "port", port,
                "insecureHttp", plainHttp));
        if (joinToken != null) {
            body.put("joinToken", joinToken);
        }
        return JSON.convertValue(rest.send("POST", "/api/v1/hosts", body), HostStatus.class);
    }

    /** Makes a user's token with full scope and no limits (admin only); the answer holds the secret, shown this once. */
    public TokenInfo createToken(String name) throws IOException {
        return createToken(new TokenRequest(name, null, null, null, null, null));
    }

    /** Makes a user's token (admin only); the answer holds the secret, shown this once. */
    public TokenInfo createToken(TokenRequest request) throws IOException {
        return JSON.convertValue(rest.send("POST", "/api/v1/tokens", request), TokenInfo.class);
    }

    public List<TokenInfo> tokens() throws IOException {
        return JSON.convertValue(rest.send("GET", "/api/v1/tokens", null), new TypeReference<>() { });
    }

    public void revokeToken(String idOrName) throws IOException {
        rest.send("DELETE", "/api/v1/tokens/" + RestTransport.encode(idOrName), null);
    }

    public void deleteHost(String id) throws IOException {
        rest.send("DELETE", "/api/v1/hosts/" + RestTransport.encode(id), null);
    }
}
