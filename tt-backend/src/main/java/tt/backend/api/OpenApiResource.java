package tt.backend.api;

import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import tt.server.Unauthenticated;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI 3 document of the backend's API, read by
 * swagger-core from the very resource classes that serve it, so it cannot drift from them. Served
 * without a token (it describes the API, it reveals no data), so that any CI can generate a client.
 */
@Path(OpenApiResource.PATH)
@Unauthenticated
public final class OpenApiResource {

    public static final String PATH = "/api/v1/openapi.json";
    private final String version;
    private final List<Class<?>> resources;
    private String document;

    private OpenApiResource(String version, List<Class<?>> resources) {
        this.version = version;
        this.resources = List.copyOf(resources);
    }

    /**
     * The document of {@code resources}' API. A factory, not a public constructor: Jersey checks a
     * resource's public constructors, and warns at every start about a parameter as generic as this one.
     */
    public static OpenApiResource of(String version, List<Class<?>> resources) {
        return new OpenApiResource(version, resources);
    }

    /** The document, read from the resources on first use (not at start-up, which it would slow). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public synchronized String document() {
        if (document == null) {
            document = read();
        }
        return document;
    }

    private String read() {
        OpenAPI base = new OpenAPI()
                .info(new Info().title("TT backend").version(version).description("ENVs of real VMs from a pool of"
                        + " tt-host machines: create (by OS prefix), follow, run commands on, renew, delete; the pool's"
                        + " hosts, images and users' tokens. Every call but this one needs 'Authorization: Bearer"
                        + " TOKEN'."))
                .components(new Components().addSecuritySchemes("token",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("token"));
        return Json.pretty(new Reader(base).read(new LinkedHashSet<>(resources)));
    }
}
