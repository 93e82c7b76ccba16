package tt.backend.db;

import org.flywaydb.core.Flyway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where the backend keeps its state: an embedded H2 file database in the data folder, or any
 * JDBC URL given (PostgreSQL for a shared, backed-up store). The schema is Flyway's migrations.
 */
public final class Database {

    private final String url;
    private final String user;
    private final String password;

    private Database(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Opens (and migrates) the embedded database in {@code dataDir}, or the database at {@code jdbcUrl}. */
    public static Database open(Path dataDir, String jdbcUrl, String user, String password) {
        String url = jdbcUrl != null ? jdbcUrl
                : "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tt-backend") + ";DB_CLOSE_ON_EXIT=FALSE";
        Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
        return new Database(url, user, password);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    public String describe() {
        return url.replaceAll("password=[^;&]*", "password=***");
    }
}
