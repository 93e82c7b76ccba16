package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tt.api.TokenInfo;
import tt.api.TokenRequest;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tt token create|list|revoke}: users' API tokens (admin). */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Make, list and revoke users' API tokens (admin).",
        footer = {"", "Examples:", "  tt token create alice", "  tt token list", "  tt token revoke alice"},
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {

    @ParentCommand
    TtMain root;

    private static String orNone(Object limit) {
        return limit == null ? "-" : limit.toString();
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a token for a user; it is shown once.",
            footer = {"", "Examples:", "  tt token create alice",
                    "  tt token create ci-bot --scope envs --max-vms 10 --max-mem 16384 --max-lifetime 240",
                    "  tt token create auditor --scope read-only --expires-in 1440"})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokenCommand token;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--scope", paramLabel = "full|read-only|envs",
                description = "What it may do: everything its owner may (default), only read, or only ENVs.")
        String scope;

        @Option(names = "--max-vms", paramLabel = "N", description = "At most this many VMs over all its ENVs.")
        Integer maxVms;

        @Option(names = "--max-mem", paramLabel = "MIB", description = "At most this much VM memory over all its ENVs.")
        Integer maxMemMib;

        @Option(names = "--max-lifetime", paramLabel = "MINUTES", description = "ENVs of at most this lifetime.")
        Integer maxLifetime;

        @Option(names = "--expires-in", paramLabel = "MINUTES", description = "It stops working after this long.")
        Integer expiresIn;

        @Override
        public Integer call() throws IOException {
            TokenInfo t = token.root.backend().createToken(new TokenRequest(name, scope, maxVms, maxMemMib, maxLifetime,
                    expiresIn));
            spec.commandLine().getOut().printf("token for %s (shown once, keep it): %s%n", t.name(), t.token());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List users' tokens (never their secrets).",
            footer = {"", "Example:", "  tt token list"})
    static final class ListTokens implements Callable<Integer> {
        @ParentCommand
        TokenCommand token;

        @Spec
        CommandSpec spec;

        @Mixin
        OutputFormat output;

        @Override
        public Integer call() throws IOException {
            output.list(spec.commandLine().getOut(), token.root.backend().tokens(),
                    List.of("ID", "NAME", "SCOPE", "MAX VMS", "MAX MEM (MiB)", "MAX LIFETIME", "EXPIRES", "CREATED"),
                    t -> List.of(t.id(), t.name(), t.scope(), orNone(t.maxVms()), orNone(t.maxMemMib()),
                            orNone(t.maxLifetimeMinutes()), orNone(t.expiresAt()), t.createdAt().toString()));
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by id or name.",
            footer = {"", "Example:", "  tt token revoke alice"})
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokenCommand token;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID-OR-NAME")
        String id;

        @Override
        public Integer call() throws IOException {
            token.root.backend().revokeToken(id);
            spec.commandLine().getOut().println("token " + id + " revoked");
            return 0;
        }
    }
}
