package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import tt.api.HostStatus;
import tt.api.JoinToken;
import tt.api.ServerAddress;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tt host add|list|del}: the pool's hosts (changes need the admin token). */
@Command(name = "host", mixinStandardHelpOptions = true, description = "Add, list and remove the pool's hosts.",
        footer = {"", "Examples:", "  tt host list", "  tt host add 127.0.0.1:20001",
                "  tt host add 10.0.0.7:20000 --join-token SECRET@SHA256:..."},
        subcommands = {HostCommand.Add.class, HostCommand.ListHosts.class, HostCommand.Del.class})
final class HostCommand {

    @ParentCommand
    TtMain root;

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a tt-host to the pool, joining it to the backend (admin).",
            footer = {"", "Examples:", "  tt host add 127.0.0.1:20001",
                    "  tt host add 10.0.0.7:20000 --join-token SECRET@SHA256:...",
                    "  tt host add http://10.0.0.7:20000   # a host started with --insecure-http",
                    "",
                    "The backend joins the host: it checks that the host presents the certificate the join token names,",
                    "then the host records the backend's certificate and serves only its backends from then on. A host",
                    "on the backend's own machine is joined without a token. The host keeps its current one-time join",
                    "token in STATE_DIR/join-token (and logs where); adding a host already in the pool with a join",
                    "token joins it anew (a host set up again)."})
    static final class Add implements Callable<Integer> {
        @ParentCommand
        HostCommand host;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ADDR:PORT")
        String address;

        @Option(names = "--join-token", paramLabel = "TOKEN",
                description = "The host's one-time join token (SECRET@SHA256:..., from STATE_DIR/join-token on the host).")
        String joinToken;

        @Override
        public Integer call() throws IOException {
            ServerAddress given = ServerAddress.parse(address);
            if (joinToken != null) {
                JoinToken.parse(joinToken);
            }
            HostStatus h = host.root.backend().addHost(given.address(), given.port(), given.plainHttp(), joinToken);
            spec.commandLine().getOut().println("host " + h.id() + " added (" + (h.online() ? "online" : "OFFLINE: "
                    + h.error()) + ")");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the pool's hosts.",
            footer = {"", "Examples:", "  tt host list", "  tt host list -o json"})
    static final class ListHosts implements Callable<Integer> {
        @ParentCommand
        HostCommand host;

        @Spec
        CommandSpec spec;

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException {
            output.list(spec.commandLine().getOut(), host.root.backend().hosts(), List.of("HOST", "STATE", "VMS", "ERROR"),
                    h -> List.of(h.id(), h.online() ? "online" : "OFFLINE", Integer.toString(h.vmCount()),
                            h.error() == null ? "-" : h.error()));
            return 0;
        }
    }

    @Command(name = "del", aliases = "delete", mixinStandardHelpOptions = true,
            description = "Remove a host with no VMs from the pool (admin).", footer = {"", "Example:", "  tt host del 127.0.0.1:20001"})
    static final class Del implements Callable<Integer> {
        @ParentCommand
        HostCommand host;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ADDR:PORT")
        String id;

        @Override
        public Integer call() throws IOException {
            host.root.backend().deleteHost(id);
            spec.commandLine().getOut().println("host " + id + " removed");
            return 0;
        }
    }
}
