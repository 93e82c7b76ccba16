package tt.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import tt.api.ServerAddress;
import tt.api.HostStatus;
import tt.api.ImageInfo;
import tt.api.VmState;
import tt.backend.api.AuditResource;
import tt.backend.api.EnvResource;
import tt.backend.api.PoolResource;
import tt.backend.api.TokenResource;
import tt.backend.api.WarmResource;
import tt.backend.auth.TokenAuthority;
import tt.backend.db.AuditStore;
import tt.backend.db.Database;
import tt.backend.db.PoolStore;
import tt.backend.db.TokenStore;
import tt.backend.db.WarmStore;
import tt.backend.env.EnvService;
import tt.backend.env.WarmPool;
import tt.backend.hosts.HostConnector;
import tt.backend.hosts.HostPool;
import tt.server.AuditFilter;
import tt.server.Authenticator;
import tt.local.DaemonThreads;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client API of TT (ENVs, pool status, users' tokens) over a pool of hosts, with its state in
 * a database. tt-backend serves it over all hosts; tt-host serves the very same over itself alone,
 * so that the client talks to either.
 */
public final class ClientApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientApi.class);

    /** Where the state lives and what the pool is made of. */
    public record Settings(Path dataDir, String dbUrl, String dbUser, String dbPassword, String adminToken,
                           HostConnector hostConnector, List<String> servers, EnvService.Limits limits) {
    }

    private final Database db;
    private final HostPool pool;
    private final EnvService envs;
    private final WarmPool warm;
    private final TokenAuthority tokens;
    private final ScheduledExecutorService reaper;

    private ClientApi(Database db, HostPool pool, EnvService envs, WarmPool warm, TokenAuthority tokens,
                     ScheduledExecutorService reaper) {
        this.db = db;
        this.pool = pool;
        this.envs = envs;
        this.warm = warm;
        this.tokens = tokens;
        this.reaper = reaper;
    }

    public static ClientApi start(Settings s, MeterRegistry registry) {
        Database db = Database.open(s.dataDir(), s.dbUrl(), s.dbUser(), s.dbPassword());
        PoolStore store = new PoolStore(db);
        Clock clock = Clock.systemUTC();
        EnvService[] envRef = new EnvService[1];
        HostPool pool = new HostPool(store, s.hostConnector(), hostId -> envRef[0].reconciler().sharesHeldOn(hostId),
                clock);
        Object placementLock = new Object();
        WarmPool warm = new WarmPool(new WarmStore(db), pool, placementLock, store.instanceId(),
                s.limits().defaultMemMib(), clock);
        EnvService envs = new EnvService(store, pool, s.limits(), placementLock, warm, registry, clock);
        envRef[0] = envs;
        Gauge.builder("tt_hosts_online", pool, p -> p.status().stream().filter(HostStatus::online).count())
                .description("hosts of the pool that answer").register(registry);
        Gauge.builder("tt_hosts", pool, p -> p.status().size()).description("hosts of the pool").register(registry);
        for (VmState state : VmState.values()) {
            Gauge.builder("tt_vms", store, st -> st.countVms(state)).tag("state", state.name())
                    .description("the ENVs' VMs by state").register(registry);
        }
        Gauge.builder("tt_envs", store, st -> st.envs().size()).description("ENVs").register(registry);
        pool.start(envs.reconciler(), 1000);
        pool.addConfigured(s.servers().stream().map(ServerAddress::parse).toList());
        envs.reconciler().cleanUpInterruptedCreates();
        int renewed = store.renewLeasesFrom(clock.instant());
        if (renewed > 0) {
            LOG.info("{} leases renewed from this start: their clients could not renew while the backend was down",
                    renewed);
        }
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("env-expiry"));
        reaper.scheduleWithFixedDelay(() -> {
            try {
                envs.expire();
            } catch (RuntimeException e) {
                LOG.error("expiring ENVs failed", e);
            }
        }, 5, 5, TimeUnit.SECONDS);
        reaper.scheduleWithFixedDelay(() -> {
            try {
                warm.refill();
            } catch (RuntimeException e) {
                LOG.error("refilling the warm pools failed", e);
            }
        }, 2, 2, TimeUnit.SECONDS);
        TokenAuthority tokens = new TokenAuthority(s.adminToken() == null ? "" : s.adminToken(), new TokenStore(db), Clock.systemUTC());
        LOG.info("ENVs over {} hosts, state in {}", pool.status().size(), db.describe());
        return new ClientApi(db, pool, envs, warm, tokens, reaper);
    }

    /**
     * Adds a host to the pool unless it is in it already, and polls it now; {@code fingerprint} is its
     * certificate's when known (else the host is joined first).
     */
    public void addServer(ServerAddress server, String fingerprint) {
        pool.addConfigured(server, fingerprint);
    }

    /** Checks the admin's and users' tokens. */
    public Authenticator authenticator() {
        return tokens;
    }

    /** The REST resources of the client API. */
    public List<Object> resources(String version) {
        AuditStore audit = new AuditStore(db);
        return List.of(new EnvResource(envs), new PoolResource(pool, envs, version), new TokenResource(tokens),
                new WarmResource(warm), new AuditResource(audit), new AuditFilter(audit));
    }

    /** The images of the pool's online hosts, each once. */
    public List<ImageInfo> images() {
        return pool.imageInfos();
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        warm.close();
        envs.close();
        pool.close();
        db.close();
    }
}
