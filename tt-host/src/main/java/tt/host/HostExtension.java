package tt.host;

import io.micrometer.core.instrument.MeterRegistry;
import tt.api.ServerAddress;
import tt.server.Authenticator;

import javax.net.ssl.KeyManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a tt-host serves beside its VM API, plugged in by the program that starts it (tt-standalone
 * adds the client API over this host alone). tt-host knows of it only this interface, so that its
 * own jar has neither the scheduler nor a database.
 */
@FunctionalInterface
public interface HostExtension {

    /** Nothing beside the VM API: the host's own token is the one token it takes. */
    HostExtension NONE = host -> new Served() {
        @Override
        public List<Object> resources() {
            return List.of();
        }

        @Override
        public Authenticator authenticator() {
            return Authenticator.single(host.token());
        }

        @Override
        public void listening(ServerAddress self, String fingerprint) {
        }

        @Override
        public void close() {
        }
    };

    /**
     * What the extension gets of the host: its state folder (the extension keeps its own in a
     * sub-folder), its API token (null with --open), its TLS identity's key managers (to call the
     * host's API as the host itself), the memory of a VM that asks for none, the daemon's version,
     * and the registry of the host's metrics.
     */
    record Host(Path stateDir, String token, KeyManager[] keyManagers, int defaultMemMib, String version,
                MeterRegistry registry) {
    }

    /** Starts the extension, before the host's API listens. */
    Served start(Host host) throws IOException;

    /** A started extension: the host serves its resources until it stops, then closes it. */
    interface Served extends AutoCloseable {

        /** JAX-RS resources and providers, served beside the VM API's. */
        List<Object> resources();

        /** Checks the bearer token of every call, the VM API's too; asked only when the host has a token. */
        Authenticator authenticator();

        /** The host's API listens at {@code self}, presenting the certificate of {@code fingerprint}. */
        void listening(ServerAddress self, String fingerprint);

        @Override
        void close();
    }
}
