package tt.host;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tt.server.PortFileOption;
import tt.server.ServerMain;
import tt.server.TlsOptions;
import tt.server.TokenOptions;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * The {@code tt-host} command: flags as in the seed's {@code ttserver}. Its {@link #main} serves the
 * VM API alone; tt-standalone's main, which {@code bin/tt-host} runs, runs this command with the
 * client API over this host as its {@link HostExtension}.
 */
@Command(name = "tt-host", mixinStandardHelpOptions = true, versionProvider = ServerMain.Version.class,
        sortOptions = false,
        description = "Runs VMs on this machine from a live image folder and serves the host REST API.",
        footer = {"", "Example (the seed's slave server):",
                "  tt-host --image-path /srv/tt/images --cpu-total 2 --mem-total $[4*1024*1024] \\",
                "          --disk-total $[40*1024*1024] --serv-addr 127.0.0.1 --serv-port 20000",
                "", "Without --token or --token-file, the API token is the machine's pool token, made on first use",
                "and kept in ~/.local/state/tt/pool-token (or $XDG_STATE_HOME/tt/pool-token): a tt-backend on this",
                "machine sends it by default. Hosts on other machines need the same token (copy the file or give",
                "--token-file)."})
public final class HostMain implements Callable<Integer> {

    @Option(names = "--image-path", required = true, paramLabel = "DIR",
            description = "Folder of images, rescanned live. Must not be under /tmp.")
    Path imagePath;

    @Option(names = "--cpu-total", required = true, paramLabel = "N", description = "vCPUs this host hands out.")
    int cpuTotal;

    @Option(names = "--mem-total", required = true, paramLabel = "KIB", description = "Memory for VMs, in KiB.")
    long memTotalKib;

    @Option(names = "--disk-total", required = true, paramLabel = "KIB", description = "Disk for VMs, in KiB.")
    long diskTotalKib;

    @Option(names = "--serv-addr", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address of the API and of the VMs' forwarded ports (default: ${DEFAULT-VALUE}).")
    String servAddr;

    @Option(names = "--serv-port", defaultValue = "20000", paramLabel = "PORT",
            description = "API port (default: ${DEFAULT-VALUE}); 0 picks a free one (see --port-file), and then"
                    + " give --state-dir.")
    int servPort;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where VM folders, the token and the host SSH key live"
                    + " (default: $XDG_STATE_HOME/tt/host-PORT or ~/.local/state/tt/host-PORT).")
    Path stateDir;

    @Mixin
    TokenOptions tokens = new TokenOptions();

    @Mixin
    PortFileOption portFile = new PortFileOption();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--accel", defaultValue = "auto", paramLabel = "auto|kvm|tcg",
            description = "QEMU accelerator; auto probes whether KVM really works (default: ${DEFAULT-VALUE}).")
    String accel;

    @Option(names = "--port-range", defaultValue = "30000-32767", paramLabel = "FIRST-LAST",
            description = "Host ports for VM forwards; keep them below the machine's ephemeral ports"
                    + " (net.ipv4.ip_local_port_range) (default: ${DEFAULT-VALUE}).")
    String portRange;

    @Option(names = "--default-mem", defaultValue = "512", paramLabel = "MIB",
            description = "Memory of a VM that asks for none (default: ${DEFAULT-VALUE} MiB).")
    int defaultMemMib;

    @Option(names = "--snapshots", defaultValue = "on", paramLabel = "on|off",
            description = "Start VMs from snapshots of their booted image where there is one (built in the background"
                    + " after an image's first boot; kept in STATE_DIR/snapshots) (default: ${DEFAULT-VALUE}).")
    String snapshots;

    @Option(names = "--boot-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "A VM whose SSH does not answer by then is marked failed (default: ${DEFAULT-VALUE}).")
    int bootTimeoutSeconds;

    @Option(names = "--sweep-only", hidden = true,
            description = "Remove what an ended daemon left in its state folder and cgroups, then exit.")
    boolean sweepOnly;

    private final HostExtension extension;

    /** The command of a daemon that serves what {@code extension} adds beside the VM API. */
    public HostMain(HostExtension extension) {
        this.extension = extension;
    }

    public static void main(String[] args) {
        ServerMain.run(new HostMain(HostExtension.NONE), "tt-host", args);
    }

    @Override
    public Integer call() throws Exception {
        HostConfig config = HostConfig.from(this);
        if (sweepOnly) {
            HostDaemon.sweepIfStopped(config);
            return 0;
        }
        HostDaemon daemon = HostDaemon.start(config, extension);
        ServerMain.serveUntilStopped(daemon);
        return 0;
    }
}
