package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import tt.local.LocalDaemons;
import tt.api.ServerAddress;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code tt config}: where the client talks to, kept in the user's config folder. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Set (or, with no options, show) the server, its certificate (--fingerprint) and the token"
                + " (--token) the client uses.",
        footer = {"", "Examples:", "  tt config --serv-addr 127.0.0.1 --serv-port 20002   # a tt-backend",
                "  tt config --serv-addr 127.0.0.1 --serv-port 20000   # or a single tt-host",
                "  tt config --serv-addr 10.0.0.5 --serv-port 20002 --fingerprint SHA256:...",
                "  tt config --token $(cat ~/.local/state/tt/backend/token)",
                "",
                "Servers are reached over HTTPS. tt trusts a server's certificate by its fingerprint, pinned in",
                "known_servers next to the config file: --fingerprint pins it; without, tt shows the certificate the",
                "server presents and asks (at a terminal), or trusts it at once if it is the certificate of a TT",
                "daemon of this machine (the daemons publish theirs in ~/.local/state/tt/local/PORT/).",
                "",
                "With no token set, for a server on this machine (127.x, localhost), tt uses the token the local",
                "daemons keep: the tt-backend's admin token (~/.local/state/tt/backend/token), else the machine's",
                "pool token that tt-host serves with (~/.local/state/tt/pool-token)."})
final class ConfigCommand implements Callable<Integer> {

    @ParentCommand
    TtMain root;

    @Spec
    CommandSpec spec;

    @Option(names = "--serv-addr", paramLabel = "ADDR", description = "Server address.")
    String servAddr;

    @Option(names = "--serv-port", paramLabel = "PORT", description = "Server port.")
    Integer servPort;

    @Option(names = "--insecure-http",
            description = "The server serves plain HTTP (started with --insecure-http): no TLS, tokens readable on the way.")
    boolean insecureHttp;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (servPort != null && (servPort < 1 || servPort > 65535)) {
            throw new IllegalArgumentException("--serv-port must be 1-65535");
        }
        if (servAddr != null && !servAddr.matches("[A-Za-z0-9.:-]{1,253}")) {
            throw new IllegalArgumentException("--serv-addr '" + servAddr + "' is not an address or host name");
        }
        ClientConfig current = root.config();
        PrintWriter err = spec.commandLine().getErr();
        ServerPins pins = root.pins(current, err);
        boolean serverGiven = servAddr != null || servPort != null || insecureHttp;
        if (!serverGiven && root.token == null && root.fingerprint == null) {
            out.printf("server:      %s%ncertificate: %s%ntoken:       %s%nfile:        %s%n", current.server(),
                    current.plainHttp() ? "none (plain HTTP)" : pins.pinned(current.server()).orElse("not pinned yet"),
                    current.token() == null ? "(none)" : "(set)", current.file());
            return 0;
        }
        ClientConfig updated = serverGiven ? current.with(new ServerAddress(insecureHttp,
                servAddr != null ? servAddr : current.servAddr(), servPort != null ? servPort : current.servPort()))
                : current;
        updated.save();
        out.printf("saved to %s: server %s, %s%n", updated.file(), updated.server(),
                updated.token() != null ? "token set" : LocalDaemons.isThisMachine(updated.servAddr())
                        ? "no token: the local daemons' token is used (see tt config --help)"
                        : "no token: give it with tt config --token TOKEN");
        out.flush();
        if (updated.plainHttp()) {
            out.println("plain HTTP: no certificate to check, and the token crosses the network readable");
            return 0;
        }
        if (root.fingerprint != null) {
            pins.pin(updated.server(), root.fingerprint);
            out.printf("pinned the certificate %s for %s%n", root.fingerprint.strip(), updated.server());
            return 0;
        }
        if (serverGiven) {
            try {
                out.printf("certificate: %s%n", pins.trusted(updated.server(), null));
            } catch (ServerPins.NotTrustedException e) {
                throw e;
            } catch (IOException notAnswering) {
                out.printf("the server does not answer now (%s): its certificate is checked at first use%n",
                        notAnswering.getMessage());
            }
        }
        return 0;
    }
}
