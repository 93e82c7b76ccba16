package tt.host.join;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.glassfish.grizzly.http.server.Request;
import tt.api.ApiError;
import tt.server.ClientCertificates;

import java.util.Optional;
import java.util.Set;

/**
 * Once this host is joined to a tt-backend, it serves only callers presenting the certificate of a
 * backend it was joined to (or its own): a stolen API token alone no longer reaches it. Runs before
 * the token check; the open paths (joining, metrics, the API's description) are not checked.
 */
@Priority(Priorities.AUTHENTICATION - 10)
public final class PoolMemberFilter implements ContainerRequestFilter {

    private final HostJoins joins;
    private final Set<String> openPaths;
    @Inject
    private Provider<Request> grizzlyRequest;

    public PoolMemberFilter(HostJoins joins, Set<String> openPaths) {
        this.joins = joins;
        this.openPaths = Set.copyOf(openPaths);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (openPaths.contains(request.getUriInfo().getPath()) || !joins.isJoined()) {
            return;
        }
        Optional<String> caller = ClientCertificates.fingerprint(grizzlyRequest.get());
        if (caller.isPresent() && joins.admits(caller.get())) {
            return;
        }
        String message = caller.isEmpty()
                ? "this tt-host serves only the tt-backends it was joined to (" + String.join(", ", joins.joined())
                        + "), which present their certificates: use the pool through its backend"
                : "this tt-host is joined to another tt-backend (" + String.join(", ", joins.joined()) + "), not to the"
                        + " one calling (" + caller.get() + "): join it to this one with 'tt host add ADDR:PORT"
                        + " --join-token TOKEN' (the host's current join token is in " + joins.tokenFile() + ")";
        request.abortWith(Response.status(403).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build());
    }
}
