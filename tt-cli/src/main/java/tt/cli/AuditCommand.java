package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tt audit}: who changed what, when, from where (admin). */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the audit log: every change asked for (ENVs made, run on, deleted; hosts, tokens, warm pools),"
                + " who asked, from where, when, and how it ended; newest first (admin).",
        footer = {"", "Examples:", "  tt audit", "  tt audit --since 60 --actor alice", "  tt audit -o json"})
final class AuditCommand implements Callable<Integer> {

    @ParentCommand
    TtMain root;

    @Spec
    CommandSpec spec;

    @Mixin
    OutputFormat output;

    @Option(names = "--since", defaultValue = "1440", paramLabel = "MINUTES",
            description = "The last this many minutes (default: ${DEFAULT-VALUE}, a day).")
    int sinceMinutes;

    @Option(names = "--actor", paramLabel = "NAME", description = "Only this token's changes.")
    String actor;

    @Option(names = "--limit", defaultValue = "200", paramLabel = "N", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() throws IOException {
        output.list(spec.commandLine().getOut(), root.backend().audit(sinceMinutes, actor, limit),
                List.of("WHEN", "WHO", "FROM", "WHAT", "STATUS"),
                e -> List.of(e.at().toString(), e.actor(), e.address(), e.method() + " " + e.path(),
                        Integer.toString(e.status())));
        return 0;
    }
}
