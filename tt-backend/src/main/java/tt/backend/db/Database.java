package tt.backend.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Where the backend keeps its state: an embedded H2 file database in the data folder, or any
 * JDBC URL given (PostgreSQL for a shared, backed-up store), through a connection pool. The
 * schema is Flyway's migrations.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /**
     * Opens (and migrates) the embedded database in {@code dataDir}, or the database at {@code jdbcUrl}.
     * The embedded one writes every commit before the commit returns ({@code WRITE_DELAY=0}): H2 has
     * no redo log and by default writes committed changes every 500 ms, so a killed backend would
     * lose ENVs it had already accepted.
     */
    public static Database open(Path dataDir, String jdbcUrl, String user, String password) {
        String url = jdbcUrl != null ? jdbcUrl
                : "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tt-backend") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(16);
        config.setPoolName("tt-backend-db");
        HikariDataSource pool = new HikariDataSource(config);
        Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
        return new Database(pool);
    }

    public Connection connect() throws SQLException {
        return pool.getConnection();
    }

    public String describe() {
        return pool.getJdbcUrl();
    }

    @Override
    public void close() {
        pool.close();
    }
}
