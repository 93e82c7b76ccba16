package tt.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tt.api.Capacity;
import tt.local.LocalDaemons;
import tt.api.HostStatus;
import tt.api.PoolStatus;
import tt.client.ApiException;
import tt.client.UntrustedServerException;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

/** {@code tt status [--server]}: the client's own settings, or the pool's resources. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the client's settings, or with --server every host's resources.",
        footer = {"", "Examples:", "  tt status", "  tt status --server", "  tt status --server -o json",
                "  tt status --server --wait 60   # once the server answers and every host is online"})
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    TtMain root;

    @Spec
    CommandSpec spec;

    @Mixin
    OutputFormat output;

    @Option(names = "--server", description = "Show the pool: each host's cpu, memory, disk and VMs.")
    boolean server;

    @Option(names = "--wait", paramLabel = "SECONDS",
            description = "With --server: first wait up to this long for the server to answer and every host to be"
                    + " online (daemons just started).")
    Integer waitSeconds;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        ClientConfig c = root.config();
        if (!server) {
            String certificate = c.plainHttp() ? "none (plain HTTP)"
                    : root.pins(c, spec.commandLine().getErr()).pinned(c.server()).orElse("not pinned yet");
            Map<String, Object> local = Map.of("version", new TtMain.Version().getVersion()[0],
                    "server", c.server().toString(), "certificate", certificate, "token", c.token() != null ? "set"
                    : LocalDaemons.isThisMachine(c.servAddr()) ? "the local daemons' (~/.local/state/tt)" : "none",
                    "configFile", c.file().toString());
            if (output.json()) {
                OutputFormat.printJson(out, local);
            } else {
                out.printf("client:  %s%nserver:  %s%ncert:    %s%ntoken:   %s%nconfig:  %s%n", local.get("version"),
                        local.get("server"), certificate, local.get("token"), local.get("configFile"));
            }
            return 0;
        }
        PoolStatus pool = waitSeconds == null ? root.backend().status() : awaitPool();
        if (output.json()) {
            OutputFormat.printJson(out, pool);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("HOST", "STATE", "CPU", "MEM (KiB)", "DISK (KiB)", "VMS", "ACCEL"));
        for (HostStatus h : pool.hosts()) {
            rows.add(List.of(h.id(), h.online() ? "online" : "OFFLINE", usage(h.used(), h.total(), Capacity::cpu),
                    usage(h.used(), h.total(), Capacity::memKib), usage(h.used(), h.total(), Capacity::diskKib),
                    Integer.toString(h.vmCount()), h.accel() == null || h.accel().isEmpty() ? "-" : h.accel()));
        }
        OutputFormat.table(out, rows);
        for (HostStatus h : pool.hosts()) {
            if (!h.online()) {
                out.println(h.id() + " is OFFLINE: " + h.error());
            }
        }
        out.println("images: " + String.join(" ", pool.images()));
        return 0;
    }

    /** The pool once every host is online, or as it is when the time is up; the last error if it never answered. */
    private PoolStatus awaitPool() throws IOException {
        if (!server || waitSeconds < 1 || waitSeconds > 3600) {
            throw new IllegalArgumentException("--wait takes 1 to 3600 seconds, with --server");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSeconds);
        while (true) {
            try {
                PoolStatus pool = root.backend().status();
                if (pool.hosts().stream().allMatch(HostStatus::online) || System.nanoTime() > deadline) {
                    return pool;
                }
            } catch (ApiException | ServerPins.NotTrustedException | UntrustedServerException answered) {
                throw answered;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the pool", e);
            }
        }
    }

    private static String usage(Capacity used, Capacity total, ToLongFunction<Capacity> part) {
        return used == null || total == null ? "-" : part.applyAsLong(used) + "/" + part.applyAsLong(total);
    }
}
