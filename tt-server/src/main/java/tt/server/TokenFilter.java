package tt.server;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.glassfish.grizzly.http.server.Request;
import tt.api.ApiError;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses every request that does not carry {@code Authorization: Bearer <token>} of a known
 * caller, and what the token's scope does not allow; the caller is then the request's
 * {@link SecurityContext} principal (role "admin"). The paths given as open (the API's
 * description) are served to anyone. The token is always checked: a valid one is served whatever
 * its address's failures, and an address whose failures went over the limit gets 429 for its
 * further failures, with their cause (see {@link FailedLogins}, which also logs them).
 */
@Priority(Priorities.AUTHENTICATION)
public final class TokenFilter implements ContainerRequestFilter {

    private final Authenticator authenticator;
    private final Set<String> openPaths;
    private final FailedLogins failedLogins;
    @Inject
    private Provider<Request> grizzlyRequest;

    /** @param openPaths request paths without the leading slash, e.g. {@code api/v1/openapi.json} */
    public TokenFilter(Authenticator authenticator, Set<String> openPaths, FailedLogins failedLogins) {
        this.authenticator = authenticator;
        this.openPaths = Set.copyOf(openPaths);
        this.failedLogins = failedLogins;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (openPaths.contains(path)) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Optional<Caller> caller;
        try {
            caller = header != null && header.startsWith("Bearer ")
                    ? authenticator.authenticate(header.substring(7).strip()) : Optional.empty();
        } catch (TokenRefusedException refused) {
            refuse(request, refused.getMessage(), refused.getMessage());
            return;
        }
        if (caller.isEmpty()) {
            if (header == null) {
                refuse(request, "missing API token", "missing API token: send 'Authorization: Bearer <token>'"
                        + " (tt config --token)");
            } else {
                refuse(request, "unknown or revoked API token", "unknown or revoked API token: ask your TT admin for"
                        + " a token");
            }
            return;
        }
        Caller who = caller.get();
        String outOfScope = outOfScope(who, request.getMethod(), path);
        if (outOfScope != null) {
            request.abortWith(refusal(403, outOfScope).build());
            return;
        }
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

    /** Why the token's scope does not allow this call, or null if it does. */
    static String outOfScope(Caller who, String method, String path) {
        boolean reads = "GET".equals(method) || "HEAD".equals(method);
        return switch (who.scope()) {
            case FULL -> null;
            case READ_ONLY -> reads ? null : "the token of " + who.name() + " is read-only: it may not " + method + " /"
                    + path;
            case ENVS -> reads || path.equals("api/v1/envs") || path.startsWith("api/v1/envs/") ? null
                    : "the token of " + who.name() + " may only use ENVs: it may not " + method + " /" + path;
        };
    }

    /** Answers a failed authentication: 401, or 429 once its address failed too often. */
    private void refuse(ContainerRequestContext request, String cause, String message) {
        String address = remoteAddress();
        long wait = failedLogins.failed(address, cause);
        if (wait == 0) {
            request.abortWith(refusal(401, message).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
            return;
        }
        request.abortWith(refusal(429, message + " (the token is refused; too many failed logins from " + address
                + ": its failed attempts get 429 for " + wait + " s more)").build());
    }

    private static Response.ResponseBuilder refusal(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(message));
    }

    /** The client's address, as the HTTP server saw it. */
    private String remoteAddress() {
        Request r = grizzlyRequest == null ? null : grizzlyRequest.get();
        return r == null || r.getRemoteAddr() == null ? "unknown" : r.getRemoteAddr();
    }

    /** The caller of a request that passed this filter; the admin when the server runs open. */
    public static Caller caller(SecurityContext context) {
        return context != null && context.getUserPrincipal() instanceof Caller c ? c : Caller.ADMIN;
    }
}
