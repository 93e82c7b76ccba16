package tt.backend.db;

import tt.api.TokenInfo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Users' API tokens; only a SHA-256 of each secret is kept. */
public final class TokenStore {

    private final Database db;

    public TokenStore(Database db) {
        this.db = db;
    }

    /** Adds a token; false if its name is taken. */
    public boolean add(String id, String name, String secretHash, Instant at) {
        try (Connection c = db.connect();
             PreparedStatement taken = c.prepareStatement("SELECT 1 FROM tokens WHERE name = ?");
             PreparedStatement ins = c.prepareStatement(
                     "INSERT INTO tokens (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)")) {
            taken.setString(1, name);
            if (taken.executeQuery().next()) {
                return false;
            }
            ins.setString(1, id);
            ins.setString(2, name);
            ins.setString(3, secretHash);
            ins.setTimestamp(4, Timestamp.from(at));
            ins.executeUpdate();
            return true;
        } catch (SQLException e) {
            throw new Store.StoreException(e);
        }
    }

    public Optional<String> nameOf(String secretHash) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT name FROM tokens WHERE secret_hash = ?")) {
            ps.setString(1, secretHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new Store.StoreException(e);
        }
    }

    public List<TokenInfo> list() {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT id, name, created_at FROM tokens ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<TokenInfo> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new TokenInfo(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(), null));
            }
            return out;
        } catch (SQLException e) {
            throw new Store.StoreException(e);
        }
    }

    /** Deletes a token by id or name; false if there was none. */
    public boolean revoke(String idOrName) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("DELETE FROM tokens WHERE id = ? OR name = ?")) {
            ps.setString(1, idOrName);
            ps.setString(2, idOrName);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new Store.StoreException(e);
        }
    }
}
