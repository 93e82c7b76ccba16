package tt.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.ContextResolver;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.jackson.JacksonFeature;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.Json;
import tt.api.ServerAddress;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.time.Clock;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** The HTTP server (Grizzly) with Jersey, TT's JSON settings, error mapping and the token check. */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private final HttpServer server;

    private ApiServer(HttpServer server) {
        this.server = server;
    }

    /** Serves the given resources over plain HTTP (see the other start). */
    public static ApiServer start(String address, int port, Authenticator authenticator, Object... resources) throws IOException {
        return start(address, port, null, authenticator, resources);
    }

    /**
     * Serves the given resources on {@code address:port} (port 0: one the system picks, see
     * {@link #port()}), over HTTPS unless {@code tls} is null; without an authenticator (an explicit
     * {@code --open}) requests are not checked.
     */
    public static ApiServer start(String address, int port, ServerTls tls, Authenticator authenticator,
                                  Object... resources) throws IOException {
        return start(address, port, tls, authenticator, new FailedLogins(Clock.systemUTC()), resources);
    }

    /** Serves as the other start does, counting and logging failed logins with {@code failedLogins}. */
    public static ApiServer start(String address, int port, ServerTls tls, Authenticator authenticator,
                                  FailedLogins failedLogins, Object... resources) throws IOException {
        JulBridge.install();
        ObjectMapper mapper = Json.mapper();
        ResourceConfig config = new ResourceConfig()
                .register(JacksonFeature.withoutExceptionMappers())
                .register(new MapperResolver(mapper))
                .register(ErrorMapper.class)
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        if (authenticator != null) {
            config.register(new TokenFilter(authenticator, openPaths(resources), failedLogins));
        }
        for (Object r : resources) {
            config.register(r);
        }
        URI uri = new ServerAddress(tls == null, address, port).uri().resolve("/");
        HttpServer server = tls == null ? GrizzlyHttpServerFactory.createHttpServer(uri, config, false)
                : GrizzlyHttpServerFactory.createHttpServer(uri, config, true, tls.engines(), false);
        try {
            server.start();
        } catch (BindException e) {
            server.shutdownNow();
            throw new IOException("cannot listen on " + address + ":" + port + ": " + e.getMessage()
                    + "; another program has that port (see it with: ss -ltnp 'sport = :" + port + "'): stop it,"
                    + " or choose another port", e);
        }
        ApiServer api = new ApiServer(server);
        LOG.info("listening on {}:{}", address, api.port());
        return api;
    }

    /** The port the server listens on: the one it was given, or the one the system picked for port 0. */
    public int port() {
        return server.getListeners().iterator().next().getPort();
    }

    /** The paths of the resources marked {@link Unauthenticated}, without the leading slash. */
    public static Set<String> openPaths(Object... resources) {
        return Arrays.stream(resources).map(Object::getClass)
                .filter(c -> c.isAnnotationPresent(Unauthenticated.class))
                .map(c -> c.getAnnotation(Path.class).value().replaceFirst("^/", "")).collect(Collectors.toSet());
    }

    @Override
    public void close() {
        server.shutdownNow();
    }

    private record MapperResolver(ObjectMapper mapper) implements ContextResolver<ObjectMapper> {
        @Override
        public ObjectMapper getContext(Class<?> type) {
            return mapper;
        }
    }
}
