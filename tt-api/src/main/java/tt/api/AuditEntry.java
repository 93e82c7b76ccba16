package tt.api;

import java.time.Instant;

/** A change someone asked for: who, from where, what (method and path), when, and the answer's status. */
public record AuditEntry(Instant at, String actor, String address, String method, String path, int status) {
}
