package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tt.api.Capacity;
import tt.api.HostStatus;
import tt.api.PoolStatus;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;

/** {@code tt status [--server]}: the client's own settings, or the pool's resources. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the client's settings, or with --server every host's resources.",
        footer = {"", "Examples:", "  tt status", "  tt status --server", "  tt status --server -o json"})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    TtMain root;

    @Spec
    CommandSpec spec;

    @Mixin
    Output output;

    @Option(names = "--server", description = "Show the pool: each host's cpu, memory, disk and VMs.")
    boolean server;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClientConfig c = root.config();
        if (!server) {
            Map<String, Object> local = Map.of("version", new TtMain.Version().getVersion()[0],
                    "server", c.servAddr() + ":" + c.servPort(), "token", c.token() == null ? "none" : "set",
                    "configFile", c.file().toString());
            if (output.json()) {
                Output.printJson(out, local);
            } else {
                out.printf("client:  %s%nserver:  %s%ntoken:   %s%nconfig:  %s%n", local.get("version"),
                        local.get("server"), local.get("token"), local.get("configFile"));
            }
            return 0;
        }
        PoolStatus pool = root.backend().status();
        if (output.json()) {
            Output.printJson(out, pool);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HOST", "STATE", "CPU", "MEM (KiB)", "DISK (KiB)", "VMS", "ACCEL"));
        for (HostStatus h : pool.hosts()) {
            rows.add(List.of(h.id(), h.online() ? "online" : "OFFLINE", usage(h.used(), h.total(), Capacity::cpu),
                    usage(h.used(), h.total(), Capacity::memKib), usage(h.used(), h.total(), Capacity::diskKib),
                    Integer.toString(h.vmCount()), h.accel() == null || h.accel().isEmpty() ? "-" : h.accel()));
        }
        Output.table(out, rows);
        out.println("images: " + String.join(" ", pool.images()));
        return 0;
    }

    private static String usage(Capacity used, Capacity total, ToLongFunction<Capacity> part) {
        return used == null || total == null ? "-" : part.applyAsLong(used) + "/" + part.applyAsLong(total);
    }
}
