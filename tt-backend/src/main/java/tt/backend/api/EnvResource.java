package tt.backend.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.backend.env.EnvService;

import java.net.URI;
import java.util.List;

/** ENVs: create, list, show (optionally waiting while VMs boot), run a command on all VMs, delete. */
@Path("/api/v1/envs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class EnvResource {

    /** Every caller holds the admin token for now; ENVs record it as their owner. */
    static final String ADMIN = "admin";
    private final EnvService envs;

    public EnvResource(EnvService envs) {
        this.envs = envs;
    }

    @GET
    public List<EnvInfo> list() {
        return envs.list(ADMIN, true);
    }

    @POST
    public Response create(EnvCreateRequest request) {
        EnvInfo env = envs.create(request, ADMIN);
        return Response.created(URI.create("/api/v1/envs/" + env.name())).entity(env).build();
    }

    @GET
    @Path("{name}")
    public EnvInfo show(@PathParam("name") String name, @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds)
            throws InterruptedException {
        return envs.get(name, ADMIN, true, Math.max(0, waitSeconds));
    }

    @DELETE
    @Path("{name}")
    public Response delete(@PathParam("name") String name) {
        envs.delete(name, ADMIN, true);
        return Response.noContent().build();
    }

    @POST
    @Path("{name}/run")
    public List<RunResult> run(@PathParam("name") String name, RunRequest request) throws InterruptedException {
        return envs.run(name, request, ADMIN, true);
    }
}
