package tt.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.ws.rs.Path;
import tt.backend.api.OpenApiResource;
import tt.backend.api.PoolImagesResource;
import tt.backend.env.EnvService;
import tt.server.ApiServer;
import tt.server.Metrics;
import tt.server.MetricsResource;

import java.util.ArrayList;
import java.util.List;

/** tt-backend: the client API over all hosts of the pool, plus the union of their images. */
final class Backend implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    private final EnvStack stack;
    private final ApiServer api;

    private Backend(EnvStack stack, ApiServer api) {
        this.stack = stack;
        this.api = api;
    }

    static Backend start(BackendConfig config) throws Exception {
        Metrics metrics = new Metrics();
        EnvStack stack = EnvStack.start(new EnvStack.Settings(config.dataDir(), config.dbUrl(), config.dbUser(),
                config.dbPassword(), config.token(), config.hostToken(), config.servers(),
                new EnvService.Limits(config.defaultLifetime(), config.maxLifetime(), config.defaultMemMib())),
                metrics.registry());
        String version = Backend.class.getPackage().getImplementationVersion();
        List<Object> resources = new ArrayList<>(stack.resources(version == null ? "dev" : version));
        resources.add(new PoolImagesResource(stack::images));
        resources.add(new MetricsResource(metrics, config.metricsToken()));
        resources.add(metrics.apiLatency());
        resources.add(new OpenApiResource(version == null ? "dev" : version, resources.stream()
                .<Class<?>>map(Object::getClass).filter(c -> c.isAnnotationPresent(Path.class)).toList()));
        ApiServer api = ApiServer.start(config.listenAddress(), config.listenPort(),
                config.token() == null ? null : stack.authenticator(), resources.toArray());
        LOG.info("tt-backend serving http://{}:{}/api/v1 ({})", config.listenAddress(), config.listenPort(),
                config.token() == null ? "OPEN, no token" : "token required");
        return new Backend(stack, api);
    }

    @Override
    public void close() {
        LOG.info("tt-backend stopping; ENVs stay on their hosts and in the database");
        api.close();
        stack.close();
    }
}
