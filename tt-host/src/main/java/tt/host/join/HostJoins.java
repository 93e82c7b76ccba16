package tt.host.join;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tt.api.JoinToken;
import tt.local.LocalDaemons;
import tt.local.PrivateFiles;
import tt.server.DaemonFilePublisher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tt-backends this host was joined to, by their certificates' fingerprints (kept in
 * {@code STATE_DIR/joined-backends}), and the host's current one-time join token (kept in
 * {@code STATE_DIR/join-token}, and published for the backends of this machine): a backend that
 * presents the token's secret with its client certificate is joined; the token is then replaced.
 * A host joined to no backend is a server of its own (the seed's single-server mode); once joined,
 * it serves only its backends.
 */
public final class HostJoins {

    private static final Logger LOG = LoggerFactory.getLogger(HostJoins.class);
    private final Path joinedFile;
    private final Path tokenFile;
    private final DaemonFilePublisher publisher;
    private final String hostFingerprint;
    private final Set<String> joined = new LinkedHashSet<>();
    private JoinToken token;

    /**
     * @param stateDir       the host's state folder
     * @param publisher      where the host publishes for the backends of this machine
     * @param hostFingerprint the host's own certificate's fingerprint
     */
    public HostJoins(Path stateDir, DaemonFilePublisher publisher, String hostFingerprint) throws IOException {
        this.joinedFile = stateDir.resolve("joined-backends");
        this.tokenFile = stateDir.resolve("join-token");
        this.publisher = publisher;
        this.hostFingerprint = hostFingerprint;
        if (Files.isRegularFile(joinedFile)) {
            Files.readAllLines(joinedFile, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(joined::add);
        }
        token = current();
        PrivateFiles.write(tokenFile, token + "\n");
        publisher.put(LocalDaemons.JOIN_TOKEN, token.toString());
    }

    /** The join token kept from before, if it is still this host's, else a new one. */
    private JoinToken current() throws IOException {
        if (Files.isRegularFile(tokenFile)) {
            try {
                JoinToken kept = JoinToken.parse(Files.readString(tokenFile, StandardCharsets.UTF_8));
                if (kept.hostFingerprint().equals(hostFingerprint)) {
                    return kept;
                }
            } catch (IllegalArgumentException unreadable) {
                LOG.warn("the join token in {} is malformed: making a new one", tokenFile);
            }
        }
        return JoinToken.make(hostFingerprint);
    }

    public Path tokenFile() {
        return tokenFile;
    }

    public synchronized JoinToken token() {
        return token;
    }

    public synchronized boolean isJoined() {
        return !joined.isEmpty();
    }

    public synchronized List<String> joined() {
        return List.copyOf(joined);
    }

    /** Whether the caller with this certificate may use the host: a joined backend, or the host itself. */
    public synchronized boolean admits(String callerFingerprint) {
        return callerFingerprint.equals(hostFingerprint) || joined.contains(callerFingerprint);
    }

    /**
     * Joins the backend with this certificate if {@code secret} is the current token's; the token
     * is then used up and replaced.
     */
    public synchronized boolean join(String secret, String backendFingerprint) throws IOException {
        boolean right = secret != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                token.secret().getBytes(StandardCharsets.UTF_8));
        if (!right) {
            return false;
        }
        if (joined.add(backendFingerprint)) {
            PrivateFiles.write(joinedFile, "# the tt-backends joined to this host (their certificates' fingerprints); delete a line"
                    + " to part from one\n" + String.join("\n", joined) + "\n");
        }
        token = JoinToken.make(hostFingerprint);
        PrivateFiles.write(tokenFile, token + "\n");
        publisher.put(LocalDaemons.JOIN_TOKEN, token.toString());
        LOG.info("joined to the tt-backend {}; a new join token is in {}", backendFingerprint, tokenFile);
        return true;
    }
}
