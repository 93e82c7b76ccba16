package tt.server;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import tt.api.ApiError;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses every request that does not carry {@code Authorization: Bearer <token>} of a known
 * caller; the caller is then the request's {@link SecurityContext} principal (role "admin"). The
 * paths given as open (the API's description) are served to anyone.
 */
@Priority(Priorities.AUTHENTICATION)
public final class TokenFilter implements ContainerRequestFilter {

    private final Authenticator authenticator;
    private final Set<String> openPaths;

    /** @param openPaths request paths without the leading slash, e.g. {@code api/v1/openapi.json} */
    public TokenFilter(Authenticator authenticator, Set<String> openPaths) {
        this.authenticator = authenticator;
        this.openPaths = Set.copyOf(openPaths);
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (openPaths.contains(request.getUriInfo().getPath())) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller = header != null && header.startsWith("Bearer ")
                ? authenticator.authenticate(header.substring(7).strip()) : Optional.empty();
        if (caller.isEmpty()) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError(header == null
                            ? "missing API token: send 'Authorization: Bearer <token>' (tt config --token)"
                            : "unknown or revoked API token: ask your TT admin for a token"))
                    .build());
            return;
        }
        Caller who = caller.get();
        boolean secure = request.getSecurityContext().isSecure();
        request.setSecurityContext(new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return who;
            }

            @Override
            public boolean isUserInRole(String role) {
                return "admin".equals(role) && who.admin();
            }

            @Override
            public boolean isSecure() {
                return secure;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        });
    }

    /** The caller of a request that passed this filter; the admin when the server runs open. */
    public static Caller caller(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof Caller c ? c : Caller.ADMIN;
    }
}
