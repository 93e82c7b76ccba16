package tt.backend.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import tt.api.WarmPoolSettings;
import tt.api.WarmPoolStatus;
import tt.backend.env.WarmPool;

import java.util.List;

/**
 * Warm pools: VMs of an image kept booted and waiting for an identity, which ENVs of that image
 * and the default size take (changes: admin only).
 */
@Path("/api/v1/warm")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class WarmResource {

    private final WarmPool warm;

    public WarmResource(WarmPool warm) {
        this.warm = warm;
    }

    @GET
    public List<WarmPoolStatus> list() {
        return warm.status();
    }

    @PUT
    @Path("{image}")
    public WarmPoolStatus set(@Context SecurityContext who, @PathParam("image") String image, WarmPoolSettings settings) {
        AdminOnly.check(who, "set warm pools");
        if (settings == null || settings.min() == null) {
            throw new IllegalArgumentException("send JSON {\"min\": 2, \"max\": 6} (max defaults to min)");
        }
        return warm.set(image, settings.min(), settings.max() == null ? settings.min() : settings.max());
    }

    @DELETE
    @Path("{image}")
    public Response remove(@Context SecurityContext who, @PathParam("image") String image) {
        AdminOnly.check(who, "remove warm pools");
        warm.remove(image);
        return Response.noContent().build();
    }
}
