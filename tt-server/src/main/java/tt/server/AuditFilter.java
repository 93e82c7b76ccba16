package tt.server;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import org.glassfish.grizzly.http.server.Request;

import java.time.Instant;
import java.util.Set;

/**
 * Records every change an authenticated caller asks for (each POST, PUT and DELETE), whatever its
 * outcome: who, what, when, from where, and the answer's status.
 */
@Priority(Priorities.USER)
public final class AuditFilter implements ContainerResponseFilter {

    private static final Set<String> CHANGES = Set.of("POST", "PUT", "DELETE", "PATCH");

    /** One recorded change. */
    public record Entry(Instant at, String actor, String address, String method, String path, int status) {
    }

    /** Where the entries go. */
    public interface Sink {
        void record(Entry entry);
    }

    private final Sink sink;
    @Inject
    private Provider<Request> grizzlyRequest;

    public AuditFilter(Sink sink) {
        this.sink = sink;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!CHANGES.contains(request.getMethod()) || !(request.getSecurityContext().getUserPrincipal() instanceof Caller c)) {
            return;
        }
        Request r = grizzlyRequest == null ? null : grizzlyRequest.get();
        sink.record(new Entry(Instant.now(), c.name(), r == null ? "unknown" : r.getRemoteAddr(), request.getMethod(),
                "/" + request.getUriInfo().getPath(), response.getStatus()));
    }
}
