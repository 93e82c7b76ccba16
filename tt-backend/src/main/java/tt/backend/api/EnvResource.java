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
import tt.api.EnvPlan;
import tt.api.Json;
import tt.api.RunRequest;
import tt.api.RunResult;
import tt.api.Validation;
import tt.backend.env.EnvService;
import tt.server.Caller;
import tt.server.TokenFilter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /** The caller's ENVs; with {@code tag=KEY=VALUE} (repeatable), only those carrying every such tag. */
    @GET
    public List<EnvInfo> list(@Context SecurityContext who, @QueryParam("tag") List<String> tags) {
        Caller c = TokenFilter.caller(who);
        return envs.list(c.name(), c.admin(), tagFilter(tags));
    }

    /**
     * Makes an ENV (202, its VMs SCHEDULED). With {@code waitSeconds}, waits that long for room in
     * the pool instead of answering 409 at once. With {@code dryRun=true}, makes nothing and answers
     * whether the pool could place it now ({@link EnvPlan}).
     */
    @POST
    public Response create(@Context SecurityContext who, EnvCreateRequest request,
                           @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                           @QueryParam("waitSeconds") @DefaultValue("0") int waitSeconds) throws InterruptedException {
        if (dryRun) {
            return Response.ok(envs.plan(request)).build();
        }
        Caller c = TokenFilter.caller(who);
        EnvInfo env = envs.create(request, c.name(), c.quota(), Math.max(0, waitSeconds));
        return Response.accepted(env).location(URI.create("/api/v1/envs/" + env.name())).build();
    }

    /** Renews the ENV's lease: its client is alive. */
    @POST
    @Path("{name}/renew")
    public EnvInfo renew(@Context SecurityContext who, @PathParam("name") String name) {
        Caller c = TokenFilter.caller(who);
        return envs.renew(name, c.name(), c.admin());
    }

    private static Map<String, String> tagFilter(List<String> tags) {
        Map<String, String> filter = new HashMap<>();
        for (String tag : tags == null ? List.<String>of() : tags) {
            int eq = tag.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("bad tag filter '" + Validation.printable(tag) + "': use tag=KEY=VALUE");
            }
            filter.put(tag.substring(0, eq), tag.substring(eq + 1));
        }
        return filter;
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
