package tt.standalone;

import tt.api.ServerAddress;
import tt.backend.ClientApi;
import tt.backend.env.EnvService;
import tt.backend.hosts.HostConnector;
import tt.host.HostExtension;
import tt.server.Authenticator;

import java.util.List;

/**
 * The client API (ENVs, pool status, tokens) over a pool of this host alone, with tt-backend's own
 * code, so that a client talks to a single tt-host as to a tt-backend. Its state is in
 * {@code STATE_DIR/envs}; it polls the host over the host's own API once that listens.
 */
final class SingleHostClientApi implements HostExtension.Served {

    private final ClientApi clientApi;
    private final String version;

    private SingleHostClientApi(ClientApi clientApi, String version) {
        this.clientApi = clientApi;
        this.version = version;
    }

    static SingleHostClientApi start(HostExtension.Host host) {
        ClientApi clientApi = ClientApi.start(new ClientApi.Settings(host.stateDir().resolve("envs"), null, null, null,
                host.token(), new HostConnector(host.token(), host.keyManagers(), System.getenv()), List.of(),
                new EnvService.Limits(120, 10080, host.defaultMemMib())), host.registry());
        return new SingleHostClientApi(clientApi, host.version());
    }

    @Override
    public List<Object> resources() {
        return clientApi.resources(version);
    }

    /** The host's token is the admin's; users' tokens are made on this host ({@code tt token create}). */
    @Override
    public Authenticator authenticator() {
        return clientApi.authenticator();
    }

    @Override
    public void listening(ServerAddress self, String fingerprint) {
        clientApi.addServer(self, fingerprint);
    }

    @Override
    public void close() {
        clientApi.close();
    }
}
