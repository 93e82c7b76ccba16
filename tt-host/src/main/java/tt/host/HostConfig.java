package tt.host;

import tt.api.Capacity;
import tt.local.LocalDaemons;
import tt.server.ServerMain;
import tt.server.ServerTls;
import tt.server.TlsIdentity;
import tt.server.TokenFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The daemon's settings, checked: everything wrong with the flags is reported before anything starts. */
record HostConfig(Path imagePath, Capacity total, String servAddr, int servPort, Path stateDir, String token,
                  String tokenSource, String accel, int portFirst, int portLast, int defaultMemMib,
                  int bootTimeoutSeconds, boolean snapshots, String metricsToken, TlsIdentity identity,
                  ServerTls serving, Path portFile) {

    static HostConfig from(HostMain f) throws IOException {
        require(f.cpuTotal > 0, "--cpu-total must be at least 1");
        require(f.memTotalKib > 0, "--mem-total must be positive (KiB, e.g. $[4*1024*1024] for 4 GiB)");
        require(f.diskTotalKib > 0, "--disk-total must be positive (KiB, e.g. $[40*1024*1024] for 40 GiB)");
        require(f.servPort >= 0 && f.servPort < 65536, "--serv-port must be 1-65535, or 0 for a free one");
        require(f.servPort != 0 || f.stateDir != null, "--serv-port 0 needs a --state-dir of its own");
        require(Set.of("auto", "kvm", "tcg").contains(f.accel), "--accel must be auto, kvm or tcg");
        require(f.defaultMemMib >= 64, "--default-mem must be at least 64 MiB");
        require(f.bootTimeoutSeconds > 0, "--boot-timeout must be positive");
        require(Set.of("on", "off").contains(f.snapshots), "--snapshots must be on or off");
        f.tokens.check();
        String[] range = f.portRange.split("-", -1);
        require(range.length == 2 && range[0].matches("\\d{1,5}") && range[1].matches("\\d{1,5}"),
                "--port-range must look like 30000-32767");
        Path stateDir = (f.stateDir != null ? f.stateDir : ServerMain.defaultStateDir("host-" + f.servPort))
                .toAbsolutePath().normalize();
        Files.createDirectories(stateDir);
        TlsIdentity identity = f.tls.identity(stateDir, "tt-host " + f.servAddr + ":" + f.servPort, f.servAddr);
        Path poolToken = TokenFiles.machinePoolTokenFile();
        String token = f.tokens.apiToken(poolToken);
        String tokenSource = f.tokens.apiTokenSource("the machine's pool token", poolToken);
        return new HostConfig(f.imagePath, new Capacity(f.cpuTotal, f.memTotalKib, f.diskTotalKib), f.servAddr,
                f.servPort, stateDir, token, tokenSource, f.accel, Integer.parseInt(range[0]),
                Integer.parseInt(range[1]), f.defaultMemMib, f.bootTimeoutSeconds, "on".equals(f.snapshots),
                f.tokens.metricsToken(stateDir), identity,
                f.tls.serving(identity, true), f.portFile.path());
    }

    Path vmsDir() {
        return stateDir.resolve("vms");
    }

    /** The VMs' control sockets: a short path (a socket's has at most 107 bytes), one per daemon. */
    Path runtimeDir() {
        return Path.of("/run", cgroupName());
    }

    String cgroupName() {
        return LocalDaemons.hostInstance(servPort, stateDir);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
