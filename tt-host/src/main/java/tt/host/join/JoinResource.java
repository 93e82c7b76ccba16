package tt.host.join;

import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.glassfish.grizzly.http.server.Request;
import tt.api.ApiError;
import tt.api.JoinRequest;
import tt.server.ClientCertificates;
import tt.server.Unauthenticated;

import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /api/v1/join}: a tt-backend joins this host with the secret of the host's current join
 * token and its client certificate. The join token is the credential (no API token is needed).
 */
@Path("/api/v1/join")
@Unauthenticated
public final class JoinResource {

    private final HostJoins joins;
    @Inject
    private Provider<Request> grizzlyRequest;

    public JoinResource(HostJoins joins) {
        this.joins = joins;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response join(JoinRequest request) throws IOException {
        Optional<String> backend = ClientCertificates.fingerprint(grizzlyRequest.get());
        if (backend.isEmpty()) {
            return refusal(400, "a join needs the backend's client certificate over HTTPS: join this host with"
                    + " 'tt host add ADDR:PORT --join-token TOKEN' against the tt-backend");
        }
        if (request == null || !joins.join(request.secret(), backend.get())) {
            return refusal(403, "wrong or used join token: each join uses one up; the host's current token is in"
                    + " " + joins.tokenFile());
        }
        return Response.noContent().build();
    }

    private static Response refusal(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message)).build();
    }
}
