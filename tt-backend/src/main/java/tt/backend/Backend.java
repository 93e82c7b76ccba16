package tt.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import jakarta.ws.rs.Path;
import tt.backend.api.OpenApiResource;
import tt.backend.api.PoolImagesResource;
import tt.backend.env.EnvService;
import tt.local.LocalDaemons;
import tt.backend.hosts.HostConnector;
import tt.server.ApiServer;
import tt.server.DaemonFilePublisher;
import tt.server.Metrics;
import tt.server.MetricsResource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** tt-backend: the client API over all hosts of the pool, plus the union of their images. */
final class Backend implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);

    private final ClientApi clientApi;
    private final ApiServer api;
    private final DaemonFilePublisher publisher;

    private Backend(ClientApi clientApi, ApiServer api, DaemonFilePublisher publisher) {
        this.clientApi = clientApi;
        this.api = api;
        this.publisher = publisher;
    }

    static Backend start(BackendConfig config) throws Exception {
        Metrics metrics = new Metrics();
        ClientApi clientApi = ClientApi.start(new ClientApi.Settings(config.dataDir(), config.dbUrl(), config.dbUser(),
                config.dbPassword(), config.token(),
                new HostConnector(config.hostToken(), config.identity().keyManagers(), System.getenv()), config.servers(),
                new EnvService.Limits(config.defaultLifetime(), config.maxLifetime(), config.defaultMemMib())),
                metrics.registry());
        String version = Backend.class.getPackage().getImplementationVersion();
        List<Object> resources = new ArrayList<>(clientApi.resources(version == null ? "dev" : version));
        resources.add(new PoolImagesResource(clientApi::images));
        resources.add(new MetricsResource(metrics, config.metricsToken()));
        resources.add(metrics.apiLatency());
        resources.add(OpenApiResource.of(version == null ? "dev" : version, resources.stream()
                .<Class<?>>map(Object::getClass).filter(c -> c.isAnnotationPresent(Path.class)).toList()));
        DaemonFilePublisher publisher = new DaemonFilePublisher(config.portFile());
        if (config.serving() != null) {
            publisher.put(LocalDaemons.FINGERPRINT, config.identity().fingerprint());
        }
        ApiServer api = null;
        try {
            api = ApiServer.start(config.listenAddress(), config.listenPort(), config.serving(),
                    config.token() == null ? null : clientApi.authenticator(), resources.toArray());
            publisher.listening(api.port());
        } catch (IOException | RuntimeException e) {
            if (api != null) {
                api.close();
            }
            publisher.close();
            clientApi.close();
            throw e;
        }
        if (config.serving() != null) {
            LOG.info("tt-backend serving https://{}:{}/api/v1 ({}); its certificate: {} (clients pin it: tt config"
                    + " --fingerprint, or confirm it at first use)", config.listenAddress(), api.port(),
                    config.token() == null ? "OPEN, no token" : "token required", config.identity().fingerprint());
        } else {
            LOG.warn("tt-backend serving PLAIN http://{}:{}/api/v1 ({}; --insecure-http: tokens cross the network"
                    + " readable)", config.listenAddress(), api.port(),
                    config.token() == null ? "OPEN, no token" : "token required");
        }
        return new Backend(clientApi, api, publisher);
    }

    @Override
    public void close() {
        LOG.info("tt-backend stopping; ENVs stay on their hosts and in the database");
        api.close();
        publisher.close();
        clientApi.close();
    }
}
