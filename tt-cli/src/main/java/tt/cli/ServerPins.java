package tt.cli;

import tt.api.CertFingerprint;
import tt.local.LocalDaemons;
import tt.api.ServerAddress;
import tt.client.ServerCertificate;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * Which certificate tt trusts for a server, as SSH does for hosts: the fingerprint given, else the
 * one pinned in known_servers, else the certificate the server presents now, once confirmed: at
 * once when it is the one a TT daemon of this machine published, else by the user at a terminal.
 */
final class ServerPins {

    /** Asks the user a yes/no question at the terminal. */
    interface Prompt {
        String ask(String question);
    }

    /** The server's certificate is not trusted (yet): says its fingerprint and how to pin it. */
    static final class NotTrustedException extends IOException {
        NotTrustedException(String message) {
            super(message);
        }
    }

    private final KnownServers known;
    private final Map<String, String> env;
    private final PrintWriter err;
    private final Prompt prompt;

    /** @param prompt the terminal, or null when there is none (then only a local daemon's certificate is taken) */
    ServerPins(KnownServers known, Map<String, String> env, PrintWriter err, Prompt prompt) {
        this.known = known;
        this.env = env;
        this.err = err;
        this.prompt = prompt;
    }

    /** The fingerprint to trust for {@code server}: {@code given} (checked), pinned, or confirmed now and pinned. */
    String trusted(ServerAddress server, String given) throws IOException {
        if (given != null) {
            return CertFingerprint.parse(given);
        }
        String key = server.address() + ":" + server.port();
        Optional<String> pinned = known.fingerprint(key);
        if (pinned.isPresent()) {
            return pinned.get();
        }
        String seen = ServerCertificate.fingerprint(server.uri());
        Optional<String> local = LocalDaemons.isThisMachine(server.address())
                ? LocalDaemons.read(env, server.port(), LocalDaemons.FINGERPRINT) : Optional.empty();
        if (local.isPresent() && local.get().equals(seen)) {
            known.pin(key, seen);
            err.println("tt: trusting " + key + " (" + seen + "): it is the certificate of the TT daemon serving on"
                    + " this machine; pinned in " + known.file());
            return seen;
        }
        String what = "the server " + key + " presents a certificate with the fingerprint " + seen + "; compare it"
                + " with the one its daemon logged at start (also in its state folder's tls/fingerprint)";
        if (prompt != null) {
            String answer = prompt.ask(what + ". Trust it? [y/N] ");
            if (answer != null && answer.strip().toLowerCase().matches("y|yes")) {
                known.pin(key, seen);
                err.println("tt: pinned " + seen + " for " + key + " in " + known.file());
                return seen;
            }
        }
        throw new NotTrustedException(what + ". It is not trusted yet: if it is the server's, pin it with tt config"
                + " --serv-addr " + server.address() + " --serv-port " + server.port() + " --fingerprint " + seen
                + " (or give --fingerprint, or TT_FINGERPRINT)");
    }

    /** Pins {@code fingerprint} for {@code server}. */
    void pin(ServerAddress server, String fingerprint) throws IOException {
        known.pin(server.address() + ":" + server.port(), CertFingerprint.parse(fingerprint));
    }

    Optional<String> pinned(ServerAddress server) throws IOException {
        return known.fingerprint(server.address() + ":" + server.port());
    }
}
