package tt.host;

import tt.api.Capacity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/** The daemon's settings, checked: everything wrong with the flags is reported before anything starts. */
record HostConfig(Path imagePath, Capacity total, String servAddr, int servPort, Path stateDir, String token,
                  String accel, int portFirst, int portLast, int defaultMemMib, int bootTimeoutSeconds) {

    static HostConfig from(HostMain f) throws IOException {
        require(f.cpuTotal > 0, "--cpu-total must be at least 1");
        require(f.memTotalKib > 0, "--mem-total must be positive (KiB, e.g. $[4*1024*1024] for 4 GiB)");
        require(f.diskTotalKib > 0, "--disk-total must be positive (KiB, e.g. $[40*1024*1024] for 40 GiB)");
        require(f.servPort > 0 && f.servPort < 65536, "--serv-port must be 1-65535");
        require(Set.of("auto", "kvm", "tcg").contains(f.accel), "--accel must be auto, kvm or tcg");
        require(f.defaultMemMib >= 64, "--default-mem must be at least 64 MiB");
        require(f.bootTimeoutSeconds > 0, "--boot-timeout must be positive");
        require(f.token == null || f.tokenFile == null, "give --token or --token-file, not both");
        require(!f.open || (f.token == null && f.tokenFile == null), "--open serves without a token: drop --token");
        String[] range = f.portRange.split("-", -1);
        require(range.length == 2 && range[0].matches("\\d{1,5}") && range[1].matches("\\d{1,5}"),
                "--port-range must look like 30000-39999");
        Path stateDir = (f.stateDir != null ? f.stateDir : defaultStateDir(f.servPort)).toAbsolutePath().normalize();
        Files.createDirectories(stateDir);
        return new HostConfig(f.imagePath, new Capacity(f.cpuTotal, f.memTotalKib, f.diskTotalKib), f.servAddr,
                f.servPort, stateDir, f.open ? null : token(f, stateDir), f.accel, Integer.parseInt(range[0]),
                Integer.parseInt(range[1]), f.defaultMemMib, f.bootTimeoutSeconds);
    }

    Path vmsDir() {
        return stateDir.resolve("vms");
    }

    String cgroupName() {
        return "tt-host-" + servPort;
    }

    private static Path defaultStateDir(int port) {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("tt").resolve("host-" + port);
    }

    /** The token from the flag or file, else the one kept in the state folder, made on first start. */
    private static String token(HostMain f, Path stateDir) throws IOException {
        if (f.token != null) {
            require(!f.token.isBlank(), "--token is empty");
            return f.token;
        }
        Path file = f.tokenFile != null ? f.tokenFile : stateDir.resolve("token");
        if (f.tokenFile == null && !Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            Files.writeString(file, HexFormat.of().formatHex(random) + "\n", StandardCharsets.US_ASCII);
        }
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read token file " + file);
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        require(!token.isEmpty(), "token file " + file + " is empty");
        return token;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
