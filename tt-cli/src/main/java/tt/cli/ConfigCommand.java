package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code tt config}: where the client talks to, kept in the user's config folder. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Set (or, with no options, show) the server and token (--token) the client uses.",
        footer = {"", "Examples:", "  tt config --serv-addr 127.0.0.1 --serv-port 20002   # a tt-backend",
                "  tt config --serv-addr 127.0.0.1 --serv-port 20000   # or a single tt-host",
                "  tt config --token $(cat ~/.local/state/tt/backend/token)",
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
        if (servAddr == null && servPort == null && root.token == null) {
            out.printf("server: %s:%d%ntoken:  %s%nfile:   %s%n", current.servAddr(), current.servPort(),
                    current.token() == null ? "(none)" : "(set)", current.file());
            return 0;
        }
        ClientConfig updated = current.with(servAddr, servPort, null);
        updated.save();
        out.printf("saved to %s: server %s:%d, %s%n", updated.file(), updated.servAddr(), updated.servPort(),
                updated.token() != null ? "token set" : LocalTokens.isThisMachine(updated.servAddr())
                        ? "no token: the local daemons' token is used (see tt config --help)"
                        : "no token: give it with tt config --token TOKEN");
        return 0;
    }
}
