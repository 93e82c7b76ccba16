package tt.backend.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import tt.api.EnvCreateRequest;
import tt.api.EnvInfo;
import tt.api.Json;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.backend.env.EnvService;
import tt.server.Caller;
import tt.server.TokenFilter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ENVs: create, list, show (optionally waiting while VMs boot), stop, start, run a command on all
 * VMs, delete.
 * A user sees and touches only the ENVs made with their token; the admin sees all.
 */
@Path("/api/v1/envs")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class EnvResource {

    static final String NDJSON = "application/x-ndjson";
    private static final ObjectMapper JSON = Json.mapper();
    private final EnvService envs;

    public EnvResource(EnvService envs) {
        this.envs = envs;
    }

    @GET
    public List<EnvInfo> list(@Context SecurityContext who) {
        Caller c = TokenFilter.caller(who);
        return envs.list(c.name(), c.admin());
    }

    @POST
    public Response create(@Context SecurityContext who, EnvCreateRequest request) {
        EnvInfo env = envs.create(request, TokenFilter.caller(who).name());
        return Response.accepted(env).location(URI.create("/api/v1/envs/" + env.name())).build();
    }

    @GET
    @Path("{name}")
    public EnvInfo show(@Context SecurityContext who, @PathParam("name") String name,
                        @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds) throws InterruptedException {
        Caller c = TokenFilter.caller(who);
        return envs.get(name, c.name(), c.admin(), Math.max(0, waitSeconds));
    }

    @DELETE
    @Path("{name}")
    public Response delete(@Context SecurityContext who, @PathParam("name") String name) {
        Caller c = TokenFilter.caller(who);
        envs.delete(name, c.name(), c.admin());
        return Response.noContent().build();
    }

    @POST
    @Path("{name}/stop")
    public EnvInfo stop(@Context SecurityContext who, @PathParam("name") String name) {
        Caller c = TokenFilter.caller(who);
        return envs.pauseOrResume(name, true, c.name(), c.admin());
    }

    @POST
    @Path("{name}/start")
    public EnvInfo start(@Context SecurityContext who, @PathParam("name") String name) {
        Caller c = TokenFilter.caller(who);
        return envs.pauseOrResume(name, false, c.name(), c.admin());
    }

    /** All results at once as a JSON list. */
    @POST
    @Path("{name}/run")
    public List<RunResult> run(@Context SecurityContext who, @PathParam("name") String name, RunRequest request)
            throws InterruptedException {
        Caller c = TokenFilter.caller(who);
        List<RunResult> results = new ArrayList<>();
        envs.run(name, request, c.name(), c.admin(), results::add);
        results.sort(Comparator.comparing(RunResult::vm));
        return results;
    }

    /**
     * Streamed: one JSON line per VM as soon as it finishes ({@code Accept: application/x-ndjson}),
     * so a run over many VMs shows progress and never builds one huge answer.
     */
    @POST
    @Path("{name}/run")
    @Produces(NDJSON)
    public Response runStreamed(@Context SecurityContext who, @PathParam("name") String name, RunRequest request) {
        Caller c = TokenFilter.caller(who);
        envs.checkVisible(name, c.name(), c.admin());
        StreamingOutput stream = out -> {
            try {
                envs.run(name, request, c.name(), c.admin(), r -> {
                    try {
                        out.write(JSON.writeValueAsBytes(r));
                        out.write('\n');
                        out.flush();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        return Response.ok(stream, NDJSON).build();
    }
}
