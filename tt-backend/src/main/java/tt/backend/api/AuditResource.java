package tt.backend.api;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import tt.api.Validation;
import tt.backend.db.AuditStore;
import tt.server.AuditFilter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/audit}: the changes asked for, newest first (admin only). */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public final class AuditResource {

    private final AuditStore audit;

    public AuditResource(AuditStore audit) {
        this.audit = audit;
    }

    @GET
    public List<AuditFilter.Entry> list(@Context SecurityContext who,
                                        @QueryParam("sinceMinutes") @DefaultValue("1440") int sinceMinutes,
                                        @QueryParam("actor") String actor,
                                        @QueryParam("limit") @DefaultValue("1000") int limit) {
        AdminOnly.check(who, "read the audit log");
        Validation.range("sinceMinutes", sinceMinutes, 1, 366L * 24 * 60, "minutes");
        Validation.range("limit", limit, 1, 100_000, "");
        return audit.since(Instant.now().minus(Duration.ofMinutes(sinceMinutes)),
                actor == null || actor.isBlank() ? null : Validation.name("actor", actor), limit);
    }
}
