package tt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import tt.client.ApiException;
import tt.cli.ci.CiCommand;
import tt.local.LocalDaemons;
import tt.api.ServerAddress;
import tt.client.BackendClient;
import tt.client.ServerTrust;
import tt.client.UntrustedServerException;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.Map;

/** The {@code tt} command. */
@Command(name = "tt", mixinStandardHelpOptions = true, versionProvider = TtMain.Version.class,
        description = "TT client: ENVs of real VMs from a TT pool (a tt-backend, or a single tt-host).",
        subcommands = {ConfigCommand.class, StatusCommand.class, EnvCommand.class, HostCommand.class,
                ImageCommand.class, TokenCommand.class, WarmCommand.class, AuditCommand.class, CiCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  tt config --serv-addr 127.0.0.1 --serv-port 20002 --token $(cat ~/.local/state/tt/backend/token)",
                "  tt status --server",
                "  tt env add TEST --os-prefix=cent,ubuntu2004",
                "  tt env run TEST --use-ssh --cmd 'ls /'",
                "",
                "Exit codes: 0 done; 1 the server refused or a VM failed; 2 bad usage or input the server rejects",
                "as invalid; 3 server not reachable."})
public final class TtMain {

    @Option(names = "--endpoint", scope = ScopeType.INHERIT, paramLabel = "ADDR:PORT",
            description = "Server to talk to (default: tt config, or $TT_SERVER).")
    String server;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "API token (default: tt config, or $TT_TOKEN).")
    String token;

    @Option(names = "--fingerprint", scope = ScopeType.INHERIT, paramLabel = "SHA256:...",
            description = "Trust the server's certificate by this fingerprint (default: the one pinned by tt config or"
                    + " at first use, or $TT_FINGERPRINT).")
    String fingerprint;

    @Option(names = "--config-file", scope = ScopeType.INHERIT, hidden = true, paramLabel = "FILE")
    Path configFile;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean debug;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        TtMain root = new TtMain();
        CommandLine cli = new CommandLine(root);
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("tt: " + UsageErrors.describe(e));
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (root.debug) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().println("tt: " + e.getMessage());
            if (e instanceof UntrustedServerException untrusted) {
                cmd.getErr().println("tt: to trust the new certificate: tt config --serv-addr ADDR --serv-port PORT"
                        + " --fingerprint " + untrusted.seen());
            }
            if (e instanceof ApiException api) {
                return api.status() == 400 ? 2 : 1;
            }
            if (e instanceof IllegalArgumentException) {
                return 2;
            }
            return e instanceof ConnectException || (e instanceof IOException && e.getMessage() != null
                    && e.getMessage().startsWith("cannot reach")) ? 3 : 1;
        });
        return cli;
    }

    /** The settings in force: file, then environment, then flags. */
    ClientConfig config() throws IOException {
        Map<String, String> env = System.getenv();
        ClientConfig c = ClientConfig.load(configFile != null ? configFile : ClientConfig.defaultFile(env), env);
        if (server != null) {
            c = c.with(ServerAddress.parse(server));
        }
        return token != null ? c.withToken(token) : c;
    }

    /** The fingerprint given for the server: --fingerprint, else $TT_FINGERPRINT, else null. */
    String fingerprintGiven() {
        String fromEnv = System.getenv("TT_FINGERPRINT");
        return fingerprint != null ? fingerprint : fromEnv != null && !fromEnv.isBlank() ? fromEnv.strip() : null;
    }

    /** The certificates this user trusts, confirming a new one at the terminal if there is one. */
    ServerPins pins(ClientConfig c, PrintWriter err) {
        Console console = System.console();
        return new ServerPins(new KnownServers(c.knownServersFile()), System.getenv(), err,
                console == null ? null : question -> console.readLine("%s", question));
    }

    /** {@code $XDG_STATE_HOME/tt}, or {@code ~/.local/state/tt}: where TT keeps state on this machine. */
    public static Path stateRoot(Map<String, String> env) {
        return LocalDaemons.stateRoot(env);
    }

    /** The client of the server in force, trusting its certificate as {@link ServerPins} decides. */
    public BackendClient backend() throws IOException {
        ClientConfig c = config();
        ServerTrust trust = c.plainHttp() ? null : ServerTrust.pinned(pins(c, new PrintWriter(System.err, true))
                .trusted(c.server(), fingerprintGiven()));
        String token = c.token() == null && LocalDaemons.isThisMachine(c.servAddr())
                ? LocalTokens.pick(c.baseUri(), trust, System.getenv()) : c.token();
        return new BackendClient(c.baseUri(), token, trust);
    }

    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TtMain.class.getPackage().getImplementationVersion();
            return new String[] {"tt " + (v == null ? "dev" : v)};
        }
    }
}
