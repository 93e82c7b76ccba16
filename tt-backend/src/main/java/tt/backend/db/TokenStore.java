package tt.backend.db;

import tt.api.TokenInfo;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Users' API tokens with their scope, quota and expiry; only a SHA-256 of each secret is kept. */
public final class TokenStore {

    private static final String COLUMNS = "SELECT id, name, created_at, scope, max_vms, max_mem_mib, max_lifetime_min,"
            + " expires_at FROM tokens";
    private final SqlStatements statements;

    public TokenStore(Database db) {
        this.statements = new SqlStatements(db);
    }

    /** Adds a token (its {@code token} field unused: the secret is stored as its hash); false if its name is taken. */
    public boolean add(TokenInfo t, String secretHash) {
        if (!statements.query("SELECT 1 FROM tokens WHERE name = ?", ps -> ps.setString(1, t.name()), rs -> 1).isEmpty()) {
            return false;
        }
        statements.update("INSERT INTO tokens (id, name, secret_hash, created_at, scope, max_vms, max_mem_mib,"
                + " max_lifetime_min, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, t.id());
                    ps.setString(2, t.name());
                    ps.setString(3, secretHash);
                    ps.setTimestamp(4, Timestamp.from(t.createdAt()));
                    ps.setString(5, t.scope());
                    ps.setObject(6, t.maxVms(), Types.INTEGER);
                    ps.setObject(7, t.maxMemMib(), Types.INTEGER);
                    ps.setObject(8, t.maxLifetimeMinutes(), Types.INTEGER);
                    ps.setTimestamp(9, t.expiresAt() == null ? null : Timestamp.from(t.expiresAt()));
                });
        return true;
    }

    /** The token whose secret has this hash. */
    public Optional<TokenInfo> bySecretHash(String secretHash) {
        return statements.query(COLUMNS + " WHERE secret_hash = ?", ps -> ps.setString(1, secretHash), TokenStore::token)
                .stream().findFirst();
    }

    public List<TokenInfo> list() {
        return statements.query(COLUMNS + " ORDER BY name", ps -> { }, TokenStore::token);
    }

    /** Deletes a token by id or name; false if there was none. */
    public boolean revoke(String idOrName) {
        return statements.update("DELETE FROM tokens WHERE id = ? OR name = ?", ps -> {
            ps.setString(1, idOrName);
            ps.setString(2, idOrName);
        }) > 0;
    }

    private static TokenInfo token(ResultSet rs) throws SQLException {
        Timestamp expires = rs.getTimestamp(8);
        return new TokenInfo(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), null, rs.getString(4),
                rs.getObject(5, Integer.class), rs.getObject(6, Integer.class), rs.getObject(7, Integer.class),
                expires == null ? null : expires.toInstant());
    }
}
