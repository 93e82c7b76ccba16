package tt.backend;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tt.server.PortFileOption;
import tt.server.ServerMain;
import tt.server.TlsOptions;
import tt.server.TokenOptions;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code tt-backend} command: flags as in the seed's {@code ttproxy}. */
@Command(name = "tt-backend", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        sortOptions = false,
        description = "Schedules ENVs over all tt-host daemons of a pool and serves the public REST API.",
        footer = {"", "Example (the seed's proxy):",
                "  tt-backend --proxy-addr 127.0.0.1:20002 --server-set 127.0.0.1:20000,127.0.0.1:20001",
                "", "Without --token or --token-file, the admin token is made and kept in DATA_DIR/token.",
                "Without --host-token or --host-token-file, the hosts' token is the machine's pool token",
                "(~/.local/state/tt/pool-token), which tt-host daemons on this machine serve with by default."})
public final class BackendMain implements Callable<Integer> {

    @Option(names = "--proxy-addr", defaultValue = "127.0.0.1:20002", paramLabel = "ADDR:PORT",
            description = "Where the API listens (default: ${DEFAULT-VALUE}); port 0 picks a free one (see"
                    + " --port-file).")
    String proxyAddr;

    @Option(names = "--server-set", split = ",", paramLabel = "ADDR:PORT",
            description = "tt-host daemons of the pool, comma-separated; more can be added with 'tt host add'.")
    List<String> serverSet = List.of();

    @Mixin
    TokenOptions tokens = new TokenOptions();

    @Option(names = "--host-token", paramLabel = "TOKEN",
            description = "The token the hosts expect (default: the machine's pool token).")
    String hostToken;

    @Option(names = "--host-token-file", paramLabel = "FILE", description = "Read the hosts' token from this file.")
    Path hostTokenFile;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Embedded database and token (default: $XDG_STATE_HOME/tt/backend or ~/.local/state/tt/backend).")
    Path dataDir;

    @Option(names = "--db-url", paramLabel = "JDBC_URL",
            description = "Use this database instead of the embedded one, e.g. jdbc:postgresql://127.0.0.1/tt.")
    String dbUrl;

    @Option(names = "--db-user", paramLabel = "USER", description = "Database user for --db-url.")
    String dbUser;

    @Option(names = "--db-password-file", paramLabel = "FILE", description = "File with the database password.")
    Path dbPasswordFile;

    @Option(names = "--default-lifetime", defaultValue = "120", paramLabel = "MINUTES",
            description = "Lifetime of an ENV that asks for none (default: ${DEFAULT-VALUE}).")
    int defaultLifetime;

    @Option(names = "--max-lifetime", defaultValue = "10080", paramLabel = "MINUTES",
            description = "Longest lifetime an ENV may ask for (default: ${DEFAULT-VALUE}, a week).")
    int maxLifetime;

    @Option(names = "--default-mem", defaultValue = "512", paramLabel = "MIB",
            description = "Memory of a VM that asks for none (default: ${DEFAULT-VALUE} MiB).")
    int defaultMemMib;

    @Mixin
    PortFileOption portFile = new PortFileOption();

    @Mixin
    TlsOptions tls = new TlsOptions();

    public static void main(String[] args) {
        ServerMain.run(new BackendMain(), "tt-backend", args);
    }

    @Override
    public Integer call() throws Exception {
        Backend backend = Backend.start(BackendConfig.from(this));
        ServerMain.serveUntilStopped(backend);
        return 0;
    }
}
