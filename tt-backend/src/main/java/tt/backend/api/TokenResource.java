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
import tt.api.TokenInfo;
import tt.api.TokenRequest;
import tt.backend.auth.TokenAuthority;

import java.util.List;

/** Users' API tokens: create (the secret is shown once), list, revoke; admin only. */
@Path("/api/v1/tokens")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class TokenResource {

    private final TokenAuthority tokens;

    public TokenResource(TokenAuthority tokens) {
        this.tokens = tokens;
    }

    @GET
    public List<TokenInfo> list(@Context SecurityContext who) {
        AdminOnly.check(who, "list tokens");
        return tokens.list();
    }

    @POST
    public Response create(@Context SecurityContext who, TokenRequest body) {
        AdminOnly.check(who, "create tokens");
        return Response.status(201).entity(tokens.create(body)).build();
    }

    @DELETE
    @Path("{id}")
    public Response revoke(@Context SecurityContext who, @PathParam("id") String id) {
        AdminOnly.check(who, "revoke tokens");
        tokens.revoke(id);
        return Response.noContent().build();
    }
}
