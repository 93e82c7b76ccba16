package tt.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * What TT's daemons keep for the programs of the same machine, under {@code $XDG_STATE_HOME/tt}
 * (else {@code ~/.local/state/tt}): each daemon publishes, in {@code local/PORT/}, its certificate's
 * {@code fingerprint} (so that {@code tt} trusts a server of this machine without asking) and, for
 * a tt-host, its current {@code join-token} (so that a tt-backend of this machine joins it without
 * one being copied). The files are the daemon's user's only (mode 600 in a 700 folder).
 */
public final class LocalDaemons {

    public static final String FINGERPRINT = "fingerprint";
    public static final String JOIN_TOKEN = "join-token";

    private LocalDaemons() {
    }

    /** {@code $XDG_STATE_HOME/tt}, or {@code ~/.local/state/tt}. */
    public static Path stateRoot(Map<String, String> env) {
        String xdg = env.get("XDG_STATE_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "state")).resolve("tt");
    }

    /** The folder where the daemon serving on {@code port} of this machine publishes. */
    public static Path dir(Map<String, String> env, int port) {
        return stateRoot(env).resolve("local").resolve(Integer.toString(port));
    }

    /**
     * The name of a tt-host's folder of control sockets under /run and of its cgroup, one per daemon:
     * {@code tt-host-PORT}; a daemon on port 0 (its port not known until it listens) is named after
     * its state folder instead, {@code tt-host-s} and 8 hex digits of a hash of its path.
     */
    public static String hostInstance(int port, Path stateDir) {
        if (port != 0) {
            return "tt-host-" + port;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(stateDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "tt-host-s" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Whether {@code address} names this machine: only then is a published file the server's. */
    public static boolean isThisMachine(String address) {
        return address.equals("localhost") || address.startsWith("127.") || address.equals("::1")
                || address.equals("[::1]");
    }

    /** A file the daemon on {@code port} of this machine published, if there is one and it is readable. */
    public static Optional<String> read(Map<String, String> env, int port, String file) {
        Path path = dir(env, port).resolve(file);
        try {
            String text = Files.isReadable(path) ? Files.readString(path, StandardCharsets.UTF_8).strip() : "";
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException unreadable) {
            return Optional.empty();
        }
    }
}
