package tt.server;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import tt.api.ApiError;

import java.util.Optional;

/**
 * {@code GET /metrics}: the daemon's metrics in Prometheus' text format, behind a token of its own
 * (a scraper needs no API token, and its token opens nothing else).
 */
@Path("/metrics")
@Unauthenticated
public final class MetricsResource {

    private final Metrics metrics;
    private final Authenticator scraper;

    public MetricsResource(Metrics metrics, String metricsToken) {
        this.metrics = metrics;
        this.scraper = Authenticator.single(metricsToken);
    }

    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    @GET
    @Produces(PROMETHEUS_TEXT)
    public Response scrape(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Optional<Caller> ok = authorization != null && authorization.startsWith("Bearer ")
                ? scraper.authenticate(authorization.substring(7).strip()) : Optional.empty();
        if (ok.isEmpty()) {
            return Response.status(401).type(MediaType.APPLICATION_JSON_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .entity(new ApiError("the metrics need the metrics token (--metrics-token-file, else the file"
                            + " metrics-token in the daemon's state folder): send 'Authorization: Bearer <metrics token>'"))
                    .build();
        }
        return Response.ok(metrics.scrape(), PROMETHEUS_TEXT).build();
    }
}
