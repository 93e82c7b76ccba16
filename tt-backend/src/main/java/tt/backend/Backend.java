package tt.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.backend.api.EnvResource;
import tt.backend.api.PoolResource;
import tt.backend.api.TokenResource;
import tt.backend.auth.Tokens;
import tt.backend.db.Database;
import tt.backend.db.Store;
import tt.backend.db.TokenStore;
import tt.backend.env.EnvService;
import tt.backend.hosts.HostPool;
import tt.server.ApiServer;
import tt.server.ConflictException;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Wires the backend: database, host pool, ENV service, expiry, REST API. */
final class Backend implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    private final Database db;
    private final HostPool pool;
    private final EnvService envs;
    private final ScheduledExecutorService reaper;
    private final ApiServer api;

    private Backend(Database db, HostPool pool, EnvService envs, ScheduledExecutorService reaper, ApiServer api) {
        this.db = db;
        this.pool = pool;
        this.envs = envs;
        this.reaper = reaper;
        this.api = api;
    }

    static Backend start(BackendConfig config) throws Exception {
        Database db = Database.open(config.dataDir(), config.dbUrl(), config.dbUser(), config.dbPassword());
        Store store = new Store(db);
        EnvService[] envRef = new EnvService[1];
        HostPool pool = new HostPool(store, config.hostToken(), hostId -> envRef[0].heldOn(hostId));
        EnvService envs = new EnvService(store, pool, new EnvService.Limits(config.defaultLifetime(),
                config.maxLifetime(), config.defaultMemMib()));
        envRef[0] = envs;
        pool.start(envs, 1000);
        for (String server : config.servers()) {
            String[] hp = BackendConfig.splitHostPort("--server-set", server);
            try {
                pool.add(hp[0], Integer.parseInt(hp[1]));
            } catch (ConflictException alreadyKnown) {
                LOG.debug("host {} already in the pool", server);
            }
        }
        envs.cleanUpInterruptedCreates();
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "env-expiry");
            t.setDaemon(true);
            return t;
        });
        reaper.scheduleWithFixedDelay(() -> {
            try {
                envs.expire();
            } catch (RuntimeException e) {
                LOG.error("expiring ENVs failed", e);
            }
        }, 5, 5, TimeUnit.SECONDS);
        String version = Backend.class.getPackage().getImplementationVersion();
        Tokens tokens = new Tokens(config.token() == null ? "" : config.token(), new TokenStore(db));
        ApiServer api = ApiServer.start(config.listenAddress(), config.listenPort(),
                config.token() == null ? null : tokens, new EnvResource(envs),
                new PoolResource(pool, envs, version == null ? "dev" : version), new TokenResource(tokens));
        LOG.info("tt-backend serving http://{}:{}/api/v1 ({}), {} hosts, state in {}", config.listenAddress(),
                config.listenPort(), config.token() == null ? "OPEN, no token" : "token required",
                pool.status().size(), db.describe());
        return new Backend(db, pool, envs, reaper, api);
    }

    @Override
    public void close() {
        LOG.info("tt-backend stopping; ENVs stay on their hosts and in the database");
        api.close();
        reaper.shutdownNow();
        envs.close();
        pool.close();
        db.close();
    }
}
