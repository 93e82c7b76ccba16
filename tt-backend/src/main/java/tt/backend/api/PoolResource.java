package tt.backend.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import tt.api.HostStatus;
import tt.api.PoolStatus;
import tt.backend.env.EnvService;
import tt.api.JoinToken;
import tt.backend.hosts.HostPool;

import java.io.IOException;
import java.util.List;

/** The pool: status of every host (with the union of images), and hosts added or removed at run time. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class PoolResource {

    /**
     * The body of {@code POST /api/v1/hosts}: the host's address, whether it serves plain HTTP (started
     * with --insecure-http), and its join token (not needed for a host of the backend's machine).
     */
    public record HostAddress(String address, Integer port, Boolean insecureHttp, String joinToken) {
    }

    private final HostPool pool;
    private final EnvService envs;
    private final String version;

    public PoolResource(HostPool pool, EnvService envs, String version) {
        this.pool = pool;
        this.envs = envs;
        this.version = version;
    }

    @GET
    @Path("status")
    public PoolStatus status() {
        return new PoolStatus(version, pool.status(), pool.images());
    }

    @GET
    @Path("hosts")
    public List<HostStatus> hosts() {
        return pool.status();
    }

    @POST
    @Path("hosts")
    public Response add(@Context SecurityContext who, HostAddress host) throws IOException {
        AdminOnly.check(who, "add hosts");
        if (host == null || host.address() == null || host.port() == null) {
            throw new IllegalArgumentException("send JSON {\"address\": \"127.0.0.1\", \"port\": 20000, \"joinToken\":"
                    + " \"...\"}");
        }
        String id = pool.add(host.address(), host.port(), Boolean.TRUE.equals(host.insecureHttp()),
                host.joinToken() == null || host.joinToken().isBlank() ? null : JoinToken.parse(host.joinToken()));
        return Response.status(201).entity(pool.status().stream().filter(h -> h.id().equals(id)).findFirst()
                .orElseThrow()).build();
    }

    @DELETE
    @Path("hosts/{id}")
    public Response remove(@Context SecurityContext who, @PathParam("id") String id) {
        AdminOnly.check(who, "remove hosts");
        pool.remove(id, envs.hostHasVms(id));
        return Response.noContent().build();
    }
}
