package tt.server;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The API and metrics token flags tt-host and tt-backend share (a picocli mixin): the token
 * clients must send (tt-backend's is its admin token), or none with --open, and the token of
 * GET /metrics. Each daemon's usage footer says where the API token comes from without a flag.
 */
public final class TokenOptions {

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The API token clients must send; without it or --token-file, see below.")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the API token from this file.")
    Path tokenFile;

    @Option(names = "--open", description = "Serve the API WITHOUT a token (trusted networks only).")
    boolean open;

    @Option(names = "--metrics-token-file", paramLabel = "FILE",
            description = "The token a Prometheus scraper sends for GET /metrics (default: made on first start and"
                    + " kept in the state folder's metrics-token).")
    Path metricsTokenFile;

    /** Refuses flags that contradict each other, before the daemon makes anything. */
    public void check() {
        if (token != null && tokenFile != null) {
            throw new IllegalArgumentException("give --token or --token-file, not both");
        }
        if (open && (token != null || tokenFile != null)) {
            throw new IllegalArgumentException("--open serves without a token: drop --token");
        }
    }

    /** The API token: null with --open, else the one given, else the one in {@code keptFile} (made on first use). */
    public String apiToken(Path keptFile) throws IOException {
        check();
        return open ? null : TokenFiles.resolve(token, tokenFile, keptFile);
    }

    /** Where {@link #apiToken} takes the token from, for the start-up log; {@code kept} names {@code keptFile}. */
    public String apiTokenSource(String kept, Path keptFile) {
        return open ? "OPEN, no token" : token != null ? "token from --token"
                : tokenFile != null ? "token from " + tokenFile : kept + " in " + keptFile;
    }

    /** The metrics token: the one in --metrics-token-file, else the one kept in {@code stateDir} (made on first use). */
    public String metricsToken(Path stateDir) throws IOException {
        return TokenFiles.resolve(null, metricsTokenFile, stateDir.resolve("metrics-token"));
    }
}
