package tt.backend.db;

import tt.server.AuditFilter;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

/** The audit log: every change asked for, kept in the database. */
public final class AuditStore implements AuditFilter.Sink {

    private final SqlStatements statements;

    public AuditStore(Database db) {
        this.statements = new SqlStatements(db);
    }

    @Override
    public void record(AuditFilter.Entry e) {
        statements.update("INSERT INTO audit (at, actor, address, method, path, status) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
            ps.setTimestamp(1, Timestamp.from(e.at()));
            ps.setString(2, e.actor());
            ps.setString(3, e.address());
            ps.setString(4, e.method());
            ps.setString(5, e.path().length() > 400 ? e.path().substring(0, 400) : e.path());
            ps.setInt(6, e.status());
        });
    }

    /** The entries since a time, newest first, of one actor (or all, for null), at most {@code limit}. */
    public List<AuditFilter.Entry> since(Instant since, String actor, int limit) {
        return statements.query("SELECT at, actor, address, method, path, status FROM audit WHERE at >= ?"
                + (actor == null ? "" : " AND actor = ?") + " ORDER BY at DESC LIMIT " + limit, ps -> {
                    ps.setTimestamp(1, Timestamp.from(since));
                    if (actor != null) {
                        ps.setString(2, actor);
                    }
                }, rs -> new AuditFilter.Entry(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getInt(6)));
    }
}
