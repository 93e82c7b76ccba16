package tt.cli;

import tt.client.ApiException;
import tt.client.BackendClient;
import tt.client.ServerTrust;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The tokens TT daemons on this machine keep in the user's state folder, used when no token is set
 * and the server is on this machine: the local tt-backend's admin token, then the machine's pool
 * token (what a tt-host serves with by default). So the seed's walkthrough works on one machine
 * with no token step.
 */
final class LocalTokens {

    private LocalTokens() {
    }

    /**
     * The first local token the server takes (one probe call per token tried), the first one found
     * if the server does not answer, or null if there is none.
     */
    static String pick(URI server, ServerTrust trust, Map<String, String> env) {
        List<String> tokens = found(env);
        for (String token : tokens) {
            try {
                new BackendClient(server, token, trust).envs();
                return token;
            } catch (ApiException refused) {
                // not this server's token: try the next
            } catch (IOException unreachable) {
                return token;
            }
        }
        return tokens.isEmpty() ? null : tokens.get(0);
    }

    /** The readable, non-empty token files under {@code $XDG_STATE_HOME/tt} (or ~/.local/state/tt), in order. */
    static List<String> found(Map<String, String> env) {
        Path tt = TtMain.stateRoot(env);
        List<String> tokens = new ArrayList<>();
        for (Path file : List.of(tt.resolve("backend").resolve("token"), tt.resolve("pool-token"))) {
            try {
                String token = Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
                if (!token.isEmpty()) {
                    tokens.add(token);
                }
            } catch (IOException unreadable) {
                // not ours to read: the user gives the token with --token
            }
        }
        return tokens;
    }
}
