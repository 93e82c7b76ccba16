package tt.backend.api;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.core.SecurityContext;
import tt.server.TokenFilter;

/** Refuses an action to callers that are not the admin. */
final class AdminOnly {

    private AdminOnly() {
    }

    static void check(SecurityContext who, String action) {
        if (!TokenFilter.caller(who).admin()) {
            throw new ForbiddenException("only the admin token may " + action);
        }
    }
}
